package com.pb.synth.tradecapture.ingest;

import com.pb.synth.tradecapture.http.Problem;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pb.synth.tradecapture.security.Roles;
import com.pb.synth.tradecapture.support.CapturedEvents;
import com.pb.synth.tradecapture.support.Fixtures;
import com.pb.synth.tradecapture.support.RealServers;
import com.pb.synth.tradecapture.support.ServiceTestBase;
import com.pb.synth.tradecapture.support.Tokens;
import com.pb.synth.tradecapture.support.TradeRequests;
import com.pb.synth.tradecapture.support.Topics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import com.sun.net.httpserver.HttpServer;
import io.vertx.mutiny.sqlclient.Row;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(RealServers.class)
class HttpIngestIT extends ServiceTestBase {

    private static final String CAPTURE = "/api/v1/trades/capture";
    private static final String MANUAL = "/api/v1/trades/manual-entry";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String WRITER = Tokens.mint("ops-user", Roles.WRITE, Roles.READ);

    private static RequestSpecification as(String token) {
        return given().contentType("application/json").header("Authorization", "Bearer " + token);
    }

    private static String edited(TradeRequests.Builder trade, Consumer<ObjectNode> edit) {
        ObjectNode node = trade.node();
        edit.accept(node);
        return node.toString();
    }

    private static ObjectNode firstQuantity(ObjectNode n) {
        return (ObjectNode) n.get("tradeLots").get(0).get("priceQuantity").get(0).get("quantity").get(0);
    }

    private static ObjectNode firstPrice(ObjectNode n) {
        return (ObjectNode) n.get("tradeLots").get(0).get("priceQuantity").get(0).get("price").get(0);
    }

    private String key(String account) {
        return account + "_BOOK-02_US0378331005";
    }

    @Test
    void badInputGetsItsFourHundredAndPublishesNothing() {
        String account = Fixtures.accounts(pool, reference, "HTTPBAD", 1).get(0);
        TradeRequests.Builder good = TradeRequests.trade(TradeRequests.unique("BAD")).key(account, "BOOK-02", "US0378331005");

        record Case(String name, String path, String token, String body, int status, String field) {
        }
        String tooLong = "T".repeat(65);
        List<Case> cases = List.of(
                new Case("malformed JSON", CAPTURE, WRITER, "{\"tradeId\": \"X\",", 400, ""),
                new Case("wrong type", CAPTURE, WRITER, edited(good, n -> n.put("version", "two")), 400, "version"),
                new Case("wrong type in a lot", CAPTURE, WRITER,
                        edited(good, n -> firstQuantity(n).put("value", "lots")), 400, "tradeLots[0].priceQuantity[0].quantity[0].value"),
                new Case("missing tradeId", CAPTURE, WRITER, edited(good, n -> n.remove("tradeId")), 400, "tradeId"),
                new Case("missing lots", CAPTURE, WRITER, edited(good, n -> n.remove("tradeLots")), 400, "tradeLots"),
                new Case("unknown action", CAPTURE, WRITER, edited(good, n -> n.put("action", "MODIFY")), 400, "action"),
                new Case("unknown side", CAPTURE, WRITER, edited(good, n -> n.put("side", "SHORT")), 400, "side"),
                new Case("negative quantity", CAPTURE, WRITER,
                        edited(good, n -> firstQuantity(n).put("value", -5)), 400, "tradeLots[0].priceQuantity[0].quantity[0].value"),
                new Case("zero price", CAPTURE, WRITER,
                        edited(good, n -> firstPrice(n).put("value", 0)), 400, "tradeLots[0].priceQuantity[0].price[0].value"),
                new Case("settles before trade date", CAPTURE, WRITER,
                        edited(good, n -> n.put("settlementDate", "2026-11-20")), 400, "settlementDate"),
                new Case("invalid currency", CAPTURE, WRITER,
                        edited(good, n -> ((ObjectNode) firstPrice(n).get("unit")).put("currency", "XQZ")), 400,
                        "tradeLots[0].priceQuantity[0].price[0].unit.currency"),
                new Case("id with _", CAPTURE, WRITER, edited(good, n -> n.put("bookId", "BOOK_02")), 400, "bookId"),
                new Case("id over 64", CAPTURE, WRITER, edited(good, n -> n.put("tradeId", tooLong)), 400, "tradeId"),
                new Case("manual entry with a blank enteredBy", MANUAL, WRITER, edited(good, n -> n.put("enteredBy", " ")), 400,
                        "enteredBy"));
        for (Case c : cases) {
            Response r = as(c.token()).body(c.body()).post(c.path());
            assertThat(r.statusCode()).as(c.name()).isEqualTo(c.status());
            assertThat(r.contentType()).as(c.name()).startsWith("application/problem+json");
            assertThat(r.jsonPath().getList("errors.field", String.class)).as(c.name() + ": " + r.asString())
                    .contains(c.field());
        }

        String huge = edited(good, n -> n.putObject("metadata").put("blob", "x".repeat(300 * 1024)));
        as(WRITER).body(huge).post(CAPTURE).then().statusCode(413);
        given().contentType("application/json").body(good.json()).post(CAPTURE).then().statusCode(401)
                .contentType("application/problem+json").header("WWW-Authenticate", "Bearer").body("status", equalTo(401));
        as(Tokens.expired("ops-user", Roles.WRITE)).body(good.json()).post(CAPTURE).then().statusCode(401)
                .contentType("application/problem+json");
        as(Tokens.mint("ops-user", Roles.READ)).body(good.json()).post(CAPTURE).then().statusCode(403)
                .contentType("application/problem+json").body("title", equalTo("Forbidden"));
        as(WRITER).body(edited(good, n -> n.put("enteredBy", "someone-else"))).post(MANUAL).then().statusCode(403)
                .body("detail", containsString("someone-else"));

        assertNothingPublished(account);
    }

    /**
     * Nothing sent for the account's key reached the topic: the first record of the key to be
     * captured is a sentinel posted now, and it is the key's only job and exception-free.
     */
    private void assertNothingPublished(String account) {
        TradeRequests.Builder sentinel = TradeRequests.trade(TradeRequests.unique("SENTINEL"))
                .key(account, "BOOK-02", "US0378331005");
        try (CapturedEvents events = new CapturedEvents(bootstrap, List.of(key(account)))) {
            as(WRITER).body(sentinel.json()).post(CAPTURE).then().statusCode(202);
            await().atMost(Duration.ofSeconds(30)).until(() -> !events.ofKey(key(account)).isEmpty());
            assertThat(events.ofKey(key(account))).extracting(e -> e.get("tradeId").asText())
                    .containsExactly(sentinel.tradeId());
        }
        assertThat(Fixtures.count(pool, "SELECT count(*) FROM trade_exceptions WHERE partition_key = $1", key(account)))
                .isZero();
        assertThat(Fixtures.count(pool, "SELECT count(*) FROM ingest_jobs WHERE partition_key = $1", key(account)))
                .isEqualTo(1);
    }

    @Test
    void valuesTheStoresCannotHoldGetFourHundredNamingTheFieldAndNothingIsPublished() {
        String account = Fixtures.accounts(pool, reference, "HTTPOOR", 1).get(0);
        String run = TradeRequests.unique("HOOR");
        int i = 0;
        for (var c : com.pb.synth.tradecapture.support.OutOfRange.cases(account, "BOOK-02", "US0378331005")) {
            Response r = as(WRITER).body(c.json().apply(run + "-" + i++)).post(CAPTURE);
            assertThat(r.statusCode()).as(c.name() + ": " + r.asString()).isEqualTo(400);
            assertThat(r.contentType()).as(c.name()).startsWith("application/problem+json");
            assertThat(r.jsonPath().getList("errors.field", String.class)).as(c.name() + ": " + r.asString())
                    .contains(c.field());
            assertThat(r.jsonPath().getString("reasonCode")).as(c.name()).isEqualTo("VALUE_OUT_OF_RANGE");
        }
        assertNothingPublished(account);
    }

    @Test
    void sameIdempotencyKeyTwiceAndConcurrentlyIsOneTradeAndOneJob() throws Exception {
        String account = Fixtures.accounts(pool, reference, "HTTPIDEM", 1).get(0);
        TradeRequests.Builder trade = TradeRequests.trade(TradeRequests.unique("IDEM")).key(account, "BOOK-02", "US0378331005");
        String idempotencyKey = TradeRequests.unique("idem");
        Callable<String> post = () -> as(WRITER).header("Idempotency-Key", idempotencyKey).body(trade.json())
                .post(CAPTURE).then().statusCode(202).extract().path("jobId");

        ExecutorService pool8 = Executors.newFixedThreadPool(8);
        List<String> jobIds = new ArrayList<>();
        try {
            List<Future<String>> concurrent = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                concurrent.add(pool8.submit(post));
            }
            for (Future<String> f : concurrent) {
                jobIds.add(f.get());
            }
        } finally {
            pool8.shutdownNow();
        }
        jobIds.add(post.call());
        assertThat(jobIds).hasSize(9).containsOnly(jobIds.get(0));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> as(WRITER).get("/api/v1/trades/jobs/" + jobIds.get(0) + "/status")
                .then().statusCode(200).body("status", equalTo("CAPTURED")));
        try (CapturedEvents events = new CapturedEvents(bootstrap, List.of(key(account)))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> !events.ofKey(key(account)).isEmpty());
            // Another poll after the first event: a second record would be right behind it on the partition.
            Topics.send(bootstrap, Topics.inputs(List.of(TradeRequests.trade(TradeRequests.unique("AFTER"))
                    .key(account, "BOOK-02", "US0378331005"))));
            await().atMost(Duration.ofSeconds(30)).until(() -> events.ofKey(key(account)).size() >= 2);
            List<JsonNode> got = events.ofKey(key(account));
            assertThat(got.get(0).get("tradeId").asText()).isEqualTo(trade.tradeId());
            assertThat(got).filteredOn(e -> e.get("tradeId").asText().equals(trade.tradeId())).hasSize(1);
        }
        assertThat(Fixtures.count(pool, "SELECT count(*) FROM trade_versions WHERE trade_id = $1", trade.tradeId())).isEqualTo(1);
        assertThat(Fixtures.count(pool, "SELECT count(*) FROM ingest_jobs WHERE idempotency_key = $1", idempotencyKey)).isEqualTo(1);
    }

    @Test
    void httpAndKafkaTradesOfOneKeyAreCapturedInOrder() {
        String account = Fixtures.accounts(pool, reference, "HTTPORD", 1).get(0);
        String key = key(account);
        List<TradeRequests.Builder> trades = new ArrayList<>();
        try (CapturedEvents events = new CapturedEvents(bootstrap, List.of(key))) {
            for (int i = 1; i <= 9; i++) {
                TradeRequests.Builder t = TradeRequests.trade(TradeRequests.unique("ORD")).key(account, "BOOK-02", "US0378331005")
                        .quantity(Integer.toString(10 * i)).price("2").sequence(i);
                trades.add(t);
                if (i % 3 == 2) {
                    as(WRITER).body(t.json()).post(CAPTURE).then().statusCode(202);
                } else {
                    Topics.send(bootstrap, Topics.inputs(List.of(t)));
                }
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> events.ofKey(key).size() == trades.size());
            List<JsonNode> got = events.ofKey(key);
            assertThat(got).extracting(e -> e.get("tradeId").asText())
                    .containsExactlyElementsOf(trades.stream().map(TradeRequests.Builder::tradeId).toList());
            int running = 0;
            for (int i = 0; i < got.size(); i++) {
                running += 10 * (i + 1);
                assertThat(got.get(i).get("position").get("quantity").decimalValue()).isEqualByComparingTo(Integer.toString(running));
            }
        }
        var position = as(WRITER).get("/api/v1/positions/" + account + "/BOOK-02/US0378331005").then().statusCode(200)
                .body("tradeCount", equalTo(9)).extract().jsonPath();
        assertThat(position.getDouble("quantity")).isEqualTo(450.0);
        assertThat(position.getDouble("notional")).isEqualTo(900.0);
        assertThat(position.getDouble("averagePrice")).isEqualTo(2.0);
    }

    @Test
    void aManualEntryWithoutEnteredByRecordsTheAuthenticatedCaller() {
        String account = Fixtures.accounts(pool, reference, "HTTPWHO", 1).get(0);
        TradeRequests.Builder trade = TradeRequests.trade(TradeRequests.unique("WHO")).key(account, "BOOK-02", "US0378331005");
        Response accepted = as(WRITER).body(trade.json()).post(MANUAL);
        assertThat(accepted.statusCode()).as(accepted.asString()).isEqualTo(202);
        assertThat(accepted.jsonPath().getString("status")).isEqualTo("ACCEPTED");
        String jobId = accepted.path("jobId");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> as(WRITER).get("/api/v1/trades/jobs/" + jobId + "/status")
                .then().statusCode(200).body("status", equalTo("CAPTURED")));
        as(WRITER).get("/api/v1/trades/capture/" + trade.tradeId()).then().statusCode(200)
                .body("latest.enteredBy", equalTo("ops-user")).body("latest.source", equalTo("MANUAL"));
    }

    @Test
    void readEndpointsAnswerWithTheCapturedStateAndCheckRoles() {
        String account = Fixtures.accounts(pool, reference, "HTTPREAD", 1).get(0);
        TradeRequests.Builder trade = TradeRequests.trade(TradeRequests.unique("READ")).key(account, "BOOK-02", "US0378331005")
                .quantity("25").price("4");
        // decimals as strings are accepted too
        String body = edited(trade, n -> firstQuantity(n).put("value", "25"));
        Response accepted = as(WRITER).header("X-Callback-Url", "http://127.0.0.1:1/none").body(body).post(CAPTURE);
        assertThat(accepted.statusCode()).isEqualTo(202);
        String jobId = accepted.path("jobId");
        assertThat(accepted.header("Location")).endsWith("/api/v1/trades/jobs/" + jobId + "/status");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> as(WRITER).get("/api/v1/trades/jobs/" + jobId + "/status")
                .then().statusCode(200).body("status", equalTo("CAPTURED")).body("tradeId", equalTo(trade.tradeId())));

        as(WRITER).get("/api/v1/trades/capture/" + trade.tradeId()).then().statusCode(200)
                .body("latest.status", equalTo("CAPTURED")).body("versions.size()", equalTo(1))
                .body("latest.position.quantity", equalTo(25));
        as(WRITER).get("/api/v1/trades/capture/NOPE-" + trade.tradeId()).then().statusCode(404)
                .contentType("application/problem+json");
        as(WRITER).get("/api/v1/trades/jobs/no-such-job/status").then().statusCode(404);
        as(WRITER).get("/api/v1/exceptions?limit=5").then().statusCode(200);
        as(Tokens.mint("ops-user", Roles.WRITE)).get("/api/v1/trades/capture/" + trade.tradeId()).then().statusCode(403);
        given().get("/api/v1/positions/" + account + "/BOOK-02/US0378331005").then().statusCode(401);
        given().get("/api/v1/health").then().statusCode(200).body("status", equalTo("UP"));
        Fixtures.management().get("/q/openapi?format=json").then().statusCode(200)
                .body("paths.keySet()", hasItem("/api/v1/trades/capture"))
                .body("paths.keySet()", hasItem("/api/v1/trades/manual-entry"))
                .body("paths.'/api/v1/trades/capture'.post.responses.keySet()", hasItems("202", "400", "401", "403", "413", "503"))
                .body("paths.'/api/v1/exceptions'.get.responses.'403'.content.'application/problem+json'.schema.$ref",
                        equalTo("#/components/schemas/Problem"));
    }

    @Test
    void callbackGetsTheOutcomeRetriedUntilTheReceiverTakesItOrAttemptsRunOut() throws Exception {
        String account = Fixtures.accounts(pool, reference, "HTTPCB", 1).get(0);
        Map<String, List<JsonNode>> received = new ConcurrentHashMap<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        // /flaky answers 500 to its first delivery, /down always 503, /ok always 204.
        receiver.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            JsonNode body = MAPPER.readTree(exchange.getRequestBody().readAllBytes());
            List<JsonNode> got = received.computeIfAbsent(path, p -> new CopyOnWriteArrayList<>());
            got.add(body);
            int status = path.startsWith("/down") || (path.startsWith("/flaky") && got.size() == 1) ? 503 : 204;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
        try {
            String base = "http://127.0.0.1:" + receiver.getAddress().getPort();
            TradeRequests.Builder first = TradeRequests.trade(TradeRequests.unique("CB")).key(account, "BOOK-02", "US0378331005");
            // The same trade again with another book: capture rejects it (KEY_CHANGED), after HTTP accepted it.
            TradeRequests.Builder moved = TradeRequests.trade(first.tradeId()).key(account, "BOOK-03", "US0378331005")
                    .action("CORRECT", 2);
            TradeRequests.Builder third = TradeRequests.trade(TradeRequests.unique("CB")).key(account, "BOOK-02", "US0378331005");
            String flakyJob = as(WRITER).header("X-Callback-Url", base + "/flaky").body(first.json()).post(CAPTURE)
                    .then().statusCode(202).extract().path("jobId");
            await().atMost(Duration.ofSeconds(30)).until(() -> Fixtures.count(pool,
                    "SELECT count(*) FROM trade_versions WHERE trade_id = $1", first.tradeId()) == 1);
            String rejectedJob = as(WRITER).header("X-Callback-Url", base + "/ok").body(moved.json()).post(CAPTURE)
                    .then().statusCode(202).extract().path("jobId");
            String downJob = as(WRITER).header("X-Callback-Url", base + "/down").body(third.json()).post(CAPTURE)
                    .then().statusCode(202).extract().path("jobId");

            await().atMost(Duration.ofSeconds(30)).until(() -> callback(downJob).getString("callback_status").equals("FAILED")
                    && callback(flakyJob).getString("callback_status").equals("DELIVERED")
                    && callback(rejectedJob).getString("callback_status").equals("DELIVERED"));

            assertThat(received.get("/flaky")).hasSize(2).allSatisfy(b -> {
                assertThat(b.get("jobId").asText()).isEqualTo(flakyJob);
                assertThat(b.get("status").asText()).isEqualTo("CAPTURED");
                assertThat(b.get("tradeId").asText()).isEqualTo(first.tradeId());
            });
            assertThat(callback(flakyJob).getInteger("callback_attempts")).isEqualTo(2);
            assertThat(received.get("/ok")).singleElement().satisfies(b -> {
                assertThat(b.get("jobId").asText()).isEqualTo(rejectedJob);
                assertThat(b.get("status").asText()).isEqualTo("REJECTED");
                assertThat(b.get("reasonCode").asText()).isEqualTo("KEY_CHANGED");
            });
            // max-attempts is 3 in the test profile
            assertThat(received.get("/down")).hasSize(3)
                    .allSatisfy(b -> assertThat(b.get("status").asText()).isEqualTo("CAPTURED"));
            assertThat(callback(downJob).getInteger("callback_attempts")).isEqualTo(3);
            assertThat(callback(downJob).getString("callback_error")).contains("503");
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void callbacksGoOnlyToAllowedDestinationsAndRedirectsAreNotFollowed() throws Exception {
        String account = Fixtures.accounts(pool, reference, "HTTPSSRF", 1).get(0);
        Map<String, Integer> received = new ConcurrentHashMap<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            received.merge(path, 1, Integer::sum);
            if (path.equals("/redirect")) {
                exchange.getResponseHeaders().add("Location", "http://127.0.0.1:" + receiver.getAddress().getPort()
                        + "/target");
                exchange.sendResponseHeaders(302, -1);
            } else {
                exchange.sendResponseHeaders(204, -1);
            }
            exchange.close();
        });
        receiver.start();
        try {
            int port = receiver.getAddress().getPort();
            // refused when posted (the test profile allows * and 127.0.0.1): internal addresses not named
            for (String url : List.of("http://127.0.0.2:" + port + "/target", "http://169.254.169.254/latest/meta-data/",
                    "http://[::1]:" + port + "/target", "http://10.0.0.1/hook", "http://2130706433/target")) {
                TradeRequests.Builder t = TradeRequests.trade(TradeRequests.unique("SSRF")).key(account, "BOOK-02", "US0378331005");
                Response r = as(WRITER).header("X-Callback-Url", url).body(t.json()).post(CAPTURE);
                assertThat(r.statusCode()).as(url).isEqualTo(400);
                assertThat(r.contentType()).startsWith("application/problem+json");
                assertThat(r.jsonPath().getList("errors.field", String.class)).as(url).containsExactly("X-Callback-Url");
            }
            // a name the wildcard allows, resolving to loopback when delivered: refused then, never reached
            TradeRequests.Builder inward = TradeRequests.trade(TradeRequests.unique("SSRF")).key(account, "BOOK-02", "US0378331005");
            String inwardJob = as(WRITER).header("X-Callback-Url", "http://localhost:" + port + "/target")
                    .body(inward.json()).post(CAPTURE).then().statusCode(202).extract().path("jobId");
            TradeRequests.Builder redirected = TradeRequests.trade(TradeRequests.unique("SSRF")).key(account, "BOOK-02", "US0378331005");
            String redirectJob = as(WRITER).header("X-Callback-Url", "http://127.0.0.1:" + port + "/redirect")
                    .body(redirected.json()).post(CAPTURE).then().statusCode(202).extract().path("jobId");
            TradeRequests.Builder allowed = TradeRequests.trade(TradeRequests.unique("SSRF")).key(account, "BOOK-02", "US0378331005");
            String okJob = as(WRITER).header("X-Callback-Url", "http://127.0.0.1:" + port + "/ok")
                    .body(allowed.json()).post(CAPTURE).then().statusCode(202).extract().path("jobId");

            await().atMost(Duration.ofSeconds(30)).until(() -> callback(okJob).getString("callback_status").equals("DELIVERED")
                    && callback(inwardJob).getString("callback_status").equals("FAILED")
                    && callback(redirectJob).getString("callback_status").equals("FAILED"));
            assertThat(received.get("/ok")).isEqualTo(1);
            assertThat(callback(inwardJob).getInteger("callback_attempts")).isEqualTo(1);
            assertThat(callback(inwardJob).getString("callback_error")).contains("resolves to 127.0.0.1");
            // max-attempts is 3 in the test profile: three 302s, and the redirect's target never called
            assertThat(received.get("/redirect")).isEqualTo(3);
            assertThat(callback(redirectJob).getString("callback_error")).contains("302");
            assertThat(received).doesNotContainKey("/target");
            // the refused requests published nothing: only the three accepted trades reached the key
            assertThat(Fixtures.count(pool, "SELECT count(*) FROM ingest_jobs WHERE partition_key = $1",
                    key(account))).isEqualTo(3);
        } finally {
            receiver.stop(0);
        }
    }

    private Row callback(String jobId) {
        return Fixtures.query(pool, "SELECT callback_status, callback_attempts, callback_error FROM ingest_jobs "
                + "WHERE job_id = $1", jobId).iterator().next();
    }
}
