package com.pb.synth.tradecapture.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which group-membership keys reach the input consumers, per protocol. */
class ConsumerGroupSettingsTest {

    private record Kafka(String groupProtocol, String partitionAssignmentStrategy, int sessionTimeoutMs,
                         int heartbeatIntervalMs, Optional<String> groupRemoteAssignor, boolean staticMembership,
                         boolean leaveGroupOnShutdown) implements CaptureConfig.Kafka {
        @Override
        public boolean enabled() {
            return true;
        }
    }

    private static Kafka kafka(String protocol, boolean staticMembership) {
        return new Kafka(protocol, "org.apache.kafka.clients.consumer.StickyAssignor", 6000, 1500, Optional.empty(),
                staticMembership, true);
    }

    private static Map<String, Object> classicKeysSetByHand() {
        Map<String, Object> config = new HashMap<>();
        config.put("partition.assignment.strategy", "org.apache.kafka.clients.consumer.RangeAssignor");
        config.put("session.timeout.ms", "45000");
        config.put("heartbeat.interval.ms", "3000");
        config.put("group.id", "g");
        return config;
    }

    @Test
    void theConsumerProtocolGetsNoneOfTheClassicOnlyKeys() {
        Map<String, Object> config = classicKeysSetByHand();
        ConsumerGroupSettings.apply(kafka(" Consumer ", false), Optional.empty(), config);
        assertThat(config).containsEntry("group.protocol", "consumer").containsEntry("group.id", "g")
                .doesNotContainKeys("partition.assignment.strategy", "session.timeout.ms", "heartbeat.interval.ms",
                        "group.instance.id");
    }

    @Test
    void theClassicProtocolGetsItsAssignorAndTimeouts() {
        Map<String, Object> config = classicKeysSetByHand();
        ConsumerGroupSettings.apply(kafka("classic", false), Optional.empty(), config);
        assertThat(config).containsEntry("group.protocol", "classic")
                .containsEntry("partition.assignment.strategy", "org.apache.kafka.clients.consumer.StickyAssignor")
                .containsEntry("session.timeout.ms", "6000").containsEntry("heartbeat.interval.ms", "1500");
    }

    @Test
    void eachConsumerOfAnInstanceIsItsOwnStaticMemberOnlyWithAnInstanceId() {
        Kafka on = kafka("consumer", true);
        assertThat(ConsumerGroupSettings.groupInstanceId(on, Optional.of("pod-7"), 2)).contains("pod-7-2");
        assertThat(ConsumerGroupSettings.groupInstanceId(on, Optional.empty(), 2)).isEmpty();
        assertThat(ConsumerGroupSettings.groupInstanceId(kafka("consumer", false), Optional.of("pod-7"), 1)).isEmpty();
        Map<String, Object> config = new HashMap<>();
        ConsumerGroupSettings.apply(on, ConsumerGroupSettings.groupInstanceId(on, Optional.of("pod-7"), 1), config);
        assertThat(config).containsEntry("group.instance.id", "pod-7-1");
    }

    @Test
    void channelNamesGiveTheConsumerIndex() {
        assertThat(ConsumerGroupSettings.isInputChannel("trades-in")).isTrue();
        assertThat(ConsumerGroupSettings.isInputChannel("trades-in$3")).isTrue();
        assertThat(ConsumerGroupSettings.isInputChannel("trades-ingest")).isFalse();
        assertThat(ConsumerGroupSettings.consumerIndex("trades-in")).isEqualTo(1);
        assertThat(ConsumerGroupSettings.consumerIndex("trades-in$3")).isEqualTo(3);
    }

    @Test
    void anUnknownProtocolIsRefusedByName() {
        assertThatThrownBy(() -> ConsumerGroupSettings.apply(kafka("eager", false), Optional.empty(), new HashMap<>()))
                .hasMessageContaining("KAFKA_GROUP_PROTOCOL").hasMessageContaining("eager");
    }
}
