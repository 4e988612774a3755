package com.pb.synth.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;

/**
 * The chart's autoscaling, applied to the harness's local instances (performance-test.sh --autoscale).
 *
 * <pre>
 *   Autoscaler render --chart DIR --out DIR --region R [--region R2 …] [--set KEY=VALUE …]
 *   Autoscaler run --out DIR --bootstrap HOST:PORT --region R [--region R2 …] [--sync S]
 * </pre>
 *
 * {@code render} renders the chart with {@code values-<region>.yaml} (and the overrides) by an embedded
 * Helm, keeps the manifests ({@code chart-<region>.yaml}), and writes what the harness starts each
 * region's instances with: {@code autoscale-<region>.env} (the rendered ConfigMap's group, topics and
 * consumer settings) and {@code desired-<region>} (the ScaledObject's minimum). {@code run} then
 * evaluates each region's {@link LagScalingRule} every {@code --sync} seconds (the HPA controller's
 * sync period, 15 s by default in Kubernetes) on the group's lag as the broker reports it, writes
 * each new count to {@code desired-<region>} for the harness to start or SIGTERM instances, and
 * logs every evaluation to {@code autoscale.txt}. It stops when {@code stop-autoscaler} appears.
 */
public final class Autoscaler {

    private static final YAMLMapper YAML = new YAMLMapper();
    /** The ConfigMap entries an instance takes; the rest (endpoints, credentials) are the local stack's. */
    private static final List<String> INSTANCE_ENV = List.of("REGION", "REGION_TIMEZONE", "KAFKA_CONSUMER_GROUP_ID",
            "TRADES_TOPIC", "CAPTURED_TOPIC", "DLQ_TOPIC", "KAFKA_CONSUMER_CONCURRENCY", "KAFKA_GROUP_PROTOCOL",
            "SHUTDOWN_DRAIN_TIMEOUT");

    private Autoscaler() {
    }

    public static void main(String[] argv) throws Exception {
        String command = argv.length > 0 ? argv[0] : "";
        List<String> regions = new ArrayList<>();
        List<String> sets = new ArrayList<>();
        Map<String, String> args = new HashMap<>();
        for (int i = 1; i + 1 < argv.length; i += 2) {
            switch (argv[i]) {
                case "--region" -> regions.add(argv[i + 1]);
                case "--set" -> sets.add(argv[i + 1]);
                default -> args.put(argv[i].substring(2), argv[i + 1]);
            }
        }
        Path out = Path.of(args.getOrDefault("out", "."));
        switch (command) {
            case "render" -> {
                for (String region : regions) {
                    render(Path.of(args.get("chart")), out, region, sets);
                }
            }
            case "run" -> run(out, args.get("bootstrap"), regions, Integer.parseInt(args.getOrDefault("sync", "15")));
            default -> {
                System.err.println("usage: Autoscaler render|run …");
                System.exit(2);
            }
        }
    }

    static void render(Path chart, Path out, String region, List<String> sets) throws IOException {
        TemplateCommand template = new Helm(chart).template().withName("tc")
                .withValuesFile(chart.resolve("values-" + region + ".yaml"));
        for (String s : sets) {
            int eq = s.indexOf('=');
            template = template.set(s.substring(0, eq), s.substring(eq + 1));
        }
        String manifests = template.call();
        Files.writeString(out.resolve("chart-" + region + ".yaml"), manifests);
        JsonNode scaled = null;
        JsonNode config = null;
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(manifests)) {
            while (it.hasNext()) {
                JsonNode doc = it.next();
                String kind = doc == null ? "" : doc.path("kind").asText();
                if (kind.equals("ScaledObject")) {
                    scaled = doc;
                } else if (kind.equals("ConfigMap")) {
                    config = doc;
                }
            }
        }
        if (scaled == null || config == null) {
            throw new IllegalStateException("region " + region + ": the chart rendered no ScaledObject or ConfigMap "
                    + "(is autoscaling.keda.enabled false?)");
        }
        LagScalingRule rule = LagScalingRule.of(scaled);
        JsonNode data = config.path("data");
        if (!rule.group().equals(data.path("KAFKA_CONSUMER_GROUP_ID").asText())
                || !rule.topic().equals(data.path("TRADES_TOPIC").asText())) {
            throw new IllegalStateException("region " + region + ": the ScaledObject watches " + rule.group() + " on "
                    + rule.topic() + " but the pods consume as " + data.path("KAFKA_CONSUMER_GROUP_ID").asText() + " from "
                    + data.path("TRADES_TOPIC").asText());
        }
        StringBuilder env = new StringBuilder();
        for (String name : INSTANCE_ENV) {
            if (data.has(name)) {
                env.append(name).append('=').append(data.get(name).asText()).append('\n');
            }
        }
        Files.writeString(out.resolve("autoscale-" + region + ".env"), env);
        Files.writeString(out.resolve("scaledobject-" + region + ".json"), scaled.toPrettyString());
        writeDesired(out, region, rule.minReplicas());
        System.out.println("[autoscale] " + region + ": " + rule);
    }

    static void run(Path out, String bootstrap, List<String> regions, int syncSeconds) throws Exception {
        Map<String, LagScalingRule> rules = new LinkedHashMap<>();
        Map<String, Integer> current = new HashMap<>();
        for (String region : regions) {
            LagScalingRule rule = LagScalingRule.of(YAML.readTree(out.resolve("scaledobject-" + region + ".json").toFile()));
            rules.put(region, rule);
            current.put(region, rule.minReplicas());
        }
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("request.timeout.ms", "5000");
        p.put("default.api.timeout.ms", "8000");
        Path log = out.resolve("autoscale.txt");
        try (Admin admin = Admin.create(p)) {
            while (!Files.exists(out.resolve("stop-autoscaler"))) {
                long started = System.currentTimeMillis();
                for (var e : rules.entrySet()) {
                    String region = e.getKey();
                    LagScalingRule rule = e.getValue();
                    long[] lags;
                    try {
                        lags = partitionLags(admin, rule);
                    } catch (Exception ex) {
                        // the HPA keeps the count when the metric cannot be read
                        append(log, started + " " + region + " metric-unavailable " + ex.getClass().getSimpleName());
                        continue;
                    }
                    int now = current.get(region);
                    int next = rule.decide(started, now, lags);
                    long total = 0;
                    for (long l : lags) {
                        total += l;
                    }
                    append(log, started + " " + region + " lag=" + total + " replicas=" + now + " desired=" + next);
                    if (next != now) {
                        current.put(region, next);
                        writeDesired(out, region, next);
                    }
                }
                long wait = syncSeconds * 1000L - (System.currentTimeMillis() - started);
                long until = System.currentTimeMillis() + Math.max(0, wait);
                while (System.currentTimeMillis() < until && !Files.exists(out.resolve("stop-autoscaler"))) {
                    Thread.sleep(Math.min(200, Math.max(1, until - System.currentTimeMillis())));
                }
            }
        }
    }

    /** Each partition's lag as KEDA's Kafka scaler reads it: the end offset against the group's committed one. */
    private static long[] partitionLags(Admin admin, LagScalingRule rule) throws Exception {
        Map<TopicPartition, long[]> offsets = LagSampler.offsets(admin, rule.topic(), rule.group());
        long[] lags = new long[offsets.size()];
        int i = 0;
        for (long[] o : offsets.values()) {
            lags[i++] = rule.partitionLag(o[0], o[1]);
        }
        return lags;
    }

    private static void writeDesired(Path out, String region, int replicas) throws IOException {
        Path tmp = out.resolve("desired-" + region + ".tmp");
        Files.writeString(tmp, Integer.toString(replicas));
        Files.move(tmp, out.resolve("desired-" + region), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void append(Path log, String line) throws IOException {
        Files.writeString(log, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
