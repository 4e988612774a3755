package com.pb.synth.tradecapture.store;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A T-SQL database for the service as a DBA makes it, for servers where Flyway cannot run
 * (Babelfish) or shops whose DBAs run every schema change, and where {@code sqlcmd} is not at hand
 * (Debian does not package it). JDBC only (the mssql-jdbc driver the service ships), no framework:
 * the store suite and the load harness use it, and an operator can run it from the packaged service:
 *
 * <pre>
 * java -cp 'quarkus-app/app/*:quarkus-app/lib/main/*' com.pb.synth.tradecapture.store.SqlServerSchema \
 *     create|apply|drop DATABASE      # server from MSSQL_URL, login from MSSQL_USER / MSSQL_PASSWORD
 * </pre>
 *
 * <ul>
 *   <li>{@code create}: {@code CREATE DATABASE}, then on SQL Server the two settings the service
 *       needs ({@code ALLOW_SNAPSHOT_ISOLATION}, {@code READ_COMMITTED_SNAPSHOT}); Babelfish refuses
 *       {@code ALTER DATABASE} and needs neither (its READ COMMITTED is PostgreSQL's MVCC);</li>
 *   <li>{@code apply}: every script of {@code db/migration/mssql} in version order, batch by batch at
 *       its {@code GO} lines, as {@code sqlcmd} runs them (from the service's own jar, or a folder);</li>
 *   <li>{@code drop}: {@code DROP DATABASE} after ending the sessions still in it
 *       ({@code SINGLE_USER WITH ROLLBACK IMMEDIATE} on SQL Server, {@code KILL} on Babelfish, which
 *       has no {@code SINGLE_USER}).</li>
 * </ul>
 * The server's kind is asked, not configured: Babelfish answers {@code SERVERPROPERTY('Babelfish')} with 1.
 */
public final class SqlServerSchema {

    /** Where the T-SQL scripts are on the class path. */
    public static final String SCRIPTS = "db/migration/mssql";
    private static final Pattern GO = Pattern.compile("(?m)^GO[ \\t]*$");
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

    private final String serverUrl;
    private final Properties login = new Properties();
    private Boolean babelfish;

    /**
     * @param serverUrl a {@code jdbc:sqlserver://} URL without a database name
     */
    public SqlServerSchema(String serverUrl, String user, String password) {
        this.serverUrl = serverUrl.endsWith(";") ? serverUrl.substring(0, serverUrl.length() - 1) : serverUrl;
        login.setProperty("user", user);
        login.setProperty("password", password);
    }

    /** The URL of one database on the server. */
    public String url(String database) {
        return serverUrl + ";databaseName=" + name(database);
    }

    /** A connection to the server (no database) or to one database. The driver itself, not DriverManager,
     *  which does not search every class loader (a Quarkus test profile's). */
    public Connection connect(String database) throws SQLException {
        return new com.microsoft.sqlserver.jdbc.SQLServerDriver()
                .connect(database == null ? serverUrl : url(database), login);
    }

    /** Whether the server is Babelfish for PostgreSQL (asked once). */
    public synchronized boolean babelfish() throws SQLException {
        if (babelfish == null) {
            try (Connection c = connect(null); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT CAST(SERVERPROPERTY('Babelfish') AS INT)")) {
                babelfish = rs.next() && rs.getInt(1) == 1;
            }
        }
        return babelfish;
    }

    /** The store kind for this server: {@code babelfish} or {@code mssql} (the service's DB_KIND). */
    public String kind() throws SQLException {
        return babelfish() ? "babelfish" : "mssql";
    }

    /** Creates the database with the settings the service needs where the server takes them. */
    public void create(String database) throws SQLException {
        String db = name(database);
        try (Connection c = connect(null); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + db);
            if (!babelfish()) {
                s.execute("ALTER DATABASE " + db + " SET ALLOW_SNAPSHOT_ISOLATION ON");
                s.execute("ALTER DATABASE " + db + " SET READ_COMMITTED_SNAPSHOT ON WITH ROLLBACK IMMEDIATE");
            }
        }
    }

    /** Applies the scripts on the class path (the service's jar, or target/classes). */
    public int apply(String database) throws SQLException, IOException {
        URL folder = SqlServerSchema.class.getClassLoader().getResource(SCRIPTS);
        if (folder == null) {
            throw new IOException(SCRIPTS + " is not on the class path");
        }
        URI uri;
        try {
            uri = folder.toURI();
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        if (!"jar".equals(uri.getScheme())) {
            return apply(database, Path.of(uri));
        }
        try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
            return apply(database, jar.getPath(SCRIPTS));
        }
    }

    /** Applies every {@code V<n>__*.sql} script of a folder in version order, batch by batch at its GO lines. */
    public int apply(String database, Path folder) throws SQLException, IOException {
        List<Path> scripts;
        try (Stream<Path> files = Files.list(folder)) {
            scripts = files.filter(p -> p.getFileName().toString().matches("V\\d+__.*\\.sql"))
                    .sorted(Comparator.comparingInt(SqlServerSchema::version)).toList();
        }
        if (scripts.isEmpty()) {
            throw new IOException("no V<n>__*.sql script in " + folder);
        }
        try (Connection c = connect(database); Statement s = c.createStatement()) {
            for (Path script : scripts) {
                String[] batches = GO.split(Files.readString(script));
                for (int i = 0; i < batches.length; i++) {
                    if (batches[i].isBlank()) {
                        continue;
                    }
                    try {
                        s.execute(batches[i]);
                    } catch (SQLException e) {
                        throw new SQLException(script.getFileName() + ", batch " + (i + 1) + ": " + e.getMessage(),
                                e.getSQLState(), e.getErrorCode(), e);
                    }
                }
            }
        }
        return scripts.size();
    }

    /** Drops the database after ending every session still in it. */
    public void drop(String database) throws SQLException {
        String db = name(database);
        try (Connection c = connect(null); Statement s = c.createStatement()) {
            if (babelfish()) {
                List<Integer> sessions = new ArrayList<>();
                try (ResultSet rs = s.executeQuery("SELECT session_id FROM sys.dm_exec_sessions "
                        + "WHERE session_id <> @@SPID AND database_id = DB_ID('" + db + "')")) {
                    while (rs.next()) {
                        sessions.add(rs.getInt(1));
                    }
                }
                for (int session : sessions) {
                    s.execute("KILL " + session);
                }
            } else {
                s.execute("ALTER DATABASE " + db + " SET SINGLE_USER WITH ROLLBACK IMMEDIATE");
            }
            s.execute("DROP DATABASE " + db);
        }
    }

    private static String name(String database) {
        if (database == null || !NAME.matcher(database).matches()) {
            throw new IllegalArgumentException("not a plain database name (letters, digits, _): " + database);
        }
        return database;
    }

    private static int version(Path script) {
        String name = script.getFileName().toString();
        return Integer.parseInt(name.substring(1, name.indexOf("__")));
    }

    /** {@code create|apply|drop DATABASE}; the server and login from MSSQL_URL, MSSQL_USER and MSSQL_PASSWORD. */
    public static void main(String[] args) throws Exception {
        String url = System.getenv("MSSQL_URL");
        String user = System.getenv("MSSQL_USER");
        String password = System.getenv("MSSQL_PASSWORD");
        if (args.length != 2 || url == null || user == null || password == null
                || !List.of("create", "apply", "drop", "kind").contains(args[0])) {
            System.err.println("usage: MSSQL_URL=jdbc:sqlserver://host:1433;encrypt=… MSSQL_USER=… MSSQL_PASSWORD=… "
                    + "SqlServerSchema create|apply|drop|kind DATABASE");
            System.exit(2);
        }
        SqlServerSchema server = new SqlServerSchema(url, user, password);
        switch (args[0]) {
            case "create" -> {
                server.create(args[1]);
                System.out.println("created " + args[1] + " (" + server.kind() + ")");
            }
            case "apply" -> System.out.println("applied " + server.apply(args[1]) + " scripts to " + args[1]);
            case "drop" -> {
                server.drop(args[1]);
                System.out.println("dropped " + args[1]);
            }
            default -> System.out.println(server.kind());
        }
    }
}
