package com.pb.synth.tradecapture.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

import static org.awaitility.Awaitility.await;

/**
 * A real Kafka broker (KRaft, its own JVM) whose only client listener is SASL_SSL on loopback: TLS
 * with a certificate made here by {@code keytool} for 127.0.0.1, SASL PLAIN with the users
 * {@code admin} and {@code svc}. Its clients need the settings {@link #clientSettings()} gives, as
 * a secured cluster's would.
 */
public final class SecuredKafka implements AutoCloseable {

    public static final String USER = "svc";
    public static final String PASSWORD = "svc-secret";
    private static final String STORE_PASSWORD = "changeit";

    private final Path dir;
    private final int port;
    private final Path truststore;
    private Process broker;

    private SecuredKafka(Path dir, int port) {
        this.dir = dir;
        this.port = port;
        this.truststore = dir.resolve("truststore.p12");
    }

    public static SecuredKafka start() throws Exception {
        SecuredKafka k = new SecuredKafka(Files.createTempDirectory("tradecapture-sasl-ssl"), RealServers.freePort());
        try {
            k.certificates();
            k.startBroker();
        } catch (Exception e) {
            k.close();
            throw e;
        }
        return k;
    }

    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    /** The client settings a secured cluster needs, as {@code kafka.*} keys take them. */
    public Map<String, String> clientSettings() {
        Map<String, String> s = new HashMap<>();
        s.put("bootstrap.servers", bootstrap());
        s.put("security.protocol", "SASL_SSL");
        s.put("sasl.mechanism", "PLAIN");
        s.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                + USER + "\" password=\"" + PASSWORD + "\";");
        s.put("ssl.truststore.location", truststore.toString());
        s.put("ssl.truststore.type", "PKCS12");
        s.put("ssl.truststore.password", STORE_PASSWORD);
        return s;
    }

    public Properties clientProperties() {
        Properties p = new Properties();
        p.putAll(clientSettings());
        return p;
    }

    public void createTopics(List<NewTopic> topics) throws Exception {
        try (Admin admin = Admin.create(clientProperties())) {
            admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
        }
    }

    private void certificates() throws Exception {
        Path keystore = dir.resolve("broker.p12");
        Path cert = dir.resolve("broker.crt");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(keytool, "-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-keystore", keystore.toString(),
                "-storetype", "PKCS12", "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD);
        run(keytool, "-exportcert", "-alias", "broker", "-keystore", keystore.toString(), "-storepass", STORE_PASSWORD,
                "-rfc", "-file", cert.toString());
        run(keytool, "-importcert", "-noprompt", "-alias", "broker", "-file", cert.toString(), "-keystore",
                truststore.toString(), "-storetype", "PKCS12", "-storepass", STORE_PASSWORD);
    }

    private void startBroker() throws Exception {
        int controller = RealServers.freePort();
        String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" "
                + "password=\"admin-secret\" user_admin=\"admin-secret\" user_" + USER + "=\"" + PASSWORD + "\";";
        String props = String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controller,
                "listeners=SASL_SSL://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller,
                "advertised.listeners=SASL_SSL://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=SASL_SSL",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL",
                "sasl.enabled.mechanisms=PLAIN",
                "sasl.mechanism.inter.broker.protocol=PLAIN",
                "listener.name.sasl_ssl.plain.sasl.jaas.config=" + jaas,
                "ssl.keystore.location=" + dir.resolve("broker.p12"),
                "ssl.keystore.type=PKCS12",
                "ssl.keystore.password=" + STORE_PASSWORD,
                "ssl.key.password=" + STORE_PASSWORD,
                "ssl.truststore.location=" + truststore,
                "ssl.truststore.type=PKCS12",
                "ssl.truststore.password=" + STORE_PASSWORD,
                "log.dirs=" + dir.resolve("data"),
                "num.partitions=" + RealServers.IN_PARTITIONS,
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=4",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "group.consumer.min.session.timeout.ms=3000",
                "group.consumer.session.timeout.ms=6000",
                "group.consumer.min.heartbeat.interval.ms=500",
                "group.consumer.heartbeat.interval.ms=1500",
                "auto.create.topics.enable=false") + "\n";
        Path config = dir.resolve("server.properties");
        Files.writeString(config, props);
        run(java(), "-Xmx256m", "-cp", System.getProperty("java.class.path"), "kafka.tools.StorageTool", "format",
                "-t", org.apache.kafka.common.Uuid.randomUuid().toString(), "-c", config.toString());
        broker = new ProcessBuilder(java(), "-Xmx384m", "-cp", System.getProperty("java.class.path"), "kafka.Kafka",
                config.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("broker.log").toFile()).start();
        await("the SASL_SSL broker answers").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .ignoreExceptions().until(() -> {
                    if (!broker.isAlive()) {
                        throw new IllegalStateException("broker exited: " + Files.readString(dir.resolve("broker.log")));
                    }
                    try (Admin admin = Admin.create(clientProperties())) {
                        return !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty();
                    }
                });
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
    }

    @Override
    public void close() {
        if (broker != null) {
            broker.destroy();
            try {
                if (!broker.waitFor(20, TimeUnit.SECONDS)) {
                    broker.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
