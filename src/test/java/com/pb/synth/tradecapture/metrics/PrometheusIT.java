package com.pb.synth.tradecapture.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pb.synth.tradecapture.deploy.PrometheusRulesTest;
import com.pb.synth.tradecapture.support.CapturedEvents;
import com.pb.synth.tradecapture.support.Commands;
import com.pb.synth.tradecapture.support.Fixtures;
import com.pb.synth.tradecapture.support.RealServers;
import com.pb.synth.tradecapture.support.ServerControl;
import com.pb.synth.tradecapture.support.ServiceTestBase;
import com.pb.synth.tradecapture.support.Topics;
import com.pb.synth.tradecapture.support.TradeRequests;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real Prometheus (Debian's) scrapes the running service's management port (as region us) with the
 * chart's rules loaded as region us's PrometheusRule renders them, and region emea's own group —
 * evaluated every second and with the alerts' holds cut to three seconds, the expressions and
 * thresholds unchanged. Capture held back (Redis stopped) under a backlog on one partition fires the
 * lag alert and, past a minute, the stall alert; catch-up resolves them, and the recording rules give
 * the throughput the test produced. Region emea, with no instance, fires its absence alert while us
 * does not. Every query of the dashboard names a metric the service exports and runs on Prometheus.
 */
@QuarkusTest
@QuarkusTestResource(RealServers.class)
class PrometheusIT extends ServiceTestBase {

    private static final Path WORK = Path.of("target", "prometheus-it");
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private Process prometheus;
    private int port;

    @BeforeEach
    void startPrometheus() throws Exception {
        Commands.require("prometheus", "prometheus");
        Files.createDirectories(WORK);
        for (String region : List.of("us", "emea")) {
            String rules = Files.readString(PrometheusRulesTest.renderedRules(region, region.equals("us")))
                    .replaceAll("interval: \"?30s\"?", "interval: 1s")
                    .replaceAll("for: \"?\\d+m\"?", "for: 3s");
            Files.writeString(WORK.resolve("rules-" + region + ".yml"), rules);
        }
        int management = ConfigProvider.getConfig().getOptionalValue("quarkus.management.test-port", Integer.class)
                .orElse(9001);
        Files.writeString(WORK.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files: [rules-us.yml, rules-emea.yml]
                scrape_configs:
                  - job_name: pb-synth-tradecapture
                    metrics_path: /q/metrics
                    honor_labels: true
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                        labels: {app: pb-synth-tradecapture, region: us}
                """.formatted(management));
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path data = WORK.resolve("data-" + System.nanoTime());
        prometheus = new ProcessBuilder("prometheus", "--config.file=" + WORK.resolve("prometheus.yml").toAbsolutePath(),
                "--storage.tsdb.path=" + data.toAbsolutePath(), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(WORK.resolve("prometheus.log").toFile()).start();
        await("prometheus ready").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() -> {
            assertThat(prometheus.isAlive()).as("prometheus running (see %s)", WORK.resolve("prometheus.log")).isTrue();
            try {
                return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
        // the target is scraped
        await("first scrape").atMost(Duration.ofSeconds(30))
                .until(() -> value("up{app=\"pb-synth-tradecapture\"}") == 1.0);
    }

    @AfterEach
    void stopPrometheus() throws Exception {
        if (prometheus != null) {
            prometheus.destroy();
            if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void theLagAlertFiresWhileCaptureIsHeldBackAndResolvesAfterCatchUp() throws Exception {
        String account = Fixtures.accounts(pool, reference, "PROM", 1).get(0);
        String run = TradeRequests.unique("PROM");
        List<TradeRequests.Builder> trades = new ArrayList<>();
        for (int i = 0; i < 1_500; i++) {
            trades.add(TradeRequests.trade(run + "-" + i).key(account, "BOOK-01", "US0378331005"));
        }
        String key = trades.get(0).key();
        double processedBefore = value("sum(trades_processed_total{region=\"us\"})");
        try (CapturedEvents events = new CapturedEvents(bootstrap, List.of(key))) {
            ServerControl.invoke("stopRedis");
            try {
                Topics.send(bootstrap, Topics.inputs(trades));
                await("lag alert firing").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> alertState("TradeCaptureConsumerLagHigh").equals("firing"));
                JsonNode alert = alert("TradeCaptureConsumerLagHigh");
                assertThat(alert.get("labels").get("region").asText()).isEqualTo("us");
                assertThat(alert.get("labels").get("severity").asText()).isEqualTo("critical");
                assertThat(Double.parseDouble(alert.get("value").asText())).isGreaterThanOrEqualTo(1_000);
                // the partition's oldest record ages past a minute: capture has stalled
                await("stall alert firing").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> alertState("TradeCaptureStalled").equals("firing"));
                JsonNode stalled = alert("TradeCaptureStalled");
                assertThat(stalled.get("labels").get("region").asText()).isEqualTo("us");
                assertThat(stalled.get("labels").get("severity").asText()).isEqualTo("critical");
                assertThat(Double.parseDouble(stalled.get("value").asText())).isGreaterThan(60);
                assertThat(stalled.get("annotations").get("runbook_url").asText()).endsWith("/TradeCaptureStalled.md");
            } finally {
                ServerControl.invoke("startRedis");
            }
            await("caught up").atMost(Duration.ofSeconds(90)).until(() -> events.count("CAPTURED") == 1_500);
        }
        await("lag and stall alerts resolved").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> alertState("TradeCaptureConsumerLagHigh").equals("inactive")
                        && alertState("TradeCaptureStalled").equals("inactive"));
        // the recording rules: the day's total and the rate over the catch-up carry the 1,500 trades
        await("recorded").atMost(Duration.ofSeconds(30)).until(() ->
                value("sum(trades_processed_total{region=\"us\"})") - processedBefore >= 1_500);
        double increase = value("region:trades_processed:increase1d{region=\"us\"}");
        double counted = value("sum(trades_processed_total{region=\"us\"})") - processedBefore;
        // increase() extrapolates towards the window's edge (over a run this short, up to ~15% here)
        assertThat(increase).isBetween(counted * 0.95, counted * 1.25 + 50);
        assertThat(value("max_over_time(region:trades_processed:rate1m{region=\"us\"}[2m])")).isGreaterThan(0);
    }

    @Test
    void aRegionWithNoInstanceFiresItsAbsenceAlertAndOneWithAnInstanceDoesNot() throws Exception {
        await("absence alert firing").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> alertState("TradeCaptureRegionAbsent").equals("firing"));
        JsonNode alert = alert("TradeCaptureRegionAbsent");
        assertThat(alert.get("labels").get("region").asText()).isEqualTo("emea");
        assertThat(alert.get("labels").get("severity").asText()).isEqualTo("critical");
        // us is scraped and up: only emea's alert
        assertThat(value("count(ALERTS{alertname=\"TradeCaptureRegionAbsent\",alertstate=\"firing\"})")).isEqualTo(1.0);
    }

    @Test
    void everyDashboardQueryNamesAnExportedMetricAndRunsOnPrometheus() throws Exception {
        JsonNode dashboard = JSON.readTree(Path.of("helm/pb-synth-tradecapture/files/dashboard.json").toFile());
        List<String> queries = new ArrayList<>();
        dashboard.get("panels").forEach(p -> p.get("targets").forEach(t -> queries.add(t.get("expr").asText())));
        dashboard.get("templating").get("list").forEach(v -> {
            if ("query".equals(v.get("type").asText())) {
                queries.add(v.get("query").asText());
            }
        });
        assertThat(queries).hasSizeGreaterThan(10);
        String scrape = Fixtures.management().get("/q/metrics").asString();
        Set<String> exported = new TreeSet<>();
        for (String line : scrape.split("\n")) {
            Matcher m = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]").matcher(line);
            if (m.find()) {
                exported.add(m.group(1));
            }
        }
        for (String q : queries) {
            Set<String> named = metricNames(q);
            assertThat(named).as("metrics named by %s", q).isNotEmpty();
            assertThat(exported).as("the service exports what %s reads", q).containsAll(named);
            if (!q.startsWith("label_values(")) {
                String promql = q.replace("$region", ".*").replace("$instance", ".*");
                JsonNode answer = query(promql);
                assertThat(answer.get("status").asText()).as(promql).isEqualTo("success");
            }
        }
    }

    private static final Set<String> PROMQL_WORDS = Set.of("sum", "max", "min", "avg", "count", "by", "without", "on",
            "ignoring", "rate", "increase", "histogram_quantile", "label_values", "and", "or", "unless", "offset",
            "max_over_time", "avg_over_time", "group_left", "group_right");

    /** The metric names of a query: its identifiers, less functions, keywords and the labels of by (...) and {...}. */
    static Set<String> metricNames(String q) {
        String stripped = q.replaceAll("\\{[^}]*}", " ").replaceAll("\\b(by|without|on|ignoring)\\s*\\([^)]*\\)", " ")
                .replaceAll("\\[[^]]*]", " ").replaceAll("\"[^\"]*\"", " ");
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*").matcher(stripped);
        while (m.find()) {
            String word = m.group();
            int after = m.end();
            while (after < stripped.length() && stripped.charAt(after) == ' ') {
                after++;
            }
            boolean call = after < stripped.length() && stripped.charAt(after) == '(';
            if (!call && !PROMQL_WORDS.contains(word) && !(q.startsWith("label_values(") && q.endsWith(", " + word + ")"))) {
                names.add(word);
            }
        }
        return names;
    }

    private JsonNode query(String promql) throws Exception {
        String url = "http://127.0.0.1:" + port + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8);
        return JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    /** The query's single value, or NaN when it has none yet. */
    private double value(String promql) throws Exception {
        JsonNode result = query(promql).path("data").path("result");
        return result.isEmpty() ? Double.NaN : Double.parseDouble(result.get(0).get("value").get(1).asText());
    }

    private JsonNode alert(String name) throws Exception {
        JsonNode alerts = JSON.readTree(http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/api/v1/alerts")).build(), HttpResponse.BodyHandlers.ofString())
                .body()).path("data").path("alerts");
        for (JsonNode a : alerts) {
            if (name.equals(a.path("labels").path("alertname").asText())) {
                return a;
            }
        }
        return null;
    }

    /** firing, pending, or inactive when Prometheus holds no such alert. */
    private String alertState(String name) throws Exception {
        JsonNode a = alert(name);
        return a == null ? "inactive" : a.get("state").asText();
    }
}
