package com.pb.synth.tradecapture.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pb.synth.tradecapture.domain.StoreLimits;
import com.pb.synth.tradecapture.security.Roles;
import com.pb.synth.tradecapture.support.Commands;
import com.pb.synth.tradecapture.support.Fixtures;
import com.pb.synth.tradecapture.support.RealServers;
import com.pb.synth.tradecapture.support.ServiceTestBase;
import com.pb.synth.tradecapture.support.Tokens;
import com.pb.synth.tradecapture.support.Topics;
import com.pb.synth.tradecapture.support.TradeRequests;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Row;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue tests 1-6 of the operations console, end to end: Playwright ({@code src/test/console},
 * npm playwright-core) drives Debian's headless Chromium through the console of the service
 * running on the real local stack; each test then checks the service's own state (rows, records
 * on the topics), not just the page. Screenshots of every page go to {@code target/console-screenshots}.
 */
@QuarkusTest
@QuarkusTestResource(RealServers.class)
class ConsoleIT extends ServiceTestBase {

    private static final Path E2E = Path.of("src/test/console");
    private static final Path SHOTS = Path.of("target/console-screenshots").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OPS = Tokens.mint("ops-user", Roles.WRITE, Roles.READ, Roles.APPROVE);
    private static final String APPROVER = Tokens.mint("approver-2", Roles.APPROVE, Roles.READ);
    private static final String READER = Tokens.mint("viewer", Roles.READ);

    @TestHTTPResource("/")
    URL base;

    @BeforeAll
    static void browser() throws Exception {
        Commands.require("node", "nodejs");
        Commands.require("npm", "npm");
        Commands.require("chromium", "chromium");
        Path installed = E2E.resolve("node_modules/.package-lock.json");
        if (!Files.exists(installed)
                || Files.getLastModifiedTime(installed).compareTo(Files.getLastModifiedTime(E2E.resolve("package-lock.json"))) < 0) {
            Commands.Result npm = Commands.run(E2E, List.of("npm", "ci", "--no-audit", "--no-fund"), 300);
            assertThat(npm.exit()).as("npm ci in %s:%n%s", E2E, npm.output()).isZero();
        }
    }

    /** Runs one scenario of console-e2e.mjs and returns what the page showed. */
    private JsonNode browse(String scenario, Map<String, Object> data) throws IOException, InterruptedException {
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("base", base.toString().replaceAll("/$", ""));
        input.put("tokens", Map.of("ops", OPS, "approver", APPROVER, "reader", READER,
                "expired", Tokens.expired("viewer", Roles.READ)));
        input.put("data", data);
        input.put("shots", SHOTS.toString());
        ProcessBuilder pb = new ProcessBuilder("node", "console-e2e.mjs", scenario).directory(E2E.toFile())
                .redirectErrorStream(true);
        pb.environment().put("CONSOLE_E2E", JSON.writeValueAsString(input));
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        boolean done = p.waitFor(180, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        String output = new String(out, StandardCharsets.UTF_8);
        assertThat(done && p.exitValue() == 0).as("scenario %s:%n%s", scenario, output).isTrue();
        String line = output.lines().filter(l -> l.startsWith("RESULT ")).reduce((a, b) -> b).orElseThrow();
        JsonNode result = JSON.readTree(line.substring("RESULT ".length()));
        assertThat(result.get("pageErrors")).as("script errors on the pages").isEmpty();
        return result;
    }

    private static Map<String, Object> form(TradeRequests.Builder t, String account, String quantity, String price) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("tradeId", t.tradeId());
        f.put("accountId", account);
        f.put("bookId", "BOOK-01");
        f.put("securityId", "US0378331005");
        f.put("side", "BUY");
        f.put("quantity", quantity);
        f.put("price", price);
        f.put("currency", "USD");
        return f;
    }

    private String account(String prefix, Long maxNotional) {
        String account = TradeRequests.unique(prefix);
        Fixtures.query(pool, "INSERT INTO accounts (account_id, legal_entity, region, spread_bps, max_trade_notional) "
                + "VALUES ($1, 'PB-US-LLC', 'us', 50, $2)", account, maxNotional);
        reference.load().await().atMost(Duration.ofSeconds(10));
        return account;
    }

    /** An input record that can never be captured, awaited until its exception (of this reason) is stored; its id. */
    private long poison(String key, String payload, String reason) {
        Topics.send(bootstrap, List.of(Topics.record(RealServers.IN, key, payload)));
        String find = "FROM trade_exceptions WHERE convert_from(payload, 'UTF8') = $1";
        await().atMost(Duration.ofSeconds(30)).until(() -> Fixtures.count(pool, "SELECT count(*) " + find, payload) == 1);
        Row r = Fixtures.query(pool, "SELECT exception_id, reason_code " + find, payload).iterator().next();
        assertThat(r.getString(1)).as("the poison record's reason").isEqualTo(reason);
        return r.getLong(0);
    }

    /** A 50,000 notional trade from Kafka on an account whose limit is lower: captured, waiting for approval. */
    private TradeRequests.Builder pendingApproval(String account, String prefix) {
        TradeRequests.Builder big = TradeRequests.trade(TradeRequests.unique(prefix)).key(account, "BOOK-01",
                "US0378331005").quantity("1000").price("50");
        Topics.send(bootstrap, Topics.inputs(List.of(big)));
        await().atMost(Duration.ofSeconds(30)).until(() -> Fixtures.count(pool,
                "SELECT count(*) FROM trade_versions WHERE trade_id = $1 AND pending", big.tradeId()) == 1);
        return big;
    }

    private long published(String tradeId) {
        return Fixtures.count(pool, "SELECT count(*) FROM ingest_jobs WHERE trade_id = $1", tradeId);
    }

    @Test
    void anOperatorEntersATradeSeesItCapturedAndFindsItsPosition() throws Exception {
        String account = account("CONSOLE", null);
        TradeRequests.Builder t = TradeRequests.trade(TradeRequests.unique("CON-ENTER"));
        JsonNode shown = browse("enterAndLookUp", Map.of("trade", form(t, account, "250", "12.5")));

        assertThat(shown.get("status").asText()).isEqualTo("CAPTURED");
        String key = account + "_BOOK-01_US0378331005";
        var position = Fixtures.position(pool, key).orElseThrow();
        BigDecimal notional = StoreLimits.money(new BigDecimal("250").multiply(new BigDecimal("12.5")));
        assertThat(position.quantity()).isEqualByComparingTo("250");
        assertThat(position.notional()).isEqualByComparingTo(notional);
        // the page shows the service's position, and it is the one entered
        assertThat(new BigDecimal(shown.get("quantity").asText())).isEqualByComparingTo("250");
        assertThat(new BigDecimal(shown.get("notional").asText())).isEqualByComparingTo(notional);
        assertThat(shown.get("tradeCount").asText()).isEqualTo("1");
        assertThat(shown.get("versions").asInt()).isEqualTo(1);
        assertThat(shown.get("lots").asInt()).isEqualTo(1);
        JsonNode stored = JSON.readTree(Fixtures.query(pool, "SELECT convert_from(captured_event, 'UTF8') FROM "
                + "trade_versions WHERE trade_id = $1", t.tradeId()).iterator().next().getString(0));
        assertThat(stored.get("enteredBy").asText()).isEqualTo("ops-user");
        assertThat(stored.get("source").asText()).isEqualTo("MANUAL");
        List<String> tiles = new ArrayList<>();
        shown.get("tiles").forEach(n -> tiles.add(n.asText()));
        assertThat(tiles).contains("Trades a second", "p99 capture latency", "Consumer lag", "Lock contention",
                "Stalled partitions");
    }

    @Test
    void aPoisonRecordIsRepairedFromTheExceptionsQueueAndCaptured() throws Exception {
        String account = account("CONSOLE-R", null);
        TradeRequests.Builder t = TradeRequests.trade(TradeRequests.unique("CON-POISON")).key(account, "BOOK-01",
                "US0378331005").quantity("-5");
        long id = poison(t.key(), t.json(), "INVALID_VALUE");

        JsonNode shown = browse("repairException", Map.of("exceptionId", id, "reasonCode", "INVALID_VALUE",
                "quantity", "5"));

        assertThat(shown.get("payload").asText()).contains(t.tradeId()).contains("-5");
        assertThat(shown.get("prefilled").asText()).isEqualTo("-5");
        assertThat(shown.get("status").asText()).isEqualTo("CAPTURED");
        assertThat(Fixtures.position(pool, t.key()).orElseThrow().quantity()).isEqualByComparingTo("5");
        Row x = Fixtures.query(pool, "SELECT status, repaired_by, repair_job_id FROM trade_exceptions "
                + "WHERE exception_id = $1", id).iterator().next();
        assertThat(x.getString(0)).isEqualTo("REPAIRED");
        assertThat(x.getString(1)).isEqualTo("ops-user");
        ConsumerRecord<String, byte[]> event = Topics.awaitRecord(bootstrap, RealServers.CAPTURED, t.key(), t.tradeId());
        JsonNode captured = JSON.readTree(event.value());
        assertThat(captured.get("status").asText()).isEqualTo("CAPTURED");
        assertThat(captured.get("source").asText()).isEqualTo("MANUAL");
    }

    @Test
    void theLookUpPagesAKeysOpenLots() throws Exception {
        String account = account("CONSOLE-LOTS", null);
        List<TradeRequests.Builder> buys = new java.util.ArrayList<>();
        for (int i = 0; i < 130; i++) {
            buys.add(TradeRequests.trade(TradeRequests.unique("CON-LOT")).key(account, "BOOK-01", "US0378331005")
                    .quantity("10").price("20"));
        }
        Topics.send(bootstrap, Topics.inputs(buys));
        String key = account + "_BOOK-01_US0378331005";
        await().atMost(Duration.ofSeconds(60)).until(() -> Fixtures.position(pool, key)
                .map(p -> p.tradeCount() == 130).orElse(false));
        JsonNode shown = browse("pageLots", Map.of("account", account));

        assertThat(shown.get("firstRows").asInt()).isEqualTo(100);
        assertThat(shown.get("firstCaption").asText()).contains("100 of 130");
        assertThat(shown.get("rows").asInt()).isEqualTo(130);
        assertThat(shown.get("caption").asText()).contains("130 of 130");
        assertThat(shown.get("more").asInt()).as("no more to fetch").isZero();
        java.util.Set<String> ids = new java.util.HashSet<>();
        shown.get("lotIds").forEach(id -> ids.add(id.asText()));
        assertThat(ids).as("each lot once").hasSize(130);
    }

    @Test
    void aLargeManualTradeWaitsForASecondUsersApproval() throws Exception {
        String account = account("CONSOLE-A", 10_000L);
        TradeRequests.Builder t = TradeRequests.trade(TradeRequests.unique("CON-LARGE"));
        JsonNode shown = browse("approveLargeTrade", Map.of("trade", form(t, account, "1000", "50")));

        assertThat(shown.get("refusal").asText()).containsIgnoringCase("entered");
        assertThat(shown.get("stillQueued").asInt()).isEqualTo(1);
        String key = account + "_BOOK-01_US0378331005";
        JsonNode approved = JSON.readTree(Topics.awaitRecord(bootstrap, RealServers.CAPTURED, key, "\"APPROVED\"").value());
        assertThat(approved.get("tradeId").asText()).isEqualTo(t.tradeId());
        assertThat(approved.get("approval").get("decision").asText()).isEqualTo("APPROVE");
        assertThat(approved.get("approval").get("decidedBy").asText()).isEqualTo("approver-2");
        assertThat(approved.get("approval").get("comment").asText()).isEqualTo("checked with the desk");
        assertThat(Fixtures.position(pool, key).orElseThrow().pendingCount()).isZero();
    }

    @Test
    void invalidInputShowsTheFieldErrorsAndPublishesNothing() throws Exception {
        String account = account("CONSOLE-V", null);
        TradeRequests.Builder t = TradeRequests.trade(TradeRequests.unique("CON-INVALID"));
        JsonNode shown = browse("invalidInput", Map.of("trade", form(t, account, "10", "10")));

        JsonNode client = shown.get("client");
        assertThat(client.get("tradeId").asText()).isEqualTo("required");
        assertThat(client.get("quantity").asText()).contains("positive");
        assertThat(client.get("currency").asText()).contains("three letters");
        assertThat(client.get("invalid").asInt()).isEqualTo(3);
        assertThat(client.get("posted").asInt()).as("requests sent with client-side errors").isZero();
        JsonNode server = shown.get("server");
        assertThat(server.get("posted").asInt()).isEqualTo(1);
        assertThat(server.get("currency").asText()).as("the service's own error beside its field").isNotBlank();
        assertThat(server.get("status").asText()).contains("Invalid trade");
        assertThat(published(t.tradeId())).isZero();
        assertThat(Fixtures.count(pool, "SELECT count(*) FROM trade_versions WHERE trade_id = $1", t.tradeId())).isZero();
        try (Topics.Reader in = new Topics.Reader(bootstrap, RealServers.IN)) {
            String key = account + "_BOOK-01_US0378331005";
            assertThat(in.poll().stream().filter(r -> key.equals(r.key()))).as("records of the key on the input topic")
                    .isEmpty();
        }
    }

    @Test
    void aStoredXssAttemptRendersAsTextAndTheCspBlocksInlineScript() throws Exception {
        // free text from outside: a record's key and payload (kept with its exception), a rejection comment
        String markup = "<img src=x onerror=\"window.__xss=1\"><script>window.__xss=2</script>";
        TradeRequests.Builder t = TradeRequests.trade(TradeRequests.unique("CON-XSS"));
        ObjectNode n = t.node();
        n.put("tradeId", markup);
        long id = poison(markup, n.toString(), "INVALID_ID");
        TradeRequests.Builder big = pendingApproval(account("CONSOLE-X", 10_000L), "CON-XSS-BIG");
        io.restassured.RestAssured.given().contentType("application/json").header("Authorization", "Bearer " + APPROVER)
                .body(JSON.writeValueAsString(Map.of("decision", "REJECT", "comment", markup)))
                .post("/api/v1/approvals/" + big.tradeId() + "/1").then().statusCode(200);

        JsonNode shown = browse("storedXss", Map.of("exceptionId", id, "tradeId", big.tradeId()));

        assertThat(shown.get("listed").asText()).as("the key in the queue, as text").contains(markup);
        assertThat(shown.get("detailText").asText()).as("the key in the detail, as text").contains(markup);
        assertThat(shown.get("payload").asText()).contains("\"tradeId\": \"<img src=x onerror=\\\"window.__xss=1\\\"><script>");
        assertThat(shown.get("decisions").asText()).as("the rejection comment, as text").contains(markup);
        for (String page : List.of("onExceptions", "onLookup")) {
            assertThat(shown.get(page).get("xss").isNull()).as("no injected handler ran " + page).isTrue();
            assertThat(shown.get(page).get("elements").asInt()).as("no element from the text " + page).isZero();
        }
        assertThat(shown.get("inline").isNull()).as("an inline script did not run").isTrue();
        assertThat(shown.get("violations").toString()).contains("script-src");
        assertThat(shown.get("csp").asText()).contains("script-src 'self'").contains("default-src 'none'")
                .doesNotContain("unsafe-inline");
    }

    @Test
    void aReadOnlyUserSeesNoWriteActionsAndTheApiRefusesThem() throws Exception {
        String account = account("CONSOLE-RO", 10_000L);
        TradeRequests.Builder pending = pendingApproval(account, "CON-RO");
        TradeRequests.Builder bad = TradeRequests.trade(TradeRequests.unique("CON-RO-BAD")).key(account, "BOOK-01",
                "US0378331005").quantity("-1");
        long id = poison(bad.key(), bad.json(), "INVALID_VALUE");
        TradeRequests.Builder forced = TradeRequests.trade(TradeRequests.unique("CON-FORCED")).key(account, "BOOK-01",
                "US0378331005");

        JsonNode shown = browse("readOnly", Map.of("exceptionId", id, "tradeId", pending.tradeId(),
                "request", JSON.readTree(forced.json())));

        assertThat(shown.get("expired").asText()).contains("refused");
        assertThat(shown.get("entryForm").asBoolean()).isFalse();
        assertThat(shown.get("entryStatus").asText()).contains(Roles.WRITE);
        assertThat(shown.get("repair").asBoolean()).isFalse();
        assertThat(shown.get("decide").asInt()).isZero();
        assertThat(shown.get("edits").asInt()).isZero();
        JsonNode refused = shown.get("forced");
        for (String call : List.of("manualEntry", "repair", "approve", "reference", "rule")) {
            assertThat(refused.get(call).asInt()).as(call).isEqualTo(403);
        }
        assertThat(published(forced.tradeId())).isZero();
        assertThat(Fixtures.query(pool, "SELECT status FROM trade_exceptions WHERE exception_id = $1", id).iterator()
                .next().getString(0)).isEqualTo("OPEN");
        assertThat(Fixtures.position(pool, account + "_BOOK-01_US0378331005").orElseThrow().pendingCount()).isEqualTo(1);
    }
}
