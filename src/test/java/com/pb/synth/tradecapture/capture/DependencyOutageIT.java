package com.pb.synth.tradecapture.capture;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.pb.synth.tradecapture.support.CapturedEvents;
import com.pb.synth.tradecapture.support.Fixtures;
import com.pb.synth.tradecapture.support.RealServers;
import com.pb.synth.tradecapture.support.ServiceTestBase;
import com.pb.synth.tradecapture.support.ServerControl;
import com.pb.synth.tradecapture.support.TradeRequests;
import com.pb.synth.tradecapture.support.Topics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(RealServers.class)
class DependencyOutageIT extends ServiceTestBase {

    private static final int KEYS = 30;
    private static final String LAG = "kafka_consumer_lag";
    /** Per partition, the records of the wave that waited out the last outage. */
    private final Map<Integer, Long> lagDuringOutage = new HashMap<>();

    private static double lagOf(int partition) {
        return Fixtures.meter(LAG, Map.of("partition", Integer.toString(partition)));
    }

    @ConfigProperty(name = "mp.messaging.incoming.trades-in.group.id")
    String group;

    @Test
    void redisThenPostgresDownMidStreamLosesNothingAndResumesByItself() throws Exception {
        String account = Fixtures.accounts(pool, reference, "OUTAGE", 1).get(0);
        String run = TradeRequests.unique("OUT");
        Map<String, BigDecimal> expected = new HashMap<>();
        try (CapturedEvents events = new CapturedEvents(bootstrap, keysOf(account))) {
            sendWave(run, 1, account, expected);
            await().atMost(Duration.ofSeconds(30)).until(() -> events.count("CAPTURED") == KEYS * 5);

            outage("stopRedis", "startRedis", run, 2, account, expected, events);
            outage("stopPostgres", "startPostgres", run, 3, account, expected, events);
            await().atMost(Duration.ofSeconds(30)).until(this::ready);
            assertThat(events.count("DUPLICATE")).isZero();
        }
        assertThat(Fixtures.count(pool, "SELECT count(*) FROM trade_versions WHERE trade_id LIKE $1", run + "-%"))
                .isEqualTo(KEYS * 15);
        // An outage is retried, never taken for a record's fault: nothing was set aside.
        assertThat(Fixtures.count(pool, "SELECT count(*) FROM trade_exceptions WHERE trade_id LIKE $1", run + "-%"))
                .isZero();
        for (var e : expected.entrySet()) {
            assertThat(Fixtures.position(pool, e.getKey()).orElseThrow().quantity()).as(e.getKey())
                    .isEqualByComparingTo(e.getValue());
        }
    }

    /** Takes a dependency away, sends a wave that must wait for it, brings it back, sees the wave captured. */
    private void outage(String stop, String start, String run, int wave, String account,
                        Map<String, BigDecimal> expected, CapturedEvents events) throws Exception {
        int before = KEYS * 5 * (wave - 1);
        ServerControl.invoke(stop);
        try {
            List<RecordMetadata> waiting = sendWave(run, wave, account, expected);
            await().atMost(Duration.ofSeconds(20)).until(() -> !ready());
            Fixtures.management().get("/q/health/live").then().statusCode(200);
            Fixtures.management().get("/q/health/ready").then().statusCode(200);
            // the lag gauge reads the broker, not the (paused) consumer: on each partition at least the
            // wave's records on it wait (none of them can be committed)
            Map<Integer, Long> waitingPerPartition = new HashMap<>();
            waiting.forEach(m -> waitingPerPartition.merge(m.partition(), 1L, Long::sum));
            await().atMost(Duration.ofSeconds(20)).until(() -> waitingPerPartition.entrySet().stream()
                    .allMatch(e -> lagOf(e.getKey()) >= e.getValue()));
            lagDuringOutage.clear();
            lagDuringOutage.putAll(waitingPerPartition);
            assertNotCommittedPast(waiting);
            assertThat(events.count("CAPTURED")).as("nothing captured after %s", stop).isEqualTo(before);
        } finally {
            ServerControl.invoke(start);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> events.count("CAPTURED") == before + KEYS * 5);
        // caught up and committed: the wave no longer shows in the gauge
        await().atMost(Duration.ofSeconds(20)).until(() -> lagDuringOutage.entrySet().stream()
                .allMatch(e -> lagOf(e.getKey()) < e.getValue()));
    }

    private static List<String> keysOf(String account) {
        List<String> keys = new ArrayList<>();
        for (int k = 0; k < KEYS; k++) {
            keys.add(account + "_BOOK-0" + (1 + k % 9) + "_" + (k < 9 ? "US0378331005" : k < 18 ? "GB0005405286" : k < 27 ? "JP3633400001" : "DE0007164600"));
        }
        return keys;
    }

    private List<RecordMetadata> sendWave(String run, int wave, String account, Map<String, BigDecimal> expected) {
        List<TradeRequests.Builder> trades = new ArrayList<>();
        List<String> keys = keysOf(account);
        for (int k = 0; k < KEYS; k++) {
            String[] parts = keys.get(k).split("_");
            for (int t = 0; t < 5; t++) {
                TradeRequests.Builder trade = TradeRequests.trade(run + "-" + wave + "-" + k + "-" + t)
                        .key(parts[0], parts[1], parts[2]).quantity(Integer.toString(wave * 100 + t))
                        .side(t == 4 ? "SELL" : "BUY");
                expected.merge(trade.key(), trade.signedQuantity(), BigDecimal::add);
                trades.add(trade);
            }
        }
        return Topics.send(bootstrap, Topics.inputs(trades));
    }

    /** No partition's committed offset has moved past the first record of the wave that waits. */
    private void assertNotCommittedPast(List<RecordMetadata> waiting) {
        Map<TopicPartition, Long> firstWaiting = new HashMap<>();
        waiting.forEach(m -> firstWaiting.merge(new TopicPartition(m.topic(), m.partition()), m.offset(), Math::min));
        Map<TopicPartition, Long> committed = Topics.committed(bootstrap, group);
        for (var e : firstWaiting.entrySet()) {
            assertThat(committed.getOrDefault(e.getKey(), 0L)).as("committed offset of %s", e.getKey())
                    .isLessThanOrEqualTo(e.getValue());
        }
    }

    /** Capture health UP (readiness stays UP through the outage: {@code outage} checks it). */
    private boolean ready() {
        return Fixtures.capturing();
    }
}
