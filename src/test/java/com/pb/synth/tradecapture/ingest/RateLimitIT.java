package com.pb.synth.tradecapture.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.pb.synth.tradecapture.security.Roles;
import com.pb.synth.tradecapture.support.Fixtures;
import com.pb.synth.tradecapture.support.RealServers;
import com.pb.synth.tradecapture.support.ServiceTestBase;
import com.pb.synth.tradecapture.support.Tokens;
import com.pb.synth.tradecapture.support.TradeRequests;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rate limits per caller and per partition key, with low limits so that a test goes over them quickly. */
@QuarkusTest
@TestProfile(RateLimitIT.LowLimits.class)
@QuarkusTestResource(RealServers.class)
class RateLimitIT extends ServiceTestBase {

    private static final String CAPTURE = "/api/v1/trades/capture";

    public static class LowLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("capture.http.rate-limit.global-rps", "2", "capture.http.rate-limit.global-burst", "8",
                    "capture.http.rate-limit.per-partition-rps", "1", "capture.http.rate-limit.per-partition-burst", "3");
        }
    }

    private static Response post(String caller, TradeRequests.Builder trade) {
        return given().contentType("application/json")
                .header("Authorization", "Bearer " + Tokens.mint(caller, Roles.WRITE, Roles.READ))
                .body(trade.json()).post(CAPTURE);
    }

    private static void assertRefused(Response r, String limit) {
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.jsonPath().getString("reasonCode")).isEqualTo("RATE_LIMIT_EXCEEDED");
        assertThat(r.jsonPath().getString("detail")).contains(limit);
        assertThat(Integer.parseInt(r.header("Retry-After"))).isBetween(1, 60);
    }

    @Test
    void aKeyOverItsRateGets429WithRetryAfterAndNothingOfTheRefusedIsPublished() {
        String account = Fixtures.accounts(pool, reference, "RATEKEY", 1).get(0);
        List<String> accepted = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            TradeRequests.Builder t = TradeRequests.trade(TradeRequests.unique("RK")).key(account, "BOOK-01", "US0378331005");
            Response r = post("key-client", t);
            if (r.statusCode() == 429) {
                assertRefused(r, "per-partition-key");
                refused.add(t.tradeId());
            } else {
                assertThat(r.statusCode()).as(r.asString()).isEqualTo(202);
                accepted.add(t.tradeId());
            }
        }
        // a burst of 3 and 1 more a second: 7 posts in well under 4 s cannot all pass
        assertThat(refused).isNotEmpty();
        assertThat(accepted).hasSizeGreaterThanOrEqualTo(3);
        // another key of the same caller is not held back
        TradeRequests.Builder other = TradeRequests.trade(TradeRequests.unique("RK")).key(account, "BOOK-02", "US0378331005");
        assertThat(post("key-client", other).statusCode()).isEqualTo(202);
        accepted.add(other.tradeId());

        String key = account + "_BOOK-01_US0378331005";
        await().atMost(Duration.ofSeconds(30)).until(() -> Fixtures.count(pool,
                "SELECT count(*) FROM trade_versions WHERE partition_key = $1", key) == accepted.size() - 1);
        assertThat(Fixtures.count(pool, "SELECT count(*) FROM ingest_jobs WHERE partition_key = $1", key))
                .isEqualTo(accepted.size() - 1);
        for (String id : refused) {
            assertThat(Fixtures.count(pool, "SELECT count(*) FROM trade_versions WHERE trade_id = $1", id)).isZero();
        }
        assertThat(Fixtures.meter("ingest_rate_limited_total", Map.of("limit", "per-partition-key")))
                .isGreaterThanOrEqualTo(refused.size());
    }

    @Test
    void aCallerOverItsRateGets429WhileAnotherCallerIsServed() {
        List<String> accounts = Fixtures.accounts(pool, reference, "RATECALLER", 1);
        int refused = 0;
        for (int i = 0; i < 14; i++) {
            // a new key each time: only the caller's own limit (a burst of 8, 2 a second) applies
            TradeRequests.Builder t = TradeRequests.trade(TradeRequests.unique("RC"))
                    .key(accounts.get(0), String.format("BOOK-%02d", 1 + i % 10), i < 10 ? "US0378331005" : "US5949181045");
            Response r = post("busy-client", t);
            if (r.statusCode() == 429) {
                assertRefused(r, "per-caller");
                refused++;
            } else {
                assertThat(r.statusCode()).as(r.asString()).isEqualTo(202);
            }
        }
        assertThat(refused).isPositive();
        TradeRequests.Builder calm = TradeRequests.trade(TradeRequests.unique("RC")).key(accounts.get(0), "BOOK-01",
                "US4781601046");
        assertThat(post("calm-client", calm).statusCode()).isEqualTo(202);
    }
}
