package com.pb.synth.tradecapture.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pb.synth.tradecapture.domain.Position;
import com.pb.synth.tradecapture.support.Fixtures;
import com.pb.synth.tradecapture.support.RealServers;
import com.pb.synth.tradecapture.support.ServiceTestBase;
import com.pb.synth.tradecapture.support.TradeRequests;
import com.pb.synth.tradecapture.support.Topics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(RealServers.class)
class CaptureEndToEndIT extends ServiceTestBase {

    private static final Logger LOG = Logger.getLogger(CaptureEndToEndIT.class);
    private static final ObjectMapper JSON = new ObjectMapper();


    /** One key's scripted life: new trades, corrections, cancels, a sell; order matters for the result. */
    private static List<TradeRequests.Builder> script(String account, String book, String security, Random random,
                                                      String run) {
        String prefix = run + "-" + account.substring(account.lastIndexOf('-') + 1) + "-" + book + "-" + security;
        List<TradeRequests.Builder> ops = new ArrayList<>();
        String a = prefix + "-a", b = prefix + "-b", c = prefix + "-c", d = prefix + "-d", e = prefix + "-e",
                f = prefix + "-f";
        ops.add(TradeRequests.trade(a));
        ops.add(TradeRequests.trade(b));
        ops.add(TradeRequests.trade(c));
        ops.add(TradeRequests.trade(a).action("CORRECT", 2));
        ops.add(TradeRequests.trade(d).side("SELL"));
        ops.add(TradeRequests.trade(b).action("CANCEL", 2));
        ops.add(TradeRequests.trade(e));
        ops.add(TradeRequests.trade(c).action("CORRECT", 2).side("SELL"));
        ops.add(TradeRequests.trade(f));
        ops.add(TradeRequests.trade(a).action("CORRECT", 3));
        long seq = 1;
        for (TradeRequests.Builder op : ops) {
            op.key(account, book, security).sequence(seq++)
                    .quantity(Integer.toString(1 + random.nextInt(5000)))
                    .price(BigDecimal.valueOf(1000 + random.nextInt(90000), 2).toPlainString());
        }
        return ops;
    }

    /** The position a key's script must leave, computed here from the script alone. */
    private static BigDecimal[] expected(List<TradeRequests.Builder> ops) {
        Map<String, BigDecimal[]> live = new HashMap<>();
        for (TradeRequests.Builder op : ops) {
            String action = op.node().get("action").asText();
            if (action.equals("CANCEL")) {
                live.remove(op.tradeId());
            } else {
                live.put(op.tradeId(), new BigDecimal[] {op.signedQuantity(), op.signedNotional()});
            }
        }
        BigDecimal q = BigDecimal.ZERO, n = BigDecimal.ZERO;
        for (BigDecimal[] v : live.values()) {
            q = q.add(v[0]);
            n = n.add(v[1]);
        }
        return new BigDecimal[] {q, n, BigDecimal.valueOf(live.size())};
    }

    private static boolean isCaptured(byte[] event) {
        return new String(event, java.nio.charset.StandardCharsets.UTF_8).contains("\"status\":\"CAPTURED\"");
    }

    @Test
    void tenThousandTradesOverAThousandKeysAreCapturedOnceInKeyOrder() throws Exception {
        Random random = new Random(42);
        String run = TradeRequests.unique("E2E");
        List<String> accounts = Fixtures.accounts(pool, reference, "E2E", 10);
        // The 50 listed equities of the demo reference data, as the service itself holds them.
        List<String> securities = new ArrayList<>();
        Fixtures.query(pool, "SELECT security_id FROM securities WHERE status = 'ACTIVE' ORDER BY security_id")
                .forEach(row -> securities.add(row.getString(0)));
        assertThat(securities).hasSize(50);
        Map<String, List<TradeRequests.Builder>> scripts = new LinkedHashMap<>();
        for (String account : accounts) {
            for (String book : List.of("BOOK-01", "BOOK-02")) {
                for (String security : securities) {
                    scripts.put(account + "_" + book + "_" + security, script(account, book, security, random, run));
                }
            }
        }
        assertThat(scripts).hasSize(1000);

        // Interleave the keys at random, each key's own trades staying in script order.
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>(10_000);
        Map<String, Integer> next = new HashMap<>();
        List<String> pending = new ArrayList<>(scripts.keySet());
        while (!pending.isEmpty()) {
            int i = random.nextInt(pending.size());
            String key = pending.get(i);
            int n = next.merge(key, 1, Integer::sum) - 1;
            records.add(Topics.record(RealServers.IN, key, scripts.get(key).get(n).json()));
            if (n == 9) {
                pending.set(i, pending.get(pending.size() - 1));
                pending.remove(pending.size() - 1);
            }
        }
        assertThat(records).hasSize(10_000);

        long start = System.nanoTime();
        Topics.send(bootstrap, records);
        Map<String, List<JsonNode>> eventsByKey = new HashMap<>();
        try (Topics.Reader reader = new Topics.Reader(bootstrap, RealServers.CAPTURED)) {
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(50)).until(() -> reader.poll().stream()
                    .filter(r -> scripts.containsKey(r.key()) && isCaptured(r.value())).count() >= 10_000);
            double seconds = (System.nanoTime() - start) / 1e9;
            LOG.infof("CAPTURE RATE: 10000 trades over 1000 keys captured in %.2f s = %.0f trades/s", seconds,
                    10_000 / seconds);
            for (ConsumerRecord<String, byte[]> r : reader.poll()) {
                if (scripts.containsKey(r.key())) {
                    eventsByKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(JSON.readTree(r.value()));
                }
            }
        }

        for (var entry : scripts.entrySet()) {
            String key = entry.getKey();
            // A rebalance may redeliver a batch that was in flight: its trades come out again as
            // DUPLICATE, identical to their first capture. Each version is CAPTURED exactly once.
            List<JsonNode> all = eventsByKey.get(key);
            List<JsonNode> events = all.stream().filter(e -> e.get("status").asText().equals("CAPTURED")).toList();
            assertThat(events).as("captured events of %s", key).hasSize(10);
            assertThat(events.stream().map(e -> e.get("sequenceNumber").asLong()).toList())
                    .as("output order of %s", key).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
            for (JsonNode duplicate : all.stream().filter(e -> !e.get("status").asText().equals("CAPTURED")).toList()) {
                assertThat(duplicate.get("status").asText()).isEqualTo("DUPLICATE");
                JsonNode first = events.get(duplicate.get("sequenceNumber").asInt() - 1).deepCopy();
                ((com.fasterxml.jackson.databind.node.ObjectNode) first).put("status", "DUPLICATE");
                assertThat(duplicate).isEqualTo(first);
            }
            BigDecimal[] want = expected(entry.getValue());
            Position got = Fixtures.position(pool, key).orElseThrow();
            assertThat(got.quantity()).as("quantity of %s", key).isEqualByComparingTo(want[0]);
            assertThat(got.notional()).as("notional of %s", key).isEqualByComparingTo(want[1]);
            assertThat(got.tradeCount()).as("trade count of %s", key).isEqualTo(want[2].intValue());
            JsonNode last = events.get(9).get("position");
            assertThat(last.get("quantity").decimalValue()).isEqualByComparingTo(want[0]);
        }
        assertThat(Fixtures.count(pool, "SELECT count(*) FROM trade_versions WHERE trade_id LIKE $1", run + "-%"))
                .isEqualTo(10_000);
    }
}
