package com.pb.synth.tradecapture.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * After {@code package} (failsafe): every path {@code src/main/docker/Dockerfile.jvm} copies exists
 * in {@code target/quarkus-app}, the image runs as a non-root user and exposes the service's port.
 */
class DockerfilePackageIT {

    private static final Path DOCKERFILE = Path.of("src/main/docker/Dockerfile.jvm");

    @Test
    void everyPathTheJvmImageCopiesExistsAfterPackage() throws IOException {
        String dockerfile = Files.readString(DOCKERFILE);
        Matcher copy = Pattern.compile("(?m)^COPY\\s+(?:--\\S+\\s+)*(\\S+)\\s+(\\S+)\\s*$").matcher(dockerfile);
        List<String> sources = new ArrayList<>();
        while (copy.find()) {
            sources.add(copy.group(1));
        }
        assertThat(sources).isNotEmpty();
        for (String source : sources) {
            if (source.contains("*")) {
                Path dir = Path.of(source).getParent();
                try (DirectoryStream<Path> matches = Files.newDirectoryStream(dir, Path.of(source).getFileName().toString())) {
                    assertThat(matches.iterator().hasNext()).as(source + " matches a file after package").isTrue();
                }
            } else {
                assertThat(Path.of(source)).as(source + " after package").exists();
            }
        }
        assertThat(Path.of("target/quarkus-app/quarkus-run.jar")).exists();
        assertThat(dockerfile).contains("JAVA_APP_JAR=\"/deployments/quarkus-run.jar\"");
    }

    @Test
    void theImageRunsAsANonRootUserAndExposesTheServicePort() throws IOException {
        String dockerfile = Files.readString(DOCKERFILE);
        Matcher user = Pattern.compile("(?m)^USER\\s+(\\S+)").matcher(dockerfile);
        assertThat(user.find()).isTrue();
        assertThat(user.group(1)).isNotIn("0", "root");
        String port = Pattern.compile("(?m)^quarkus\\.http\\.port=(\\d+)")
                .matcher(Files.readString(Path.of("src/main/resources/application.properties"))).results()
                .map(r -> r.group(1)).findFirst().orElseThrow();
        assertThat(dockerfile).containsPattern("(?m)^EXPOSE\\s+" + port + "\\b");
    }
}
