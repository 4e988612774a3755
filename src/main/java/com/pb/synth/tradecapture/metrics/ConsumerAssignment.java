package com.pb.synth.tradecapture.metrics;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/** Tracks the input consumers' group membership and partitions, for readiness and operators' logs. */
@ApplicationScoped
@Identifier("capture-rebalance")
public class ConsumerAssignment implements KafkaConsumerRebalanceListener {

    private static final Logger LOG = Logger.getLogger(ConsumerAssignment.class);

    private final Set<TopicPartition> assigned = ConcurrentHashMap.newKeySet();
    private volatile boolean joined;

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        joined = true;
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

    /** True once a consumer has joined its group (an instance may own no partition and still be ready). */
    public boolean joined() {
        return joined;
    }

    public int partitions() {
        return assigned.size();
    }
}
