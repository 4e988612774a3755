package com.pb.synth.tradecapture.approval;

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
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(RealServers.class)
class ApprovalsIT extends ServiceTestBase {

    private static final String OPS = Tokens.mint("ops-user", Roles.WRITE, Roles.READ, Roles.APPROVE);
    private static final String APPROVER = Tokens.mint("approver-1", Roles.APPROVE, Roles.READ);
    private static final String READER = Tokens.mint("reader", Roles.READ);

    private static RequestSpecification as(String token) {
        return given().contentType("application/json").header("Authorization", "Bearer " + token);
    }

    private static String manual(TradeRequests.Builder t) {
        ObjectNode n = t.node();
        n.put("enteredBy", "ops-user");
        return n.toString();
    }

    private static List<String> statuses(List<JsonNode> events) {
        return events.stream().map(e -> e.get("tradeId").asText().replaceAll("-.*", "") + ":" + e.get("status").asText())
                .toList();
    }

    /** The key's open lots as "tradeId openQuantity", oldest first. */
    private static List<String> openLots(String account) {
        var p = as(READER).get("/api/v1/positions/" + account + "/BOOK-01/US0378331005").then().statusCode(200)
                .extract().jsonPath();
        List<String> out = new java.util.ArrayList<>();
        for (java.util.Map<String, Object> lot : p.<java.util.Map<String, Object>>getList("openLots")) {
            out.add(lot.get("tradeId") + " " + new java.math.BigDecimal(lot.get("openQuantity").toString())
                    .stripTrailingZeros().toPlainString());
        }
        return out;
    }

    /** A new account whose trades over a 10,000 notional wait for approval. */
    private String accountWithLimit(String prefix) {
        String account = TradeRequests.unique(prefix);
        Fixtures.query(pool, "INSERT INTO accounts (account_id, legal_entity, region, spread_bps, max_trade_notional) "
                + "VALUES ($1, 'PB-US-LLC', 'us', 50, 10000)", account);
        reference.load().await().atMost(Duration.ofSeconds(10));
        return account;
    }

    @Test
    void overTheLimitWaitsThenApproveFormsAndRejectRevertsInTheKeysOrder() {
        String account = accountWithLimit("APPR");
        String key = account + "_BOOK-01_US0378331005";
        TradeRequests.Builder big = TradeRequests.trade("BIG-" + TradeRequests.unique("T")).key(account, "BOOK-01", "US0378331005")
                .quantity("200").price("100");
        TradeRequests.Builder small = TradeRequests.trade("SMALL-" + TradeRequests.unique("T")).key(account, "BOOK-01", "US0378331005")
                .quantity("10").price("100");
        TradeRequests.Builder other = TradeRequests.trade("OTHER-" + TradeRequests.unique("T")).key(account, "BOOK-01", "US0378331005")
                .quantity("300").price("100");

        try (CapturedEvents events = new CapturedEvents(bootstrap, List.of(key))) {
            as(OPS).body(manual(big)).post("/api/v1/trades/manual-entry").then().statusCode(202);
            await().atMost(Duration.ofSeconds(30)).until(() -> events.ofKey(key).size() == 1);
            JsonNode pending = events.ofKey(key).get(0);
            assertThat(pending.get("workflowStatus").asText()).isEqualTo("PENDING_APPROVAL");
            assertThat(pending.get("state").get("positionState").asText()).isEqualTo("EXECUTED");
            assertThat(pending.get("approvalReasons").get(0).asText()).isEqualTo("notional over the account's limit");
            assertThat(pending.get("position").get("pendingCount").asInt()).isEqualTo(1);

            List<String> queued = as(READER).get("/api/v1/approvals?limit=1000").then().statusCode(200)
                    .extract().jsonPath().getList("tradeId", String.class);
            assertThat(queued).contains(big.tradeId());
            as(READER).body("{\"decision\":\"APPROVE\"}").post("/api/v1/approvals/" + big.tradeId() + "/1")
                    .then().statusCode(403);
            as(OPS).body("{\"decision\":\"APPROVE\"}").post("/api/v1/approvals/" + big.tradeId() + "/1").then()
                    .statusCode(403).body("detail", org.hamcrest.Matchers.containsString("entered"));

            // A later trade of the key is captured before the decision on the earlier one.
            Topics.send(bootstrap, Topics.inputs(List.of(small)));
            await().atMost(Duration.ofSeconds(30)).until(() -> events.ofKey(key).size() == 2);

            as(APPROVER).body("{\"decision\":\"APPROVE\",\"comment\":\"limit waived for this client\"}")
                    .post("/api/v1/approvals/" + big.tradeId() + "/1").then().statusCode(200)
                    .body("event.status", equalTo("APPROVED"));
            await().atMost(Duration.ofSeconds(30)).until(() -> events.ofKey(key).size() == 3);
            assertThat(statuses(events.ofKey(key))).containsExactly("BIG:CAPTURED", "SMALL:CAPTURED", "BIG:APPROVED");
            JsonNode approved = events.ofKey(key).get(2);
            assertThat(approved.get("workflowStatus").asText()).isEqualTo("APPROVED");
            assertThat(approved.get("state").get("positionState").asText()).isEqualTo("FORMED");
            assertThat(approved.get("approval").get("decidedBy").asText()).isEqualTo("approver-1");
            assertThat(approved.get("position").get("quantity").decimalValue()).as("includes the later trade")
                    .isEqualByComparingTo("210");
            assertThat(approved.get("position").get("pendingCount").asInt()).isZero();
            as(APPROVER).body("{\"decision\":\"REJECT\",\"comment\":\"changed my mind\"}")
                    .post("/api/v1/approvals/" + big.tradeId() + "/1").then().statusCode(409);

            as(OPS).body(manual(other)).post("/api/v1/trades/manual-entry").then().statusCode(202);
            await().atMost(Duration.ofSeconds(30)).until(() -> events.ofKey(key).size() == 4);
            assertThat(events.ofKey(key).get(3).get("position").get("quantity").decimalValue()).isEqualByComparingTo("510");
            as(APPROVER).body("{\"decision\":\"REJECT\"}").post("/api/v1/approvals/" + other.tradeId() + "/1").then()
                    .statusCode(400).body("errors[0].field", equalTo("comment"));
            as(APPROVER).body("{\"decision\":\"REJECT\",\"comment\":\"wrong account\"}")
                    .post("/api/v1/approvals/" + other.tradeId() + "/1").then().statusCode(200);
            await().atMost(Duration.ofSeconds(30)).until(() -> events.ofKey(key).size() == 5);
            JsonNode rejected = events.ofKey(key).get(4);
            assertThat(rejected.get("status").asText()).isEqualTo("REJECTED");
            assertThat(rejected.get("state").get("positionState").asText()).isEqualTo("CANCELLED");
            assertThat(rejected.get("position").get("quantity").decimalValue()).as("the rejected trade left the position")
                    .isEqualByComparingTo("210");
            assertThat(rejected.get("position").get("tradeCount").asInt()).isEqualTo(2);
            // its lots left the key's FIFO book with it
            assertThat(openLots(account)).containsExactly(big.tradeId() + " 200", small.tradeId() + " 10");
        }
        // A correction of the rejected trade enters the position afresh (the rejection took it out).
        TradeRequests.Builder corrected = TradeRequests.trade(other.tradeId()).key(account, "BOOK-01", "US0378331005")
                .quantity("50").price("100").action("CORRECT", 2);
        Topics.send(bootstrap, Topics.inputs(List.of(corrected)));
        await().atMost(Duration.ofSeconds(30)).until(() -> Fixtures.position(pool, key).orElseThrow().tradeCount() == 3);
        assertThat(Fixtures.position(pool, key).orElseThrow().quantity()).isEqualByComparingTo("260");
        // back in its place (its first capture), with its new lots
        assertThat(openLots(account)).containsExactly(big.tradeId() + " 200", small.tradeId() + " 10",
                other.tradeId() + " 50");
        TradeRequests.Builder cancel = TradeRequests.trade(other.tradeId()).key(account, "BOOK-01", "US0378331005")
                .quantity("50").price("100").action("CANCEL", 3);
        Topics.send(bootstrap, Topics.inputs(List.of(cancel)));
        await().atMost(Duration.ofSeconds(30)).until(() -> Fixtures.position(pool, key).orElseThrow().tradeCount() == 2);
        var position = Fixtures.position(pool, key).orElseThrow();
        assertThat(position.quantity()).isEqualByComparingTo("210");
        assertThat(position.notional()).isEqualByComparingTo("21000");
        assertThat(position.tradeCount()).isEqualTo(2);
        assertThat(position.pendingCount()).isZero();
        assertThat(openLots(account)).containsExactly(big.tradeId() + " 200", small.tradeId() + " 10");
        List<String> queued = as(READER).get("/api/v1/approvals?limit=1000").then().statusCode(200)
                .extract().jsonPath().getList("tradeId", String.class);
        assertThat(queued).doesNotContain(big.tradeId(), other.tradeId());
    }

    @Test
    void anApprovalAfterRedisLostItsFenceCountersGoesThroughAtOnce() {
        String account = accountWithLimit("APPRLOSS");
        TradeRequests.Builder big = TradeRequests.trade("BIG-" + TradeRequests.unique("T")).key(account, "BOOK-02", "US0378331005")
                .quantity("200").price("100");
        String key = big.key();
        // The key's counter is far ahead of 1 when Redis loses it.
        redis.send(io.vertx.mutiny.redis.client.Request.cmd(io.vertx.mutiny.redis.client.Command.SET)
                .arg(com.pb.synth.tradecapture.lock.PartitionLock.fenceKey(key)).arg("3000")).await().atMost(Duration.ofSeconds(10));
        as(OPS).body(manual(big)).post("/api/v1/trades/manual-entry").then().statusCode(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> Fixtures.position(pool, key).map(p -> p.pendingCount() == 1)
                .orElse(false));
        redis.send(io.vertx.mutiny.redis.client.Request.cmd(io.vertx.mutiny.redis.client.Command.FLUSHALL))
                .await().atMost(Duration.ofSeconds(10));

        as(APPROVER).body("{\"decision\":\"APPROVE\"}").post("/api/v1/approvals/" + big.tradeId() + "/1").then()
                .statusCode(200);
        assertThat(Fixtures.position(pool, key).orElseThrow().pendingCount()).isZero();
        assertThat(Fixtures.position(pool, key).orElseThrow().fencingToken()).isGreaterThan(3000);
    }

    @jakarta.inject.Inject
    io.vertx.mutiny.redis.client.Redis redis;
}
