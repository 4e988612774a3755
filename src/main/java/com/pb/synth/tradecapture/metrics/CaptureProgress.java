package com.pb.synth.tradecapture.metrics;

import com.pb.synth.tradecapture.config.InstanceId;
import com.pb.synth.tradecapture.config.CaptureConfig;
import com.pb.synth.tradecapture.metrics.ConsumerAssignment.PartitionsRevoked;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.scheduler.Scheduled;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * How long each partition's oldest record has been in capture without being captured:
 * {@code capture.oldest.uncaptured.age} (seconds, per partition). The age counts from when capture
 * took the record, not from its timestamp, so a backlog being drained is not a stall while a batch
 * that cannot get through is. Records held for a sequence gap are not in capture (their batch is
 * done) and do not count. Past {@code capture.stall.threshold} the partition is stalled: readiness
 * says so with the cause, and one ERROR line names partition, offset and cause.
 */
@Singleton
public class CaptureProgress {

    private static final Logger LOG = Logger.getLogger(CaptureProgress.class);

    /** The oldest uncaptured record of a partition, since when, what it waits on and the last failure seen for it. */
    public record InFlight(long offset, long sinceNanos, String stage, String failure, boolean reported) {

        String cause() {
            String waiting = stage == null ? "batch in progress" : stage;
            return failure == null ? waiting : waiting + "; last failure: " + failure;
        }
    }

    /** A stalled partition as readiness reports it. */
    public record Stall(String partition, long offset, long ageSeconds, String cause) {
    }

    private final Map<TopicPartition, InFlight> inFlight = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Gauge> gauges = new ConcurrentHashMap<>();
    private final MeterRegistry registry;
    private final Tags tags;
    private final long thresholdNanos;

    public CaptureProgress(MeterRegistry registry, CaptureConfig config, InstanceId instance) {
        this.registry = registry;
        this.tags = Tags.of("region", config.region(), "instance", instance.value());
        this.thresholdNanos = config.stall().threshold().toNanos();
    }

    /** Capture took this partition's records from {@code offset} on (kept if an older one is in flight). */
    public void started(String topic, int partition, long offset) {
        TopicPartition tp = new TopicPartition(topic, partition);
        inFlight.putIfAbsent(tp, new InFlight(offset, System.nanoTime(), null, null, false));
        gauges.computeIfAbsent(tp, k -> Gauge.builder("capture.oldest.uncaptured.age", this, p -> p.ageSeconds(k))
                .tags(tags).tag("topic", topic).tag("partition", Integer.toString(partition)).baseUnit("seconds")
                .description("Age of the oldest record in capture and not yet captured (0 when none)")
                .register(registry));
    }

    /** What the batch that holds this partition's records waits on now. */
    public void waiting(String topic, int partition, String stage) {
        inFlight.computeIfPresent(new TopicPartition(topic, partition),
                (k, f) -> new InFlight(f.offset(), f.sinceNanos(), stage, f.failure(), f.reported()));
    }

    /** The last failure of the batch that holds this partition's records. */
    public void failed(String topic, int partition, String failure) {
        inFlight.computeIfPresent(new TopicPartition(topic, partition),
                (k, f) -> new InFlight(f.offset(), f.sinceNanos(), f.stage(), failure, f.reported()));
    }

    public void captured(String topic, int partition) {
        InFlight done = inFlight.remove(new TopicPartition(topic, partition));
        if (done != null && done.reported()) {
            LOG.infof("capture of partition %s-%d resumed after %d s", topic, partition,
                    (System.nanoTime() - done.sinceNanos()) / 1_000_000_000L);
        }
    }

    double ageSeconds(TopicPartition tp) {
        InFlight f = inFlight.get(tp);
        return f == null ? 0 : (System.nanoTime() - f.sinceNanos()) / 1e9;
    }

    /** The stalled partitions, oldest first. */
    public List<Stall> stalls() {
        long now = System.nanoTime();
        return inFlight.entrySet().stream().filter(e -> now - e.getValue().sinceNanos() > thresholdNanos)
                .sorted(Map.Entry.comparingByValue((a, b) -> Long.compare(a.sinceNanos(), b.sinceNanos())))
                .map(e -> new Stall(e.getKey().toString(), e.getValue().offset(),
                        (now - e.getValue().sinceNanos()) / 1_000_000_000L,
                        e.getValue().cause()))
                .toList();
    }

    /** One ERROR line per stall, when it begins. */
    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void reportStalls() {
        long now = System.nanoTime();
        inFlight.replaceAll((tp, f) -> {
            if (!f.reported() && now - f.sinceNanos() > thresholdNanos) {
                LOG.errorf("capture stalled on partition %s at offset %d for %d s: %s", tp, f.offset(),
                        (now - f.sinceNanos()) / 1_000_000_000L, f.cause());
                return new InFlight(f.offset(), f.sinceNanos(), f.stage(), f.failure(), true);
            }
            return f;
        });
    }

    void revoked(@Observes PartitionsRevoked event) {
        for (TopicPartition tp : event.partitions()) {
            inFlight.remove(tp);
            Gauge g = gauges.remove(tp);
            if (g != null) {
                registry.remove(g);
            }
        }
    }
}
