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
        String jdbc = url == null || url.getValue() == null ? DEFAULT_URL : url.getValue();
        return List.of(new MapBackedConfigSource("DATABASE_URL mapping", derive(jdbc), 150) {
        });
    }

    static Map<String, String> derive(String jdbcUrl) {
        Map<String, String> props = new HashMap<>();
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            props.put("quarkus.datasource.jdbc.url", jdbcUrl);
            props.put("quarkus.datasource.reactive.url", jdbcUrl.substring("jdbc:".length()));
        }
        return props;
    }
}
