package com.pb.synth.tradecapture.store.suite;

import com.pb.synth.tradecapture.config.DatabaseUrlConfigSourceFactory;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
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
 *       batch by batch) and run with DB_MIGRATE_AT_START=false. Always so on Babelfish, where Flyway
 *       cannot run.</li>
 * </ul>
 *
 * <p>The server's kind is asked, not configured: Babelfish answers {@code SERVERPROPERTY('Babelfish')}
 * with 1. There the suite runs with {@code DB_KIND=babelfish}, skips the database settings Babelfish
 * refuses ({@code ALTER DATABASE}: its READ COMMITTED is PostgreSQL's MVCC already) and drops its
 * database without {@code SINGLE_USER}, ending the sessions still in it first.
 */
public class SqlServerTarget implements QuarkusTestResourceLifecycleManager {

    static final String URL = System.getenv("MSSQL_TEST_URL");
    static final String USER = System.getenv("MSSQL_TEST_USER");
    static final String PASSWORD = System.getenv("MSSQL_TEST_PASSWORD");
    private static final boolean APPLY_SCRIPTS_ASKED = Boolean.parseBoolean(System.getenv("MSSQL_TEST_APPLY_SCRIPTS"));
    private static final Pattern GO = Pattern.compile("(?m)^GO[ \\t]*$");
    private static Boolean babelfish;

    private String database;

    static boolean configured() {
        return URL != null && !URL.isBlank() && USER != null && PASSWORD != null;
    }

    /** Whether the configured server is Babelfish (asked once). */
    public static synchronized boolean babelfish() {
        if (babelfish == null) {
            try (Connection c = open(URL); Statement s = c.createStatement();
                 var rs = s.executeQuery("SELECT CAST(SERVERPROPERTY('Babelfish') AS INT)")) {
                rs.next();
                babelfish = rs.getInt(1) == 1;
            } catch (SQLException e) {
                throw new IllegalStateException("could not reach the SQL Server at " + URL, e);
            }
        }
        return babelfish;
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
        return open(url(database));
    }

    /** The driver itself, not DriverManager: the test profile runs in a class loader DriverManager does not search. */
    private static Connection open(String url) throws SQLException {
        java.util.Properties login = new java.util.Properties();
        login.setProperty("user", USER);
        login.setProperty("password", PASSWORD);
        return new com.microsoft.sqlserver.jdbc.SQLServerDriver().connect(url, login);
    }

    static String url(String database) {
        return URL + (URL.endsWith(";") ? "" : ";") + "databaseName=" + database;
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
        try (Connection c = open(URL); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
            if (!babelfish()) {
                // The settings the README asks of a DBA; Babelfish refuses ALTER DATABASE (and needs neither).
                s.execute("ALTER DATABASE " + database + " SET ALLOW_SNAPSHOT_ISOLATION ON");
                s.execute("ALTER DATABASE " + database + " SET READ_COMMITTED_SNAPSHOT ON WITH ROLLBACK IMMEDIATE");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not create the suite's database on " + URL, e);
        }
        String url = url(database);
        System.setProperty(DATABASE_PROPERTY, database);
        if (applyScripts()) {
            applyScripts(url);
        }
        Map<String, String> config = new HashMap<>(DatabaseUrlConfigSourceFactory.derive(url, kind()));
        config.put("capture.store.mssql.user", USER);
        config.put("capture.store.mssql.password", PASSWORD);
        config.put("capture.store.retry-interval", "1s");
        config.put("capture.store.migrate-at-start", Boolean.toString(!applyScripts()));
        config.put("mp.messaging.incoming.trades-in.group.id", "tradecapture-" + database);
        return config;
    }

    /** The schema as a DBA applies it with sqlcmd: each script, batch by batch at its GO lines. */
    private static void applyScripts(String url) {
        try (Connection c = open(url); Statement s = c.createStatement();
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
        System.clearProperty(DATABASE_PROPERTY);
        drop(database);
    }

    /**
     * Drops a database of the suite's: on SQL Server after SINGLE_USER WITH ROLLBACK IMMEDIATE; on
     * Babelfish, which has no SINGLE_USER, after ending every session still in it.
     */
    static void drop(String database) {
        try (Connection c = open(URL); Statement s = c.createStatement()) {
            if (babelfish()) {
                List<Integer> sessions = new java.util.ArrayList<>();
                try (var rs = s.executeQuery("SELECT session_id FROM sys.dm_exec_sessions WHERE session_id <> @@SPID "
                        + "AND database_id = DB_ID('" + database + "')")) {
                    while (rs.next()) {
                        sessions.add(rs.getInt(1));
                    }
                }
                for (int session : sessions) {
                    s.execute("KILL " + session);
                }
            } else {
                s.execute("ALTER DATABASE " + database + " SET SINGLE_USER WITH ROLLBACK IMMEDIATE");
            }
            s.execute("DROP DATABASE " + database);
        } catch (SQLException e) {
            throw new IllegalStateException("could not drop the suite's database " + database + " on " + URL, e);
        }
    }

    /** The suite's database while it runs (a system property, for tests that open connections of their own). */
    public static final String DATABASE_PROPERTY = "tradecapture.test.mssql.database";
}
