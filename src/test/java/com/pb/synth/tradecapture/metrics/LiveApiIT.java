package com.pb.synth.tradecapture.metrics;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.pb.synth.tradecapture.security.Roles;
import com.pb.synth.tradecapture.support.Fixtures;
import com.pb.synth.tradecapture.support.RealServers;
import com.pb.synth.tradecapture.support.ServiceTestBase;
import com.pb.synth.tradecapture.support.Tokens;
import com.pb.synth.tradecapture.support.Topics;
import com.pb.synth.tradecapture.support.TradeRequests;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The console's live panel source: this instance's rates and state from its own meters. */
@QuarkusTest
@QuarkusTestResource(RealServers.class)
class LiveApiIT extends ServiceTestBase {

    private static final String READER = Tokens.mint("viewer", Roles.READ);

    private static JsonPath live() {
        return given().header("Authorization", "Bearer " + READER).get("/api/v1/live").then().statusCode(200)
                .extract().jsonPath();
    }

    @Test
    void capturedTradesShowAsARateAndTheMetersAsTheyAre() {
        String account = Fixtures.accounts(pool, reference, "LIVE", 1).get(0);
        List<TradeRequests.Builder> trades = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            trades.add(TradeRequests.trade(TradeRequests.unique("LIVE")).key(account, "BOOK-02", "US0378331005"));
        }
        double capturedBefore = Fixtures.meter("trades_processed_total", Map.of("outcome", "captured"));
        Topics.send(bootstrap, Topics.inputs(trades));
        await().atMost(Duration.ofSeconds(30)).until(() -> Fixtures.meter("trades_processed_total",
                Map.of("outcome", "captured")) >= capturedBefore + 200);

        // the 200 captures fall in the last 10 s: a rate above 0
        JsonPath now = live();
        assertThat(now.getDouble("capturedPerSecond")).isGreaterThan(0);
        assertThat(now.getDouble("processedPerSecond")).isGreaterThanOrEqualTo(now.getDouble("capturedPerSecond"));
        assertThat(now.getDouble("p99LatencyMs")).isGreaterThan(0);
        assertThat(now.getDouble("p99LatencyMs")).isGreaterThanOrEqualTo(now.getDouble("p50LatencyMs"));
        assertThat(now.getLong("consumerLag")).isGreaterThanOrEqualTo(0);
        assertThat(now.getDouble("lockContentionRatio")).isBetween(0.0, 1.0);
        assertThat(now.getList("stalledPartitions")).isEmpty();
        assertThat(now.getString("capture.status")).isEqualTo("UP");
        assertThat(now.getList("capture.failing")).isEmpty();
        // the sampler keeps a history once it has run twice (every 2 s)
        await().atMost(Duration.ofSeconds(10)).until(() -> live().getList("history").size() >= 2);

        given().get("/api/v1/live").then().statusCode(401);
        given().header("Authorization", "Bearer " + Tokens.mint("writer", Roles.WRITE)).get("/api/v1/live").then()
                .statusCode(403);
    }
}
