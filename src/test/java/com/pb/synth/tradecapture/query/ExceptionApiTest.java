package com.pb.synth.tradecapture.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.pb.synth.tradecapture.ingest.IngestService;
import org.junit.jupiter.api.Test;

class ExceptionApiTest {

    @Test
    void aRepairsKeyIsPerExceptionAndCallerAndNeverTooLong() {
        assertThat(ExceptionApi.repairKey(42, "ops-user")).isEqualTo("repair-42-ops-user");
        assertThat(ExceptionApi.repairKey(42, "ops-user")).isNotEqualTo(ExceptionApi.repairKey(43, "ops-user"))
                .isNotEqualTo(ExceptionApi.repairKey(42, "ops-2"));
        String longName = "u".repeat(IngestService.MAX_IDEMPOTENCY_KEY);
        String key = ExceptionApi.repairKey(Long.MAX_VALUE, longName);
        assertThat(key).hasSizeLessThanOrEqualTo(IngestService.MAX_IDEMPOTENCY_KEY).startsWith("repair-" + Long.MAX_VALUE);
        assertThat(ExceptionApi.repairKey(Long.MAX_VALUE, longName)).isEqualTo(key);
        assertThat(ExceptionApi.repairKey(Long.MAX_VALUE, longName + "x")).isNotEqualTo(key);
        // one past the limit is hashed, the limit itself is not
        String fits = "v".repeat(IngestService.MAX_IDEMPOTENCY_KEY - "repair-1-".length());
        assertThat(ExceptionApi.repairKey(1, fits)).isEqualTo("repair-1-" + fits);
        assertThat(ExceptionApi.repairKey(1, fits + "v")).contains("-sha256-");
    }
}
