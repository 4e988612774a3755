package com.pb.synth.tradecapture.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import kafka.server.BrokerServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import redis.embedded.RedisServer;

/**
 * Starts a real Kafka broker (KRaft, in this JVM), a real Redis and a real PostgreSQL (as child
 * processes, from binaries Maven Central ships) on free loopback ports, creates the topics, and
 * hands their addresses to the service. Stops all three afterwards.
 *
 * <p>Tests that take a dependency away mid-stream use {@link ServerControl}.
 */
public class RealServers implements QuarkusTestResourceLifecycleManager {

    public static final String IN = "pb-synth.trades.v1";
    public static final String CAPTURED = "pb-synth.trades.captured.v1";
    public static final String DLQ = "pb-synth.trades.dlq.v1";
    public static final int IN_PARTITIONS = 12;

    private KafkaClusterTestKit kafka;
    private RedisServer redis;
    private EmbeddedPostgres postgres;
    private int redisPort;
    private int pgPort;
    private Path pgData;

    private boolean redisCluster;
    private LocalRedisCluster cluster;

    private SecuredKafka secured;
    private static volatile SecuredKafka currentSecured;

    /**
     * {@code redis=cluster}: a Redis Cluster of three masters with a replica each instead of one
     * Redis; {@code kafka=sasl_ssl}: a broker whose only listener is SASL_SSL ({@link SecuredKafka}).
     */
    @Override
    public void init(Map<String, String> initArgs) {
        redisCluster = "cluster".equals(initArgs.get("redis"));
        securedKafka = "sasl_ssl".equals(initArgs.get("kafka"));
    }

    private boolean securedKafka;

    /** The SASL_SSL broker the running test's servers use, if any. */
    public static SecuredKafka secured() {
        return currentSecured;
    }

    @Override
    public Map<String, String> start() {
        try {
            if (redisCluster) {
                cluster = LocalRedisCluster.start(3);
            } else {
                redisPort = freePort();
                redis = newRedis();
                redis.start();
            }

            pgPort = freePort();
            pgData = Files.createTempDirectory("tradecapture-pg");
            postgres = startPostgres();

            if (securedKafka) {
                secured = SecuredKafka.start();
                currentSecured = secured;
                secured.createTopics(topics());
                java.util.Map<String, String> config = new java.util.HashMap<>(common(pgPort));
                secured.clientSettings().forEach((k, v) -> config.put("kafka." + k, v));
                return config;
            }
            kafka = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                    .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("offsets.topic.num.partitions", "4")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setConfigProp("group.consumer.min.session.timeout.ms", "3000")
                    .setConfigProp("group.consumer.session.timeout.ms", "6000")
                    .setConfigProp("group.consumer.min.heartbeat.interval.ms", "500")
                    .setConfigProp("group.consumer.heartbeat.interval.ms", "1500")
                    .build();
            kafka.format();
            kafka.startup();
            kafka.waitForReadyBrokers();
            createTopics(kafka.bootstrapServers());

            new ServerControl(this::stopRedis, this::restartRedis, this::stopPostgres,
                    () -> postgres = startPostgres(), this::stopBroker, this::startBroker).register();

            java.util.Map<String, String> config = new java.util.HashMap<>(common(pgPort));
            config.put("kafka.bootstrap.servers", kafka.bootstrapServers());
            return config;
        } catch (Exception e) {
            stop();
            throw new IllegalStateException("could not start the test servers", e);
        }
    }

    /** Everything but Kafka. */
    private Map<String, String> common(int pgPort) throws IOException {
        String pgUrl = "postgresql://localhost:" + pgPort + "/postgres";
        {
            return Map.ofEntries(
                    Map.entry("quarkus.redis.hosts", redisCluster ? cluster.hosts() : "redis://127.0.0.1:" + redisPort),
                    Map.entry("quarkus.redis.client-type", redisCluster ? "cluster" : "standalone"),
                    Map.entry("quarkus.datasource.jdbc.url", "jdbc:" + pgUrl),
                    Map.entry("quarkus.datasource.reactive.url", pgUrl),
                    Map.entry("quarkus.datasource.username", "postgres"),
                    Map.entry("quarkus.datasource.password", "postgres"),
                    Map.entry("quarkus.devservices.enabled", "false"),
                    Map.entry("mp.jwt.verify.publickey.location", Tokens.writePublicKey().toString()),
                    Map.entry("mp.jwt.verify.issuer", Tokens.ISSUER));
        }
    }

    private void stopRedis() {
        try {
            redis.stop();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void restartRedis() {
        try {
            redis = newRedis();
            redis.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void stopPostgres() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The broker half of the combined node; the test kit binds it to the same port when it starts again. */
    private void stopBroker() {
        kafka.brokers().values().forEach(BrokerServer::shutdown);
        kafka.brokers().values().forEach(BrokerServer::awaitShutdown);
    }

    private void startBroker() {
        kafka.brokers().values().forEach(BrokerServer::startup);
        try {
            kafka.waitForReadyBrokers();
        } catch (Exception e) {
            throw new IllegalStateException("broker did not come back", e);
        }
    }

    private RedisServer newRedis() throws IOException {
        return RedisServer.newRedisServer().port(redisPort).bind("127.0.0.1")
                .setting("save \"\"").setting("appendonly no").build();
    }

    private EmbeddedPostgres startPostgres() {
        try {
            return EmbeddedPostgres.builder().setPort(pgPort).setDataDirectory(pgData).setCleanDataDirectory(false)
                    .setServerConfig("fsync", "off").setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off").setServerConfig("max_connections", "100")
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void createTopics(String bootstrap) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(props)) {
            admin.createTopics(topics()).all().get();
        }
    }

    private static List<NewTopic> topics() {
        return List.of(new NewTopic(IN, IN_PARTITIONS, (short) 1), new NewTopic(CAPTURED, IN_PARTITIONS, (short) 1)
                        .configs(Map.of("message.timestamp.before.max.ms", "8000")),
                new NewTopic(DLQ, 3, (short) 1));
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    @Override
    public void stop() {
        try {
            if (kafka != null) {
                kafka.close();
            }
        } catch (Exception ignored) {
            // best effort: the JVM is going away
        }
        try {
            if (redis != null) {
                redis.stop();
            }
        } catch (Exception ignored) {
            // best effort
        }
        if (cluster != null) {
            cluster.stop();
        }
        if (secured != null) {
            secured.close();
            currentSecured = null;
        }
        try {
            if (postgres != null) {
                postgres.close();
            }
        } catch (Exception ignored) {
            // best effort
        }
    }
}
