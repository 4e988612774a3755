package com.pb.synth.tradecapture.store.suite;

import com.pb.synth.tradecapture.config.DatabaseUrlConfigSourceFactory;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
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
 *       batch by batch) and run with DB_MIGRATE_AT_START=false — the way for Babelfish, where Flyway
 *       cannot run.</li>
 * </ul>
 */
public class SqlServerTarget implements QuarkusTestResourceLifecycleManager {

    static final String URL = System.getenv("MSSQL_TEST_URL");
    static final String USER = System.getenv("MSSQL_TEST_USER");
    static final String PASSWORD = System.getenv("MSSQL_TEST_PASSWORD");
    static final boolean APPLY_SCRIPTS = Boolean.parseBoolean(System.getenv("MSSQL_TEST_APPLY_SCRIPTS"));
    private static final Pattern GO = Pattern.compile("(?m)^GO[ \\t]*$");

    private String database;

    static boolean configured() {
        return URL != null && !URL.isBlank() && USER != null && PASSWORD != null;
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
        try (Connection c = DriverManager.getConnection(URL, USER, PASSWORD); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
            s.execute("ALTER DATABASE " + database + " SET ALLOW_SNAPSHOT_ISOLATION ON");
        } catch (SQLException e) {
            throw new IllegalStateException("could not create the suite's database on " + URL, e);
        }
        String url = URL + (URL.endsWith(";") ? "" : ";") + "databaseName=" + database;
        if (APPLY_SCRIPTS) {
            applyScripts(url);
        }
        Map<String, String> config = new HashMap<>(DatabaseUrlConfigSourceFactory.derive(url, "mssql"));
        config.put("capture.store.mssql.user", USER);
        config.put("capture.store.mssql.password", PASSWORD);
        config.put("capture.store.retry-interval", "1s");
        config.put("capture.store.migrate-at-start", Boolean.toString(!APPLY_SCRIPTS));
        config.put("mp.messaging.incoming.trades-in.group.id", "tradecapture-" + database);
        return config;
    }

    /** The schema as a DBA applies it with sqlcmd: each script, batch by batch at its GO lines. */
    private static void applyScripts(String url) {
        try (Connection c = DriverManager.getConnection(url, USER, PASSWORD); Statement s = c.createStatement();
             Stream<Path> files = Files.list(Path.of("src/main/resources/db/migration/mssql"))) {
            List<Path> scripts = files.filter(p -> p.toString().endsWith(".sql"))
                    .sorted((a, b) -> Integer.compare(version(a), version(b))).toList();
            for (Path script : scripts) {
                for (String batch : GO.split(Files.readString(script))) {
                    if (!batch.isBlank()) {
                        s.execute(batch);
                    }
                }
            }
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("could not apply the T-SQL scripts on " + url, e);
        }
    }

    private static int version(Path script) {
        String name = script.getFileName().toString();
        return Integer.parseInt(name.substring(1, name.indexOf("__")));
    }

    @Override
    public void stop() {
        if (database == null) {
            return;
        }
        try (Connection c = DriverManager.getConnection(URL, USER, PASSWORD); Statement s = c.createStatement()) {
            s.execute("ALTER DATABASE " + database + " SET SINGLE_USER WITH ROLLBACK IMMEDIATE");
            s.execute("DROP DATABASE " + database);
        } catch (SQLException e) {
            System.out.println("[SqlServerStoreSuiteIT] could not drop database " + database + ": " + e.getMessage());
        }
    }
}
