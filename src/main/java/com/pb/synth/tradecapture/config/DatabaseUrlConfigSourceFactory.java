package com.pb.synth.tradecapture.config;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.common.MapBackedConfigSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Maps the source document's {@code DATABASE_URL} (a JDBC URL) onto the datasource settings: the
 * JDBC URL for Flyway and the reactive URL for the capture pool, which the Vert.x client wants
 * without the {@code jdbc:} prefix. Explicit {@code quarkus.datasource.*} settings still win.
 */
public class DatabaseUrlConfigSourceFactory implements ConfigSourceFactory {

    static final String DEFAULT_URL = "jdbc:postgresql://localhost:15432/tradecapture";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue url = context.getValue("DATABASE_URL");
        ConfigValue kind = context.getValue("DB_KIND");
        String jdbc = url == null || url.getValue() == null ? DEFAULT_URL : url.getValue();
        return List.of(new MapBackedConfigSource("DATABASE_URL mapping",
                derive(jdbc, kind == null ? null : kind.getValue()), 150) {
        });
    }

    static Map<String, String> derive(String jdbcUrl) {
        return derive(jdbcUrl, null);
    }

    /**
     * The settings a JDBC URL implies. A {@code jdbc:sqlserver://host:port;databaseName=db;encrypt=…;
     * trustServerCertificate=…} URL selects the SQL Server store (unless DB_KIND says otherwise) and
     * switches the PostgreSQL datasource off.
     */
    public static Map<String, String> derive(String jdbcUrl, String dbKind) {
        Map<String, String> props = new HashMap<>();
        boolean sqlServerUrl = jdbcUrl.startsWith("jdbc:sqlserver:");
        String kind = dbKind != null && !dbKind.isBlank() ? dbKind.trim().toLowerCase(java.util.Locale.ROOT)
                : sqlServerUrl ? "mssql" : "postgresql";
        props.put("capture.store.kind", kind);
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            props.put("quarkus.datasource.jdbc.url", jdbcUrl);
            props.put("quarkus.datasource.reactive.url", jdbcUrl.substring("jdbc:".length()));
        }
        if (sqlServerUrl) {
            sqlServer(jdbcUrl.substring("jdbc:sqlserver://".length()), props);
        }
        if (!"postgresql".equals(kind)) {
            props.put("quarkus.datasource.active", "false");
        }
        return props;
    }

    private static void sqlServer(String rest, Map<String, String> props) {
        String[] parts = rest.split(";");
        String server = parts[0];
        int slash = server.indexOf('\\');
        if (slash >= 0) {
            server = server.substring(0, slash); // a named instance: the port decides
        }
        int colon = server.lastIndexOf(':');
        props.put("capture.store.mssql.host", colon < 0 ? server : server.substring(0, colon));
        if (colon >= 0) {
            props.put("capture.store.mssql.port", server.substring(colon + 1));
        }
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq < 0) {
                continue;
            }
            String key = parts[i].substring(0, eq).trim().toLowerCase(java.util.Locale.ROOT);
            String value = parts[i].substring(eq + 1).trim();
            switch (key) {
                case "databasename", "database" -> props.put("capture.store.mssql.database", value);
                case "encrypt" -> props.put("capture.store.mssql.encrypt",
                        Boolean.toString(!value.equalsIgnoreCase("false") && !value.equalsIgnoreCase("optional")));
                case "trustservercertificate" -> props.put("capture.store.mssql.trust-server-certificate", value);
                case "truststore" -> props.put("capture.store.mssql.trust-store", value);
                case "truststorepassword" -> props.put("capture.store.mssql.trust-store-password", value);
                default -> {
                    // other driver properties do not apply to the reactive client
                }
            }
        }
    }
}
