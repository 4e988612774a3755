package com.pb.synth.tradecapture.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

/** The check reads only the partitions the producer put the events on: its partition of a key is the producer's. */
class PublicationCheckTest {

    @Test
    void aKeysPartitionIsTheDefaultPartitionersForAnyPartitionCount() {
        SplittableRandom random = new SplittableRandom(11);
        for (int n : new int[] {1, 2, 3, 12, 13, 64}) {
            for (int i = 0; i < 2_000; i++) {
                String key = String.format("ACC-%03d_BOOK-%02d_SEC-%d", random.nextInt(1000), random.nextInt(100),
                        random.nextInt());
                assertThat(PublicationCheck.partitionOf(key, n))
                        .isEqualTo(BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), n));
            }
        }
        assertThat(PublicationCheck.partitionOf("", 12)).isBetween(0, 11);
    }
}
