package com.pb.synth.tradecapture.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Helm chart, linted strictly and rendered per region by an embedded Helm: what each region's
 * manifests say (group, topics, replica bounds, probes, user, environment) against its values and
 * the service's own configuration, and a values file the schema refuses.
 */
public class HelmChartTest {

    private static final Path CHART = Path.of("helm/pb-synth-tradecapture");
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Map<String, int[]> BOUNDS = Map.of("us", new int[] {3, 5}, "emea", new int[] {2, 3},
            "apac", new int[] {2, 3});
    private static final Map<String, String> ZONES = Map.of("us", "America/New_York", "emea", "Europe/London",
            "apac", "Asia/Tokyo");

    /** The chart rendered for a region (its values file, plus {@code more}), one node per manifest. */
    public static List<JsonNode> render(String region, UnaryOperator<TemplateCommand> more) throws IOException {
        TemplateCommand command = new Helm(CHART).template().withName("tc")
                .withValuesFile(CHART.resolve("values-" + region + ".yaml"));
        String manifests = more.apply(command).call();
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(manifests)) {
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && doc.has("kind")) {
                    docs.add(doc);
                }
            }
        }
        return docs;
    }

    private static JsonNode kind(List<JsonNode> docs, String kind) {
        return docs.stream().filter(d -> kind.equals(d.get("kind").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " rendered"));
    }

    @Test
    void theChartLintsStrictly() {
        LintResult lint = new Helm(CHART).lint().strict().call();
        assertThat(lint.isFailed()).as(String.valueOf(lint.getMessages())).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"us", "emea", "apac"})
    void eachRegionRendersItsGroupTopicsBoundsAndASafeDeployment(String region) throws IOException {
        List<JsonNode> docs = render(region, c -> c);
        JsonNode data = kind(docs, "ConfigMap").get("data");
        assertThat(data.get("REGION").asText()).isEqualTo(region);
        assertThat(data.get("REGION_TIMEZONE").asText()).isEqualTo(ZONES.get(region));
        assertThat(data.get("KAFKA_CONSUMER_GROUP_ID").asText()).isEqualTo("pb-synth-tradecapture-svc-" + region);
        assertThat(data.get("TRADES_TOPIC").asText()).isEqualTo("pb-synth.trades.v1");
        assertThat(data.get("KAFKA_BOOTSTRAP_SERVERS").asText()).startsWith("kafka-" + region + "-1:9092");

        JsonNode scaled = kind(docs, "ScaledObject").get("spec");
        assertThat(scaled.get("minReplicaCount").asInt()).isEqualTo(BOUNDS.get(region)[0]);
        assertThat(scaled.get("maxReplicaCount").asInt()).isEqualTo(BOUNDS.get(region)[1]);
        JsonNode trigger = scaled.get("triggers").get(0);
        assertThat(trigger.get("type").asText()).isEqualTo("kafka");
        assertThat(trigger.get("metadata").get("consumerGroup").asText()).isEqualTo("pb-synth-tradecapture-svc-" + region);
        assertThat(trigger.get("metadata").get("topic").asText()).isEqualTo("pb-synth.trades.v1");
        assertThat(trigger.get("metadata").get("lagThreshold").asText()).isEqualTo("50000");

        // the autoscaler owns the count: a Deployment with replicas would reset it on every upgrade
        assertThat(kind(docs, "Deployment").get("spec").has("replicas")).isFalse();
        JsonNode pod = kind(docs, "Deployment").get("spec").get("template").get("spec");
        assertThat(pod.get("securityContext").get("runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.get("securityContext").get("runAsUser").asInt()).isNotZero();
        assertThat(pod.get("terminationGracePeriodSeconds").asInt()).isGreaterThan(10);
        JsonNode container = pod.get("containers").get(0);
        assertThat(container.get("securityContext").get("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(container.get("livenessProbe").get("httpGet").get("path").asText()).isEqualTo("/q/health/live");
        assertThat(container.get("readinessProbe").get("httpGet").get("path").asText()).isEqualTo("/q/health/ready");
        assertThat(container.get("startupProbe").get("httpGet").get("path").asText()).isEqualTo("/q/health/started");
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            assertThat(container.get(probe).get("httpGet").get("port").asText()).as(probe).isEqualTo("management");
        }
        Set<String> known = ServiceEnvironment.names();
        Set<String> set = new HashSet<>();
        data.fieldNames().forEachRemaining(set::add);
        container.get("env").forEach(e -> set.add(e.get("name").asText()));
        assertThat(known).as("every variable the chart sets is one the service reads").containsAll(set);
        assertThat(set).contains("DB_USER", "DB_PASSWORD", "INSTANCE_ID", "DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS",
                "REDIS_HOST", "JWT_PUBLIC_KEY_LOCATION");
        assertThat(container.get("env").toString()).as("credentials come from Secrets").contains("secretKeyRef");
    }

    @Test
    void theHttpEdgeIsConfiguredFromItsValuesAndTheSchemaRefusesAZeroRate() throws IOException {
        JsonNode defaults = kind(render("us", c -> c), "ConfigMap").get("data");
        assertThat(defaults.get("CALLBACK_ALLOWED_HOSTS").asText()).isEqualTo("*");
        assertThat(defaults.get("RATE_LIMIT_ENABLED").asText()).isEqualTo("true");
        assertThat(defaults.get("RATE_LIMIT_GLOBAL_RPS").asText()).isEqualTo("500");
        assertThat(defaults.get("RATE_LIMIT_PER_PARTITION_BURST").asText()).isEqualTo("100");
        JsonNode set = kind(render("apac", c -> c.set("ingest.callbackAllowedHosts", "hooks.internal:8443")
                .set("ingest.rateLimit.perPartitionRps", "5")), "ConfigMap").get("data");
        assertThat(set.get("CALLBACK_ALLOWED_HOSTS").asText()).isEqualTo("hooks.internal:8443");
        assertThat(set.get("RATE_LIMIT_PER_PARTITION_RPS").asText()).isEqualTo("5");
        assertThatThrownBy(() -> render("us", c -> c.set("ingest.rateLimit.globalRps", "0"))).hasMessageContaining("globalRps");
    }

    @Test
    void tracingIsOffUnlessEnabledAndThenExportsToTheCollectorAtTheSampledRatio() throws IOException {
        JsonNode off = kind(render("us", c -> c), "ConfigMap").get("data");
        assertThat(off.get("OTEL_SDK_DISABLED").asText()).isEqualTo("true");
        assertThat(off.has("OTEL_EXPORTER_OTLP_ENDPOINT")).isFalse();

        JsonNode on = kind(render("emea", c -> c.set("tracing.enabled", "true")
                .set("tracing.otlpEndpoint", "http://collector.monitoring:4317").set("tracing.samplerRatio", "0.25")),
                "ConfigMap").get("data");
        assertThat(on.get("OTEL_SDK_DISABLED").asText()).isEqualTo("false");
        assertThat(on.get("OTEL_EXPORTER_OTLP_ENDPOINT").asText()).isEqualTo("http://collector.monitoring:4317");
        assertThat(on.get("OTEL_TRACES_SAMPLER").asText()).isEqualTo("parentbased_traceidratio");
        assertThat(on.get("OTEL_TRACES_SAMPLER_ARG").asText()).isEqualTo("0.25");
        assertThatThrownBy(() -> render("us", c -> c.set("tracing.samplerRatio", "2"))).hasMessageContaining("samplerRatio");
    }

    @Test
    void aSharedClusterGetsTopicsPerRegionAndReplicasNeverExceedPartitionsPerPod() throws IOException {
        List<JsonNode> docs = render("emea", c -> c.set("kafka.perRegionTopics", "true").set("replicas.max", "20"));
        assertThat(kind(docs, "ConfigMap").get("data").get("TRADES_TOPIC").asText()).isEqualTo("pb-synth.trades.v1.emea");
        assertThat(kind(docs, "ScaledObject").get("spec").get("maxReplicaCount").asInt()).isEqualTo(12 / 2);
    }

    @Test
    void withoutKedaAnHpaScalesOnCpuOnlyWithinTheRegionsBounds() throws IOException {
        List<JsonNode> docs = render("apac", c -> c.set("autoscaling.keda.enabled", "false"));
        JsonNode hpa = kind(docs, "HorizontalPodAutoscaler").get("spec");
        assertThat(hpa.get("minReplicas").asInt()).isEqualTo(2);
        assertThat(hpa.get("maxReplicas").asInt()).isEqualTo(3);
        assertThat(hpa.get("metrics")).hasSize(1);
        assertThat(hpa.get("metrics").get(0).get("resource").get("name").asText()).isEqualTo("cpu");
        assertThat(hpa.get("metrics").get(0).get("resource").get("target").get("averageUtilization").asInt()).isEqualTo(70);
        assertThat(docs.stream().map(d -> d.get("kind").asText())).doesNotContain("ScaledObject");
        assertThat(kind(docs, "Deployment").get("spec").has("replicas")).isFalse();
    }

    @Test
    void withoutAnAutoscalerTheDeploymentKeepsAFixedCount() throws IOException {
        List<JsonNode> docs = render("emea", c -> c.set("autoscaling.enabled", "false"));
        assertThat(kind(docs, "Deployment").get("spec").get("replicas").asInt()).isEqualTo(BOUNDS.get("emea")[0]);
        assertThat(docs.stream().map(d -> d.get("kind").asText())).doesNotContain("ScaledObject", "HorizontalPodAutoscaler");
    }

    @Test
    void valuesTheSchemaRefusesFailTheRender() {
        assertThatThrownBy(() -> render("us", c -> c.set("region", "mars"))).hasMessageContaining("region");
        assertThatThrownBy(() -> render("us", c -> c.set("kafka.groupProtocol", "eager")))
                .hasMessageContaining("groupProtocol");
        assertThatThrownBy(() -> render("us", c -> c.set("dbPassword", "secret")))
                .hasMessageContaining("dbPassword");
    }
}
