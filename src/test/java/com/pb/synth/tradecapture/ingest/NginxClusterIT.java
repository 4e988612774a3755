package com.pb.synth.tradecapture.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pb.synth.tradecapture.deploy.HelmChartTest;
import com.pb.synth.tradecapture.security.Roles;
import com.pb.synth.tradecapture.support.RealServers;
import com.pb.synth.tradecapture.support.Tokens;
import com.pb.synth.tradecapture.support.Topics;
import com.pb.synth.tradecapture.support.TradeRequests;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue test 4: real NGINX ({@code deploy/nginx.conf}, rendered by {@code deploy/local/stack.sh nginx})
 * in front of three packaged instances, each its own JVM. 1,000 manual rebooks are posted through
 * NGINX while one instance is killed with SIGKILL. Every request that got a 202 must be captured
 * exactly once, and positions must match the quantities the test sent.
 *
 * <p>Runs in the integration-test phase (failsafe), after {@code package} has built the instances' jar.
 * The client behaves as the service's clients are told to: every rebook carries an Idempotency-Key,
 * and a 502/503/504 or a broken connection is retried with the same key.
 */
class NginxClusterIT {

    private static final int INSTANCES = 3;
    private static final int REBOOKS = 1_000;
    private static final int KILL_AFTER = 300;
    private static final int CLIENT_THREADS = 16;
    private static final String USER = "ops-user";
    private static final String TOKEN = Tokens.mint(USER, Roles.WRITE, Roles.READ);
    private static final List<String> SECURITIES = List.of("US0378331005", "US5949181045", "US0231351067",
            "GB0005405286", "DE0007164600");
    private static final Path WORK = Path.of("target", "nginx-cluster-it");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What made the client try again: the status, or the connection error. */
    private static final Map<String, AtomicInteger> RETRY_CAUSES = new ConcurrentHashMap<>();

    private static final RealServers SERVERS = new RealServers();
    private static Map<String, String> config;
    private static final List<Process> INSTANCE_PROCESSES = new ArrayList<>();
    private static int nginxPort;

    @BeforeAll
    static void startCluster() throws Exception {
        Files.createDirectories(WORK);
        config = SERVERS.start();
        // NGINX, then the instances' API ports, then their management ports
        nginxPort = freePortRun(2 * INSTANCES + 1);
        for (int i = 1; i <= INSTANCES; i++) {
            INSTANCE_PROCESSES.add(startInstance(i, nginxPort + i));
        }
        HttpClient client = HttpClient.newHttpClient();
        for (int i = 1; i <= INSTANCES; i++) {
            URI ready = URI.create("http://127.0.0.1:" + managementPort(i) + "/q/health/ready");
            Process p = INSTANCE_PROCESSES.get(i - 1);
            await("instance " + i + " ready").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        assertThat(p.isAlive()).as("instance process alive (see " + WORK + ")").isTrue();
                        try {
                            return client.send(HttpRequest.newBuilder(ready).build(),
                                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                        } catch (IOException e) {
                            return false;
                        }
                    });
        }
        stack("nginx", Integer.toString(INSTANCES));
    }

    @AfterAll
    static void stopCluster() throws Exception {
        try {
            stack("nginx-down");
        } finally {
            for (Process p : INSTANCE_PROCESSES) {
                p.destroy();
            }
            for (Process p : INSTANCE_PROCESSES) {
                if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor();
                }
            }
            SERVERS.stop();
        }
    }

    /**
     * The probes the chart gives the pod (startup, liveness, readiness), asked of each packaged
     * instance on its management port; the API port and NGINX do not serve them.
     */
    @Test
    void eachPackagedInstanceAnswersTheChartsProbesUp() throws Exception {
        JsonNode container = HelmChartTest.render("us", c -> c).stream()
                .filter(d -> "Deployment".equals(d.get("kind").asText())).findFirst().orElseThrow()
                .get("spec").get("template").get("spec").get("containers").get(0);
        List<String> paths = new ArrayList<>();
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            paths.add(container.get(probe).get("httpGet").get("path").asText());
        }
        assertThat(paths).hasSize(3).allMatch(path -> path.startsWith("/"));
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            assertThat(container.get(probe).get("httpGet").get("port").asText()).isEqualTo("management");
        }
        HttpClient client = HttpClient.newHttpClient();
        int asked = 0;
        for (int i = 1; i <= INSTANCES; i++) {
            if (!INSTANCE_PROCESSES.get(i - 1).isAlive()) {
                continue; // killed by the other test and not restarted
            }
            for (String path : paths) {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + managementPort(i) + path)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as("instance %d %s", i, path).isEqualTo(200);
                assertThat(JSON.readTree(r.body()).get("status").asText()).isEqualTo("UP");
                asked++;
                // not on the API port, nor through NGINX
                assertThat(client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + (nginxPort + i) + path))
                        .build(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(404);
                assertThat(client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nginxPort + path))
                        .build(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(404);
            }
        }
        assertThat(asked).isGreaterThanOrEqualTo(2 * paths.size());
    }

    /**
     * The operations console through NGINX: the packaged service serves its bundled pages and
     * scripts with the Content-Security-Policy, {@code /console} leads to the sign-in page, and the
     * load balancer passes nothing but GET and HEAD there.
     */
    @Test
    void theConsoleIsServedThroughNginxFromThePackagedService() throws Exception {
        HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
        HttpResponse<String> page = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nginxPort
                + "/console")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.uri().getPath()).isEqualTo("/console/");
        assertThat(page.body()).contains("<script type=\"module\" src=\"js/index.js\"></script>").doesNotContain("<script>");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("script-src 'self'");
        HttpResponse<String> script = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nginxPort
                + "/console/js/api.js")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("Content-Type").orElseThrow()).contains("javascript");
        assertThat(client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nginxPort + "/console/index.html"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode()).isEqualTo(403);
    }

    /** One rebook as sent: its key, quantity and what the client finally got. */
    private record Rebook(String tradeId, String key, BigDecimal quantity, String body, String idempotencyKey) {
    }

    private record Outcome(int status, String jobId, int tries) {
    }

    @Test
    void rebooksThroughNginxWhileAnInstanceIsKilledAreEachCapturedExactlyOnce() throws Exception {
        String run = TradeRequests.unique("RB");
        List<Rebook> rebooks = new ArrayList<>();
        for (int i = 0; i < REBOOKS; i++) {
            String account = String.format("ACC-%03d", 1 + i % 10);
            String security = SECURITIES.get(i / 10 % SECURITIES.size());
            BigDecimal quantity = BigDecimal.valueOf(ThreadLocalRandom.current().nextInt(1, 500));
            TradeRequests.Builder t = TradeRequests.trade(run + "-" + i).key(account, "BOOK-01", security)
                    .quantity(quantity.toPlainString()).price("10");
            ObjectNode node = t.node();
            node.put("enteredBy", USER);
            rebooks.add(new Rebook(t.tradeId(), t.key(), quantity, node.toString(), run + "-key-" + i));
        }

        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        AtomicInteger done = new AtomicInteger();
        Map<String, Outcome> outcomes = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENT_THREADS);
        int doneAtKill;
        try {
            List<Future<?>> sent = new ArrayList<>();
            for (Rebook r : rebooks) {
                sent.add(pool.submit(() -> {
                    outcomes.put(r.tradeId(), post(client, r));
                    done.incrementAndGet();
                }));
            }
            await().atMost(Duration.ofSeconds(120)).until(() -> done.get() >= KILL_AFTER);
            Process victim = INSTANCE_PROCESSES.get(1);
            victim.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no offset commit, no lock release
            doneAtKill = done.get();
            assertThat(victim.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            for (Future<?> f : sent) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(doneAtKill).as("the kill happened while rebooks were being posted").isLessThan(REBOOKS - 100);

        // Every rebook was accepted: the client retries on a gateway error with the same key.
        assertThat(outcomes).hasSize(REBOOKS);
        assertThat(outcomes.values()).allSatisfy(o -> assertThat(o.status()).isEqualTo(202));
        assertThat(outcomes.values().stream().map(Outcome::jobId).distinct().count()).isEqualTo(REBOOKS);

        String jdbc = config.get("quarkus.datasource.jdbc.url");
        try (Connection db = DriverManager.getConnection(jdbc, "postgres", "postgres")) {
            await("every accepted rebook captured").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> count(db, "SELECT count(DISTINCT trade_id) FROM trade_versions WHERE trade_id LIKE ?",
                            run + "-%") == REBOOKS);
            assertThat(count(db, "SELECT count(*) FROM trade_versions WHERE trade_id LIKE ?", run + "-%"))
                    .as("one version per rebook, none applied twice").isEqualTo(REBOOKS);
            assertThat(count(db, "SELECT count(*) FROM ingest_jobs WHERE trade_id LIKE ? AND source_offset IS NOT NULL",
                    run + "-%")).as("one accepted job per rebook").isEqualTo(REBOOKS);
            for (var job : outcomes.entrySet()) {
                assertThat(count(db, "SELECT count(*) FROM ingest_jobs WHERE job_id = ? AND trade_id = ?",
                        job.getValue().jobId(), job.getKey())).as(job.getKey()).isEqualTo(1);
            }
            assertPositions(db, rebooks);
        }
        assertEventsOnTheOutputTopic(rebooks);

        long retried = outcomes.values().stream().filter(o -> o.tries() > 1).count();
        System.out.printf("[nginx-cluster] %d rebooks accepted, instance 2 killed after %d, %d needed a client retry "
                + "(causes %s)%n", REBOOKS, doneAtKill, retried, RETRY_CAUSES);
    }

    /** Posts one rebook through NGINX, retrying gateway errors and broken connections with the same key. */
    private static Outcome post(HttpClient client, Rebook r) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nginxPort + "/api/v1/trades/manual-entry"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + TOKEN)
                .header("Idempotency-Key", r.idempotencyKey()).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(r.body())).build();
        int status = -1;
        String body = "";
        for (int tries = 1; tries <= 10; tries++) {
            try {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                status = response.statusCode();
                body = response.body();
                if (status == 202) {
                    return new Outcome(status, JSON.readTree(body).get("jobId").asText(), tries);
                }
                if (status != 502 && status != 503 && status != 504) {
                    break;
                }
                RETRY_CAUSES.computeIfAbsent("HTTP " + status, c -> new AtomicInteger()).incrementAndGet();
            } catch (IOException e) {
                body = e.toString();
                RETRY_CAUSES.computeIfAbsent(e.getClass().getSimpleName(), c -> new AtomicInteger()).incrementAndGet();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return new Outcome(status, body, 10);
    }

    private static void assertPositions(Connection db, List<Rebook> rebooks) throws SQLException {
        Map<String, BigDecimal> expected = new HashMap<>();
        Map<String, Integer> trades = new HashMap<>();
        for (Rebook r : rebooks) {
            expected.merge(r.key(), r.quantity(), BigDecimal::add);
            trades.merge(r.key(), 1, Integer::sum);
        }
        for (var e : expected.entrySet()) {
            try (var st = db.prepareStatement("SELECT quantity, trade_count FROM positions WHERE partition_key = ?")) {
                st.setString(1, e.getKey());
                try (ResultSet rs = st.executeQuery()) {
                    assertThat(rs.next()).as(e.getKey()).isTrue();
                    assertThat(rs.getBigDecimal(1)).as(e.getKey()).isEqualByComparingTo(e.getValue());
                    assertThat(rs.getInt(2)).as(e.getKey()).isEqualTo(trades.get(e.getKey()));
                }
            }
        }
    }

    /**
     * Each rebook has an event on the output topic and at most one CAPTURED one. A record redelivered
     * after the kill is republished as DUPLICATE (the store already had it), never captured again.
     */
    private static void assertEventsOnTheOutputTopic(List<Rebook> rebooks) throws IOException {
        Map<String, Integer> captured = new HashMap<>();
        Map<String, Integer> any = new HashMap<>();
        try (Topics.Reader reader = new Topics.Reader(config.get("kafka.bootstrap.servers"), RealServers.CAPTURED)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (any.size() < rebooks.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : reader.poll()) {
                    JsonNode event = JSON.readTree(record.value());
                    String tradeId = event.get("tradeId").asText();
                    any.merge(tradeId, 1, Integer::sum);
                    if ("CAPTURED".equals(event.get("status").asText())) {
                        captured.merge(tradeId, 1, Integer::sum);
                    }
                }
            }
        }
        for (Rebook r : rebooks) {
            assertThat(any).as("an event for " + r.tradeId()).containsKey(r.tradeId());
            assertThat(captured.getOrDefault(r.tradeId(), 0)).as(r.tradeId()).isLessThanOrEqualTo(1);
        }
    }

    private static long count(Connection db, String sql, String... params) throws SQLException {
        try (var st = db.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                st.setString(i + 1, params[i]);
            }
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static Process startInstance(int n, int port) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-Dquarkus.http.port=" + port, "-Dquarkus.management.port=" + managementPort(n),
                "-Dcapture.instance-id=nginx-it-" + n,
                "-Dquarkus.flyway.placeholders.demoData=true"));
        config.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-jar", Path.of("target", "quarkus-app", "quarkus-run.jar").toString()));
        Path log = WORK.resolve("instance-" + n + ".log");
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static int managementPort(int instance) {
        return nginxPort + INSTANCES + instance;
    }

    /** NGINX through the local stack script, in this test's own directory and ports. */
    private static void stack(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", "deploy/local/stack.sh"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(WORK.resolve("stack-" + args[0] + ".log").toFile());
        pb.environment().put("LOCAL_STACK_DIR", WORK.toAbsolutePath().toString());
        pb.environment().put("NGINX_PORT", Integer.toString(nginxPort));
        int exit = pb.start().waitFor();
        assertThat(exit).as("stack.sh " + String.join(" ", args) + " (see " + WORK + ")").isZero();
    }

    /** A free port followed by {@code n - 1} free ports: NGINX's and the instances'. */
    private static int freePortRun(int n) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int base = ThreadLocalRandom.current().nextInt(20_000, 40_000);
            boolean free = true;
            for (int p = base; p < base + n && free; p++) {
                try (ServerSocket s = new ServerSocket(p, 1, java.net.InetAddress.getLoopbackAddress())) {
                    s.setReuseAddress(true);
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) {
                return base;
            }
        }
        throw new IOException("no run of " + n + " free ports");
    }
}
