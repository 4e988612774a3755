package com.pb.synth.tradecapture.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * After {@code package} (failsafe): every path {@code src/main/docker/Dockerfile.jvm} copies exists
 * in {@code target/quarkus-app}; both images (JVM and native) run as the non-root user the chart
 * runs them as and expose the service's port, the chart's container port.
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

    @ParameterizedTest
    @ValueSource(strings = {"src/main/docker/Dockerfile.jvm", "src/main/docker/Dockerfile.native"})
    void eachImageRunsAsTheChartsNonRootUserAndExposesTheServicePort(String file) throws IOException {
        String dockerfile = Files.readString(Path.of(file));
        Matcher user = Pattern.compile("(?m)^USER\\s+(\\S+)").matcher(dockerfile);
        assertThat(user.find()).isTrue();
        assertThat(user.group(1)).isNotIn("0", "root");
        String port = Pattern.compile("(?m)^quarkus\\.http\\.port=(\\d+)")
                .matcher(Files.readString(Path.of("src/main/resources/application.properties"))).results()
                .map(r -> r.group(1)).findFirst().orElseThrow();
        assertThat(dockerfile).containsPattern("(?m)^EXPOSE\\s+" + port + "\\b");

        JsonNode pod = HelmChartTest.render("us", c -> c).stream().filter(d -> "Deployment".equals(d.get("kind").asText()))
                .findFirst().orElseThrow().get("spec").get("template").get("spec");
        assertThat(pod.get("securityContext").get("runAsUser").asText()).as("the chart runs the image's user")
                .isEqualTo(user.group(1));
        assertThat(pod.get("containers").get(0).get("ports").get(0).get("containerPort").asText()).isEqualTo(port);
    }
}
