package com.pb.synth.tradecapture.rules;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(RealServers.class)
class RulesIT extends ServiceTestBase {

    private static final String ADMIN = Tokens.mint("rules-admin", Roles.ADMIN);
    private static final String OPS = Tokens.mint("ops-user", Roles.READ, Roles.WRITE);

    private static RequestSpecification as(String token) {
        return given().contentType("application/json").header("Authorization", "Bearer " + token);
    }

    private static String forAccount(String ruleId, String kind, String account, String extraCriteria, String actions) {
        String criteria = extraCriteria == null ? "{\"field\":\"trade.accountId\",\"op\":\"eq\",\"value\":\"" + account + "\"}"
                : "{\"all\":[{\"field\":\"trade.accountId\",\"op\":\"eq\",\"value\":\"" + account + "\"}," + extraCriteria + "]}";
        return "{\"ruleId\":\"" + ruleId + "\",\"kind\":\"" + kind + "\",\"priority\":10,\"criteria\":" + criteria
                + ",\"actions\":" + actions + "}";
    }

    private JsonNode capture(TradeRequests.Builder t) {
        try (CapturedEvents events = new CapturedEvents(bootstrap, List.of(t.key()))) {
            Topics.send(bootstrap, Topics.inputs(List.of(t)));
            await().atMost(Duration.ofSeconds(30)).until(() -> events.ofKey(t.key()).stream()
                    .anyMatch(e -> e.get("tradeId").asText().equals(t.tradeId())));
            return events.ofKey(t.key()).stream().filter(e -> e.get("tradeId").asText().equals(t.tradeId()))
                    .findFirst().orElseThrow();
        }
    }

    private static List<String> texts(JsonNode array) {
        return array == null ? List.of() : java.util.stream.StreamSupport.stream(array.spliterator(), false)
                .map(JsonNode::asText).toList();
    }

    @Test
    void eachRuleKindChangesCapturedTradesAndIsRecorded() {
        String account = Fixtures.accounts(pool, reference, "RULES", 1).get(0);
        String e = TradeRequests.unique("E");
        String n = TradeRequests.unique("N");
        String w = TradeRequests.unique("W");
        as(ADMIN).body(forAccount(e, "ECONOMIC", account, null, """
                [{"type":"SET_FIELD","field":"interestRatePayout.spreadBps","value":12.5},
                 {"type":"SET_FIELD","field":"performancePayout.returnType","value":"TOTAL_RETURN"}]"""))
                .post("/api/v1/rules").then().statusCode(201).body("version", equalTo(1));
        as(ADMIN).body(forAccount(n, "NON_ECONOMIC", account, null, """
                [{"type":"ADD_TAG","value":"rebook-desk"},{"type":"SET_FIELD","field":"settlement.custodian","value":"PB-CUST-1"},
                 {"type":"SET_FIELD","field":"flags.clientVisible","value":false}]"""))
                .post("/api/v1/rules").then().statusCode(201);
        as(ADMIN).body(forAccount(w, "WORKFLOW", account, "{\"field\":\"trade.notional\",\"op\":\"gt\",\"value\":5000}", """
                [{"type":"SET_WORKFLOW_STATUS","value":"PENDING_APPROVAL","reason":"over 5,000 for this account"}]"""))
                .post("/api/v1/rules").then().statusCode(201);
        as(ADMIN).get("/api/v1/rules?view=list").then().statusCode(200).body("ruleId", hasItem(w));
        as(ADMIN).get("/api/v1/rules").then().statusCode(200).body("workflow.ruleId", hasItem(w))
                .body("economic.ruleId", hasItem(e)).body("nonEconomic.ruleId", hasItem(n))
                .body("economic.ruleId", not(hasItem(w)));

        JsonNode small = capture(TradeRequests.trade(TradeRequests.unique("RS")).key(account, "BOOK-01", "US0378331005")
                .quantity("10").price("100"));
        JsonNode rate = small.get("contract").get("economicTerms").get("interestRatePayout");
        assertThat(rate.get("spreadBps").decimalValue()).isEqualByComparingTo("12.5");
        assertThat(small.get("contract").get("taxonomy").asText()).contains("TotalReturn");
        assertThat(texts(small.get("nonEconomicTerms").get("tags"))).containsExactly("rebook-desk");
        assertThat(small.get("nonEconomicTerms").get("settlement").get("custodian").asText()).isEqualTo("PB-CUST-1");
        assertThat(small.get("nonEconomicTerms").get("flags").get("clientVisible").asBoolean()).isFalse();
        assertThat(small.get("workflowStatus").asText()).isEqualTo("APPROVED");
        assertThat(texts(small.get("processingMetadata").get("rulesApplied"))).containsExactly(e + "@v1", n + "@v1");

        JsonNode large = capture(TradeRequests.trade(TradeRequests.unique("RL")).key(account, "BOOK-01", "US0378331005")
                .quantity("100").price("100"));
        assertThat(large.get("workflowStatus").asText()).isEqualTo("PENDING_APPROVAL");
        assertThat(large.get("state").get("positionState").asText()).isEqualTo("EXECUTED");
        assertThat(texts(large.get("approvalReasons"))).containsExactly("over 5,000 for this account");
        assertThat(texts(large.get("processingMetadata").get("rulesApplied"))).containsExactly(e + "@v1", n + "@v1", w + "@v1");
        assertThat(large.get("position").get("pendingCount").asInt()).isEqualTo(1);
    }

    @Test
    void anInvalidRuleIsRefusedNamingEachProblemAndOnlyAdminsWriteRules() {
        String id = TradeRequests.unique("BAD");
        Response bad = as(ADMIN).body("{\"ruleId\":\"" + id + "\",\"kind\":\"ECONOMIC\","
                + "\"criteria\":{\"field\":\"trade.colour\",\"op\":\"eq\",\"value\":\"red\"},"
                + "\"actions\":[{\"type\":\"SET_FIELD\",\"field\":\"interestRatePayout.dayCountFraction\",\"value\":\"ACT/999\"}]}")
                .post("/api/v1/rules");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.contentType()).startsWith("application/problem+json");
        assertThat(bad.jsonPath().getList("errors.field", String.class))
                .containsExactly("criteria.field", "actions[0].value");
        assertThat(bad.jsonPath().getString("errors[0].message")).contains("trade.colour");
        as(ADMIN).get("/api/v1/rules/" + id).then().statusCode(404);

        String ok = forAccount(id, "NON_ECONOMIC", "ACC-001", null, "[{\"type\":\"ADD_TAG\",\"value\":\"x\"}]");
        as(OPS).body(ok).post("/api/v1/rules").then().statusCode(403).contentType("application/problem+json");
        given().contentType("application/json").body(ok).post("/api/v1/rules").then().statusCode(401);
        // reading the rules needs the read role only (the console shows them to every reader); writing needs admin
        as(OPS).get("/api/v1/rules").then().statusCode(200);
        as(OPS).delete("/api/v1/rules/" + id).then().statusCode(403);
        as(Tokens.mint("writer-only", Roles.WRITE)).get("/api/v1/rules").then().statusCode(403);
        given().get("/api/v1/rules").then().statusCode(401);
        assertThat(Fixtures.count(pool, "SELECT count(*) FROM rules WHERE rule_id = $1", id)).isZero();
    }

    @Test
    void aRuleChangedElsewhereIsInForceHereWithinTheBoundAndADeleteTakesItOut() {
        String account = Fixtures.accounts(pool, reference, "RULEV", 1).get(0);
        String id = TradeRequests.unique("SPREAD");
        String v1 = forAccount(id, "ECONOMIC", account, null,
                "[{\"type\":\"SET_FIELD\",\"field\":\"interestRatePayout.spreadBps\",\"value\":10}]");
        as(ADMIN).body(v1).post("/api/v1/rules").then().statusCode(201);
        TradeRequests.Builder first = TradeRequests.trade(TradeRequests.unique("V1")).key(account, "BOOK-01", "US0378331005");
        assertThat(capture(first).get("contract").get("economicTerms").get("interestRatePayout").get("spreadBps")
                .decimalValue()).isEqualByComparingTo("10");

        // Version 2 written by another instance, straight to the database: this one is not told.
        String v2 = v1.replace("\"value\":10}", "\"value\":20}");
        Fixtures.query(pool, "INSERT INTO rules (rule_id, version, kind, priority, definition, active, created_at) "
                + "VALUES ($1, 2, 'ECONOMIC', 10, $2, true, now())", id, v2);
        long written = System.nanoTime();
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(50)).until(() ->
                reference.current().await().indefinitely().rules().stream()
                        .anyMatch(r -> r.ruleId().equals(id) && r.version() == 2));
        assertThat((System.nanoTime() - written) / 1_000_000).as("in force within max-staleness (1 s) plus a reload")
                .isLessThan(2_500);
        JsonNode second = capture(TradeRequests.trade(TradeRequests.unique("V2")).key(account, "BOOK-01", "US0378331005"));
        assertThat(second.get("contract").get("economicTerms").get("interestRatePayout").get("spreadBps").decimalValue())
                .isEqualByComparingTo("20");
        assertThat(texts(second.get("processingMetadata").get("rulesApplied"))).containsExactly(id + "@v2");

        as(ADMIN).delete("/api/v1/rules/" + id).then().statusCode(204);
        as(ADMIN).get("/api/v1/rules/" + id).then().statusCode(200).body("size()", equalTo(3))
                .body("[2].active", equalTo(false));
        JsonNode third = capture(TradeRequests.trade(TradeRequests.unique("V3")).key(account, "BOOK-01", "US0378331005"));
        assertThat(third.get("contract").get("economicTerms").get("interestRatePayout").get("spreadBps").decimalValue())
                .isEqualByComparingTo("50");
        assertThat(texts(third.get("processingMetadata").get("rulesApplied"))).isEmpty();
        as(ADMIN).delete("/api/v1/rules/" + id).then().statusCode(404);
    }
}
