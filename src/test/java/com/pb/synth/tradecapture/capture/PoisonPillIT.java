package com.pb.synth.tradecapture.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.pb.synth.tradecapture.support.CapturedEvents;
import com.pb.synth.tradecapture.support.Fixtures;
import com.pb.synth.tradecapture.support.RealServers;
import com.pb.synth.tradecapture.support.ServiceTestBase;
import com.pb.synth.tradecapture.support.TradeRequests;
import com.pb.synth.tradecapture.support.Topics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Row;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(RealServers.class)
class PoisonPillIT extends ServiceTestBase {

    @Test
    void poisonPillsGoToTheDlqWithReasonAndCaptureGoesOn() {
        String account = Fixtures.accounts(pool, reference, "POISON", 1).get(0);
        TradeRequests.Builder valid = TradeRequests.trade(TradeRequests.unique("POISON-OK")).key(account, "BOOK-04", "US0231351067");
        String key = valid.key();

        var missingLots = TradeRequests.trade(TradeRequests.unique("POISON-ML")).key(account, "BOOK-04", "US0231351067").node();
        missingLots.remove("tradeLots");
        String negative = TradeRequests.trade(TradeRequests.unique("POISON-NEG")).key(account, "BOOK-04", "US0231351067")
                .quantity("-5").json();
        var underscore = TradeRequests.trade(TradeRequests.unique("POISON-US")).key(account, "BOOK-04", "US0231351067").node();
        underscore.put("tradeId", "T_" + System.nanoTime());
        Map<String, String> expectedReason = new HashMap<>();
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        records.add(Topics.record(RealServers.IN, key, "this is {not json"));
        expectedReason.put("this is {not json", "NOT_JSON");
        records.add(Topics.record(RealServers.IN, key, missingLots.toString()));
        expectedReason.put(missingLots.toString(), "MISSING_FIELD");
        records.add(Topics.record(RealServers.IN, key, negative));
        expectedReason.put(negative, "INVALID_VALUE");
        records.add(Topics.record(RealServers.IN, key, underscore.toString()));
        expectedReason.put(underscore.toString(), "INVALID_ID");
        records.add(Topics.record(RealServers.IN, key, ""));
        expectedReason.put("", "EMPTY_PAYLOAD");
        records.add(Topics.record(RealServers.IN, key, valid.json()));
        TradeRequests.Builder unknownSecurity = TradeRequests.trade(TradeRequests.unique("POISON-UNK"))
                .key(account, "BOOK-04", "XX0000000001");
        records.add(Topics.record(RealServers.IN, unknownSecurity.key(), unknownSecurity.json()));
        List<RecordMetadata> landed = Topics.send(bootstrap, records);

        // The trade after the pills, on the same key and partition, is captured.
        try (CapturedEvents events = new CapturedEvents(bootstrap, List.of(key, unknownSecurity.key()))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> events.poll().size() == 2);
            JsonNode captured = events.ofKey(key).get(0);
            assertThat(captured.get("tradeId").asText()).isEqualTo(valid.tradeId());
            assertThat(captured.get("status").asText()).isEqualTo("CAPTURED");
            assertThat(captured.get("enrichmentStatus").asText()).isEqualTo("COMPLETE");

            JsonNode partial = events.ofKey(unknownSecurity.key()).get(0);
            assertThat(partial.get("status").asText()).isEqualTo("CAPTURED");
            assertThat(partial.get("enrichmentStatus").asText()).isEqualTo("PARTIAL");
            assertThat(partial.get("workflowStatus").asText()).isEqualTo("PENDING_APPROVAL");
            assertThat(partial.get("position").get("pendingCount").asInt()).isEqualTo(1);
        }
        assertThat(Fixtures.position(pool, unknownSecurity.key()).orElseThrow().pendingCount()).isEqualTo(1);
        Row open = Fixtures.query(pool, "SELECT reason_code, status FROM trade_exceptions WHERE trade_id = $1",
                unknownSecurity.tradeId()).iterator().next();
        assertThat(open.getString(0)).isEqualTo("UNKNOWN_SECURITY");
        assertThat(open.getString(1)).isEqualTo("OPEN");

        // Each pill is on the DLQ, payload untouched, with its reason and where it came from.
        try (Topics.Reader dlq = new Topics.Reader(bootstrap, RealServers.DLQ)) {
            Map<String, ConsumerRecord<String, byte[]>> byPayload = new HashMap<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                dlq.poll().forEach(r -> byPayload.put(new String(r.value(), StandardCharsets.UTF_8), r));
                return byPayload.keySet().containsAll(expectedReason.keySet());
            });
            for (int i = 0; i < 5; i++) {
                String payload = new String(records.get(i).value(), StandardCharsets.UTF_8);
                ConsumerRecord<String, byte[]> reject = byPayload.get(payload);
                assertThat(header(reject, "reasonCode")).as(payload).isEqualTo(expectedReason.get(payload));
                assertThat(header(reject, "sourceOffset")).isEqualTo(Long.toString(landed.get(i).offset()));
                assertThat(header(reject, "sourcePartition")).isEqualTo(Integer.toString(landed.get(i).partition()));
                assertThat(header(reject, "sourceTopic")).isEqualTo(RealServers.IN);
                Row row = Fixtures.query(pool, "SELECT reason_code, payload, status FROM trade_exceptions "
                        + "WHERE source_partition = $1 AND source_offset = $2 AND source_topic = $3",
                        landed.get(i).partition(), landed.get(i).offset(), RealServers.IN).iterator().next();
                assertThat(row.getString(0)).isEqualTo(expectedReason.get(payload));
                // An empty value is stored as no payload at all (SQL Server refuses a zero-length VARBINARY).
                assertThat(row.getBuffer(1) == null ? "" : row.getBuffer(1).toString(StandardCharsets.UTF_8))
                        .isEqualTo(payload);
                assertThat(row.getBuffer(1) == null).isEqualTo(payload.isEmpty());
                assertThat(row.getString(2)).isEqualTo("OPEN");
            }
        }
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
