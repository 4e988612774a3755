package com.pb.synth.tradecapture.store.suite;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.pb.synth.tradecapture.domain.Position;
import com.pb.synth.tradecapture.ingest.IngestJob;
import com.pb.synth.tradecapture.ingest.IngestJobRepository;
import com.pb.synth.tradecapture.reference.ReferenceDataRepository;
import com.pb.synth.tradecapture.security.Roles;
import com.pb.synth.tradecapture.store.PositionRepository;
import com.pb.synth.tradecapture.store.PublishedOffsets;
import com.pb.synth.tradecapture.store.Statement;
import com.pb.synth.tradecapture.store.StoreStatements;
import com.pb.synth.tradecapture.store.CaptureStore;
import com.pb.synth.tradecapture.support.Fixtures;
import com.pb.synth.tradecapture.support.Tokens;
import com.pb.synth.tradecapture.support.TradeRequests;
import com.pb.synth.tradecapture.support.Topics;
import com.sun.net.httpserver.HttpServer;
import io.restassured.specification.RequestSpecification;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The store suite: capture, HTTP ingest, reference data, rules, approvals, callbacks and the
 * position read, through the service's own entry points (the topic and the HTTP API) and checked
 * through its API, so the same tests run on every store kind: PostgreSQL here
 * ({@code PostgresStoreSuiteIT}), SQL Server or Babelfish where one is given ({@code SqlServerStoreSuiteIT}).
 * Last, no session setting may have leaked onto any pooled connection.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public abstract class StoreSuite {

    private static final String ADMIN = Tokens.mint("suite-admin", Roles.ADMIN, Roles.READ);
    private static final String WRITER = Tokens.mint("suite-ops", Roles.WRITE, Roles.READ);
    private static final String APPROVER = Tokens.mint("suite-approver", Roles.APPROVE, Roles.READ);

    @Inject
    @CaptureStore
    Pool store;
    @Inject
    com.pb.synth.tradecapture.store.LotBooker lotBooker;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "mp.messaging.incoming.trades-in.topic")
    String inputTopic;

    // One set of reference data for the whole suite (JUnit makes an instance per test).
    private static final String run = TradeRequests.unique("SUITE");
    private static final String security = run + "-SEC";
    private static final String account = run + "-ACC";
    private static final String book = run + "-BOOK";

    private static RequestSpecification as(String token) {
        return given().contentType("application/json").header("Authorization", "Bearer " + token);
    }

    /** The session check a store kind runs on one pooled connection: what must hold after any workload. */
    protected abstract Uni<Void> assertSessionClean(SqlConnection connection);

    /** Connections in the capture pool. */
    protected abstract int poolSize();

    @BeforeEach
    void referenceData() {
        Fixtures.awaitReady();
        // Optional fields absent: the writes bind them as (typed) nulls.
        as(ADMIN).body("{\"currency\":\"USD\",\"assetClass\":\"EQUITY\",\"status\":\"ACTIVE\"}")
                .put("/api/v1/reference/securities/" + security).then().statusCode(org.hamcrest.Matchers.oneOf(200, 201));
        as(ADMIN).body("{\"legalEntity\":\"PB-US-LLC\",\"region\":\"us\",\"spreadBps\":37.5,\"tenorMonths\":12,"
                + "\"resetFrequency\":\"MONTHLY\",\"straightThrough\":true,\"status\":\"ACTIVE\"}")
                .put("/api/v1/reference/accounts/" + account).then().statusCode(org.hamcrest.Matchers.oneOf(200, 201));
        as(ADMIN).body("{\"legalEntity\":\"PB-US-LLC\",\"region\":\"us\",\"spreadBps\":12,\"tenorMonths\":6,"
                + "\"resetFrequency\":\"QUARTERLY\",\"straightThrough\":false,\"status\":\"ACTIVE\"}")
                .put("/api/v1/reference/accounts/" + account + "-NSTP").then().statusCode(org.hamcrest.Matchers.oneOf(200, 201));
        as(ADMIN).body("{\"legalEntity\":\"PB-US-LLC\",\"region\":\"us\",\"spreadBps\":10,\"tenorMonths\":12,"
                + "\"resetFrequency\":\"MONTHLY\",\"straightThrough\":true,\"status\":\"ACTIVE\"}")
                .put("/api/v1/reference/accounts/" + account + "-SEQ").then().statusCode(org.hamcrest.Matchers.oneOf(200, 201));
        as(ADMIN).body("{\"desk\":\"Delta One\",\"legalEntity\":\"PB-US-LLC\",\"status\":\"ACTIVE\"}")
                .put("/api/v1/reference/books/" + book).then().statusCode(org.hamcrest.Matchers.oneOf(200, 201));
        as(ADMIN).get("/api/v1/reference/accounts/" + account).then().statusCode(200)
                .body("spreadBps", org.hamcrest.Matchers.comparesEqualTo(37.5f));
    }

    private TradeRequests.Builder trade(String id, String acct) {
        return TradeRequests.trade(run + "-" + id).key(acct, book, security);
    }

    private Map<String, Object> position(String acct) {
        return as(WRITER).get("/api/v1/positions/" + acct + "/" + book + "/" + security).then().statusCode(200)
                .extract().jsonPath().getMap("");
    }

    @Test
    @Order(1)
    void capturesFromTheTopicWithExactPositionsWhateverTheDecimalScales() {
        // Scales 0, 2 and 3 side by side in one batch, with and without the optional fields.
        String[] quantities = {"10", "5.25", "0.125", "7", "100.5"};
        BigDecimal expected = BigDecimal.ZERO;
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            TradeRequests.Builder t = trade("K" + i, account).quantity(quantities[i % quantities.length])
                    .side(i % 4 == 3 ? "SELL" : "BUY").price(i % 2 == 0 ? "10.5" : "99.125");
            if (i % 3 == 0) {
                t.sequence(i / 3 + 1);
            }
            expected = expected.add(t.signedQuantity());
            records.add(Topics.record(inputTopic, t.key(), i % 5 == 0 ? t.node().put("idempotencyKey", run + i).toString()
                    : t.json()));
        }
        records.add(Topics.record(inputTopic, account + "_" + book + "_" + security, ""));
        Topics.send(bootstrap, records);
        BigDecimal want = expected;
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            var r = as(WRITER).get("/api/v1/positions/" + account + "/" + book + "/" + security);
            return r.statusCode() == 200 && ((Number) r.jsonPath().get("tradeCount")).intValue() == 50;
        });
        Map<String, Object> p = position(account);
        assertThat(new BigDecimal(p.get("quantity").toString())).isEqualByComparingTo(want);
        // Lots read in the same snapshot add up to the quantity.
        BigDecimal open = BigDecimal.ZERO;
        for (Object lot : (List<?>) p.get("openLots")) {
            open = open.add(new BigDecimal(((Map<?, ?>) lot).get("openQuantity").toString()));
        }
        assertThat(open).isEqualByComparingTo(want);
        // Paged three at a time, each lot comes once, in order, and they add up to the same quantity.
        long count = ((Number) p.get("openLotCount")).longValue();
        List<Long> ordinals = new ArrayList<>();
        BigDecimal paged = BigDecimal.ZERO;
        Object after = 0;
        do {
            var page = as(WRITER).get("/api/v1/positions/" + account + "/" + book + "/" + security
                    + "?lotsLimit=3&lotsAfter=" + after).jsonPath();
            for (Object lot : page.getList("openLots")) {
                ordinals.add(((Number) ((Map<?, ?>) lot).get("ordinal")).longValue());
                paged = paged.add(new BigDecimal(((Map<?, ?>) lot).get("openQuantity").toString()));
            }
            assertThat(page.getList("openLots").size()).isLessThanOrEqualTo(3);
            after = page.get("nextLotsAfter");
        } while (after != null);
        assertThat(ordinals).hasSize((int) count).isSorted().doesNotHaveDuplicates();
        assertThat(paged).isEqualByComparingTo(want);
        // every relief was made today (UTC), none yesterday
        String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
        String yesterday = java.time.LocalDate.now(java.time.ZoneOffset.UTC).minusDays(1).toString();
        String reliefs = "/api/v1/positions/" + account + "/" + book + "/" + security + "/reliefs?limit=1000";
        assertThat(((Number) as(WRITER).get(reliefs + "&from=" + today).jsonPath().get("total")).longValue())
                .isEqualTo(((Number) p.get("reliefCount")).longValue());
        assertThat(((Number) as(WRITER).get(reliefs + "&to=" + yesterday).jsonPath().get("total")).longValue()).isZero();
        // The empty record is a reject with its reason, listed for repair.
        await().atMost(Duration.ofSeconds(30)).until(() -> as(WRITER).get("/api/v1/exceptions?limit=1000").jsonPath()
                .getList("reasonCode", String.class).contains("EMPTY_PAYLOAD"));
    }

    @Test
    @Order(2)
    void httpIngestWithAndWithoutAnIdempotencyKeyAndACallback() throws Exception {
        List<String> delivered = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", ex -> {
            delivered.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        receiver.start();
        try {
            String keyed = as(WRITER).header("Idempotency-Key", run + "-idem").header("X-Callback-Url",
                    "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook").body(trade("H1", account).json())
                    .post("/api/v1/trades/capture").then().statusCode(202).extract().path("jobId");
            String again = as(WRITER).header("Idempotency-Key", run + "-idem").body(trade("H1", account).json())
                    .post("/api/v1/trades/capture").then().statusCode(202).extract().path("jobId");
            assertThat(again).isEqualTo(keyed);
            String plain = as(WRITER).body(trade("H2", account).json()).post("/api/v1/trades/capture").then()
                    .statusCode(202).extract().path("jobId");
            String manual = as(WRITER).body(trade("H3", account).node().put("enteredBy", "suite-ops").toString())
                    .post("/api/v1/trades/manual-entry").then().statusCode(202).extract().path("jobId");
            for (String job : List.of(keyed, plain, manual)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> "CAPTURED".equals(as(WRITER)
                        .get("/api/v1/trades/jobs/" + job + "/status").jsonPath().getString("status")));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> delivered.stream().anyMatch(b -> b.contains(keyed)));
            as(WRITER).get("/api/v1/trades/capture/" + run + "-H3").then().statusCode(200);
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    @Order(3)
    void rulesAreWrittenVersionedAndListed() {
        String ruleId = run + "-RULE";
        String rule = "{\"ruleId\":\"" + ruleId + "\",\"kind\":\"NON_ECONOMIC\",\"priority\":10,"
                + "\"criteria\":{\"field\":\"trade.accountId\",\"op\":\"eq\",\"value\":\"" + account + "\"},"
                + "\"actions\":[{\"type\":\"ADD_TAG\",\"value\":\"suite\"}]}";
        as(ADMIN).body(rule).post("/api/v1/rules").then().statusCode(org.hamcrest.Matchers.oneOf(200, 201));
        as(ADMIN).body(rule).post("/api/v1/rules").then().statusCode(org.hamcrest.Matchers.oneOf(200, 201));
        assertThat(as(ADMIN).get("/api/v1/rules/" + ruleId).then().statusCode(200).extract().asString())
                .contains(ruleId);
        as(ADMIN).delete("/api/v1/rules/" + ruleId).then().statusCode(org.hamcrest.Matchers.oneOf(200, 204));
    }

    @Test
    @Order(4)
    void aPendingTradeIsApprovedWithoutAComment() {
        String nstp = account + "-NSTP";
        TradeRequests.Builder t = trade("P1", nstp);
        as(WRITER).body(t.json()).post("/api/v1/trades/capture").then().statusCode(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> as(WRITER).get("/api/v1/approvals?limit=1000").asString()
                .contains(t.tradeId()));
        as(APPROVER).body("{\"decision\":\"APPROVE\"}").post("/api/v1/approvals/" + t.tradeId() + "/1").then()
                .statusCode(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> ((Number) position(nstp).get("pendingCount")).intValue() == 0);
        assertThat(new BigDecimal(position(nstp).get("quantity").toString())).isEqualByComparingTo(t.signedQuantity());
    }

    /** The exceptions of a status on partition key {@code key}. */
    private List<Map<String, Object>> exceptions(String status, String key) {
        List<Map<String, Object>> found = new ArrayList<>();
        long after = 0;
        while (true) {  // every page: the store may hold more open exceptions than one page of other tests'
            List<Map<String, Object>> page = as(WRITER).get("/api/v1/exceptions?limit=1000&status=" + status
                    + "&afterId=" + after).then().statusCode(200).extract().jsonPath().getList("");
            if (page.isEmpty()) {
                return found;
            }
            page.stream().filter(e -> key.equals(e.get("partitionKey"))).forEach(found::add);
            after = ((Number) page.get(page.size() - 1).get("exceptionId")).longValue();
        }
    }

    @Test
    @Order(5)
    void aRefusedRecordConsumesItsNumberAndTheSameBytesAgainChangeNothing() {
        String acct = account + "-SEQ";
        TradeRequests.Builder first = trade("R1", acct).sequence(1);
        String key = first.key();
        String bad = first.node().put("settlementDate", "2000-01-01").toString();   // before its trade date
        Topics.send(bootstrap, List.of(Topics.record(inputTopic, key, bad),
                Topics.record(inputTopic, key, trade("R2", acct).sequence(2).json())));
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            var r = as(WRITER).get("/api/v1/positions/" + acct + "/" + book + "/" + security);
            return r.statusCode() == 200 && ((Number) r.jsonPath().get("tradeCount")).intValue() == 1;
        });
        List<Map<String, Object>> open = exceptions("OPEN", key);
        assertThat(open).hasSize(1);
        assertThat(open.get(0).get("reasonCode")).isEqualTo("INVALID_VALUE");
        assertThat(((Number) open.get(0).get("sequenceNumber")).longValue()).isEqualTo(1L);

        // The same bytes again, then 3: no second exception.
        Topics.send(bootstrap, List.of(Topics.record(inputTopic, key, bad),
                Topics.record(inputTopic, key, trade("R3", acct).sequence(3).json())));
        await().atMost(Duration.ofSeconds(60)).until(() -> ((Number) position(acct).get("tradeCount")).intValue() == 2);
        assertThat(exceptions("OPEN", key)).hasSize(1);

        // The corrected trade 1 is applied late and closes the exception.
        Topics.send(bootstrap, List.of(Topics.record(inputTopic, key, first.json())));
        await().atMost(Duration.ofSeconds(60)).until(() -> ((Number) position(acct).get("tradeCount")).intValue() == 3);
        await().atMost(Duration.ofSeconds(30)).until(() -> exceptions("RESOLVED", key).size() == 1);
        assertThat(exceptions("OPEN", key)).isEmpty();
    }

    /** A trade of the independent FIFO: its lots (id, signed quantity) at its first capture's place. */
    private record Booked(String id, List<String> lotIds, List<BigDecimal> quantities) {
    }

    /** A trade record with the given side and lots (id, quantity each, at one price). */
    private ProducerRecord<String, byte[]> lotsTrade(String acct, String id, String side, String action, int version,
                                                     List<String> lotIds, List<BigDecimal> quantities) {
        TradeRequests.Builder b = TradeRequests.trade(id).key(acct, book, security).side(side).action(action, version);
        com.fasterxml.jackson.databind.node.ObjectNode n = b.node();
        com.fasterxml.jackson.databind.node.ArrayNode lots = n.putArray("tradeLots");
        for (int i = 0; i < lotIds.size(); i++) {
            com.fasterxml.jackson.databind.node.ObjectNode lot = lots.addObject();
            lot.putArray("lotIdentifier").addObject().put("identifier", lotIds.get(i)).put("identifierType", "LOT_ID");
            com.fasterxml.jackson.databind.node.ObjectNode pq = lot.putArray("priceQuantity").addObject();
            pq.putArray("quantity").addObject().put("value", quantities.get(i).abs()).putObject("unit")
                    .put("financialUnit", "Share");
            pq.putArray("price").addObject().put("value", "25.5").putObject("unit").put("currency", "USD");
        }
        return Topics.record(inputTopic, b.key(), n.toString());
    }

    /**
     * Random new trades, corrections and cancels over some keys, and what their lots must be: a FIFO
     * replay worked out here from what was sent, independently of the service's.
     */
    private final class LotScenario {
        final java.util.Random random;
        final Map<String, List<Booked>> places = new java.util.LinkedHashMap<>();
        final Map<String, Integer> versions = new java.util.HashMap<>();
        final String prefix;
        int next;

        LotScenario(String name, int keys, long seed) {
            this.random = new java.util.Random(seed);
            this.prefix = run + "-" + name;
            for (int k = 0; k < keys; k++) {
                places.put(account + "-" + name + k, new ArrayList<>());
            }
            places.keySet().forEach(acct -> as(ADMIN).body("{\"legalEntity\":\"PB-US-LLC\",\"region\":\"us\","
                            + "\"spreadBps\":10,\"tenorMonths\":12,\"resetFrequency\":\"MONTHLY\",\"straightThrough\":true,"
                            + "\"status\":\"ACTIVE\"}")
                    .put("/api/v1/reference/accounts/" + acct).then().statusCode(org.hamcrest.Matchers.oneOf(200, 201)));
        }

        /** {@code n} random records, then a new trade on each key (once it is captured, every record before it is). */
        List<ProducerRecord<String, byte[]>> records(int n) {
            List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
            for (int op = 0; op < n; op++) {
                String acct = new ArrayList<>(places.keySet()).get(random.nextInt(places.size()));
                List<Booked> live = places.get(acct);
                int kind = random.nextInt(10);
                if (kind < 6 || live.isEmpty()) {
                    records.add(book(acct));
                } else {
                    int at = random.nextInt(live.size());
                    Booked old = live.get(at);
                    int version = versions.merge(old.id(), 1, Integer::sum);
                    if (kind < 8) {
                        Booked t = booked(old.id(), random);
                        live.set(at, t);
                        records.add(lotsTrade(acct, t.id(), side(t), "CORRECT", version, t.lotIds(), t.quantities()));
                    } else {
                        live.remove(at);
                        records.add(lotsTrade(acct, old.id(), side(old), "CANCEL", version, old.lotIds(), old.quantities()));
                    }
                }
            }
            places.keySet().forEach(acct -> records.add(book(acct)));
            return records;
        }

        private ProducerRecord<String, byte[]> book(String acct) {
            String id = prefix + "-T" + next++;
            Booked t = booked(id, random);
            places.get(acct).add(t);
            versions.put(id, 1);
            return lotsTrade(acct, id, side(t), "NEW", 1, t.lotIds(), t.quantities());
        }

        /** True once each key's last record is captured. */
        boolean captured() {
            for (List<Booked> trades : places.values()) {
                if (as(WRITER).get("/api/v1/trades/capture/" + trades.get(trades.size() - 1).id()).statusCode() != 200) {
                    return false;
                }
            }
            return true;
        }

        /** Waits until each key's last record is captured. */
        void awaitCaptured() {
            for (List<Booked> trades : places.values()) {
                String last = trades.get(trades.size() - 1).id();
                await().atMost(Duration.ofSeconds(90)).until(() -> as(WRITER).get("/api/v1/trades/capture/" + last)
                        .statusCode() == 200);
            }
        }

        /** Each key's open lots, its reliefs and its closed lots, each paged, equal the independent replay. */
        void verify() {
            places.forEach((acct, trades) -> {
                java.util.ArrayDeque<Object[]> open = new java.util.ArrayDeque<>();
                List<String> expectedReliefs = new ArrayList<>();
                List<String> expectedClosed = new ArrayList<>();
                for (Booked t : trades) {
                    for (int i = 0; i < t.lotIds().size(); i++) {
                        BigDecimal q = t.quantities().get(i);
                        BigDecimal left = q.abs();
                        while (left.signum() > 0 && !open.isEmpty()
                                && ((BigDecimal) open.peekFirst()[1]).signum() == -q.signum()) {
                            Object[] head = open.peekFirst();
                            BigDecimal take = left.min(((BigDecimal) head[1]).abs());
                            expectedReliefs.add(t.lotIds().get(i) + ">" + head[0] + " " + plain(take));
                            head[1] = ((BigDecimal) head[1]).add(take.multiply(BigDecimal.valueOf(q.signum())));
                            left = left.subtract(take);
                            if (((BigDecimal) head[1]).signum() == 0) {
                                expectedClosed.add((String) open.pollFirst()[0]);
                            }
                        }
                        if (left.signum() > 0) {
                            open.addLast(new Object[] {t.lotIds().get(i), left.multiply(BigDecimal.valueOf(q.signum()))});
                        }
                    }
                }
                List<String> expectedOpen = open.stream().map(o -> o[0] + " " + plain((BigDecimal) o[1])).toList();
                String base = "/api/v1/positions/" + acct + "/" + book + "/" + security;
                List<String> seenOpen = new ArrayList<>();
                Object after = 0;
                long count;
                do {
                    var page = as(WRITER).get(base + "?lotsLimit=4&lotsAfter=" + after).then().statusCode(200).extract()
                            .jsonPath();
                    for (Map<String, Object> lot : page.<Map<String, Object>>getList("openLots")) {
                        seenOpen.add(lot.get("lotId") + " " + plain(new BigDecimal(lot.get("openQuantity").toString())));
                    }
                    count = ((Number) page.get("openLotCount")).longValue();
                    after = page.get("nextLotsAfter");
                } while (after != null);
                assertThat(seenOpen).as("open lots of " + acct).containsExactlyElementsOf(expectedOpen);
                assertThat(count).isEqualTo(expectedOpen.size());
                List<String> seenReliefs = new ArrayList<>();
                after = 0;
                do {
                    var page = as(WRITER).get(base + "/reliefs?limit=9&after=" + after).then().statusCode(200).extract()
                            .jsonPath();
                    for (Map<String, Object> r : page.<Map<String, Object>>getList("items")) {
                        seenReliefs.add(r.get("lotId") + ">" + r.get("relievedLotId") + " "
                                + plain(new BigDecimal(r.get("quantity").toString())));
                    }
                    after = page.get("nextAfter");
                } while (after != null);
                assertThat(seenReliefs).as("reliefs of " + acct).containsExactlyElementsOf(expectedReliefs);
                List<String> seenClosed = new ArrayList<>();
                after = 0;
                do {
                    var page = as(WRITER).get(base + "/closed-lots?limit=7&after=" + after).then().statusCode(200)
                            .extract().jsonPath();
                    for (Map<String, Object> l : page.<Map<String, Object>>getList("items")) {
                        seenClosed.add((String) l.get("lotId"));
                    }
                    after = page.get("nextAfter");
                } while (after != null);
                assertThat(seenClosed).as("closed lots of " + acct).containsExactlyElementsOf(expectedClosed);
            });
        }
    }

    private static String plain(BigDecimal d) {
        return d.stripTrailingZeros().toPlainString();
    }

    /**
     * Random new trades, corrections and cancels on three keys (deep in their histories too), sent
     * at once: each key's open lots and reliefs equal the independent replay.
     */
    @Test
    @Order(11)
    void lotsEqualAnIndependentReplayAfterRandomNewCorrectedAndCancelledTrades() {
        LotScenario scenario = new LotScenario("LOT", 3, 20261206);
        Topics.send(bootstrap, scenario.records(150));
        scenario.awaitCaptured();
        scenario.verify();
    }

    /**
     * A database from before the lot books: keys with history and no book. Their positions read right
     * (replayed) meanwhile; the background build runs while capture books new trades, corrections and
     * cancels on the same keys; every key ends with its book, equal to the independent replay.
     */
    @Test
    @Order(12)
    void booksOfADatabaseFromBeforeThemAreBuiltWhileCaptureRuns() {
        LotScenario scenario = new LotScenario("OLD", 6, 42);
        Topics.send(bootstrap, scenario.records(240));
        scenario.awaitCaptured();
        List<String> keys = scenario.places.keySet().stream().map(a -> a + "_" + book + "_" + security).toList();
        // once the booker has booked what capture queued for them (the queue is theirs alone then)
        await().atMost(Duration.ofSeconds(60)).until(() -> queued(keys) == 0);
        for (String key : keys) {
            for (String table : List.of("position_lots", "lot_reliefs", "lot_books")) {
                statements.run(Statement.portable("forget", "DELETE FROM " + table + " WHERE partition_key = $1",
                        Statement.bind(table + ".partition_key", String.class)), key).await().indefinitely();
            }
        }
        assertThat(booksBuilt(keys)).isZero();
        scenario.verify();
        Topics.send(bootstrap, scenario.records(120));
        lotBooker.buildAll().await().atMost(Duration.ofSeconds(120));
        scenario.awaitCaptured();
        assertThat(booksBuilt(keys)).isEqualTo(keys.size());
        assertThat(statements.run(Statement.portable("unbuilt", "SELECT count(*) AS n FROM positions p WHERE NOT EXISTS "
                + "(SELECT 1 FROM lot_books b WHERE b.partition_key = p.partition_key)")).await().indefinitely()
                .iterator().next().getLong("n")).as("positions without a book after a pass").isZero();
        scenario.verify();
        // and once the booker has caught up, the books alone (nothing queued) equal the replay
        await().atMost(Duration.ofSeconds(60)).until(() -> queued(keys) == 0);
        scenario.verify();
    }

    /**
     * Lot changes an instance queued and never booked (it stopped first): each key's trades queued
     * again, as capture queues them, an hour ago. Another instance books them as orphans, and booking
     * what a book already holds changes nothing.
     */
    @Test
    @Order(13)
    void lotChangesLeftQueuedByAStoppedInstanceAreBookedAsOrphans() throws Exception {
        LotScenario scenario = new LotScenario("ORPH", 2, 7);
        Topics.send(bootstrap, scenario.records(60));
        scenario.awaitCaptured();
        List<String> keys = scenario.places.keySet().stream().map(a -> a + "_" + book + "_" + security).toList();
        await().atMost(Duration.ofSeconds(60)).until(() -> queued(keys) == 0);
        OffsetDateTime hourAgo = OffsetDateTime.now(java.time.ZoneOffset.UTC).minusHours(1);
        Statement lots = Statement.portable("lots of a key", "SELECT trade_id, lot_id, quantity, price FROM position_lots "
                + "WHERE partition_key = $1 ORDER BY ordinal", Statement.bind("position_lots.partition_key", String.class));
        Statement enqueue = Statement.portable("queue", "INSERT INTO lot_queue (partition_key, trade_id, lots, queued_at) "
                        + "VALUES ($1, $2, $3, $4)", Statement.bind("lot_queue.partition_key", String.class),
                Statement.bind("lot_queue.trade_id", String.class), Statement.bind("lot_queue.lots", String.class),
                Statement.bind("lot_queue.queued_at", OffsetDateTime.class));
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (String key : keys) {
            Map<String, List<String[]>> byTrade = new java.util.LinkedHashMap<>();
            for (io.vertx.mutiny.sqlclient.Row r : statements.run(lots, key).await().indefinitely()) {
                byTrade.computeIfAbsent(r.getString("trade_id"), t -> new ArrayList<>()).add(new String[] {
                        r.getString("lot_id"), r.getBigDecimal("quantity").toPlainString(),
                        r.getBigDecimal("price").toPlainString()});
            }
            assertThat(byTrade).isNotEmpty();
            for (Map.Entry<String, List<String[]>> t : byTrade.entrySet()) {
                statements.run(enqueue, key, t.getKey(), json.writeValueAsString(t.getValue()), hourAgo)
                        .await().indefinitely();
            }
        }
        assertThat(queued(keys)).isPositive();
        lotBooker.orphans().await().atMost(Duration.ofSeconds(60));
        assertThat(queued(keys)).as("orphaned changes booked").isZero();
        scenario.verify();
    }

    /**
     * Position reads while capture queues changes for their keys and the booker books them: a read
     * that finds changes queued books them in its own snapshot, racing the booker, so every answer's
     * open lots add up to the quantity it answers; and the books end equal to the independent replay.
     */
    @Test
    @Order(14)
    void positionReadsRacingCaptureAndTheBookerAlwaysAnswerLotsThatAddUpToThePosition() {
        LotScenario scenario = new LotScenario("READ", 2, 11);
        List<String> paths = scenario.places.keySet().stream()
                .map(a -> "/api/v1/positions/" + a + "/" + book + "/" + security + "?lotsLimit=1000").toList();
        List<ProducerRecord<String, byte[]>> records = scenario.records(160);
        Topics.send(bootstrap, records);
        int answered = 0;
        long deadline = System.currentTimeMillis() + 90_000;
        boolean captured = false;
        while (!captured && System.currentTimeMillis() < deadline) {
            captured = scenario.captured();
            lotBooker.drain().subscribe().with(v -> { }, f -> { });
            for (String path : paths) {
                var answer = as(WRITER).get(path);
                if (answer.statusCode() == 404) {
                    continue; // nothing captured for the key yet
                }
                var page = answer.then().statusCode(200).extract().jsonPath();
                assertThat(page.<Object>get("nextLotsAfter")).as("one page holds every open lot").isNull();
                BigDecimal open = BigDecimal.ZERO;
                for (Map<String, Object> lot : page.<Map<String, Object>>getList("openLots")) {
                    open = open.add(new BigDecimal(lot.get("openQuantity").toString()));
                }
                assertThat(open).as("open lots of " + path + " against its quantity")
                        .isEqualByComparingTo(new BigDecimal(page.get("quantity").toString()));
                answered++;
            }
        }
        assertThat(captured).as("every key's last record captured within the deadline").isTrue();
        assertThat(answered).isPositive();
        scenario.verify();
    }

    private long queued(List<String> keys) {
        long n = 0;
        for (String key : keys) {
            n += statements.run(Statement.portable("queued", "SELECT count(*) AS n FROM lot_queue WHERE partition_key = $1",
                            Statement.bind("lot_queue.partition_key", String.class)), key)
                    .await().indefinitely().iterator().next().getLong("n");
        }
        return n;
    }

    private long booksBuilt(List<String> keys) {
        long n = 0;
        for (String key : keys) {
            n += statements.run(Statement.portable("book", "SELECT count(*) AS n FROM lot_books WHERE partition_key = $1",
                            Statement.bind("lot_books.partition_key", String.class)), key)
                    .await().indefinitely().iterator().next().getLong("n");
        }
        return n;
    }

    private static Booked booked(String id, java.util.Random random) {
        int n = 1 + random.nextInt(2);
        boolean buy = random.nextBoolean();
        List<String> ids = new ArrayList<>();
        List<BigDecimal> quantities = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(id + "-" + random.nextInt(1000) + "-" + i);
            BigDecimal q = BigDecimal.valueOf(1 + random.nextInt(400), random.nextInt(3));
            quantities.add(buy ? q : q.negate());
        }
        return new Booked(id, ids, quantities);
    }

    private static String side(Booked t) {
        return t.quantities().get(0).signum() < 0 ? "SELL" : "BUY";
    }

    @Test
    @Order(20)
    void noSessionSettingLeaksOntoAnyPooledConnection() {
        // Every connection of the pool at once, after the workload above (snapshot reads included).
        for (int i = 0; i < 3; i++) {
            position(account);
        }
        int n = poolSize();
        List<Uni<SqlConnection>> connections = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            connections.add(store.getConnection());
        }
        List<SqlConnection> held = Uni.join().all(connections).andFailFast().await().atMost(Duration.ofSeconds(30));
        try {
            for (SqlConnection c : held) {
                assertSessionClean(c).await().atMost(Duration.ofSeconds(10));
            }
        } finally {
            held.forEach(c -> c.close().await().atMost(Duration.ofSeconds(5)));
        }
    }

    // --- Races: two connections on one row, each protection working without table hints ---

    @Inject
    PositionRepository positions;
    @Inject
    IngestJobRepository jobs;
    @Inject
    ReferenceDataRepository referenceData;
    @Inject
    PublishedOffsets published;
    @Inject
    StoreStatements statements;

    /** Sessions of the store waiting on a lock now (the store kind's own view of its sessions). */
    protected abstract long lockWaits(SqlConnection connection);

    private boolean waitingOnALock() {
        SqlConnection c = store.getConnection().await().atMost(Duration.ofSeconds(10));
        try {
            return lockWaits(c) > 0;
        } finally {
            c.close().await().atMost(Duration.ofSeconds(5));
        }
    }

    private static Statement named(List<Statement> statements, String name) {
        return statements.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    /**
     * Runs {@code second} while {@code first} holds its transaction open, and commits {@code first}
     * once {@code second} has either finished or is seen waiting on a lock; then {@code second}'s result.
     * (Without the protection under test, {@code second} finishes at once, before the commit.)
     */
    private <T> T whileHeld(java.util.function.Function<SqlConnection, Uni<?>> first, java.util.function.Supplier<Uni<T>> second)
            throws Exception {
        SqlConnection a = store.getConnection().await().atMost(Duration.ofSeconds(10));
        try {
            io.vertx.mutiny.sqlclient.Transaction tx = a.begin().await().atMost(Duration.ofSeconds(10));
            first.apply(a).await().atMost(Duration.ofSeconds(10));
            java.util.concurrent.CompletableFuture<T> b = second.get().subscribeAsCompletionStage();
            await().atMost(Duration.ofSeconds(10)).until(() -> b.isDone() || waitingOnALock());
            tx.commit().await().atMost(Duration.ofSeconds(10));
            return b.get(30, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            a.close().await().atMost(Duration.ofSeconds(5));
        }
    }

    @Test
    @Order(6)
    void aWriterReadsAKeysPositionOnlyAfterTheWriterHoldingItCommits() throws Exception {
        String key = run + "-RACE_" + book + "_" + security;
        OffsetDateTime at = OffsetDateTime.now(ZoneOffset.UTC);
        store.withTransaction(c -> positions.upsert(c, List.of(new Position(key, BigDecimal.ONE, BigDecimal.ONE, 1, 0, 1,
                0)), at)).await().atMost(Duration.ofSeconds(10));
        // The first writer locks the key and moves the position; the second locks it meanwhile.
        Map<String, Position> seen = whileHeld(a -> positions.lockAll(a, List.of(key)).flatMap(p -> positions.upsert(a,
                        List.of(new Position(key, new BigDecimal("2"), new BigDecimal("2"), 2, 0, 1, 0)), at)),
                () -> store.withTransaction(b -> positions.lockAll(b, List.of(key))));
        // It read the position as the first one committed it, not the one before: no update is lost.
        assertThat(seen.get(key).quantity()).isEqualByComparingTo("2");
        assertThat(seen.get(key).tradeCount()).isEqualTo(2);
    }

    @Test
    @Order(7)
    void twoInstancesClaimingCallbacksAtOnceNeverClaimTheSameJob() throws Exception {
        // Due in 2200: the service's own deliverer (claiming what is due now) never touches them.
        OffsetDateTime due = OffsetDateTime.of(2200, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
        for (int i = 0; i < 3; i++) {
            jobs.insertAccepted(new IngestJob(run + "-CB" + i, null, run + "-CBT" + i, 1, account + "_" + book + "_"
                            + security, "suite", "http://127.0.0.1:9/hook", null, null, null, due, null), "suite-topic", 0,
                    i, due.plusSeconds(i)).await().atMost(Duration.ofSeconds(10));
        }
        Statement claim = named(IngestJobRepository.STATEMENTS, "claim callbacks");
        OffsetDateTime now = due.plusDays(1);
        List<String> first = new ArrayList<>();
        List<IngestJobRepository.CallbackClaim> second = whileHeld(
                a -> statements.run(a, claim, now.plusMinutes(5), now, 2)
                        .invoke(rows -> rows.forEach(r -> first.add(r.getString("job_id")))),
                () -> jobs.claimDueCallbacks(2, now, now.plusMinutes(6)));
        assertThat(first).hasSize(2);
        assertThat(second).extracting(c -> c.job().jobId()).doesNotContainAnyElementsOf(first);
        // what neither claimed is still due
        List<String> left = new ArrayList<>(List.of(run + "-CB0", run + "-CB1", run + "-CB2"));
        left.removeAll(first);
        second.forEach(c -> left.remove(c.job().jobId()));
        assertThat(jobs.claimDueCallbacks(10, now, now.plusMinutes(7)).await().atMost(Duration.ofSeconds(10)))
                .extracting(c -> c.job().jobId()).containsAll(left);
    }

    @Test
    @Order(8)
    void twoWritersCreatingOneBookAtOnceEndWithOneRowHoldingTheLaterWrite() throws Exception {
        String id = run + "-RACEBOOK";
        Statement upsert = named(ReferenceDataRepository.STATEMENTS, "upsert book");
        Boolean created = whileHeld(a -> statements.run(a, upsert, id, "first desk", "PB-US-LLC", "ACTIVE"),
                () -> referenceData.put(new com.pb.synth.tradecapture.domain.Book(id, "second desk", "PB-US-LLC", true)));
        assertThat(created).as("the second write found the row the first created").isFalse();
        assertThat(referenceData.books().await().atMost(Duration.ofSeconds(10)).get(id).desk()).isEqualTo("second desk");
    }

    @Test
    @Order(9)
    void twoMarksOfOnePartitionAtOnceKeepTheHigherOffset() throws Exception {
        String topic = run + "-marks";
        Statement mark = named(PublishedOffsets.STATEMENTS, "published_offsets mark");
        whileHeld(a -> statements.run(a, mark, topic, 0, 5L, OffsetDateTime.now(ZoneOffset.UTC)),
                () -> published.mark(topic, Map.of(0, 9L)));
        Map<Integer, Long> marks = store.withConnection(c -> published.read(c, topic)).await().atMost(Duration.ofSeconds(10));
        assertThat(marks).containsExactly(Map.entry(0, 9L));
    }

    @Test
    @Order(10)
    void twoReservationsOfOneIdempotencyKeyAtOnceGiveItToOne() throws Exception {
        String key = run + "-RACEKEY";
        Statement reserve = named(IngestJobRepository.STATEMENTS, "reserve");
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        Boolean second = whileHeld(a -> statements.run(a, reserve, run + "-R1", key, run + "-RT", 1,
                        account + "_" + book + "_" + security, "suite", null, now, null),
                () -> jobs.reserve(new IngestJob(run + "-R2", key, run + "-RT", 1, account + "_" + book + "_" + security,
                        "suite", null, null, null, null, now, null)));
        assertThat(second).as("the key was taken by the first").isFalse();
        assertThat(jobs.byIdempotencyKey(key).await().atMost(Duration.ofSeconds(10)).jobId()).isEqualTo(run + "-R1");
    }

    /** One row of a query on one connection. */
    protected static Row one(SqlConnection c, String sql) {
        return c.query(sql).execute().await().atMost(Duration.ofSeconds(10)).iterator().next();
    }
}
