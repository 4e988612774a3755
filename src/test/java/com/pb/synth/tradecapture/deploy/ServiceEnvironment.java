package com.pb.synth.tradecapture.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The environment variables the service reads: application.properties' ${NAME}s and those read in code. */
final class ServiceEnvironment {

    /** Read in code (DatabaseUrlConfigSourceFactory) or by Quarkus itself from its own names. */
    private static final Set<String> BESIDES_PROPERTIES = Set.of("DATABASE_URL", "DB_KIND", "QUARKUS_REDIS_CLIENT_TYPE",
            "KAFKA_SECURITY_PROTOCOL", "KAFKA_SASL_MECHANISM");

    private ServiceEnvironment() {
    }

    static Set<String> names() throws IOException {
        Set<String> names = new TreeSet<>(BESIDES_PROPERTIES);
        Matcher m = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)").matcher(
                Files.readString(Path.of("src/main/resources/application.properties")));
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
