package com.pb.synth.tradecapture.metrics;

import com.pb.synth.tradecapture.config.InstanceId;
import com.pb.synth.tradecapture.config.CaptureConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * {@code kafka.consumer.lag}: per input partition this instance holds, the partition's log-end
 * offset minus the group's committed offset, read from the broker every
 * {@code capture.monitoring.lag-interval} — what KEDA and {@code kafka-consumer-groups} see. (The
 * client's own {@code records-lag} moves only on a fetch, and a paused partition is not fetched.)
 * Summed over the instances it is the group's lag; a partition's series goes with the partition.
 * {@code kafka.partition.assignment} is how many partitions the instance holds.
 */
@ApplicationScoped
public class ConsumerLag {

    private static final Logger LOG = Logger.getLogger(ConsumerLag.class);

    private final MeterRegistry registry;
    private final ConsumerAssignment assignment;
    private final Map<String, Object> kafkaConfig;
    private final String group;
    private final Tags tags;
    private final Map<TopicPartition, AtomicLong> lag = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Gauge> gauges = new ConcurrentHashMap<>();
    private volatile Admin admin;

    public ConsumerLag(MeterRegistry registry, @Identifier("capture-rebalance") ConsumerAssignment assignment,
                       @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig, CaptureConfig config,
                       InstanceId instance,
                       @ConfigProperty(name = "mp.messaging.incoming.trades-in.group.id") String group) {
        this.registry = registry;
        this.assignment = assignment;
        this.kafkaConfig = kafkaConfig;
        this.group = group;
        this.tags = Tags.of("region", config.region(), "instance", instance.value());
        Gauge.builder("kafka.partition.assignment", assignment, ConsumerAssignment::partitions).tags(tags)
                .description("Input partitions this instance's consumers hold").register(registry);
    }

    @Scheduled(every = "${capture.monitoring.lag-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refresh() {
        Set<TopicPartition> held = assignment.assignedPartitions();
        for (TopicPartition gone : Set.copyOf(gauges.keySet())) {
            if (!held.contains(gone)) {
                registry.remove(gauges.remove(gone));
                lag.remove(gone);
            }
        }
        if (held.isEmpty()) {
            return;
        }
        try {
            Admin a = admin();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            held.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            var ends = a.listOffsets(latest).all().get(5, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetAndMetadata> committed = a.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
            for (TopicPartition tp : held) {
                var end = ends.get(tp);
                if (end == null) {
                    continue;
                }
                OffsetAndMetadata c = committed.get(tp);
                long value = Math.max(0, end.offset() - (c == null ? 0 : c.offset()));
                lag.computeIfAbsent(tp, this::register).set(value);
            }
        } catch (Exception e) {
            // the broker is away: the gauges keep their last reading, readiness reports the outage
            LOG.debugf("consumer lag not read: %s", e.toString());
        }
    }

    private AtomicLong register(TopicPartition tp) {
        AtomicLong value = new AtomicLong();
        gauges.put(tp, Gauge.builder("kafka.consumer.lag", value, AtomicLong::get).tags(tags)
                .tag("topic", tp.topic()).tag("partition", Integer.toString(tp.partition()))
                .description("Log-end offset minus the group's committed offset, per input partition held")
                .register(registry));
        return value;
    }

    private Admin admin() {
        Admin a = admin;
        if (a == null) {
            synchronized (this) {
                if (admin == null) {
                    Map<String, Object> c = new HashMap<>(kafkaConfig);
                    c.put("client.id", "pb-synth-tradecapture-lag");
                    c.put("request.timeout.ms", 4000);
                    c.put("default.api.timeout.ms", 5000);
                    admin = Admin.create(c);
                }
                a = admin;
            }
        }
        return a;
    }

    /** The lag this instance sees now, summed over its partitions (for tests and logs). */
    public long total() {
        return lag.values().stream().mapToLong(AtomicLong::get).sum();
    }

    void close(@Observes ShutdownEvent event) {
        Admin a = admin;
        if (a != null) {
            a.close(java.time.Duration.ofSeconds(2));
        }
    }
}
