package com.pb.synth.tradecapture.support;

import com.pb.synth.tradecapture.domain.Position;
import com.pb.synth.tradecapture.reference.ReferenceData;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Arranges reference data and reads back what capture stored, straight from the database. */
public final class Fixtures {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private Fixtures() {
    }

    /** Capture health: consumers in the group, no stall, Kafka, Redis and the database answering. */
    public static final String CAPTURE_HEALTH = "/q/health/group/capture";

    /**
     * Waits until the service is ready and captures: Kafka, Redis and the database answer and all its
     * consumers are in the group, so no start-up rebalance redelivers what a test sends next.
     */
    public static void awaitReady() {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (String path : List.of("/q/health/ready", CAPTURE_HEALTH)) {
                io.restassured.response.Response r = management().get(path);
                org.assertj.core.api.Assertions.assertThat(r.statusCode()).as("%s: %s", path, r.asString()).isEqualTo(200);
            }
        });
    }

    /** Ready (serves HTTP) and capture health UP. */
    public static boolean capturing() {
        return management().get("/q/health/ready").statusCode() == 200
                && management().get(CAPTURE_HEALTH).statusCode() == 200;
    }

    /** Creates {@code n} straight-through accounts unique to this run and makes the service see them. */
    public static List<String> accounts(Pool pool, ReferenceData reference, String prefix, int n) {
        List<String> ids = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            String id = TradeRequests.unique(prefix) + "-" + i;
            ids.add(id);
            pool.preparedQuery("INSERT INTO accounts (account_id, legal_entity, region, spread_bps) "
                    + "VALUES ($1, 'PB-US-LLC', 'us', 50)").execute(Tuple.of(id)).await().atMost(WAIT);
        }
        reference.load().await().atMost(WAIT);
        return ids;
    }

    public static RowSet<Row> query(Pool pool, String sql, Object... params) {
        return pool.preparedQuery(sql).execute(Tuple.from(params)).await().atMost(WAIT);
    }

    public static long count(Pool pool, String sql, Object... params) {
        return query(pool, sql, params).iterator().next().getLong(0);
    }

    public static Optional<Position> position(Pool pool, String key) {
        RowSet<Row> rows = query(pool, "SELECT partition_key, quantity, notional, trade_count, pending_count, "
                + "fencing_token, last_sequence FROM positions WHERE partition_key = $1", key);
        if (rows.size() == 0) {
            return Optional.empty();
        }
        Row r = rows.iterator().next();
        return Optional.of(new Position(r.getString(0), r.getBigDecimal(1), r.getBigDecimal(2), r.getInteger(3),
                r.getInteger(4), r.getLong(5), r.getLong(6)));
    }

    /** Compares decimals by value: 100 and 100.00000000 are the same quantity. */
    public static boolean same(BigDecimal a, BigDecimal b) {
        return a.compareTo(b) == 0;
    }

    /**
     * Requests to the service's management interface (health, metrics, OpenAPI): its own port, 9001
     * under test ({@code quarkus.management.test-port}), not the API port RestAssured points at.
     */
    public static io.restassured.specification.RequestSpecification management() {
        int port = org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getOptionalValue("quarkus.management.test-port", Integer.class).orElse(9001);
        return io.restassured.RestAssured.given().port(port);
    }

    /** The sum of a meter's series on the service's Prometheus endpoint (0 when it has none yet). */
    public static double meter(String name) {
        return meter(name, java.util.Map.of());
    }

    /**
     * The sum of a meter's series whose labels include every one of {@code labels} ({@code name="value"}
     * pairs, as the Prometheus text format writes them); every series of the meter when none are given.
     */
    public static double meter(String name, java.util.Map<String, String> labels) {
        double sum = 0;
        for (String line : management().get("/q/metrics").asString().split("\n")) {
            if (!line.startsWith(name + "{") && !(labels.isEmpty() && line.startsWith(name + " "))) {
                continue;
            }
            String series = line.substring(0, line.lastIndexOf(' '));
            if (labels.entrySet().stream().allMatch(l -> series.contains(l.getKey() + "=\"" + l.getValue() + "\""))) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /**
     * One health check as the startup, readiness or capture health answer reports it (the first that
     * has it): its status and data (empty when absent).
     */
    public static java.util.Map<String, Object> check(String name) {
        for (String path : List.of("/q/health/started", "/q/health/ready", CAPTURE_HEALTH)) {
            java.util.Map<String, Object> c = management().get(path).jsonPath()
                    .getMap("checks.find { it.name == '" + name + "' }");
            if (c != null) {
                return c;
            }
        }
        return java.util.Map.of();
    }

    /** Every key's stored quantity equals the expected one, and each key holds {@code tradesPerKey} trades. */
    public static void assertPositions(Pool pool, java.util.Map<String, BigDecimal> expected, int tradesPerKey) {
        java.util.Map<String, BigDecimal> stored = new java.util.HashMap<>();
        for (Row r : query(pool, "SELECT partition_key, quantity, trade_count FROM positions "
                + "WHERE partition_key = ANY($1)", (Object) expected.keySet().toArray(String[]::new))) {
            org.assertj.core.api.Assertions.assertThat(r.getInteger(2)).as(r.getString(0)).isEqualTo(tradesPerKey);
            stored.put(r.getString(0), r.getBigDecimal(1));
        }
        org.assertj.core.api.Assertions.assertThat(stored).hasSameSizeAs(expected);
        expected.forEach((key, qty) -> org.assertj.core.api.Assertions.assertThat(stored.get(key)).as(key)
                .isEqualByComparingTo(qty));
    }
}
