package com.pb.synth.tradecapture.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pb.synth.tradecapture.domain.Position;
import com.pb.synth.tradecapture.support.CapturedEvents;
import com.pb.synth.tradecapture.support.Fixtures;
import com.pb.synth.tradecapture.support.RealServers;
import com.pb.synth.tradecapture.support.ServiceTestBase;
import com.pb.synth.tradecapture.support.TradeRequests;
import com.pb.synth.tradecapture.support.Topics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(RealServers.class)
class RedeliveryIT extends ServiceTestBase {

    @Inject
    KafkaClientService kafkaClients;

    @Test
    void redeliveredRecordsLeavePositionsUnchangedAndRepublishAsFirstCaptured() {
        redeliver("REDO", false);
    }

    /**
     * The published marks lost (below the records, as after a crash just after the broker's
     * acknowledgement): the service reads the captured topic, finds the events and republishes them
     * as DUPLICATE, never CAPTURED a second time; positions do not move.
     */
    @Test
    void redeliveredRecordsAboveThePublishedMarkWhoseEventsWentOutAreDuplicates() {
        redeliver("REPUB", true);
    }

    /**
     * A writer that committed and stopped before publishing (a crash, a freeze): its version is
     * stored, its event is not on the topic and the record is read again above its partition's mark.
     * The stored event goes out as first written, CAPTURED, exactly once: no trade is left without one.
     */
    @Test
    void aStoredVersionWhoseEventNeverWentOutIsPublishedCapturedWhenItsRecordIsReadAgain() throws Exception {
        String account = Fixtures.accounts(pool, reference, "UNPUB", 1).get(0);
        TradeRequests.Builder t = TradeRequests.trade(TradeRequests.unique("UNPUB")).key(account, "BOOK-03", "US0378331005")
                .quantity("42");
        int partition = Math.floorMod(t.key().hashCode(), RealServers.IN_PARTITIONS);
        org.apache.kafka.common.TopicPartition tp = new org.apache.kafka.common.TopicPartition(RealServers.IN, partition);
        long offset;
        java.util.Properties props = new java.util.Properties();
        props.put("bootstrap.servers", bootstrap);
        try (var admin = org.apache.kafka.clients.admin.Admin.create(props)) {
            offset = admin.listOffsets(Map.of(tp, org.apache.kafka.clients.admin.OffsetSpec.latest())).all().get()
                    .get(tp).offset();
        }
        String stored = "{\"tradeId\":\"" + t.tradeId() + "\",\"version\":1,\"partitionKey\":\"" + t.key()
                + "\",\"status\":\"CAPTURED\",\"note\":\"stored by a writer that stopped before publishing\"}";
        // what that writer committed: the version, captured from the record about to land at `offset`
        Fixtures.query(pool, "INSERT INTO trade_versions (trade_id, version, partition_key, action, signed_quantity, "
                + "signed_notional, live, pending, sequence_number, idempotency_key, fencing_token, source_partition, "
                + "source_offset, captured_at, captured_event) VALUES ($1, 1, $2, 'NEW', 42, 420, true, false, NULL, NULL, "
                + "1, $3, $4, now(), $5)", t.tradeId(), t.key(), partition, offset,
                io.vertx.core.buffer.Buffer.buffer(stored.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        try (CapturedEvents events = new CapturedEvents(bootstrap, List.of(t.key()))) {
            RecordMetadata landed = Topics.send(bootstrap, List.of(new org.apache.kafka.clients.producer.ProducerRecord<>(
                    RealServers.IN, partition, t.key(), t.json().getBytes(java.nio.charset.StandardCharsets.UTF_8)))).get(0);
            assertThat(landed.offset()).as("the record landed where the stored version says").isEqualTo(offset);
            await().atMost(Duration.ofMinutes(1)).until(() -> !events.poll().isEmpty());
            // and no second event for it follows
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> events.poll().size() == 1);
            List<JsonNode> all = events.poll();
            assertThat(all).hasSize(1);
            assertThat(all.get(0).get("status").asText()).isEqualTo("CAPTURED");
            assertThat(all.get(0).get("note").asText()).isEqualTo("stored by a writer that stopped before publishing");
        }
        assertThat(Fixtures.count(pool, "SELECT count(*) FROM trade_versions WHERE trade_id = $1", t.tradeId())).isEqualTo(1);
    }

    private void redeliver(String prefix, boolean marksLost) {
        String account = Fixtures.accounts(pool, reference, prefix, 1).get(0);
        String run = TradeRequests.unique(prefix);
        List<TradeRequests.Builder> trades = new ArrayList<>();
        Set<String> keys = new LinkedHashSet<>();
        for (int k = 0; k < 20; k++) {
            String security = k % 2 == 0 ? "US0378331005" : "GB0005405286";
            String book = "BOOK-0" + (1 + k / 2 % 9);
            for (int t = 0; t < 5; t++) {
                String id = run + "-" + k + "-" + t;
                trades.add(TradeRequests.trade(id).key(account, book, security).quantity(Integer.toString(10 + t)));
            }
            String first = run + "-" + k + "-0";
            trades.add(TradeRequests.trade(first).key(account, book, security).action("CORRECT", 2).quantity("7"));
            trades.add(TradeRequests.trade(run + "-" + k + "-1").key(account, book, security).action("CANCEL", 2));
            keys.add(trades.get(trades.size() - 1).key());
        }
        List<RecordMetadata> landed = Topics.send(bootstrap, Topics.inputs(trades));

        try (CapturedEvents events = new CapturedEvents(bootstrap, keys)) {
            await().atMost(Duration.ofMinutes(1)).until(() -> events.count("CAPTURED") == trades.size());
            Map<String, Position> before = new HashMap<>();
            keys.forEach(key -> before.put(key, Fixtures.position(pool, key).orElseThrow()));
            Map<String, JsonNode> firstCaptured = new HashMap<>();
            events.poll().forEach(e -> firstCaptured.put(id(e), e));

            // Reset the service's consumers to where this test's records start: Kafka delivers them again.
            Map<TopicPartition, Long> from = new HashMap<>();
            Map<Integer, Long> last = new HashMap<>();
            for (RecordMetadata m : landed) {
                from.merge(new TopicPartition(m.topic(), m.partition()), m.offset(), Math::min);
                last.merge(m.partition(), m.offset(), Math::max);
            }
            // The published marks reach the records once their events are acknowledged.
            await().atMost(Duration.ofSeconds(20)).until(() -> last.entrySet().stream().allMatch(e -> Fixtures.count(pool,
                    "SELECT count(*) FROM published_offsets WHERE topic = $1 AND partition_no = $2 AND published_offset >= $3",
                    RealServers.IN, e.getKey(), e.getValue()) == 1));
            if (marksLost) {
                for (TopicPartition tp : from.keySet()) {
                    Fixtures.query(pool, "UPDATE published_offsets SET published_offset = $3 WHERE topic = $1 "
                            + "AND partition_no = $2", RealServers.IN, tp.partition(), from.get(tp) - 1);
                }
            }
            // The channel's concurrency copies are named trades-in$1, trades-in$2, ...
            List<KafkaConsumer<Object, Object>> consumers = kafkaClients.getConsumerChannels().stream()
                    .filter(channel -> channel.startsWith("trades-in"))
                    .flatMap(channel -> kafkaClients.<Object, Object>getConsumers(channel).stream()).toList();
            assertThat(consumers).isNotEmpty();
            for (KafkaConsumer<Object, Object> consumer : consumers) {
                consumer.runOnPollingThread(c -> {
                    for (TopicPartition tp : c.assignment()) {
                        if (from.containsKey(tp)) {
                            c.seek(tp, from.get(tp));
                        }
                    }
                }).await().atMost(Duration.ofSeconds(10));
            }

            String status = "DUPLICATE";
            int expectedCaptured = trades.size();
            await().atMost(Duration.ofMinutes(1)).until(() -> events.count(status) >= trades.size());
            List<JsonNode> again = events.poll().stream()
                    .filter(e -> e.get("status").asText().equals(status)).toList();
            assertThat(again.stream().map(RedeliveryIT::id).distinct()).hasSize(trades.size());
            for (JsonNode republished : again) {
                JsonNode original = firstCaptured.get(id(republished));
                ObjectNode expected = original.deepCopy();
                expected.put("status", status);
                assertThat(republished).as("republished %s", id(republished)).isEqualTo(expected);
            }
            keys.forEach(key -> assertThat(Fixtures.position(pool, key).orElseThrow())
                    .as("position of %s", key).isEqualTo(before.get(key)));
            assertThat(events.count("CAPTURED")).isEqualTo(expectedCaptured);
            assertThat(events.count("DUPLICATE")).isEqualTo(trades.size());
        }
        assertThat(Fixtures.count(pool, "SELECT count(*) FROM trade_versions WHERE trade_id LIKE $1", run + "-%"))
                .isEqualTo(trades.size());
    }

    private static String id(JsonNode event) {
        return event.get("tradeId").asText() + "#" + event.get("version").asInt();
    }
}
