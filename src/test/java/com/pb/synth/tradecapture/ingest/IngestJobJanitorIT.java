package com.pb.synth.tradecapture.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.pb.synth.tradecapture.support.Fixtures;
import com.pb.synth.tradecapture.support.RealServers;
import com.pb.synth.tradecapture.support.ServiceTestBase;
import com.pb.synth.tradecapture.support.TradeRequests;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(RealServers.class)
class IngestJobJanitorIT extends ServiceTestBase {

    @Inject
    IngestJobJanitor janitor;

    @Test
    void dropsDeadReservationsAndExpiredJobsButKeepsLiveOnesAndOwedCallbacks() {
        String run = TradeRequests.unique("JAN");
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        insert(run + "-dead-reservation", now.minusMinutes(5), null, null);
        insert(run + "-live-reservation", now.minusSeconds(2), null, null);
        insert(run + "-expired", now.minusDays(40), now.minusDays(40), null);
        insert(run + "-expired-callback-owed", now.minusDays(40), now.minusDays(40), "PENDING");
        insert(run + "-expired-callback-failed", now.minusDays(40), now.minusDays(40), "FAILED");
        insert(run + "-recent", now.minusDays(1), now.minusDays(1), null);

        janitor.clean().await().atMost(Duration.ofSeconds(30));

        List<String> left = Fixtures.query(pool, "SELECT job_id FROM ingest_jobs WHERE job_id LIKE $1 ORDER BY job_id",
                run + "-%").stream().map(r -> r.getString(0).substring(run.length() + 1)).toList();
        assertThat(left).containsExactly("expired-callback-owed", "live-reservation", "recent");
    }

    private void insert(String jobId, OffsetDateTime created, OffsetDateTime accepted, String callbackStatus) {
        Long offset = accepted == null ? null : 1L;
        Fixtures.query(pool, "INSERT INTO ingest_jobs (job_id, trade_id, version, partition_key, created_at, "
                        + "accepted_at, source_topic, source_partition, source_offset, callback_status) "
                        + "VALUES ($1, $1, 1, 'K', $2, $3, 'in', 0, $4, $5)",
                jobId, created, accepted, offset, callbackStatus);
    }
}
