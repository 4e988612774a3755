package com.pb.synth.tradecapture.store;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.pb.synth.tradecapture.support.Fixtures;
import com.pb.synth.tradecapture.support.RealServers;
import com.pb.synth.tradecapture.support.TradeRequests;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * DB_MIGRATE_AT_START=false against a database without the schema: the service starts, is live,
 * and is not ready, naming the schema version it needs, until a DBA applies the migrations.
 */
@QuarkusTest
@TestProfile(SchemaNotMigratedIT.NoMigration.class)
@QuarkusTestResource(RealServers.class)
class SchemaNotMigratedIT {

    public static class NoMigration implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.flyway.migrate-at-start", "false",
                    "capture.store.migrate-at-start", "false",
                    "capture.store.retry-interval", "1s",
                    "mp.messaging.incoming.trades-in.group.id", "tradecapture-nomigrate-" + TradeRequests.unique("g"));
        }
    }

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;
    @ConfigProperty(name = "quarkus.datasource.username")
    String user;
    @ConfigProperty(name = "quarkus.datasource.password")
    String password;

    @Test
    void withoutTheSchemaTheServiceIsLiveButNotReadyNamingTheVersionUntilADbaAppliesIt() {
        await().atMost(Duration.ofSeconds(30)).until(() -> Fixtures.check("database-schema").containsKey("data"));
        Map<String, Object> check = Fixtures.check("database-schema");
        assertThat(check.get("status")).isEqualTo("DOWN");
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) check.get("data");
        assertThat(data.get("required")).isEqualTo(SchemaVersion.REQUIRED);
        assertThat(String.valueOf(data.get("action"))).contains("V" + SchemaVersion.REQUIRED)
                .contains("db/migration/postgresql");
        Fixtures.management().get("/q/health/started").then().statusCode(503);
        Fixtures.management().get("/q/health/ready").then().statusCode(503);
        Fixtures.management().get("/q/health/live").then().statusCode(200);

        // The DBA applies the scripts (here with Flyway's API, as psql would run the same files).
        Flyway.configure().dataSource(jdbcUrl, user, password).locations("classpath:db/migration/postgresql")
                .placeholders(Map.of("demoData", "true")).load().migrate();
        await().atMost(Duration.ofSeconds(30)).until(() -> "UP".equals(Fixtures.check("database-schema").get("status")));
        assertThat(Fixtures.check("database-schema").get("data")).isEqualTo(
                Map.of("required", SchemaVersion.REQUIRED, "found", SchemaVersion.REQUIRED));
        // started, hence ready: it serves HTTP from now on, whatever its dependencies do
        await().atMost(Duration.ofSeconds(30)).until(() -> Fixtures.management().get("/q/health/started").statusCode() == 200);
        Fixtures.management().get("/q/health/ready").then().statusCode(200);
    }
}
