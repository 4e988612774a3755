package com.pb.synth.tradecapture.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pb.synth.tradecapture.domain.ReasonCode;
import com.pb.synth.tradecapture.support.BadRecords;
import com.pb.synth.tradecapture.support.Fixtures;
import com.pb.synth.tradecapture.support.RealServers;
import com.pb.synth.tradecapture.support.ServiceTestBase;
import com.pb.synth.tradecapture.support.Topics;
import com.pb.synth.tradecapture.support.TradeRequests;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Row;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A record refused with a readable key and sequence number consumes its number: the trades after it
 * apply at once, not after the gap timeout (ten minutes here, so only that can let them through).
 */
@QuarkusTest
@QuarkusTestResource(RealServers.class)
@TestProfile(RefusedSequenceIT.LongGapTimeout.class)
class RefusedSequenceIT extends ServiceTestBase {

    public static class LongGapTimeout implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("capture.sequence.gap-timeout", "10m");
        }
    }

    private static final Duration CAPTURED_WITHIN = Duration.ofSeconds(20);

    static Stream<Arguments> parseRefusals() {
        return BadRecords.readableParseRefusals().entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    private static TradeRequests.Builder seq(String run, String account, long n) {
        return TradeRequests.trade(run + "-S" + n).key(account, "BOOK-03", "US0378331005").sequence(n)
                .quantity(Long.toString(n * 10));
    }

    private static ProducerRecord<String, byte[]> raw(String key, String json) {
        return Topics.record(RealServers.IN, key, json);
    }

    private long captured(String tradeId) {
        return Fixtures.count(pool, "SELECT count(*) FROM trade_versions WHERE trade_id = $1", tradeId);
    }

    private List<Row> exceptionsOf(String key) {
        return List.copyOf(Fixtures.query(pool, "SELECT reason_code, sequence_number, status, payload FROM trade_exceptions "
                + "WHERE partition_key = $1 ORDER BY exception_id", key).stream().toList());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("parseRefusals")
    void aRecordRefusedAtParseConsumesItsNumberAndTheTradesAfterItApplyAtOnce(ReasonCode reason,
                                                                              UnaryOperator<ObjectNode> spoil) {
        String account = Fixtures.accounts(pool, reference, "RSQ", 1).get(0);
        String run = TradeRequests.unique("RSQ");
        TradeRequests.Builder first = seq(run, account, 1);
        String key = first.key();
        String bad = spoil.apply(first.node()).toString();
        TradeRequests.Builder s2 = seq(run, account, 2), s3 = seq(run, account, 3), s4 = seq(run, account, 4);
        Topics.send(bootstrap, List.of(raw(key, bad), raw(key, s2.json()), raw(key, s3.json()), raw(key, s4.json())));

        await().atMost(CAPTURED_WITHIN).until(() -> captured(s2.tradeId()) + captured(s3.tradeId())
                + captured(s4.tradeId()) == 3);
        assertThat(captured(first.tradeId())).isZero();
        List<Row> open = exceptionsOf(key);
        assertThat(open).hasSize(1);
        assertThat(open.get(0).getString(0)).isEqualTo(reason.name());
        assertThat(open.get(0).getLong(1)).isEqualTo(1L);
        assertThat(open.get(0).getString(2)).isEqualTo("OPEN");
        assertThat(open.get(0).getBuffer(3).toString(StandardCharsets.UTF_8)).isEqualTo(bad);
        ConsumerRecord<String, byte[]> dlq = Topics.awaitRecord(bootstrap, RealServers.DLQ, key, first.tradeId());
        assertThat(new String(dlq.headers().lastHeader("reasonCode").value(), StandardCharsets.UTF_8))
                .isEqualTo(reason.name());
        var position = Fixtures.position(pool, key).orElseThrow();
        assertThat(position.quantity()).isEqualByComparingTo("90");
        assertThat(position.lastSequence()).isEqualTo(4);

        // The same bad bytes again (a resend): no second exception, nothing moves.
        TradeRequests.Builder s5 = seq(run, account, 5);
        Topics.send(bootstrap, List.of(raw(key, bad), raw(key, s5.json())));
        await().atMost(CAPTURED_WITHIN).until(() -> captured(s5.tradeId()) == 1);
        assertThat(exceptionsOf(key)).hasSize(1);
        assertThat(Fixtures.position(pool, key).orElseThrow().quantity()).isEqualByComparingTo("140");

        // The corrected trade with number 1 (a repair by resend): applied late, and the exception closes.
        Topics.send(bootstrap, List.of(raw(key, first.json())));
        await().atMost(CAPTURED_WITHIN).until(() -> captured(first.tradeId()) == 1);
        await().atMost(CAPTURED_WITHIN).until(() -> "RESOLVED".equals(exceptionsOf(key).get(0).getString(2)));
        assertThat(Fixtures.position(pool, key).orElseThrow().quantity()).isEqualByComparingTo("150");
        assertThat(Fixtures.position(pool, key).orElseThrow().lastSequence()).isEqualTo(5);
    }

    @Test
    void aRecordSetAsideAtStoreTimeConsumesItsNumber() {
        String account = Fixtures.accounts(pool, reference, "RSS", 1).get(0);
        String run = TradeRequests.unique("RSS");
        String constraint = "chk_" + run.replace('-', '_').toLowerCase();
        TradeRequests.Builder bad = TradeRequests.trade(run + "-BAD1").key(account, "BOOK-03", "US0378331005")
                .sequence(1).quantity("10");
        TradeRequests.Builder s2 = seq(run, account, 2), s3 = seq(run, account, 3);
        // A rule of the store the service knows nothing of: the record fails there, alone.
        Fixtures.query(pool, "ALTER TABLE trade_versions ADD CONSTRAINT " + constraint
                + " CHECK (trade_id NOT LIKE '" + run + "-BAD%')");
        try {
            Topics.send(bootstrap, Topics.inputs(List.of(bad, s2, s3)));
            await().atMost(CAPTURED_WITHIN).until(() -> captured(s2.tradeId()) + captured(s3.tradeId()) == 2);
            List<Row> rows = exceptionsOf(bad.key());
            assertThat(rows).hasSize(1);
            assertThat(rows.get(0).getString(0)).isEqualTo("STORE_REJECTED");
            assertThat(rows.get(0).getLong(1)).isEqualTo(1L);
            assertThat(Fixtures.position(pool, bad.key()).orElseThrow().quantity()).isEqualByComparingTo("50");
        } finally {
            Fixtures.query(pool, "ALTER TABLE trade_versions DROP CONSTRAINT " + constraint);
        }
    }

    @Test
    void anUnreadableRecordIsAGapAndHoldsTheTradesAfterIt() {
        String account = Fixtures.accounts(pool, reference, "RSN", 1).get(0);
        String run = TradeRequests.unique("RSN");
        TradeRequests.Builder s1 = seq(run, account, 1), s3 = seq(run, account, 3);
        String key = s1.key();
        Topics.send(bootstrap, List.of(raw(key, s1.json()), raw(key, "sequenceNumber 2, not JSON"), raw(key, s3.json())));
        await().atMost(CAPTURED_WITHIN).until(() -> captured(s1.tradeId()) == 1
                && exceptionsOf(key).stream().anyMatch(r -> "NOT_JSON".equals(r.getString(0))));
        // 3 waits for 2, which never came readable: held, not captured, while the gap timeout runs.
        await().atMost(CAPTURED_WITHIN).until(() -> Fixtures.meter("capture_held_records") >= 1);
        assertThat(captured(s3.tradeId())).isZero();
        assertThat(exceptionsOf(key)).extracting(r -> r.getValue(1)).containsOnlyNulls();
        assertThat(Fixtures.position(pool, key).orElseThrow().lastSequence()).isEqualTo(1);

        // 2 arrives readable: 2 and 3 apply.
        TradeRequests.Builder s2 = seq(run, account, 2);
        Topics.send(bootstrap, Topics.inputs(List.of(s2)));
        await().atMost(CAPTURED_WITHIN).until(() -> captured(s2.tradeId()) + captured(s3.tradeId()) == 2);
        assertThat(Fixtures.position(pool, key).orElseThrow().quantity()).isEqualByComparingTo("60");
    }
}
