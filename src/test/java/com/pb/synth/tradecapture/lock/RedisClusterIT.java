package com.pb.synth.tradecapture.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.pb.synth.tradecapture.support.Fixtures;
import com.pb.synth.tradecapture.support.LocalRedisCluster;
import com.pb.synth.tradecapture.support.RealServers;
import com.pb.synth.tradecapture.support.ServiceTestBase;
import com.pb.synth.tradecapture.support.Topics;
import com.pb.synth.tradecapture.support.TradeRequests;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * Capture against a real Redis Cluster (three masters, a replica each): a batch's keys fall in
 * many hash slots on every master, and a master that dies mid-stream is failed over to its replica
 * without a trade lost, applied twice or a position wrong.
 */
@QuarkusTest
@QuarkusTestResource(value = RealServers.class, initArgs = @ResourceArg(name = "redis", value = "cluster"),
        restrictToAnnotatedClass = true)
class RedisClusterIT extends ServiceTestBase {

    private static final String[] SECURITIES = {"US0378331005", "US5949181045", "US0231351067", "US02079K3059",
            "US30303M1027", "US88160R1014", "GB0005405286", "DE0007164600", "FR0000120271", "JP3633400001"};
    private static final int PER_KEY = 3;

    @Test
    void batchesSpanningEveryMasterAreCapturedAndAKilledMasterIsFailedOverWithoutLossOrDoubleApply()
            throws Exception {
        LocalRedisCluster cluster = LocalRedisCluster.current();
        List<String> accounts = Fixtures.accounts(pool, reference, "RC", 10);
        List<String> keys = new ArrayList<>();
        for (String account : accounts) {
            for (int b = 1; b <= 5; b++) {
                for (String security : SECURITIES) {
                    keys.add(account + "_BOOK-0" + b + "_" + security);
                }
            }
        }
        Set<Integer> masters = new HashSet<>();
        Set<Integer> slots = new HashSet<>();
        for (String key : keys) {
            slots.add(PartitionLock.slot(key));
            masters.add(cluster.masterOf(PartitionLock.slot(key)));
        }
        assertThat(masters).as("the keys live on every master").hasSize(3);
        assertThat(slots.size()).as("distinct hash slots").isGreaterThan(400);

        String run = TradeRequests.unique("RC");
        Map<String, BigDecimal> expected = new HashMap<>();
        Topics.send(bootstrap, trades(run, keys, 0, expected));
        awaitStored(run, (long) keys.size(), Duration.ofMinutes(2));

        // A master dies while the next trades are captured; its replica takes over its slots.
        int victim = cluster.masterOf(PartitionLock.slot(keys.get(0)));
        List<ProducerRecord<String, byte[]>> more = new ArrayList<>();
        for (int round = 1; round < PER_KEY; round++) {
            more.addAll(trades(run, keys, round, expected));
        }
        Topics.send(bootstrap, more.subList(0, more.size() / 4));
        cluster.stopNode(victim);
        Topics.send(bootstrap, more.subList(more.size() / 4, more.size()));
        int slot = PartitionLock.slot(keys.get(0));
        await("the replica took over the dead master's slots").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> cluster.healthy() && cluster.masterOf(slot) != victim);
        awaitStored(run, (long) keys.size() * PER_KEY, Duration.ofMinutes(2));

        assertThat(Fixtures.count(pool, "SELECT count(DISTINCT trade_id) FROM trade_versions WHERE trade_id LIKE $1",
                run + "-%")).isEqualTo((long) keys.size() * PER_KEY);
        Fixtures.assertPositions(pool, expected, PER_KEY);
    }

    private static List<ProducerRecord<String, byte[]>> trades(String run, List<String> keys, int round,
                                                              Map<String, BigDecimal> expected) {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        for (int k = 0; k < keys.size(); k++) {
            String[] parts = keys.get(k).split("_");
            TradeRequests.Builder t = TradeRequests.trade(run + "-" + k + "-" + round).key(parts[0], parts[1], parts[2])
                    .quantity(Integer.toString(1 + (k * 7 + round) % 89));
            expected.merge(t.key(), t.signedQuantity(), BigDecimal::add);
            records.add(Topics.record(RealServers.IN, t.key(), t.json()));
        }
        return records;
    }

    private void awaitStored(String run, long n, Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(500)).until(() ->
                Fixtures.count(pool, "SELECT count(*) FROM trade_versions WHERE trade_id LIKE $1", run + "-%") == n);
    }
}
