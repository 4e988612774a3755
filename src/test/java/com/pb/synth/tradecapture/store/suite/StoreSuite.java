package com.pb.synth.tradecapture.store.suite;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.pb.synth.tradecapture.security.Roles;
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

    @Test
    @Order(5)
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

    /** One row of a query on one connection. */
    protected static Row one(SqlConnection c, String sql) {
        return c.query(sql).execute().await().atMost(Duration.ofSeconds(10)).iterator().next();
    }
}
