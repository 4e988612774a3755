package com.pb.synth.tradecapture.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.pb.synth.tradecapture.support.Fixtures;
import com.pb.synth.tradecapture.support.RealServers;
import com.pb.synth.tradecapture.support.ServiceTestBase;
import com.pb.synth.tradecapture.support.TradeRequests;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The replaced service's clients, replayed: its end-to-end script's calls, with authentication off
 * as that script ran, in the request shape its clients send (no {@code action}, {@code version},
 * {@code side} or {@code enteredBy}; amounts as JSON numbers), asserting on what those clients read.
 */
@QuarkusTest
@TestProfile(CompatibilityIT.AuthenticationOff.class)
@QuarkusTestResource(RealServers.class)
class CompatibilityIT extends ServiceTestBase {

    public static class AuthenticationOff implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("capture.http.auth-enabled", "false");
        }
    }

    /** A request as the replaced service's clients write it, by hand, field for field. */
    private static String legacyTrade(String tradeId, String account, int quantity, double price) {
        return """
                {"tradeId": "%s", "accountId": "%s", "bookId": "BOOK-01", "securityId": "US0378331005",
                 "source": "AUTOMATED", "tradeDate": "2026-11-24", "tradeTimestamp": "2026-11-24T15:30:00Z",
                 "counterpartyIds": ["CPTY-1"],
                 "tradeLots": [{"lotIdentifier": [{"identifier": "%s-L1", "identifierType": "LOT_ID"}],
                   "priceQuantity": [{"quantity": [{"value": %d, "unit": {"financialUnit": "Share"}}],
                                      "price": [{"value": %s, "unit": {"currency": "USD"}}]}]}]}
                """.formatted(tradeId, account, tradeId, quantity, price);
    }

    private static Response post(String path, String body, String idempotencyKey) {
        var request = given().contentType("application/json").body(body);
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return request.post(path);
    }

    private static JsonPath awaitJob(String jobId, String status) {
        await().atMost(Duration.ofSeconds(30)).until(() -> status.equals(given()
                .get("/api/v1/trades/jobs/" + jobId + "/status").path("status")));
        return given().get("/api/v1/trades/jobs/" + jobId + "/status").then().statusCode(200).extract().jsonPath();
    }

    @Test
    void theReplacedServicesScriptReadsWhatItExpects() {
        // 1. health, with the pool figures its monitoring reads
        JsonPath health = given().get("/api/v1/health").then().statusCode(200).extract().jsonPath();
        assertThat(health.getString("status")).isEqualTo("UP");
        int maximum = health.getInt("connectionPool.maximumPoolSize");
        assertThat(maximum).isEqualTo(8); // DB_POOL_SIZE's default
        assertThat(health.getInt("connectionPool.total")).isBetween(1, maximum);
        assertThat(health.getInt("connectionPool.active")).isBetween(0, health.getInt("connectionPool.total"));

        // 2. a trade posted: 202, ACCEPTED, the job and its status URL
        String account = Fixtures.accounts(pool, reference, "COMPAT", 1).get(0);
        String tradeId = TradeRequests.unique("COMPAT");
        String key = "compat-" + tradeId;
        Response accepted = post("/api/v1/trades/capture", legacyTrade(tradeId, account, 100, 10.5), key);
        assertThat(accepted.statusCode()).as(accepted.asString()).isEqualTo(202);
        assertThat(accepted.jsonPath().getString("status")).isEqualTo("ACCEPTED");
        String jobId = accepted.jsonPath().getString("jobId");
        assertThat(accepted.header("Location")).endsWith("/api/v1/trades/jobs/" + jobId + "/status");

        // 3. the same Idempotency-Key again: the same job
        Response again = post("/api/v1/trades/capture", legacyTrade(tradeId, account, 100, 10.5), key);
        assertThat(again.statusCode()).isIn(200, 202);
        assertThat(again.jsonPath().getString("jobId")).isEqualTo(jobId);

        // 4. the job ends CAPTURED; 5. the blotter as captured, every version
        assertThat(awaitJob(jobId, "CAPTURED").getString("tradeId")).isEqualTo(tradeId);
        JsonPath trade = given().get("/api/v1/trades/capture/" + tradeId).then().statusCode(200).extract().jsonPath();
        assertThat(trade.getString("latest.status")).isEqualTo("CAPTURED");
        assertThat(trade.getString("latest.action")).isEqualTo("NEW");
        assertThat(trade.getInt("latest.version")).isEqualTo(1);
        assertThat(trade.getList("versions")).hasSize(1);

        // 6. a manual entry without enteredBy: accepted, and recorded as anonymous (authentication off)
        String manualId = TradeRequests.unique("COMPAT-M");
        Response manual = post("/api/v1/trades/manual-entry", legacyTrade(manualId, account, 50, 10.5), null);
        assertThat(manual.statusCode()).as(manual.asString()).isEqualTo(202);
        assertThat(manual.jsonPath().getString("status")).isEqualTo("ACCEPTED");
        awaitJob(manual.jsonPath().getString("jobId"), "CAPTURED");
        JsonPath rebooked = given().get("/api/v1/trades/capture/" + manualId).then().statusCode(200).extract().jsonPath();
        assertThat(rebooked.getString("latest.enteredBy")).isEqualTo("anonymous");
        assertThat(rebooked.getString("latest.source")).isEqualTo("MANUAL");

        // 7. the key's position: both trades
        JsonPath position = given().get("/api/v1/positions/" + account + "/BOOK-01/US0378331005").then().statusCode(200)
                .extract().jsonPath();
        assertThat(position.getDouble("quantity")).isEqualTo(150.0);
        assertThat(position.getDouble("notional")).isEqualTo(1575.0);
        assertThat(position.getInt("tradeCount")).isEqualTo(2);

        // 8. the rules by kind
        JsonPath rules = given().get("/api/v1/rules").then().statusCode(200).extract().jsonPath();
        for (String kind : List.of("economic", "nonEconomic", "workflow")) {
            assertThat(rules.getList(kind)).as(kind).isNotNull();
        }

        // 9. the exceptions: a list
        assertThat(given().get("/api/v1/exceptions").then().statusCode(200).extract().jsonPath().getList("$")).isNotNull();

        // 10. bad input: 400 problem+json naming the field, and no job
        Response bad = post("/api/v1/trades/capture", legacyTrade(TradeRequests.unique("COMPAT-BAD"), account, -5, 10.5),
                null);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.contentType()).startsWith("application/problem+json");
        assertThat(bad.jsonPath().getList("errors.field", String.class))
                .contains("tradeLots[0].priceQuantity[0].quantity[0].value");
        assertThat(Fixtures.count(pool, "SELECT count(*) FROM ingest_jobs WHERE partition_key = $1",
                account + "_BOOK-01_US0378331005")).isEqualTo(2);
    }
}
