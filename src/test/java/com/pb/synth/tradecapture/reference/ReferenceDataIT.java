package com.pb.synth.tradecapture.reference;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pb.synth.tradecapture.security.Roles;
import com.pb.synth.tradecapture.support.CapturedEvents;
import com.pb.synth.tradecapture.support.Fixtures;
import com.pb.synth.tradecapture.support.RealServers;
import com.pb.synth.tradecapture.support.ServiceTestBase;
import com.pb.synth.tradecapture.support.Tokens;
import com.pb.synth.tradecapture.support.Topics;
import com.pb.synth.tradecapture.support.TradeRequests;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(RealServers.class)
class ReferenceDataIT extends ServiceTestBase {

    private static final String ADMIN = Tokens.mint("ref-admin", Roles.ADMIN, Roles.READ);
    private static final String READER = Tokens.mint("ops-user", Roles.READ, Roles.WRITE);

    private static RequestSpecification as(String token) {
        return given().contentType("application/json").header("Authorization", "Bearer " + token);
    }

    private static String account(String spread, String dayCount, String status) {
        return """
                {"legalEntity":"PB-EU-LTD","region":"emea","spreadBps":%s,%s"tenorMonths":18,
                 "resetFrequency":"QUARTERLY","straightThrough":true,"status":"%s"}"""
                .formatted(spread, dayCount == null ? "" : "\"dayCount\":\"" + dayCount + "\",", status);
    }

    @Test
    void adminApiWritesValidatedReferenceDataOnlyForAdmins() {
        String id = TradeRequests.unique("REFACC");
        as(READER).body(account("25", null, "ACTIVE")).put("/api/v1/reference/accounts/" + id).then().statusCode(403)
                .contentType("application/problem+json");
        given().contentType("application/json").body(account("25", null, "ACTIVE"))
                .put("/api/v1/reference/accounts/" + id).then().statusCode(401);

        Response wrongType = as(ADMIN).body("""
                {"legalEntity":"X","region":"emea","spreadBps":"wide","tenorMonths":12,"resetFrequency":"MONTHLY",
                 "straightThrough":true,"status":"ACTIVE"}""").put("/api/v1/reference/accounts/" + id);
        assertThat(wrongType.statusCode()).as(wrongType.asString()).isEqualTo(400);
        assertThat(wrongType.contentType()).startsWith("application/problem+json");
        assertThat(wrongType.jsonPath().getList("errors.field", String.class)).containsExactly("spreadBps");
        Response invalid = as(ADMIN).body("""
                {"legalEntity":"","region":"mars","spreadBps":12,"tenorMonths":0,"resetFrequency":"HOURLY",
                 "straightThrough":true,"status":"GONE","maxTradeNotional":-5}""").put("/api/v1/reference/accounts/bad_id");
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(invalid.jsonPath().getList("errors.field", String.class))
                .containsExactlyInAnyOrder("accountId", "legalEntity", "maxTradeNotional", "region", "resetFrequency",
                        "status", "tenorMonths");
        Response badSecurity = as(ADMIN).body("""
                {"isin":"NOT-AN-ISIN","currency":"XQZ","assetClass":"EQUITY","status":"ACTIVE"}""")
                .put("/api/v1/reference/securities/" + TradeRequests.unique("SEC"));
        assertThat(badSecurity.jsonPath().getList("errors.field", String.class)).containsExactly("currency", "isin");

        as(ADMIN).body(account("25", null, "ACTIVE")).put("/api/v1/reference/accounts/" + id).then().statusCode(201)
                .body("spreadBps", equalTo(25.0f)).body("status", equalTo("ACTIVE"));
        as(ADMIN).body(account("30.5", "ACT/365.FIXED", "ACTIVE")).put("/api/v1/reference/accounts/" + id).then()
                .statusCode(200).body("dayCount", equalTo("ACT/365.FIXED"));
        as(READER).get("/api/v1/reference/accounts/" + id).then().statusCode(200).body("spreadBps", equalTo(30.5f))
                .body("tenorMonths", equalTo(18));
        as(READER).get("/api/v1/reference/accounts/NOPE-" + id).then().statusCode(404);
        assertThat(Fixtures.count(pool, "SELECT count(*) FROM accounts WHERE account_id = $1", id)).isEqualTo(1);
    }

    @Test
    void tradesInEachCurrencyAreFormedOnTheAccountsTermsAndMissingReferenceHasItsOwnReason() {
        String account = TradeRequests.unique("REFCCY");
        as(ADMIN).body(account("37.5", null, "ACTIVE")).put("/api/v1/reference/accounts/" + account).then().statusCode(201);
        String inactiveBook = TradeRequests.unique("BK");
        as(ADMIN).body("{\"desk\":\"DELTA-ONE\",\"legalEntity\":\"PB-EU-LTD\",\"status\":\"INACTIVE\"}")
                .put("/api/v1/reference/books/" + inactiveBook).then().statusCode(201);

        Map<String, String[]> byCurrency = Map.of(
                "USD", new String[] {"US0378331005", "SOFR", "ACT/360"},
                "EUR", new String[] {"DE0007164600", "ESTR", "ACT/360"},
                "GBP", new String[] {"GB0005405286", "SONIA", "ACT/365.FIXED"},
                "JPY", new String[] {"JP3633400001", "TONA", "ACT/365.FIXED"});
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (var c : byCurrency.entrySet()) {
            TradeRequests.Builder t = TradeRequests.trade(TradeRequests.unique("CCY")).key(account, "BOOK-01", c.getValue()[0])
                    .currency(c.getKey());
            ObjectNode node = t.node();
            node.put("settlementDate", "2026-12-02");
            records.add(Topics.record(RealServers.IN, t.key(), node.toString()));
            keys.add(t.key());
        }
        TradeRequests.Builder unknown = TradeRequests.trade(TradeRequests.unique("MISS")).key(account, inactiveBook, "XX0000000009");
        records.add(Topics.record(RealServers.IN, unknown.key(), unknown.json()));
        keys.add(unknown.key());

        try (CapturedEvents events = new CapturedEvents(bootstrap, keys)) {
            Topics.send(bootstrap, records);
            await().atMost(Duration.ofSeconds(30)).until(() -> events.poll().size() == records.size());
            for (var c : byCurrency.entrySet()) {
                JsonNode event = events.ofKey(account + "_BOOK-01_" + c.getValue()[0]).get(0);
                JsonNode terms = event.get("contract").get("economicTerms");
                assertThat(terms.get("effectiveDate").asText()).isEqualTo("2026-12-02");
                assertThat(terms.get("terminationDate").asText()).isEqualTo("2028-06-02");
                JsonNode rate = terms.get("interestRatePayout");
                assertThat(rate.get("floatingRateIndex").asText()).as(c.getKey()).isEqualTo(c.getValue()[1]);
                assertThat(rate.get("dayCountFraction").asText()).as(c.getKey()).isEqualTo(c.getValue()[2]);
                assertThat(rate.get("spreadBps").decimalValue()).isEqualByComparingTo("37.5");
                assertThat(rate.get("resetFrequency").asText()).isEqualTo("QUARTERLY");
                assertThat(terms.get("performancePayout").get("currency").asText()).isEqualTo(c.getKey());
                assertThat(event.get("enrichmentStatus").asText()).isEqualTo("COMPLETE");
            }
            JsonNode partial = events.ofKey(unknown.key()).get(0);
            assertThat(partial.get("status").asText()).isEqualTo("CAPTURED");
            assertThat(partial.get("enrichmentStatus").asText()).isEqualTo("PARTIAL");
            assertThat(partial.get("workflowStatus").asText()).isEqualTo("PENDING_APPROVAL");
        }
        List<String> reasons = new ArrayList<>();
        Fixtures.query(pool, "SELECT reason_code FROM trade_exceptions WHERE trade_id = $1 ORDER BY reason_code",
                unknown.tradeId()).forEach(r -> reasons.add(r.getString(0)));
        assertThat(reasons).containsExactly("INACTIVE_BOOK", "UNKNOWN_SECURITY");
    }

    @Test
    void aChangeMadeElsewhereIsInUseHereWithinTheStalenessBound() {
        String account = TradeRequests.unique("REFSTALE");
        as(ADMIN).body(account("40", null, "ACTIVE")).put("/api/v1/reference/accounts/" + account).then().statusCode(201);
        // As another instance or an operator would: straight to the database, this instance not told.
        Fixtures.query(pool, "UPDATE accounts SET spread_bps = 55, status = 'INACTIVE' WHERE account_id = $1", account);
        long changed = System.nanoTime();
        // max-staleness is 1s in the test profile
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
                as(READER).get("/api/v1/reference/accounts/" + account).then().statusCode(200)
                        .body("spreadBps", equalTo(55.0f)).body("status", equalTo("INACTIVE")));
        long tookMs = (System.nanoTime() - changed) / 1_000_000;
        assertThat(tookMs).as("visible within max-staleness plus a reload").isLessThan(2_500);

        TradeRequests.Builder t = TradeRequests.trade(TradeRequests.unique("STALE")).key(account, "BOOK-01", "US0378331005");
        try (CapturedEvents events = new CapturedEvents(bootstrap, List.of(t.key()))) {
            Topics.send(bootstrap, Topics.inputs(List.of(t)));
            await().atMost(Duration.ofSeconds(30)).until(() -> !events.ofKey(t.key()).isEmpty());
            JsonNode event = events.ofKey(t.key()).get(0);
            assertThat(event.get("contract").get("economicTerms").get("interestRatePayout").get("spreadBps").decimalValue())
                    .isEqualByComparingTo("55");
            assertThat(event.get("enrichmentStatus").asText()).isEqualTo("PARTIAL");
        }
        assertThat(Fixtures.query(pool, "SELECT reason_code FROM trade_exceptions WHERE trade_id = $1", t.tradeId())
                .iterator().next().getString(0)).isEqualTo("INACTIVE_ACCOUNT");
    }
}
