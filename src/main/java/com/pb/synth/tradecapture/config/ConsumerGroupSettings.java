package com.pb.synth.tradecapture.config;

import io.smallrye.reactive.messaging.ClientCustomizer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * Sets the input consumers' group-membership keys for the protocol in use, and nothing for the
 * other one: under {@code group.protocol=consumer} kafka-clients refuses the classic protocol's
 * {@code partition.assignment.strategy}, {@code session.timeout.ms} and {@code heartbeat.interval.ms}.
 * With static membership each consumer of the channel ({@code trades-in}, or {@code trades-in$n}
 * with {@code concurrency}) gets its own {@code group.instance.id}: {@code <INSTANCE_ID>-<n>}.
 */
@ApplicationScoped
public class ConsumerGroupSettings implements ClientCustomizer<Map<String, Object>> {

    private static final Logger LOG = Logger.getLogger(ConsumerGroupSettings.class);
    public static final String CHANNEL = "trades-in";
    static final List<String> CLASSIC_ONLY = List.of(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
            ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG);

    private final CaptureConfig.Kafka kafka;
    private final Optional<String> instanceId;

    public ConsumerGroupSettings(CaptureConfig config) {
        this.kafka = config.kafka();
        this.instanceId = config.instanceId().filter(s -> !s.isBlank());
    }

    @Override
    public Map<String, Object> customize(String channel, Config channelConfig, Map<String, Object> config) {
        if (!isInputChannel(channel)) {
            return config;
        }
        apply(config, consumerIndex(channel));
        LOG.infof("consumer %s: group %s, group.protocol=%s, group.instance.id=%s%s", channel,
                config.get(ConsumerConfig.GROUP_ID_CONFIG), config.get(ConsumerConfig.GROUP_PROTOCOL_CONFIG),
                config.getOrDefault(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "(dynamic member)"),
                config.containsKey(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG)
                        ? ", assignor " + config.get(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG) : "");
        return config;
    }

    /** Writes this configuration's membership keys into a consumer configuration. */
    void apply(Map<String, Object> config, int consumerIndex) {
        apply(kafka, groupInstanceId(consumerIndex), config);
    }

    static void apply(CaptureConfig.Kafka kafka, Optional<String> groupInstanceId, Map<String, Object> config) {
        String protocol = kafka.groupProtocol().trim().toLowerCase(java.util.Locale.ROOT);
        switch (protocol) {
            case "consumer" -> {
                for (String key : CLASSIC_ONLY) {
                    if (config.remove(key) != null) {
                        LOG.warnf("%s has no meaning under group.protocol=consumer (the brokers' group.consumer.* "
                                + "settings replace it); it was not passed to the consumer", key);
                    }
                }
                config.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
                kafka.groupRemoteAssignor().filter(s -> !s.isBlank())
                        .ifPresent(a -> config.put(ConsumerConfig.GROUP_REMOTE_ASSIGNOR_CONFIG, a));
            }
            case "classic" -> {
                config.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
                config.remove(ConsumerConfig.GROUP_REMOTE_ASSIGNOR_CONFIG);
                config.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, kafka.partitionAssignmentStrategy());
                config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, Integer.toString(kafka.sessionTimeoutMs()));
                config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Integer.toString(kafka.heartbeatIntervalMs()));
            }
            default -> throw new IllegalArgumentException(
                    "KAFKA_GROUP_PROTOCOL must be consumer or classic, not '" + kafka.groupProtocol() + "'");
        }
        groupInstanceId.ifPresent(id -> config.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, id));
    }

    /** The static member id of the input consumer with this index (1-based), when static membership is on. */
    public Optional<String> groupInstanceId(int consumerIndex) {
        return groupInstanceId(kafka, instanceId, consumerIndex);
    }

    static Optional<String> groupInstanceId(CaptureConfig.Kafka kafka, Optional<String> instanceId, int consumerIndex) {
        return kafka.staticMembership() ? instanceId.map(id -> id + "-" + consumerIndex) : Optional.empty();
    }

    public static boolean isInputChannel(String channel) {
        return CHANNEL.equals(channel) || channel.startsWith(CHANNEL + "$");
    }

    /** 1 for {@code trades-in}, n for {@code trades-in$n}. */
    static int consumerIndex(String channel) {
        int dollar = channel.indexOf('$');
        if (dollar < 0) {
            return 1;
        }
        try {
            return Integer.parseInt(channel.substring(dollar + 1));
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}
