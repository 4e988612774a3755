package com.pb.synth.tradecapture.metrics;

import com.pb.synth.tradecapture.config.InstanceId;
import com.pb.synth.tradecapture.config.CaptureConfig;
import com.pb.synth.tradecapture.domain.BusinessHours;
import com.pb.synth.tradecapture.domain.ReasonCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The source document's meters, tagged with region and instance. */
@Singleton
public class CaptureMetrics {

    /** Outcomes counted by {@code trades.processed}. */
    public enum Outcome { CAPTURED, DUPLICATE, SUPERSEDED, REJECTED }

    private final Map<Outcome, Counter> processed = new EnumMap<>(Outcome.class);
    private final Timer captureLatency;
    private final Timer lockAcquisition;
    private final Counter lockContention;
    private final Counter lockAttempts;
    private final Counter batchRetries;
    private final Counter batchSplits;
    private final Timer batchTime;
    private final Counter recordsConsumed;
    private final MeterRegistry registry;
    private final BusinessHours hours;
    /** Every reason code's counter from the start (at 0), so that dashboards and alerts find the series. */
    private final Map<String, Counter> rejectedByReason = new java.util.HashMap<>();
    private final Tags tags;
    private final AtomicInteger activePartitions = new AtomicInteger();
    private final Map<Stage, Timer> stages = new EnumMap<>(Stage.class);

    /** The steps of a batch, timed apart so a slow dependency shows by name. */
    public enum Stage { PARSE, ENRICH, LOCK, TRANSACTION, PUBLISH, RELEASE }

    public CaptureMetrics(MeterRegistry registry, CaptureConfig config, InstanceId instance) {
        Tags tags = Tags.of("region", config.region(), "instance", instance.value());
        this.registry = registry;
        this.tags = tags;
        for (Outcome outcome : Outcome.values()) {
            processed.put(outcome, Counter.builder("trades.processed").tags(tags)
                    .tag("outcome", outcome.name().toLowerCase()).description("Trades processed").register(registry));
        }
        captureLatency = Timer.builder("trades.capture.latency").tags(tags)
                .description("From the input record's timestamp to the captured event's acknowledgement")
                .publishPercentiles(0.5, 0.95, 0.99, 0.999).publishPercentileHistogram()
                .serviceLevelObjectives(Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1))
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(5))
                .register(registry);
        lockAcquisition = Timer.builder("partition.lock.acquisition.time").tags(tags)
                .description("Time to acquire a batch's partition locks, waits included")
                .publishPercentiles(0.5, 0.99).register(registry);
        lockContention = Counter.builder("partition.lock.contention").tags(tags)
                .description("Partition locks found held by another writer").register(registry);
        lockAttempts = Counter.builder("partition.lock.attempts").tags(tags)
                .description("Partition locks asked for (each key of each attempt): the base of the contention ratio")
                .register(registry);
        batchRetries = Counter.builder("capture.batch.retries").tags(tags)
                .description("Batches retried after a dependency failure or a fenced write").register(registry);
        batchSplits = Counter.builder("capture.batch.splits").tags(tags)
                .description("Batches split in two to find a record that can never be captured").register(registry);
        batchTime = Timer.builder("capture.batch.time").tags(tags)
                .description("Capture time of one poll batch").publishPercentiles(0.5, 0.99).register(registry);
        registry.gauge("partitions.active", tags, activePartitions);
        for (ReasonCode code : ReasonCode.values()) {
            rejectedByReason.put(code.name(), rejectedCounter(code.name()));
        }
        recordsConsumed = Counter.builder("kafka.consumer.records.consumed").tags(tags)
                .description("Input records handed to capture (a record read again counts again)").register(registry);
        hours = BusinessHours.parse(config.regionTimezone(), config.monitoring().businessHours());
        // the gauge holds its object weakly: this field keeps it
        Gauge.builder("region.business.hours", hours, h -> h.isOpen(Instant.now()) ? 1 : 0).tags(tags)
                .tag("timezone", config.regionTimezone().getId())
                .description("1 during the region's business hours (REGION_TIMEZONE, Monday to Friday), else 0")
                .register(registry);
        for (Stage stage : Stage.values()) {
            stages.put(stage, Timer.builder("capture.stage.time").tags(tags).tag("stage", stage.name().toLowerCase())
                    .description("Time a batch spends in one capture step").publishPercentiles(0.5, 0.99)
                    .register(registry));
        }
    }

    /** Trades processed since start, by outcome (the counters' totals). */
    public double processedTotal(Outcome outcome) {
        return processed.get(outcome).count();
    }

    /** Partition locks asked for and found held, since start: {attempts, contended}. */
    public double[] lockTotals() {
        return new double[] {lockAttempts.count(), lockContention.count()};
    }

    /**
     * The capture latency's {@code quantile} (0.5, 0.95, 0.99 or 0.999) in milliseconds over the
     * timer's recent window, NaN when none was recorded in it.
     */
    public double latencyMillis(double quantile) {
        for (ValueAtPercentile v : captureLatency.takeSnapshot().percentileValues()) {
            if (v.percentile() == quantile) {
                return v.value(TimeUnit.MILLISECONDS);
            }
        }
        return Double.NaN;
    }

    public void processed(Outcome outcome, int count) {
        processed.get(outcome).increment(count);
    }

    public void captureLatency(long millis) {
        captureLatency.record(Math.max(0, millis), TimeUnit.MILLISECONDS);
    }

    public void lockAcquired(long nanos) {
        lockAcquisition.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void lockAttempted(int keys) {
        lockAttempts.increment(keys);
    }

    public void lockContended(int keys) {
        lockContention.increment(keys);
    }

    /** One trade set aside, by its reason code ({@code trades.rejected}, beside {@code trades.processed{outcome=rejected}}). */
    public void rejected(String reason) {
        Counter c = rejectedByReason.get(reason);
        (c != null ? c : rejectedCounter(reason)).increment();
    }

    private Counter rejectedCounter(String reason) {
        return Counter.builder("trades.rejected").tags(tags).tag("reason", reason).description("Trades set aside, by reason")
                .register(registry);
    }

    public void recordsConsumed(int count) {
        recordsConsumed.increment(count);
    }

    public void batchRetried() {
        batchRetries.increment();
    }

    public void batchSplit() {
        batchSplits.increment();
    }

    public void batchCaptured(long nanos) {
        batchTime.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void stage(Stage stage, long startNanos) {
        stages.get(stage).record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    public void partitionsLocked(int delta) {
        activePartitions.addAndGet(delta);
    }
}
