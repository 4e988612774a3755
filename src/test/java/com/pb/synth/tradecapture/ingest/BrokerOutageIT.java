package com.pb.synth.tradecapture.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.pb.synth.tradecapture.security.Roles;
import com.pb.synth.tradecapture.support.Fixtures;
import com.pb.synth.tradecapture.support.RealServers;
import com.pb.synth.tradecapture.support.ServerControl;
import com.pb.synth.tradecapture.support.ServiceTestBase;
import com.pb.synth.tradecapture.support.Tokens;
import com.pb.synth.tradecapture.support.TradeRequests;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** HTTP ingest while the broker is down: 503, nothing stored, and the same request accepted once it is back. */
@QuarkusTest
@QuarkusTestResource(RealServers.class)
class BrokerOutageIT extends ServiceTestBase {

    private static final String WRITER = Tokens.mint("ops-user", Roles.WRITE, Roles.READ);

    private static RequestSpecification post(String idempotencyKey) {
        return given().contentType("application/json").header("Authorization", "Bearer " + WRITER)
                .header("Idempotency-Key", idempotencyKey);
    }

    @Test
    void brokerDownAnswers503AndWritesNothingThenAcceptsWhenItIsBack() {
        String account = Fixtures.accounts(pool, reference, "HTTPBRK", 1).get(0);
        TradeRequests.Builder trade = TradeRequests.trade(TradeRequests.unique("BRK")).key(account, "BOOK-04", "US5949181045");
        TradeRequests.Builder plain = TradeRequests.trade(TradeRequests.unique("BRK")).key(account, "BOOK-04", "US5949181045");
        String idempotencyKey = TradeRequests.unique("brk");

        ServerControl.invoke("stopKafka");
        try {
            Response refused = post(idempotencyKey).body(trade.json()).post("/api/v1/trades/capture");
            assertThat(refused.statusCode()).as(refused.asString()).isEqualTo(503);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.header("Retry-After")).isEqualTo("5");
            given().contentType("application/json").header("Authorization", "Bearer " + WRITER).body(plain.json())
                    .post("/api/v1/trades/capture").then().statusCode(503);
            // Nothing half-written: no job, no reservation holding the key, nothing captured.
            assertThat(Fixtures.count(pool, "SELECT count(*) FROM ingest_jobs WHERE trade_id IN ($1, $2)",
                    trade.tradeId(), plain.tradeId())).isZero();
            // capture health reports the broker away; readiness and liveness do not (the pod keeps
            // serving the API and the console, and is not restarted for it)
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> Fixtures.management().get(Fixtures.CAPTURE_HEALTH).statusCode() == 503);
            assertThat(Fixtures.management().get(Fixtures.CAPTURE_HEALTH).asString()).contains("DOWN");
            // the console's live panel says so, naming the failing check
            JsonPath live = given().header("Authorization", "Bearer " + WRITER).get("/api/v1/live").then()
                    .statusCode(200).extract().jsonPath();
            assertThat(live.getString("capture.status")).isEqualTo("DOWN");
            assertThat(live.getList("capture.failing", String.class)).contains("SmallRye Reactive Messaging - readiness check");
            Fixtures.management().get("/q/health/ready").then().statusCode(200);
            Fixtures.management().get("/q/health/live").then().statusCode(200);
        } finally {
            ServerControl.invoke("startKafka");
        }
        await().atMost(Duration.ofSeconds(60)).until(Fixtures::capturing);

        // The caller's retry with the same key is accepted once the broker is back.
        AtomicReference<String> jobId = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
            Response r = post(idempotencyKey).body(trade.json()).post("/api/v1/trades/capture");
            if (r.statusCode() == 202) {
                jobId.set(r.path("jobId"));
                return true;
            }
            assertThat(r.statusCode()).as(r.asString()).isEqualTo(503);
            return false;
        });
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().header("Authorization", "Bearer " + WRITER)
                .get("/api/v1/trades/jobs/" + jobId.get() + "/status").then().statusCode(200)
                .body("status", equalTo("CAPTURED")));
        assertThat(Fixtures.count(pool, "SELECT count(*) FROM trade_versions WHERE trade_id IN ($1, $2)",
                trade.tradeId(), plain.tradeId())).isEqualTo(1);
        assertThat(Fixtures.count(pool, "SELECT count(*) FROM ingest_jobs WHERE idempotency_key = $1", idempotencyKey))
                .isEqualTo(1);
    }
}
