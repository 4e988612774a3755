package com.pb.synth.tradecapture.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.pb.synth.tradecapture.support.Fixtures;
import com.pb.synth.tradecapture.support.RealServers;
import com.pb.synth.tradecapture.support.ServiceTestBase;
import com.pb.synth.tradecapture.support.TradeRequests;
import com.pb.synth.tradecapture.support.Topics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A batch that cannot get through is visible: the age gauge rises, readiness goes DOWN with the cause, both recover. */
@QuarkusTest
@QuarkusTestResource(RealServers.class)
class CaptureStallIT extends ServiceTestBase {

    @Inject
    Redis redis;

    @Test
    void aBlockedBatchRaisesTheAgeGaugeAndTakesCaptureHealthDownUntilRedisIsBack() {
        String account = Fixtures.accounts(pool, reference, "STALL", 1).get(0);
        TradeRequests.Builder trade = TradeRequests.trade(TradeRequests.unique("STALL")).key(account, "BOOK-09",
                "US0378331005");
        // Redis answers nobody for 40 s: the batch's lock requests wait (the test profile's stall bound is 5 s).
        redis.send(Request.cmd(Command.CLIENT).arg("PAUSE").arg("40000").arg("ALL")).await().atMost(Duration.ofSeconds(5));
        Topics.send(bootstrap, Topics.inputs(List.of(trade)));

        AtomicReference<Map<String, Object>> down = new AtomicReference<>();
        AtomicReference<Double> age = new AtomicReference<>(0.0);
        await().atMost(Duration.ofSeconds(38)).pollInterval(Duration.ofMillis(500)).until(() -> {
            age.set(Math.max(age.get(), Fixtures.meter("capture_oldest_uncaptured_age_seconds")));
            Map<String, Object> check = Fixtures.check("capture-progress");
            down.set(check);
            return "DOWN".equals(check.get("status"));
        });
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) down.get().get("data");
        assertThat(data).isNotNull();
        assertThat(String.valueOf(data.get("cause"))).contains("Redis");
        assertThat(String.valueOf(data.get("partition"))).startsWith(RealServers.IN + "-");
        assertThat(((Number) data.get("ageSeconds")).longValue()).isGreaterThanOrEqualTo(5);
        assertThat(age.get()).as("the age gauge rose").isGreaterThan(1);
        // a stall is capture health: the instance stays ready, serving the API and the console
        Fixtures.management().get(Fixtures.CAPTURE_HEALTH).then().statusCode(503);
        Fixtures.management().get("/q/health/ready").then().statusCode(200);
        assertThat(Fixtures.count(pool, "SELECT count(*) FROM trade_versions WHERE trade_id = $1", trade.tradeId()))
                .isZero();

        await().atMost(Duration.ofSeconds(60)).until(() -> Fixtures.count(pool,
                "SELECT count(*) FROM trade_versions WHERE trade_id = $1", trade.tradeId()) == 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> "UP".equals(Fixtures.check("capture-progress").get("status")));
        assertThat(Fixtures.meter("capture_oldest_uncaptured_age_seconds")).isZero();
    }
}
