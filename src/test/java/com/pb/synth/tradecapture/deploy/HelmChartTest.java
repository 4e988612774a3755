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

    /** Copies the chart's files over {@code to} (what was there before is replaced). */
    private static void copyTree(Path from, Path to) throws IOException {
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(f).toString());
                if (java.nio.file.Files.isDirectory(f)) {
                    java.nio.file.Files.createDirectories(target);
                } else {
                    java.nio.file.Files.copy(f, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
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

    /** The variants every region is linted in: autoscaling on (KEDA, or the HPA) and off, SASL_SSL, a subchart's global values. */
    private static final List<Map<String, String>> VARIANTS = List.of(
            Map.of(),
            Map.of("autoscaling.enabled", "false"),
            Map.of("autoscaling.keda.enabled", "false"),
            Map.of("kafka.securityProtocol", "SASL_SSL", "kafka.saslMechanism", "SCRAM-SHA-512",
                    "kafka.secretName", "kafka-client", "autoscaling.keda.authSecretName", "kafka-keda",
                    "serviceMonitor.enabled", "true", "prometheusRule.enabled", "true", "dashboard.enabled", "true"),
            Map.of("global.imageRegistry", "registry.internal", "fullnameOverride", "trades"));

    /**
     * helm lint --strict of each region in each variant: Helm's lint reads only the chart's own
     * values.yaml, so each variant is a copy of the chart whose values.yaml is the defaults with the
     * region's file and the variant merged in.
     */
    @ParameterizedTest
    @ValueSource(strings = {"us", "emea", "apac"})
    void everyRegionLintsStrictlyWithAutoscalingOnAndOffSaslAndAsASubchart(String region) throws IOException {
        for (int v = 0; v < VARIANTS.size(); v++) {
            Path copy = Path.of("target", "helm-lint", region + "-" + v, CHART.getFileName().toString());
            copyTree(CHART, copy);
            com.fasterxml.jackson.databind.node.ObjectNode values =
                    (com.fasterxml.jackson.databind.node.ObjectNode) YAML.readTree(CHART.resolve("values.yaml").toFile());
            YAML.readerForUpdating(values).readValue(CHART.resolve("values-" + region + ".yaml").toFile());
            for (var e : VARIANTS.get(v).entrySet()) {
                String[] path = e.getKey().split("\\.");
                com.fasterxml.jackson.databind.node.ObjectNode at = values;
                for (int i = 0; i < path.length - 1; i++) {
                    at = at.has(path[i]) ? (com.fasterxml.jackson.databind.node.ObjectNode) at.get(path[i]) : at.putObject(path[i]);
                }
                String value = e.getValue();
                if (value.equals("true") || value.equals("false")) {
                    at.put(path[path.length - 1], Boolean.parseBoolean(value));
                } else {
                    at.put(path[path.length - 1], value);
                }
            }
            YAML.writeValue(copy.resolve("values.yaml").toFile(), values);
            LintResult lint = new Helm(copy).lint().strict().call();
            assertThat(lint.isFailed()).as(region + " " + VARIANTS.get(v) + ": " + lint.getMessages()).isFalse();
        }
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

    @ParameterizedTest
    @ValueSource(strings = {"us", "emea", "apac"})
    void anUpgradeWithKedaLeavesTheCountToKedaAndKeepsTheNamesAndSelectorOfEarlierReleases(String region)
            throws IOException {
        // whatever the release is called, the objects, selector, group and topics keep their names
        List<JsonNode> docs = render(region, c -> c.withName("tradecapture-" + region + "-2027"));
        JsonNode deployment = kind(docs, "Deployment");
        assertThat(deployment.get("spec").has("replicas")).as("no replicas while KEDA owns the count").isFalse();
        assertThat(deployment.get("metadata").get("name").asText()).isEqualTo("pb-synth-tradecapture-" + region);
        assertThat(deployment.get("spec").get("selector").get("matchLabels")).isEqualTo(YAML.readTree(
                "{app.kubernetes.io/name: pb-synth-tradecapture, app.kubernetes.io/instance: pb-synth-tradecapture-" + region + "}"));
        assertThat(kind(docs, "ConfigMap").get("data").get("KAFKA_CONSUMER_GROUP_ID").asText())
                .isEqualTo("pb-synth-tradecapture-svc-" + region);
        for (JsonNode doc : docs) {
            JsonNode labels = doc.get("metadata").get("labels");
            assertThat(labels.get("helm.sh/chart").asText()).as(doc.get("kind").asText()).startsWith("pb-synth-tradecapture-");
            assertThat(labels.get("app.kubernetes.io/managed-by").asText()).as(doc.get("kind").asText()).isEqualTo("Helm");
        }
        JsonNode scaled = kind(docs, "ScaledObject").get("spec");
        assertThat(scaled.get("fallback").get("failureThreshold").asInt()).isEqualTo(3);
        assertThat(scaled.get("fallback").get("replicas").asInt()).as("the most there may be")
                .isEqualTo(scaled.get("maxReplicaCount").asInt());
        assertThat(scaled.get("triggers").get(0).has("authenticationRef")).as("PLAINTEXT: no credentials").isFalse();
        assertThat(docs.stream().map(d -> d.get("kind").asText())).doesNotContain("TriggerAuthentication");
    }

    @ParameterizedTest
    @ValueSource(strings = {"SCRAM-SHA-512", "PLAIN"})
    void againstASaslSslClusterKedaReadsTheLagWithItsOwnTriggerAuthentication(String mechanism) throws IOException {
        List<JsonNode> docs = render("emea", c -> c.set("kafka.securityProtocol", "SASL_SSL")
                .set("kafka.saslMechanism", mechanism).set("kafka.secretName", "kafka-emea-client")
                .set("autoscaling.keda.authSecretName", "kafka-emea-keda"));
        JsonNode auth = kind(docs, "TriggerAuthentication");
        JsonNode trigger = kind(docs, "ScaledObject").get("spec").get("triggers").get(0);
        assertThat(trigger.get("authenticationRef").get("name").asText()).isEqualTo(auth.get("metadata").get("name").asText());
        assertThat(trigger.get("metadata").get("sasl").asText())
                .isEqualTo(mechanism.equals("PLAIN") ? "plaintext" : "scram_sha512");
        assertThat(trigger.get("metadata").get("tls").asText()).isEqualTo("enable");
        Map<String, String> refs = new java.util.TreeMap<>();
        auth.get("spec").get("secretTargetRef").forEach(r -> {
            assertThat(r.get("name").asText()).isEqualTo("kafka-emea-keda");
            refs.put(r.get("parameter").asText(), r.get("key").asText());
        });
        assertThat(refs).isEqualTo(Map.of("username", "username", "password", "password", "ca", "ca.crt"));

        // SASL without KEDA's own Secret is refused, naming the value; off, nothing of it is rendered
        assertThatThrownBy(() -> render("emea", c -> c.set("kafka.securityProtocol", "SASL_SSL")
                .set("kafka.saslMechanism", mechanism))).hasMessageContaining("autoscaling.keda.authSecretName");
        JsonNode plain = kind(render("emea", c -> c.set("kafka.securityProtocol", "PLAINTEXT")), "ScaledObject");
        assertThat(plain.get("spec").get("triggers").get(0).get("metadata").has("sasl")).isFalse();
        assertThat(plain.get("spec").get("triggers").get(0).get("metadata").has("tls")).isFalse();
    }

    @Test
    void asASubchartWithGlobalValuesAndThePlatformsConventions() throws IOException {
        List<JsonNode> docs = render("apac", c -> c.set("global.imageRegistry", "registry.internal")
                .set("fullnameOverride", "trades-apac").set("image.digest", "sha256:" + "ab".repeat(32))
                .set("imagePullSecrets[0].name", "registry-cred").set("nodeSelector.pool", "capture")
                .set("tolerations[0].key", "dedicated").set("tolerations[0].operator", "Exists")
                .set("priorityClassName", "trading-critical").set("podAnnotations.team", "pb-ops")
                .set("extraEnv[0].name", "JAVA_TOOL_OPTIONS").set("extraEnv[0].value", "-XX:+UseZGC")
                .set("serviceMonitor.enabled", "true").set("serviceMonitor.labels.release", "kube-prometheus-stack"));
        JsonNode deployment = kind(docs, "Deployment");
        assertThat(deployment.get("metadata").get("name").asText()).isEqualTo("trades-apac");
        JsonNode pod = deployment.get("spec").get("template").get("spec");
        JsonNode container = pod.get("containers").get(0);
        assertThat(container.get("image").asText()).isEqualTo("pb-synth-tradecapture-svc@sha256:" + "ab".repeat(32));
        assertThat(pod.get("imagePullSecrets").get(0).get("name").asText()).isEqualTo("registry-cred");
        assertThat(pod.get("nodeSelector").get("pool").asText()).isEqualTo("capture");
        assertThat(pod.get("tolerations").get(0).get("key").asText()).isEqualTo("dedicated");
        assertThat(pod.get("priorityClassName").asText()).isEqualTo("trading-critical");
        assertThat(deployment.get("spec").get("template").get("metadata").get("annotations").get("team").asText())
                .isEqualTo("pb-ops");
        assertThat(container.get("env").toString()).contains("JAVA_TOOL_OPTIONS");
        // its own ServiceAccount, without a token (the service calls no Kubernetes API)
        assertThat(pod.get("serviceAccountName").asText()).isEqualTo("trades-apac");
        assertThat(pod.get("automountServiceAccountToken").asBoolean()).isFalse();
        assertThat(kind(docs, "ServiceAccount").get("automountServiceAccountToken").asBoolean()).isFalse();
        // the zone spread selects this release's pods
        assertThat(pod.get("topologySpreadConstraints").get(0).get("labelSelector").get("matchLabels"))
                .isEqualTo(deployment.get("spec").get("selector").get("matchLabels"));
        // a drain is never blocked by a pod that is not ready
        assertThat(kind(docs, "PodDisruptionBudget").get("spec").get("unhealthyPodEvictionPolicy").asText())
                .isEqualTo("AlwaysAllow");
        assertThat(kind(docs, "ServiceMonitor").get("metadata").get("labels").get("release").asText())
                .isEqualTo("kube-prometheus-stack");
        // helm test: a hook pod (hooks are not part of a rendered manifest: its template is read) asking the
        // Service for readiness and capture health, its labels admitted to the management port
        String test = java.nio.file.Files.readString(CHART.resolve("templates/tests/ready.yaml"));
        assertThat(test).contains("helm.sh/hook: test").contains(":9000/q/health/ready").contains(":9000/q/health/group/capture")
                .contains("app.kubernetes.io/component: test");
        JsonNode admitted = kind(docs, "NetworkPolicy").get("spec").get("ingress").get(1).get("from").get(1).get("podSelector");
        assertThat(admitted.get("matchLabels").get("app.kubernetes.io/component").asText()).isEqualTo("test");
        assertThat(admitted.get("matchLabels").get("app.kubernetes.io/instance").asText()).isEqualTo("trades-apac");
    }

    @ParameterizedTest
    @ValueSource(strings = {"us", "emea", "apac"})
    void theAlertsAndTheDashboardComeWithTheChartEachAlertWithItsRunbook(String region) throws IOException {
        List<JsonNode> docs = render(region, c -> c.set("prometheusRule.enabled", "true").set("dashboard.enabled", "true")
                .set("prometheusRule.labels.release", "kube-prometheus-stack"));
        JsonNode rule = kind(docs, "PrometheusRule");
        assertThat(rule.get("metadata").get("labels").get("release").asText()).isEqualTo("kube-prometheus-stack");
        List<String> alerts = new ArrayList<>();
        for (JsonNode group : rule.get("spec").get("groups")) {
            for (JsonNode r : group.get("rules")) {
                if (r.has("alert")) {
                    alerts.add(r.get("alert").asText());
                    assertThat(r.get("labels").get("severity").asText()).as(r.get("alert").asText()).isIn("critical", "warning");
                    assertThat(r.get("annotations").has("summary")).isTrue();
                    assertThat(r.get("annotations").has("description")).isTrue();
                    assertThat(r.get("annotations").get("runbook_url").asText())
                            .endsWith("/docs/runbooks/" + r.get("alert").asText() + ".md");
                    assertThat(java.nio.file.Files.exists(Path.of("docs/runbooks", r.get("alert").asText() + ".md")))
                            .as("a runbook page for " + r.get("alert").asText()).isTrue();
                }
            }
        }
        assertThat(alerts).contains("TradeCaptureStalled", "TradeCaptureRegionAbsent", "TradeCaptureHeldRecordsNearLimit",
                "TradeCaptureExceptionsPilingUp", "TradeCaptureCallbacksFailing", "TradeCaptureReplicasAtMax",
                "TradeCaptureLotBookingFailing");
        JsonNode absent = rule.get("spec").get("groups").findValues("rules").stream().flatMap(r -> java.util.stream.StreamSupport
                .stream(r.spliterator(), false)).filter(r -> "TradeCaptureRegionAbsent".equals(r.path("alert").asText()))
                .findFirst().orElseThrow();
        assertThat(absent.get("expr").asText()).contains("region=\"" + region + "\"");
        JsonNode board = docs.stream().filter(d -> d.get("metadata").get("name").asText().endsWith("-dashboard")).findFirst()
                .orElseThrow();
        assertThat(board.get("metadata").get("labels").get("grafana_dashboard").asText()).isEqualTo("1");
        assertThat(YAML.readTree(board.get("data").get("pb-synth-tradecapture.json").asText()).get("panels").size())
                .isGreaterThan(5);
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
