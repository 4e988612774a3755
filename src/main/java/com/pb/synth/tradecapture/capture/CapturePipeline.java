package com.pb.synth.tradecapture.capture;

import com.pb.synth.tradecapture.config.CaptureConfig;
import com.pb.synth.tradecapture.domain.SwapBlotterFactory;
import com.pb.synth.tradecapture.domain.Trade;
import com.pb.synth.tradecapture.lock.LockLease;
import com.pb.synth.tradecapture.lock.PartitionLock;
import com.pb.synth.tradecapture.metrics.CaptureMetrics;
import com.pb.synth.tradecapture.metrics.CaptureMetrics.Outcome;
import com.pb.synth.tradecapture.metrics.CaptureMetrics.Stage;
import com.pb.synth.tradecapture.reference.ReferenceData;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Captures one poll batch: parse and validate → lock the batch's keys (one Redis round trip) →
 * enrich → one SQL transaction → publish events and rejects → release the locks. The returned Uni
 * completes only when all of that is done; only then is the batch acknowledged and its offsets
 * become committable. Any failure (Redis, the database or the broker unavailable, a fenced write)
 * retries the whole batch with backoff, for as long as it takes: capture pauses, never skips.
 */
@ApplicationScoped
public class CapturePipeline {

    private static final Logger LOG = Logger.getLogger(CapturePipeline.class);
    private static final LockLease NO_LOCKS = new LockLease("", Map.of(), 0);
    private static final long WARN_INTERVAL_NANOS = 5_000_000_000L;

    private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_INTERVAL_NANOS);

    private final TradeRequestMapper mapper;
    private final ReferenceData reference;
    private final PartitionLock lock;
    private final CaptureTransaction transaction;
    private final EventPublisher publisher;
    private final CaptureMetrics metrics;
    private final CaptureConfig.Retry retry;

    public CapturePipeline(TradeRequestMapper mapper, ReferenceData reference, PartitionLock lock,
                           CaptureTransaction transaction, EventPublisher publisher, CaptureMetrics metrics,
                           CaptureConfig config) {
        this.mapper = mapper;
        this.reference = reference;
        this.lock = lock;
        this.transaction = transaction;
        this.publisher = publisher;
        this.metrics = metrics;
        this.retry = config.retry();
    }

    public Uni<Void> capture(List<IncomingTrade> records) {
        long start = System.nanoTime();
        return reference.current()
                .map(snapshot -> {
                    long t = System.nanoTime();
                    List<CaptureItem> items = parse(records, snapshot);
                    metrics.stage(Stage.PARSE, t);
                    return items;
                })
                .flatMap(items -> lockAndApply(items, start))
                .onFailure().invoke(f -> {
                    metrics.batchRetried();
                    logFailure(records.size(), f);
                })
                .onFailure().retry().withBackOff(retry.initialBackoff(), retry.maxBackoff()).withJitter(0.3)
                .indefinitely()
                .invoke(result -> record(records, result, start))
                .replaceWithVoid();
    }

    private List<CaptureItem> parse(List<IncomingTrade> records, ReferenceData.Snapshot ref) {
        List<CaptureItem> items = new ArrayList<>(records.size());
        for (IncomingTrade record : records) {
            TradeRequestMapper.Result result = mapper.map(record.payload(), record.key());
            if (result.rejection() != null) {
                items.add(new CaptureItem(record, null, null, result.rejection()));
            } else {
                Trade t = result.trade();
                items.add(new CaptureItem(record, t, SwapBlotterFactory.form(t,
                        ref.securities().get(t.key().securityId()), ref.accounts().get(t.key().accountId()),
                        ref.books().get(t.key().bookId()), ref.rules()), null));
            }
        }
        return items;
    }

    private Uni<CaptureTransaction.Result> lockAndApply(List<CaptureItem> items, long start) {
        Set<String> keys = new LinkedHashSet<>();
        for (CaptureItem item : items) {
            if (item.accepted()) {
                keys.add(item.trade().key().value());
            }
        }
        if (keys.isEmpty()) {
            return applyAndPublish(items, NO_LOCKS, start);
        }
        long lockStart = System.nanoTime();
        return lock.acquireAll(keys).flatMap(lease -> {
            metrics.stage(Stage.LOCK, lockStart);
            metrics.partitionsLocked(keys.size());
            return applyAndPublish(items, lease, start)
                    .onTermination().call(() -> {
                        long releaseStart = System.nanoTime();
                        return lock.release(lease)
                                .onFailure().invoke(f -> LOG.warnf("lock release failed, locks expire by TTL: %s", describe(f)))
                                .onFailure().recoverWithNull()
                                .invoke(() -> {
                                    metrics.stage(Stage.RELEASE, releaseStart);
                                    metrics.partitionsLocked(-keys.size());
                                });
                    });
        });
    }

    private Uni<CaptureTransaction.Result> applyAndPublish(List<CaptureItem> items, LockLease lease, long start) {
        long txStart = System.nanoTime();
        return transaction.apply(items, lease, start)
                .invoke(result -> metrics.stage(Stage.TRANSACTION, txStart))
                .call(result -> {
                    long publishStart = System.nanoTime();
                    return publisher.publish(result.outgoing()).invoke(() -> metrics.stage(Stage.PUBLISH, publishStart));
                });
    }

    private void record(List<IncomingTrade> records, CaptureTransaction.Result result, long start) {
        long now = System.currentTimeMillis();
        for (IncomingTrade r : records) {
            metrics.captureLatency(now - r.timestampMillis());
        }
        metrics.processed(Outcome.CAPTURED, result.captured());
        metrics.processed(Outcome.DUPLICATE, result.duplicates());
        metrics.processed(Outcome.SUPERSEDED, result.superseded());
        metrics.processed(Outcome.REJECTED, result.rejected());
        metrics.batchCaptured(System.nanoTime() - start);
    }

    /** One warning per interval while a dependency stays down, the rest at debug level. */
    private void logFailure(int size, Throwable f) {
        long now = System.nanoTime();
        long last = lastWarning.get();
        if (now - last > WARN_INTERVAL_NANOS && lastWarning.compareAndSet(last, now)) {
            LOG.warnf("capture of %d records failed, retrying with backoff (capture paused): %s", size, describe(f));
        } else {
            LOG.debugf("capture of %d records failed again: %s", size, describe(f));
        }
    }

    private static String describe(Throwable f) {
        return f.getClass().getSimpleName() + ": " + f.getMessage();
    }
}
