package com.pb.synth.tradecapture.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PartitionKeyTest {

    @Test
    void theIdCheckAgreesWithTheDocumentedPatternOnEveryCharacterAndLength() {
        List<String> ids = new ArrayList<>(List.of("", "A", "a.b-C9", "x".repeat(64), "x".repeat(65), "ACC_001", "ACC 001",
                "٣", "Ａ", "é", "ACC-001\n", "\u0000"));
        for (char c = 0; c < 512; c++) {
            ids.add("A" + c + "9");
        }
        for (String id : ids) {
            assertThat(PartitionKey.isValidId(id)).as("'%s'", id).isEqualTo(PartitionKey.ID.matcher(id).matches());
        }
        assertThat(PartitionKey.isValidId(null)).isFalse();
    }

    @Test
    void aKeyIsItsThreeIdsJoinedAndRefusesAnIdOfAnotherShape() {
        PartitionKey key = new PartitionKey("ACC-001", "BOOK-01", "US0378331005");
        assertThat(key.value()).isEqualTo("ACC-001_BOOK-01_US0378331005");
        assertThatThrownBy(() -> new PartitionKey("ACC_001", "BOOK-01", "US0378331005"))
                .hasMessageContaining("accountId");
    }
}
