package com.pb.synth.tradecapture.metrics;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** Tracks the input consumers' group membership and partitions, for readiness and operators' logs. */
@ApplicationScoped
@Identifier("capture-rebalance")
public class ConsumerAssignment implements KafkaConsumerRebalanceListener {

    private static final Logger LOG = Logger.getLogger(ConsumerAssignment.class);

    /** Partitions this instance stopped owning; what it kept for them (held records, ages) is dropped. */
    public record PartitionsRevoked(Collection<TopicPartition> partitions) {
    }

    private final Set<TopicPartition> assigned = ConcurrentHashMap.newKeySet();
    private final Map<TopicPartition, AtomicLong> epochs = new ConcurrentHashMap<>();
    private final Set<Consumer<?, ?>> joined = ConcurrentHashMap.newKeySet();
    private final int consumers;
    private final Event<PartitionsRevoked> revoked;
    private volatile boolean stopped;

    public ConsumerAssignment(
            @ConfigProperty(name = "mp.messaging.incoming.trades-in.concurrency", defaultValue = "1") int consumers,
            Event<PartitionsRevoked> revoked) {
        this.consumers = consumers;
        this.revoked = revoked;
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        joined.add(consumer);
        nextEpoch(partitions);
        assigned.addAll(partitions);
        if (stopped && !partitions.isEmpty()) {
            // shutting down: the consumers were paused, but partitions taken over since are not
            consumer.pause(partitions);
            LOG.infof("partitions assigned while shutting down, not fetched: %s", partitions);
            return;
        }
        LOG.infof("partitions assigned: %s", partitions);
    }

    /**
     * Shutdown has begun: partitions assigned from now on (another instance leaving at the same time
     * hands its own over) are paused at once, so that no new batch starts while the last ones drain.
     */
    public void stopFetching() {
        stopped = true;
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        assigned.removeAll(partitions);
        nextEpoch(partitions);
        if (!partitions.isEmpty()) {
            revoked.fire(new PartitionsRevoked(List.copyOf(partitions)));
        }
        LOG.infof("partitions revoked: %s", partitions);
    }

    private void nextEpoch(Collection<TopicPartition> partitions) {
        partitions.forEach(tp -> epochs.computeIfAbsent(tp, k -> new AtomicLong()).incrementAndGet());
    }

    /**
     * The partition's ownership epoch: it changes whenever the partition is assigned or revoked, so a
     * holder of an older epoch knows the records it has are no longer its to acknowledge.
     */
    public long epoch(String topic, int partition) {
        AtomicLong epoch = epochs.get(new TopicPartition(topic, partition));
        return epoch == null ? 0 : epoch.get();
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

    /** The input partitions this instance's consumers hold now. */
    public Set<TopicPartition> assignedPartitions() {
        return Set.copyOf(assigned);
    }
}
