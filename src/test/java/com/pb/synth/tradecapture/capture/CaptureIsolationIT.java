package com.pb.synth.tradecapture.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.pb.synth.tradecapture.support.Fixtures;
import com.pb.synth.tradecapture.support.OutOfRange;
import com.pb.synth.tradecapture.support.RealServers;
import com.pb.synth.tradecapture.support.ServiceTestBase;
import com.pb.synth.tradecapture.support.TradeRequests;
import com.pb.synth.tradecapture.support.Topics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Row;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

/**
 * Records that can never be captured are set aside with their reason, and never hold up the
 * records around them: out-of-range values, a position that would overflow, and a store error
 * no validation foresees.
 */
@QuarkusTest
@QuarkusTestResource(RealServers.class)
class CaptureIsolationIT extends ServiceTestBase {

    private static final String[] SECURITIES = {"US0378331005", "US5949181045", "GB0005405286", "DE0007164600"};

    @Test
    void outOfRangeValuesAndAnOverflowingPositionAreSetAsideWhileEveryGoodTradeIsCaptured() {
        List<String> accounts = Fixtures.accounts(pool, reference, "OOR", 5);
        String run = TradeRequests.unique("OOR");
        Random random = new Random(11);
        Map<String, BigDecimal> expected = new HashMap<>();
        Map<String, String> badReason = new HashMap<>();
        Map<Integer, String> badAt = new HashMap<>();
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        List<OutOfRange.Case> cases = OutOfRange.cases(accounts.get(0), "BOOK-03", SECURITIES[0]);
        for (int i = 0; i < 2_000; i++) {
            String account = accounts.get(i % accounts.size());
            String security = SECURITIES[(i / accounts.size()) % SECURITIES.length];
            TradeRequests.Builder good = TradeRequests.trade(run + "-G" + i).key(account, "BOOK-03", security)
                    .quantity(Integer.toString(1 + random.nextInt(500))).price("12.345").side(i % 3 == 0 ? "SELL" : "BUY");
            expected.merge(good.key(), good.signedQuantity(), BigDecimal::add);
            records.add(Topics.record(RealServers.IN, good.key(), good.json()));
            if (i % 200 == 100 && i / 200 < cases.size()) {
                OutOfRange.Case c = cases.get(i / 200);
                String id = run + "-B" + i;
                String key = accounts.get(0) + "_BOOK-03_" + SECURITIES[0];
                badAt.put(records.size(), id);
                records.add(Topics.record(RealServers.IN, key, c.json().apply(id)));
                badReason.put(id, "VALUE_OUT_OF_RANGE");
            }
        }
        // Two trades that each fit, on a key of their own, whose sum does not: the second is set
        // aside, and the trade after it on the same key is captured from the unchanged position.
        String overflowKey = accounts.get(1) + "_BOOK-04_" + SECURITIES[1];
        for (String suffix : List.of("O1", "O2", "O3")) {
            TradeRequests.Builder t = TradeRequests.trade(run + "-" + suffix).key(accounts.get(1), "BOOK-04", SECURITIES[1])
                    .quantity(suffix.equals("O3") ? "7" : OutOfRange.HALF_OF_THE_LIMIT_AND_MORE.toPlainString())
                    .price("0.00000001");
            if (suffix.equals("O2")) {
                badAt.put(records.size(), t.tradeId());
            }
            records.add(Topics.record(RealServers.IN, t.key(), t.json()));
        }
        badReason.put(run + "-O2", "POSITION_OVERFLOW");
        expected.put(overflowKey, OutOfRange.HALF_OF_THE_LIMIT_AND_MORE.add(new BigDecimal("7")));
        assertThat(badAt).hasSize(cases.size() + 1);
        List<RecordMetadata> landed = Topics.send(bootstrap, records);

        await().atMost(Duration.ofSeconds(90)).until(() -> Fixtures.count(pool,
                "SELECT count(*) FROM trade_versions WHERE trade_id LIKE $1", run + "-%") == 2_002);
        for (var e : expected.entrySet()) {
            assertThat(Fixtures.position(pool, e.getKey()).orElseThrow().quantity()).as(e.getKey())
                    .isEqualByComparingTo(e.getValue());
        }
        // Each bad record is in trade_exceptions, found by where it came from, with its reason and payload.
        for (var bad : badAt.entrySet()) {
            RecordMetadata m = landed.get(bad.getKey());
            Row row = Fixtures.query(pool, "SELECT reason_code, payload, status FROM trade_exceptions WHERE source_topic = $1 "
                    + "AND source_partition = $2 AND source_offset = $3", m.topic(), m.partition(), m.offset()).iterator().next();
            assertThat(row.getString(0)).as(bad.getValue()).isEqualTo(badReason.get(bad.getValue()));
            assertThat(row.getBuffer(1).getBytes()).isEqualTo(records.get(bad.getKey()).value());
            assertThat(row.getString(2)).isEqualTo("OPEN");
        }
        try (Topics.Reader dlq = new Topics.Reader(bootstrap, RealServers.DLQ)) {
            Map<String, String> dlqReason = new HashMap<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, byte[]> r : dlq.poll()) {
                    String payload = new String(r.value(), StandardCharsets.UTF_8);
                    badReason.keySet().stream().filter(id -> payload.contains("\"" + id + "\"")).findFirst()
                            .ifPresent(id -> dlqReason.put(id, header(r, "reasonCode")));
                }
                return dlqReason.keySet().containsAll(badReason.keySet());
            });
            assertThat(dlqReason).isEqualTo(badReason);
        }
        Row overflow = Fixtures.query(pool, "SELECT reason_code, status, detail FROM trade_exceptions WHERE trade_id = $1",
                run + "-O2").iterator().next();
        assertThat(overflow.getString(0)).isEqualTo("POSITION_OVERFLOW");
        assertThat(overflow.getString(1)).isEqualTo("OPEN");
        assertThat(overflow.getString(2)).contains("unchanged");
    }

    @Test
    void aStoreErrorForOneRecordIsolatesItAndTheRestOfItsBatchIsCaptured() {
        List<String> accounts = Fixtures.accounts(pool, reference, "CHK", 2);
        String run = TradeRequests.unique("CHK");
        String constraint = "chk_" + run.replace('-', '_').toLowerCase();
        // A rule of the store that the service knows nothing of: validation cannot foresee it.
        Fixtures.query(pool, "ALTER TABLE trade_versions ADD CONSTRAINT " + constraint
                + " CHECK (trade_id NOT LIKE '" + run + "-BAD%')");
        double splitsBefore = Fixtures.meter("capture_batch_splits_total");
        try {
            Map<String, BigDecimal> expected = sendWithBad(run, accounts, "BOOK-05", 600, java.util.Set.of(17, 300, 599));

            await().atMost(Duration.ofSeconds(60)).until(() -> Fixtures.count(pool,
                    "SELECT count(*) FROM trade_exceptions WHERE trade_id LIKE $1", run + "-BAD%") == 3);
            await().atMost(Duration.ofSeconds(60)).until(() -> Fixtures.count(pool,
                    "SELECT count(*) FROM trade_versions WHERE trade_id LIKE $1", run + "-OK%") == 597);
            for (var e : expected.entrySet()) {
                assertThat(Fixtures.position(pool, e.getKey()).orElseThrow().quantity()).as(e.getKey())
                        .isEqualByComparingTo(e.getValue());
            }
            for (Row r : Fixtures.query(pool, "SELECT reason_code, detail, payload FROM trade_exceptions "
                    + "WHERE trade_id LIKE $1", run + "-BAD%")) {
                assertThat(r.getString(0)).isEqualTo("STORE_REJECTED");
                assertThat(r.getString(1)).contains(constraint);
                assertThat(r.getBuffer(2).toString(StandardCharsets.UTF_8)).contains(run + "-BAD");
            }
            assertThat(Fixtures.meter("capture_batch_splits_total")).isGreaterThan(splitsBefore);
        } finally {
            Fixtures.query(pool, "ALTER TABLE trade_versions DROP CONSTRAINT " + constraint);
        }
    }

    @Test
    void anUnclassifiedStoreErrorForOneRecordIsSetAsideWhileTheRestIsCaptured() {
        List<String> accounts = Fixtures.accounts(pool, reference, "TRG", 1);
        String run = TradeRequests.unique("TRG");
        String name = "trg_" + run.replace('-', '_').toLowerCase();
        // A trigger's RAISE (SQLSTATE P0001) for one trade: no class the service knows.
        createTrigger(name, "IF NEW.trade_id LIKE '" + run + "-BAD%' THEN RAISE EXCEPTION 'refused by the desk''s trigger'; "
                + "END IF; RETURN NEW;");
        try {
            Map<String, BigDecimal> expected = sendWithBad(run, accounts, "BOOK-06", 200, java.util.Set.of(120));
            await().atMost(Duration.ofSeconds(90)).until(() -> Fixtures.count(pool,
                    "SELECT count(*) FROM trade_versions WHERE trade_id LIKE $1", run + "-OK%") == 199);
            await().atMost(Duration.ofSeconds(90)).until(() -> Fixtures.count(pool,
                    "SELECT count(*) FROM trade_exceptions WHERE trade_id = $1 AND reason_code = 'STORE_REJECTED'",
                    run + "-BAD120") == 1);
            assertThat(Fixtures.query(pool, "SELECT detail FROM trade_exceptions WHERE trade_id = $1", run + "-BAD120")
                    .iterator().next().getString(0)).contains("refused by the desk's trigger");
            for (var e : expected.entrySet()) {
                assertThat(Fixtures.position(pool, e.getKey()).orElseThrow().quantity()).as(e.getKey())
                        .isEqualByComparingTo(e.getValue());
            }
        } finally {
            dropTrigger(name);
        }
    }

    @Test
    void anUnclassifiedErrorThatHitsEveryRecordIsWaitedOutAndSetsNothingAside() {
        List<String> accounts = Fixtures.accounts(pool, reference, "TRGALL", 1);
        String run = TradeRequests.unique("TRGALL");
        String name = "trg_" + run.replace('-', '_').toLowerCase();
        // Refuses every insert (the canary's too): an outage of the store's own making, not a record's fault.
        createTrigger(name, "RAISE EXCEPTION 'trade_versions closed for maintenance';");
        double splitsBefore = Fixtures.meter("capture_batch_splits_total");
        List<TradeRequests.Builder> trades = new ArrayList<>();
        try {
            for (int i = 0; i < 40; i++) {
                trades.add(TradeRequests.trade(run + "-" + i).key(accounts.get(0), "BOOK-07", SECURITIES[i % 2]));
            }
            Topics.send(bootstrap, Topics.inputs(trades));
            // Capture bisects down to single records, whose canary fails: nothing is set aside.
            await().atMost(Duration.ofSeconds(60)).until(() -> Fixtures.meter("capture_batch_splits_total") >= splitsBefore + 4);
            await().atMost(Duration.ofSeconds(30)).until(() -> "DOWN".equals(Fixtures.check("capture-progress").get("status")));
            assertThat(Fixtures.count(pool, "SELECT count(*) FROM trade_exceptions WHERE trade_id LIKE $1", run + "-%"))
                    .isZero();
        } finally {
            dropTrigger(name);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> Fixtures.count(pool,
                "SELECT count(*) FROM trade_versions WHERE trade_id LIKE $1", run + "-%") == 40);
        assertThat(Fixtures.count(pool, "SELECT count(*) FROM trade_exceptions WHERE trade_id LIKE $1", run + "-%"))
                .isZero();
    }

    /** A row trigger on trade_versions inserts whose PL/pgSQL body is {@code body}. */
    private void createTrigger(String name, String body) {
        Fixtures.query(pool, "CREATE FUNCTION " + name + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN " + body
                + " END $$");
        Fixtures.query(pool, "CREATE TRIGGER " + name + " BEFORE INSERT ON trade_versions FOR EACH ROW EXECUTE FUNCTION "
                + name + "()");
    }

    private void dropTrigger(String name) {
        Fixtures.query(pool, "DROP TRIGGER " + name + " ON trade_versions");
        Fixtures.query(pool, "DROP FUNCTION " + name + "()");
    }

    /**
     * Sends {@code n} trades over the accounts' keys, those at the {@code bad} indexes with ids
     * {@code <run>-BAD<i>}, the rest {@code <run>-OK<i>}; returns the positions the good ones make.
     */
    private Map<String, BigDecimal> sendWithBad(String run, List<String> accounts, String book, int n,
                                                java.util.Set<Integer> bad) {
        Map<String, BigDecimal> expected = new HashMap<>();
        List<TradeRequests.Builder> trades = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            TradeRequests.Builder t = TradeRequests.trade(run + (bad.contains(i) ? "-BAD" : "-OK") + i)
                    .key(accounts.get(i % accounts.size()), book, SECURITIES[i % SECURITIES.length])
                    .quantity(Integer.toString(10 + i));
            if (!bad.contains(i)) {
                expected.merge(t.key(), t.signedQuantity(), BigDecimal::add);
            }
            trades.add(t);
        }
        Topics.send(bootstrap, Topics.inputs(trades));
        return expected;
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
