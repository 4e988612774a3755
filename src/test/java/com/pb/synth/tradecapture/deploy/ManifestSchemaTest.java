package com.pb.synth.tradecapture.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pb.synth.tradecapture.support.Commands;
import com.pb.synth.tradecapture.support.Commands.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The chart's rendered manifests against the published schemas of what a cluster runs: the Kubernetes
 * API (npm kubernetes-models), KEDA's ScaledObject (@kubernetes-models/keda) and the Prometheus
 * operator's ServiceMonitor (@kubernetes-models/prometheus-operator), by helm/schema-check/validate.js
 * on Node.js. Every optional object is switched on, and the HPA variant is rendered too.
 */
class ManifestSchemaTest {

    private static final Path CHECK = Path.of("helm/schema-check");
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void installTheSchemaPackages() throws Exception {
        Path installed = CHECK.resolve("node_modules/.package-lock.json");
        if (Files.exists(installed)
                && Files.getLastModifiedTime(installed).compareTo(Files.getLastModifiedTime(CHECK.resolve("package-lock.json"))) >= 0) {
            return;
        }
        Commands.require("npm", "nodejs", "npm");
        Commands.require("node", "nodejs");
        Result npm = run(List.of("npm", "ci", "--no-audit", "--no-fund"), 300);
        assertThat(npm.exit()).as("npm ci in %s (needs Node.js 14+ and npm):%n%s", CHECK, npm.output()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"us", "emea", "apac"})
    void everyRegionsManifestsMatchTheirSchemas(String region) throws Exception {
        List<JsonNode> keda = HelmChartTest.render(region, c -> c.set("serviceMonitor.enabled", "true")
                .set("ingress.enabled", "true").set("prometheusRule.enabled", "true").set("dashboard.enabled", "true")
                .set("kafka.securityProtocol", "SASL_SSL").set("kafka.saslMechanism", "SCRAM-SHA-512")
                .set("autoscaling.keda.authSecretName", "kafka-keda"));
        List<JsonNode> fixed = HelmChartTest.render(region, c -> c.set("autoscaling.enabled", "false")
                .set("global.imageRegistry", "registry.internal"));
        List<JsonNode> hpa = HelmChartTest.render(region, c -> c.set("autoscaling.keda.enabled", "false"));
        List<JsonNode> all = new ArrayList<>(keda);
        all.addAll(hpa);
        all.addAll(fixed);
        Result result = validate(all, region);
        assertThat(result.exit()).as(result.output()).isZero();
        for (String kind : List.of("Deployment", "Service", "ConfigMap", "PodDisruptionBudget", "NetworkPolicy",
                "ScaledObject", "TriggerAuthentication", "HorizontalPodAutoscaler", "ServiceMonitor", "PrometheusRule",
                "Ingress", "ServiceAccount")) {
            assertThat(result.output()).as("validated a " + kind).containsPattern("(?m)^valid \\S+ " + kind + " ");
        }
        assertThat(result.output()).doesNotContain("invalid");
    }

    /**
     * The chart README's values table is what npm {@code @bitnami/readme-generator-for-helm} makes of
     * values.yaml's {@code @param} comments: regenerated into a copy, it must equal the committed one
     * (a value added without its comment, or the table not regenerated, fails here).
     */
    @Test
    void theChartReadmesValuesTableIsGeneratedFromValuesYaml() throws Exception {
        Path chart = Path.of("helm/pb-synth-tradecapture");
        Path copy = Path.of("target", "chart-readme", "README.md");
        Files.createDirectories(copy.getParent());
        Files.copy(chart.resolve("README.md"), copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Result generated = run(List.of("node", "node_modules/@bitnami/readme-generator-for-helm/bin/index.js",
                "-v", chart.resolve("values.yaml").toAbsolutePath().toString(), "-r", copy.toAbsolutePath().toString()), 120);
        assertThat(generated.exit()).as(generated.output()).isZero();
        assertThat(Files.readString(copy)).as("regenerate it: cd helm/schema-check && npx readme-generator "
                + "-v ../pb-synth-tradecapture/values.yaml -r ../pb-synth-tradecapture/README.md")
                .isEqualTo(Files.readString(chart.resolve("README.md")));
        assertThat(Files.readString(copy)).contains("`autoscaling.keda.authSecretName`").contains("`serviceMonitor.labels`");
    }

    @Test
    void aManifestBreakingItsSchemaIsNamed() throws Exception {
        List<JsonNode> docs = HelmChartTest.render("us", c -> c.set("serviceMonitor.enabled", "true"));
        for (JsonNode doc : docs) {
            switch (doc.get("kind").asText()) {
                case "ScaledObject" -> ((ObjectNode) doc.get("spec")).put("minReplicaCount", "three");
                case "ServiceMonitor" -> ((ObjectNode) doc.get("spec")).put("endpoints", "metrics");
                case "Deployment" -> ((ObjectNode) doc.get("spec").get("template").get("spec").get("containers").get(0)
                        .get("ports").get(0)).put("containerPort", "http");
                default -> { }
            }
        }
        Result result = validate(docs, "broken");
        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.output())
                .contains("invalid keda.sh/v1alpha1 ScaledObject").contains("minReplicaCount must be integer")
                .contains("invalid monitoring.coreos.com/v1 ServiceMonitor")
                .contains("invalid apps/v1 Deployment").contains("containerPort must be integer")
                .contains("valid v1 ConfigMap");
    }

    private static Result validate(List<JsonNode> docs, String name) throws Exception {
        Path file = Path.of("target/manifests-" + name + ".json").toAbsolutePath();
        Files.createDirectories(file.getParent());
        JSON.writeValue(file.toFile(), docs);
        return run(List.of("node", "validate.js", file.toString()), 60);
    }

    private static Result run(List<String> command, int seconds) throws Exception {
        return Commands.run(CHECK, command, seconds);
    }
}
