package com.pb.synth.tradecapture.store.suite;

import com.pb.synth.tradecapture.config.DatabaseUrlConfigSourceFactory;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import com.pb.synth.tradecapture.store.SqlServerSchema;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A database of its own on the SQL Server (or Babelfish) that {@code MSSQL_TEST_URL} names, created
 * for the suite and dropped afterwards; the service is pointed at it with {@code DB_KIND=mssql}.
 * The broker and Redis are the test's usual real servers.
 *
 * <ul>
 *   <li>{@code MSSQL_TEST_URL}: {@code jdbc:sqlserver://host:port;encrypt=true;trustServerCertificate=true}
 *       (no database name: the suite makes one);</li>
 *   <li>{@code MSSQL_TEST_USER}, {@code MSSQL_TEST_PASSWORD}: a login that may create databases;</li>
 *   <li>{@code MSSQL_TEST_APPLY_SCRIPTS=true}: apply the schema as a DBA would (the T-SQL scripts,
 *       batch by batch) and run with DB_MIGRATE_AT_START=false. Always so on Babelfish, where Flyway
 *       cannot run.</li>
 * </ul>
 *
 * <p>The database is made, filled and dropped as {@link SqlServerSchema} does for a DBA: with the
 * settings the server takes, the scripts batch by batch, dropped after ending its sessions. On
 * Babelfish the suite runs with {@code DB_KIND=babelfish}.
 */
public class SqlServerTarget implements QuarkusTestResourceLifecycleManager {

    static final String URL = System.getenv("MSSQL_TEST_URL");
    static final String USER = System.getenv("MSSQL_TEST_USER");
    static final String PASSWORD = System.getenv("MSSQL_TEST_PASSWORD");
    private static final boolean APPLY_SCRIPTS_ASKED = Boolean.parseBoolean(System.getenv("MSSQL_TEST_APPLY_SCRIPTS"));
    private static final Path SCRIPTS = Path.of("src/main/resources", SqlServerSchema.SCRIPTS);
    private static SqlServerSchema server;

    private String database;

    static boolean configured() {
        return URL != null && !URL.isBlank() && USER != null && PASSWORD != null;
    }

    private static synchronized SqlServerSchema server() {
        if (server == null) {
            server = new SqlServerSchema(URL, USER, PASSWORD);
        }
        return server;
    }

    /** Whether the configured server is Babelfish (asked once). */
    public static boolean babelfish() {
        try {
            return server().babelfish();
        } catch (SQLException e) {
            throw new IllegalStateException("could not reach the SQL Server at " + URL, e);
        }
    }

    /** The store kind for the configured server: babelfish or mssql. */
    public static String kind() {
        return configured() && babelfish() ? "babelfish" : "mssql";
    }

    private static boolean applyScripts() {
        return APPLY_SCRIPTS_ASKED || babelfish();
    }

    /** A connection to the suite's database. */
    public static Connection connect(String database) throws SQLException {
        return server().connect(database);
    }

    /** Runs the suite only against a configured server; says once, in one line, why it did not run. */
    public static class Required implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            if (configured()) {
                return ConditionEvaluationResult.enabled("SQL Server store suite against " + URL);
            }
            if (context.getTestMethod().isEmpty()) {
                System.out.println("[SqlServerStoreSuiteIT] skipped: set MSSQL_TEST_URL, MSSQL_TEST_USER and "
                        + "MSSQL_TEST_PASSWORD to run the store suite against SQL Server or Babelfish");
            }
            return ConditionEvaluationResult.disabled("no SQL Server given (MSSQL_TEST_URL)");
        }
    }

    @Override
    public Map<String, String> start() {
        if (!configured()) {
            return Map.of();
        }
        database = "tc_suite_" + Long.toString(System.currentTimeMillis(), 36);
        try {
            server().create(database);
            System.setProperty(DATABASE_PROPERTY, database);
            if (applyScripts()) {
                server().apply(database, SCRIPTS);
            }
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("could not make the suite's database on " + URL, e);
        }
        String url = server().url(database);
        Map<String, String> config = new HashMap<>(DatabaseUrlConfigSourceFactory.derive(url, kind()));
        config.put("capture.store.mssql.user", USER);
        config.put("capture.store.mssql.password", PASSWORD);
        config.put("capture.store.retry-interval", "1s");
        config.put("capture.store.migrate-at-start", Boolean.toString(!applyScripts()));
        config.put("mp.messaging.incoming.trades-in.group.id", "tradecapture-" + database);
        return config;
    }

    @Override
    public void stop() {
        if (database == null) {
            return;
        }
        System.clearProperty(DATABASE_PROPERTY);
        try {
            server().drop(database);
        } catch (SQLException e) {
            throw new IllegalStateException("could not drop the suite's database " + database + " on " + URL, e);
        }
    }

    /** The suite's database while it runs (a system property, for tests that open connections of their own). */
    public static final String DATABASE_PROPERTY = "tradecapture.test.mssql.database";
}
