package com.pb.synth.tradecapture.lock;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a batch's keys are cut into Redis round trips, against one Redis and against a cluster. */
class PartitionLockRoundsTest {

    private static List<String> keys(int n) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            keys.add("ACC-" + i + "_BOOK-01_US0378331005");
        }
        return keys;
    }

    @Test
    void oneRedisTakesChunksOfTheRoundTripSizeInOrder() {
        List<List<List<String>>> rounds = PartitionLock.rounds(keys(1201), 500, false);
        assertThat(rounds).hasSize(3);
        assertThat(rounds).allSatisfy(r -> assertThat(r).hasSize(1));
        assertThat(rounds.get(0).get(0)).hasSize(500);
        assertThat(rounds.get(2).get(0)).hasSize(201);
        assertThat(rounds.stream().flatMap(r -> r.get(0).stream()).toList()).isEqualTo(keys(1201));
    }

    @Test
    void aClusterGetsOnePipelinePerHashSlotAndEveryKeyOnce() {
        List<String> all = keys(3000);
        List<List<List<String>>> rounds = PartitionLock.rounds(all, 500, true);
        List<String> seen = new ArrayList<>();
        for (List<List<String>> round : rounds) {
            assertThat(round.stream().mapToInt(List::size).sum()).isLessThanOrEqualTo(500);
            for (List<String> pipeline : round) {
                assertThat(pipeline.stream().map(PartitionLock::slot).distinct()).hasSize(1);
                seen.addAll(pipeline);
            }
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(all);
    }

    @Test
    void aSlotWithMoreKeysThanARoundTripIsSplit() {
        // keys that differ only outside their hash tag share one slot
        List<String> sameSlot = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            sameSlot.add("HOT}" + i);
        }
        assertThat(sameSlot.stream().map(PartitionLock::slot).distinct()).hasSize(1);
        List<List<List<String>>> rounds = PartitionLock.rounds(sameSlot, 3, true);
        assertThat(rounds).hasSize(3);
        assertThat(rounds.stream().mapToInt(r -> r.get(0).size()).toArray()).containsExactly(3, 3, 1);
    }

    @Test
    void aKeysLockAndFenceShareASlot() {
        for (String key : keys(200)) {
            assertThat(io.vertx.redis.client.impl.ZModem.generate(PartitionLock.fenceKey(key)))
                    .isEqualTo(PartitionLock.slot(key));
        }
    }
}
