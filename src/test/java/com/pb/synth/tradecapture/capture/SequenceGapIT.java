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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** Upstream sequence numbers per key: a gap is held back, not applied out of order, and never blocks other keys. */
@QuarkusTest
@QuarkusTestResource(RealServers.class)
class SequenceGapIT extends ServiceTestBase {

    @ConfigProperty(name = "mp.messaging.incoming.trades-in.group.id")
    String group;

    private static TradeRequests.Builder seq(String run, String account, String book, long n) {
        return TradeRequests.trade(run + "-" + book + "-S" + n).key(account, book, "US0378331005").sequence(n)
                .quantity(Long.toString(n * 10));
    }

    private long captured(String idPattern) {
        return Fixtures.count(pool, "SELECT count(*) FROM trade_versions WHERE trade_id LIKE $1", idPattern);
    }

    @Test
    void aGapIsHeldWhileOtherKeysFlowAndReleasedInSequenceOrderWhenItFills() {
        String account = Fixtures.accounts(pool, reference, "SEQ", 1).get(0);
        String run = TradeRequests.unique("SEQ");
        TradeRequests.Builder s1 = seq(run, account, "BOOK-06", 1), s2 = seq(run, account, "BOOK-06", 2),
                s3 = seq(run, account, "BOOK-06", 3), s4 = seq(run, account, "BOOK-06", 4),
                s5 = seq(run, account, "BOOK-06", 5);
        List<TradeRequests.Builder> others = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            others.add(TradeRequests.trade(run + "-OTHER" + i).key(account, "BOOK-07", "US0378331005"));
        }
        try (CapturedEvents events = new CapturedEvents(bootstrap, List.of(s1.key()))) {
            List<TradeRequests.Builder> first = new ArrayList<>(List.of(s1, s2, s5));
            first.addAll(others);
            List<RecordMetadata> landed = Topics.send(bootstrap, Topics.inputs(first));
            RecordMetadata held = landed.get(2);

            // 1, 2 and the other key's trades go through; 5 waits, and its offset is not committed.
            await().atMost(Duration.ofSeconds(30)).until(() -> captured(run + "-BOOK-07-%") + captured(run + "-OTHER%") == 5
                    && captured(run + "-BOOK-06-%") == 2);
            assertThat(Fixtures.meter("capture_held_records")).isGreaterThanOrEqualTo(1);
            assertThat(Topics.committed(bootstrap, group).getOrDefault(
                    new TopicPartition(held.topic(), held.partition()), 0L)).isLessThanOrEqualTo(held.offset());
            assertThat(captured(s5.tradeId())).isZero();

            // 4 arrives before 3: 3 fills the gap, then 4 and 5 follow, in sequence order.
            Topics.send(bootstrap, Topics.inputs(List.of(s4, s3)));
            await().atMost(Duration.ofSeconds(30)).until(() -> events.poll().size() == 5);
            List<JsonNode> ofKey = events.ofKey(s1.key());
            assertThat(ofKey).extracting(e -> e.get("sequenceNumber").asLong()).containsExactly(1L, 2L, 3L, 4L, 5L);
            assertThat(ofKey).extracting(e -> e.get("position").get("quantity").decimalValue().intValue())
                    .containsExactly(10, 30, 60, 100, 150);
            // Once released, the held record's offset is committed like any other.
            await().atMost(Duration.ofSeconds(30)).until(() -> Topics.committed(bootstrap, group).getOrDefault(
                    new TopicPartition(held.topic(), held.partition()), 0L) > held.offset());
        }
        assertThat(Fixtures.position(pool, s1.key()).orElseThrow().quantity()).isEqualByComparingTo("150");
        assertThat(Fixtures.count(pool, "SELECT count(*) FROM trade_exceptions WHERE trade_id LIKE $1", run + "-%"))
                .isZero();
    }

    @Test
    void aGapThatNeverFillsSendsTheHeldTradeToExceptionsAfterTheTimeoutAndTheKeyGoesOn() {
        String account = Fixtures.accounts(pool, reference, "SEQTO", 1).get(0);
        String run = TradeRequests.unique("SEQTO");
        TradeRequests.Builder s1 = seq(run, account, "BOOK-08", 1), s3 = seq(run, account, "BOOK-08", 3),
                s4 = seq(run, account, "BOOK-08", 4);
        Topics.send(bootstrap, Topics.inputs(List.of(s1, s3)));
        await().atMost(Duration.ofSeconds(30)).until(() -> captured(s1.tradeId()) == 1);
        assertThat(captured(s3.tradeId())).isZero();

        // The test profile's gap timeout is a few seconds: then 3 is set aside, with its payload, for repair.
        await().atMost(Duration.ofSeconds(60)).until(() -> Fixtures.count(pool,
                "SELECT count(*) FROM trade_exceptions WHERE trade_id = $1 AND reason_code = 'SEQUENCE_GAP'",
                s3.tradeId()) == 1);
        String payload = Fixtures.query(pool, "SELECT payload FROM trade_exceptions WHERE trade_id = $1", s3.tradeId())
                .iterator().next().getBuffer(0).toString(StandardCharsets.UTF_8);
        assertThat(payload).isEqualTo(s3.json());
        try (Topics.Reader dlq = new Topics.Reader(bootstrap, RealServers.DLQ)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> dlq.poll().stream().anyMatch(r ->
                    new String(r.value(), StandardCharsets.UTF_8).contains(s3.tradeId())
                            && "SEQUENCE_GAP".equals(new String(r.headers().lastHeader("reasonCode").value(),
                            StandardCharsets.UTF_8))));
        }
        assertThat(captured(s3.tradeId())).isZero();

        // The key's sequence went on past the gap: 4 applies at once.
        Topics.send(bootstrap, Topics.inputs(List.of(s4)));
        await().atMost(Duration.ofSeconds(30)).until(() -> captured(s4.tradeId()) == 1);
        assertThat(Fixtures.position(pool, s1.key()).orElseThrow().quantity()).isEqualByComparingTo("50");

        // Upstream sends 3 again (a repair by resend): it applies once, and its exception is closed.
        Topics.send(bootstrap, Topics.inputs(List.of(s3, s3)));
        await().atMost(Duration.ofSeconds(30)).until(() -> captured(s3.tradeId()) == 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> "RESOLVED".equals(Fixtures.query(pool,
                "SELECT status FROM trade_exceptions WHERE trade_id = $1", s3.tradeId()).iterator().next().getString(0)));
        assertThat(Fixtures.position(pool, s1.key()).orElseThrow().quantity()).isEqualByComparingTo("80");
    }
}
