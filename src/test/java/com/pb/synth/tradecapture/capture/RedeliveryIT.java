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
     * As if each writer had stopped between its commit and its publish (a crash, a freeze, a lost
     * partition): the partitions' published marks are below the records, so the redelivered
     * records' stored events go out again as first written, CAPTURED, and no trade is left without
     * one; positions still do not move.
     */
    @Test
    void redeliveredRecordsAboveThePublishedMarkArePublishedAsCapturedAsFirstWritten() {
        redeliver("REPUB", true);
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

            String status = marksLost ? "CAPTURED" : "DUPLICATE";
            int expectedCaptured = marksLost ? 2 * trades.size() : trades.size();
            int expectedOfStatus = marksLost ? expectedCaptured : trades.size();
            await().atMost(Duration.ofMinutes(1)).until(() -> events.count(status) >= expectedOfStatus);
            List<JsonNode> again = new ArrayList<>(events.poll().stream()
                    .filter(e -> e.get("status").asText().equals(status)).toList());
            if (marksLost) {
                // the first publication of each is in the list too: keep the second of each
                Map<String, JsonNode> second = new HashMap<>();
                Set<String> seen = new java.util.HashSet<>();
                for (JsonNode e : again) {
                    if (!seen.add(id(e))) {
                        second.put(id(e), e);
                    }
                }
                again = new ArrayList<>(second.values());
            }
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
            assertThat(events.count("DUPLICATE")).isEqualTo(marksLost ? 0 : trades.size());
        }
        assertThat(Fixtures.count(pool, "SELECT count(*) FROM trade_versions WHERE trade_id LIKE $1", run + "-%"))
                .isEqualTo(trades.size());
    }

    private static String id(JsonNode event) {
        return event.get("tradeId").asText() + "#" + event.get("version").asInt();
    }
}
