package com.pb.synth.tradecapture.metrics;

import io.quarkus.scheduler.Scheduled;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * This instance's live state for the operations console, from its own meters: the counters are
 * sampled every 2 s (the last 2 minutes kept) so that rates come from two readings, the latency
 * percentile from the capture timer's recent window, the lag and the stalls as their checks see them.
 */
@Singleton
public class LiveStats {

    /** How far back the rates and the sparkline reach. */
    static final int SAMPLES = 60;
    /** The rates over the last this many samples (10 s). */
    static final int RATE_WINDOW = 5;

    /** One reading of the counters. */
    record Sample(long atMillis, double processed, double captured, double rejected, double lockAttempts,
                  double lockContended) {
    }

    /** A point of the throughput history: when, and trades processed a second since the previous point. */
    public record Point(Instant at, double processedPerSecond) {
    }

    /**
     * What the console's live panel shows. Rates are per second over the last 10 s; latency in ms;
     * {@code capture}: the instance's capture health (null until the caller adds it).
     */
    public record Snapshot(Instant at, double processedPerSecond, double capturedPerSecond, double rejectedPerSecond,
                           double p50LatencyMs, double p99LatencyMs, long consumerLag, double lockContentionRatio,
                           List<CaptureProgress.Stall> stalledPartitions, List<Point> history, Capture capture) {

        public Snapshot with(Capture health) {
            return new Snapshot(at, processedPerSecond, capturedPerSecond, rejectedPerSecond, p50LatencyMs, p99LatencyMs,
                    consumerLag, lockContentionRatio, stalledPartitions, history, health);
        }
    }

    /** Capture health as the live panel shows it: UP or DOWN, and the checks that are DOWN. */
    public record Capture(String status, List<String> failing) {
    }

    private final CaptureMetrics metrics;
    private final ConsumerLag lag;
    private final CaptureProgress progress;
    private final Deque<Sample> samples = new ArrayDeque<>();

    public LiveStats(CaptureMetrics metrics, ConsumerLag lag, CaptureProgress progress) {
        this.metrics = metrics;
        this.lag = lag;
        this.progress = progress;
    }

    @Scheduled(every = "2s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sample() {
        Sample s = read();
        synchronized (samples) {
            samples.addLast(s);
            while (samples.size() > SAMPLES + 1) {
                samples.removeFirst();
            }
        }
    }

    private Sample read() {
        double processed = 0;
        for (CaptureMetrics.Outcome o : CaptureMetrics.Outcome.values()) {
            processed += metrics.processedTotal(o);
        }
        double[] locks = metrics.lockTotals();
        return new Sample(System.currentTimeMillis(), processed, metrics.processedTotal(CaptureMetrics.Outcome.CAPTURED),
                metrics.processedTotal(CaptureMetrics.Outcome.REJECTED), locks[0], locks[1]);
    }

    public Snapshot now() {
        List<Sample> list;
        synchronized (samples) {
            list = new ArrayList<>(samples);
        }
        Sample latest = read();
        list.add(latest);
        Sample from = list.get(Math.max(0, list.size() - 1 - RATE_WINDOW));
        double seconds = Math.max(0.001, (latest.atMillis() - from.atMillis()) / 1000.0);
        boolean any = latest != from;
        double attempts = latest.lockAttempts() - from.lockAttempts();
        List<Point> history = new ArrayList<>(list.size());
        for (int i = 1; i < list.size(); i++) {
            Sample a = list.get(i - 1);
            Sample b = list.get(i);
            double dt = Math.max(0.001, (b.atMillis() - a.atMillis()) / 1000.0);
            history.add(new Point(Instant.ofEpochMilli(b.atMillis()), (b.processed() - a.processed()) / dt));
        }
        return new Snapshot(Instant.ofEpochMilli(latest.atMillis()),
                any ? (latest.processed() - from.processed()) / seconds : 0,
                any ? (latest.captured() - from.captured()) / seconds : 0,
                any ? (latest.rejected() - from.rejected()) / seconds : 0,
                finite(metrics.latencyMillis(0.5)), finite(metrics.latencyMillis(0.99)), Math.max(0, lag.total()),
                attempts > 0 ? (latest.lockContended() - from.lockContended()) / attempts : 0,
                progress.stalls(), history, null);
    }

    /** A percentile of an empty window is NaN, which JSON has no number for: 0 then. */
    private static double finite(double v) {
        return Double.isFinite(v) ? v : 0;
    }
}
