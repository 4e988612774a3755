package com.pb.synth.tradecapture.store;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.pb.synth.tradecapture.support.CapturedEvents;
import com.pb.synth.tradecapture.support.Fixtures;
import com.pb.synth.tradecapture.support.RealServers;
import com.pb.synth.tradecapture.support.Topics;
import com.pb.synth.tradecapture.support.TradeRequests;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Issue 6 test 3: with {@code DB_KIND=mssql} and nothing listening on the server's port, the service
 * starts, is live but not ready (readiness names the database), logs one error per retry interval,
 * captures nothing and commits no offset.
 */
@QuarkusTest
@TestProfile(SqlServerNotReadyIT.ClosedSqlServer.class)
@QuarkusTestResource(RealServers.class)
class SqlServerNotReadyIT {

    static final String GROUP = "tradecapture-mssql-" + TradeRequests.unique("g");
    static final int CLOSED_PORT = closedPort();

    public static class ClosedSqlServer implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("capture.store.kind", "mssql",
                    "quarkus.datasource.active", "false",
                    "capture.store.mssql.host", "127.0.0.1",
                    "capture.store.mssql.port", Integer.toString(CLOSED_PORT),
                    "capture.store.mssql.encrypt", "false",
                    "capture.store.retry-interval", "1s",
                    "mp.messaging.incoming.trades-in.group.id", GROUP);
        }
    }

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    private static int closedPort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void startsNotReadyNamingTheDatabaseLogsOncePerIntervalCapturesNothingAndCommitsNoOffset() throws Exception {
        List<LogRecord> errors = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.SEVERE.intValue()) {
                    errors.add(r);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(SqlServerStore.class.getName());
        logger.addHandler(handler);
        try {
            Fixtures.management().get("/q/health/live").then().statusCode(200);
            // never started (the schema cannot be read), so never ready; capture health names the server
            Fixtures.management().get("/q/health/started").then().statusCode(503);
            Fixtures.management().get("/q/health/ready").then().statusCode(503);
            JsonPath ready = Fixtures.management().get(Fixtures.CAPTURE_HEALTH).then().statusCode(503).extract().jsonPath();
            Map<String, Object> database = ready.getMap("checks.find { it.name == 'database' }");
            assertThat(database).containsEntry("status", "DOWN");
            assertThat(ready.getString("checks.find { it.name == 'database' }.data.kind")).isEqualTo("mssql");
            assertThat(ready.getString("checks.find { it.name == 'database' }.data.server"))
                    .isEqualTo("127.0.0.1:" + CLOSED_PORT + "/tradecapture");

            TradeRequests.Builder trade = TradeRequests.trade(TradeRequests.unique("MS")).key("ACC-001", "BOOK-01", "US0378331005");
            try (CapturedEvents events = new CapturedEvents(bootstrap, List.of(trade.key()))) {
                Topics.send(bootstrap, Topics.inputs(List.of(trade)));
                int before = errors.size();
                // Held for 4 s: nothing captured, no offset committed; meanwhile the store keeps trying.
                await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6))
                        .until(() -> events.ofKey(trade.key()).isEmpty() && committedOffsets() == 0);
                int logged = errors.size() - before;
                assertThat(logged).as("one error per 1 s retry interval over ~4 s").isBetween(2, 7);
            }
            assertThat(errors).allSatisfy(r -> assertThat(r.getMessage()).contains("SQL Server store"));
            Fixtures.management().get("/q/health/ready").then().statusCode(503);
        } finally {
            logger.removeHandler(handler);
        }
    }

    private long committedOffsets() throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(props)) {
            return admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get().values().stream()
                    .filter(o -> o != null).count();
        }
    }
}
