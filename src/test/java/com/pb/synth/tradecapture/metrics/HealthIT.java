package com.pb.synth.tradecapture.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.pb.synth.tradecapture.support.Fixtures;
import com.pb.synth.tradecapture.support.RealServers;
import com.pb.synth.tradecapture.support.ServiceTestBase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The three health answers and what each holds: started (the schema and the group joined), ready
 * (serves HTTP: nothing but having started) and capture health (consumers, stalls and every
 * dependency check of the extensions, moved out of readiness).
 */
@QuarkusTest
@QuarkusTestResource(RealServers.class)
class HealthIT extends ServiceTestBase {

    @Test
    void readinessIsServingAndTheDependenciesAreCaptureHealth() {
        JsonPath started = answer("/q/health/started");
        assertThat(started.getList("checks.name", String.class)).contains("database-schema", "capture-consumer");

        JsonPath ready = answer("/q/health/ready");
        assertThat(ready.getList("checks.name", String.class)).containsExactly("serving");

        JsonPath capture = answer(Fixtures.CAPTURE_HEALTH);
        List<String> names = capture.getList("checks.name", String.class);
        assertThat(names).contains("capture-progress", "database");
        // the extensions' Kafka, Redis and database checks (the capture pool's and the migrations' JDBC
        // one), with the names the extensions give them
        assertThat(names).as("capture health").contains("SmallRye Reactive Messaging - readiness check",
                "Redis connection health check", "Reactive PostgreSQL connections health check",
                "Database connections health check");
        assertThat(capture.getList("checks.status", String.class)).containsOnly("UP");
    }

    /** The health answer at {@code path}, which must be UP (200; the answer shown when it is not). */
    private static JsonPath answer(String path) {
        Response r = Fixtures.management().get(path);
        assertThat(r.statusCode()).as("%s: %s", path, r.asString()).isEqualTo(200);
        return r.jsonPath();
    }
}
