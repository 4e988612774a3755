package com.pb.synth.tradecapture.metrics;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** Tracks the input consumers' group membership and partitions, for readiness and operators' logs. */
@ApplicationScoped
@Identifier("capture-rebalance")
public class ConsumerAssignment implements KafkaConsumerRebalanceListener {

    private static final Logger LOG = Logger.getLogger(ConsumerAssignment.class);

    private final Set<TopicPartition> assigned = ConcurrentHashMap.newKeySet();
    private final Set<Consumer<?, ?>> joined = ConcurrentHashMap.newKeySet();
    private final int consumers;

    public ConsumerAssignment(
            @ConfigProperty(name = "mp.messaging.incoming.trades-in.concurrency", defaultValue = "1") int consumers) {
        this.consumers = consumers;
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        joined.add(consumer);
        assigned.addAll(partitions);
        LOG.infof("partitions assigned: %s", partitions);
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        assigned.removeAll(partitions);
        LOG.infof("partitions revoked: %s", partitions);
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        onPartitionsRevoked(consumer, partitions);
    }

    /**
     * True once every consumer of this instance has joined the group (an instance may own no
     * partition and still be ready: the group has more members than the topic has partitions).
     */
    public boolean joined() {
        return joined.size() >= consumers;
    }

    public int consumersJoined() {
        return joined.size();
    }

    public int partitions() {
        return assigned.size();
    }
}
