package com.pb.synth.tradecapture.capture;

import com.pb.synth.tradecapture.capture.CaptureFailures.Classified;
import com.pb.synth.tradecapture.capture.CaptureFailures.Kind;
import com.pb.synth.tradecapture.config.CaptureConfig;
import com.pb.synth.tradecapture.domain.ReasonCode;
import com.pb.synth.tradecapture.domain.Rejection;
import com.pb.synth.tradecapture.lock.LockLease;
import com.pb.synth.tradecapture.lock.PartitionLock;
import com.pb.synth.tradecapture.metrics.CaptureMetrics;
import com.pb.synth.tradecapture.metrics.CaptureMetrics.Outcome;
import com.pb.synth.tradecapture.metrics.CaptureMetrics.Stage;
import com.pb.synth.tradecapture.metrics.CaptureProgress;
import com.pb.synth.tradecapture.reference.ReferenceData;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Captures one poll batch: parse and validate → enrich ({@link Enrichment}) → lock the batch's
 * keys → one SQL transaction → publish events and rejects → release the locks. The returned Uni
 * completes only when all of that is done; only then is the batch acknowledged.
 *
 * <p>What a failure does depends on its kind ({@link CaptureFailures}). A transient one (a
 * dependency down, a fenced write) retries the whole batch with backoff for as long as it takes:
 * capture pauses, never skips, and the stall shows in {@link CaptureProgress}. A failure caused by
 * some record's data splits the batch in two halves, captured one after the other (so each key's
 * records keep their order), and so on down to the record at fault, which is set aside to the DLQ
 * and trade_exceptions with its reason code; the rest is captured. A record never blocks the ones
 * behind it.
 *
 * <p>Trades held for a sequence gap ({@link HeldTrades}) rejoin the first batch that has their key,
 * ahead of its records; those still held afterwards go back, and their batch's acknowledgement
 * waits for them.
 */
@Singleton
public class CapturePipeline {

    private static final Logger LOG = Logger.getLogger(CapturePipeline.class);
    private static final LockLease NO_LOCKS = new LockLease("", Map.of(), 0);
    private static final long WARN_INTERVAL_NANOS = 5_000_000_000L;

    private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_INTERVAL_NANOS);

    private final TradeRequestMapper mapper;
    private final Enrichment enrichment;
    private final ReferenceData reference;
    private final PartitionLock lock;
    private final CaptureTransaction transaction;
    private final EventPublisher publisher;
    private final CaptureMetrics metrics;
    private final CaptureProgress progress;
    private final HeldTrades held;
    private final CaptureConfig.Retry retry;
    private final int unclassifiedAttempts;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Set at shutdown: a batch that would wait to retry is given up instead (see {@link #stop()}). */
    private volatile boolean stopping;

    public CapturePipeline(TradeRequestMapper mapper, Enrichment enrichment, ReferenceData reference, PartitionLock lock,
                           CaptureTransaction transaction, EventPublisher publisher, CaptureMetrics metrics,
                           CaptureProgress progress, HeldTrades held, CaptureConfig config) {
        this.mapper = mapper;
        this.enrichment = enrichment;
        this.reference = reference;
        this.lock = lock;
        this.transaction = transaction;
        this.publisher = publisher;
        this.metrics = metrics;
        this.progress = progress;
        this.held = held;
        this.retry = config.retry();
        this.unclassifiedAttempts = Math.max(1, config.isolation().unclassifiedAttempts());
    }

    public Uni<Void> capture(List<IncomingTrade> records) {
        long start = System.nanoTime();
        inFlight.incrementAndGet();
        metrics.recordsConsumed(records.size());
        Map<String, IncomingTrade> firstByPartition = new LinkedHashMap<>();
        for (IncomingTrade r : records) {
            if (firstByPartition.putIfAbsent(r.topic() + "\u0000" + r.partition(), r) == null) {
                progress.started(r.topic(), r.partition(), r.offset());
            }
        }
        return parsed(records, 0)
                .flatMap(items -> isolate(items, start, true, 0, 0))
                .invoke(() -> {
                    firstByPartition.values().forEach(r -> progress.captured(r.topic(), r.partition()));
                    metrics.batchCaptured(System.nanoTime() - start);
                })
                .onTermination().invoke(inFlight::decrementAndGet);
    }

    /**
     * Shutdown has begun: no new batch is started (the consumer leaves them unacknowledged), and a
     * batch in capture that fails for a transient reason is given up
     * ({@link CaptureStoppedException}) instead of waiting out a backoff, so that the drain ends
     * with what could be captured and the rest goes, unacknowledged, to the partitions' next owner.
     */
    public void stop() {
        stopping = true;
    }

    /** True once {@link #stop()} was called: new batches are not started. */
    public boolean stopped() {
        return stopping;
    }

    /** Poll batches handed to capture and not finished yet. */
    public int inFlight() {
        return inFlight.get();
    }

    /** Held trades whose gap timeout has passed (with the rest of their keys' held trades), decided again. */
    public Uni<Void> sweepHeld() {
        List<CaptureItem> expired = held.claimExpired(System.currentTimeMillis());
        return expired.isEmpty() ? Uni.createFrom().voidItem() : isolate(expired, System.nanoTime(), false, 0, 0);
    }

    /**
     * Parses the batch, then enriches it against the current reference data (two stages, timed
     * apart); reading reference data is retried like a dependency.
     */
    private Uni<List<CaptureItem>> parsed(List<IncomingTrade> records, int attempt) {
        return reference.current().map(snapshot -> {
            long t = System.nanoTime();
            List<CaptureItem> items = new ArrayList<>(records.size());
            for (IncomingTrade record : records) {
                items.add(parse(record));
            }
            metrics.stage(Stage.PARSE, t);
            long e = System.nanoTime();
            List<CaptureItem> enriched = enrichment.enrich(items, snapshot);
            metrics.stage(Stage.ENRICH, e);
            return enriched;
        }).onFailure().recoverWithUni(f -> {
            if (stopping) {
                return Uni.createFrom().failure(new CaptureStoppedException(records.size(), describe(f)));
            }
            metrics.batchRetried();
            logFailure(records.size(), f);
            return pause(attempt).flatMap(v -> parsed(records, attempt + 1));
        });
    }

    /** One record to an item; whatever the record makes the service throw makes it a reject, never a stalled batch. */
    private CaptureItem parse(IncomingTrade record) {
        try {
            TradeRequestMapper.Result result = mapper.map(record.payload(), record.key());
            if (result.rejection() != null) {
                Rejection rejection = result.rejection();
                // the reason only: the detail may quote the record's values, and is in trade_exceptions and on the DLQ
                RecordLog.log(record, null, () -> LOG.warnf("record %s-%d@%d set aside as %s", record.topic(),
                        record.partition(), record.offset(), rejection.reasonCode()));
                return CaptureItem.refused(record, rejection,
                        mapper.slotOf(record.payload(), record.key(), rejection.reasonCode()));
            }
            return new CaptureItem(record, result.trade(), null, null);
        } catch (RuntimeException e) {
            Classified c = CaptureFailures.classify(e);
            ReasonCode reason = c.kind() == Kind.DETERMINISTIC ? c.reason() : ReasonCode.CAPTURE_FAILED;
            RecordLog.log(record, null, () -> LOG.warnf("record %s-%d@%d could not be read (%s): %s", record.topic(),
                    record.partition(), record.offset(), reason, describe(e)));
            return CaptureItem.refused(record, new Rejection(reason, describe(e)),
                    mapper.slotOf(record.payload(), record.key(), reason));
        }
    }

    /**
     * Captures the items; on failure retries (transient), or splits and sets aside (a record's data).
     *
     * @param claim        whether the held trades of the items' keys join them
     * @param attempt      failures so far of this very set of items, for the backoff
     * @param unclassified how many of those fit no known kind
     */
    private Uni<Void> isolate(List<CaptureItem> items, long start, boolean claim, int attempt, int unclassified) {
        return isolate(items, start, claim, attempt, unclassified, false);
    }

    /** As above; {@code canaryPassed}: the store took a canary capture just before this attempt. */
    private Uni<Void> isolate(List<CaptureItem> items, long start, boolean claim, int attempt, int unclassified,
                              boolean canaryPassed) {
        return lockAndApply(items, start, claim).onFailure().recoverWithUni(f -> {
            Classified c = CaptureFailures.classify(f);
            String failure = describe(f);
            failed(items, failure);
            if (c.kind() == Kind.TRANSIENT || c.kind() == Kind.UNCLASSIFIED && unclassified + 1 < unclassifiedAttempts) {
                List<CaptureItem> owned = owned(items);
                if (owned.size() < items.size()) {
                    // Partitions moved to another instance meanwhile: their records are its to capture now.
                    LOG.debugf("%d of %d records left to their partitions' new owner", items.size() - owned.size(),
                            items.size());
                    return owned.isEmpty() ? Uni.createFrom().voidItem()
                            : isolate(owned, start, claim, attempt, unclassified, false);
                }
                if (stopping) {
                    return Uni.createFrom().failure(new CaptureStoppedException(items.size(), failure));
                }
                metrics.batchRetried();
                logFailure(items.size(), f);
                int nextUnclassified = c.kind() == Kind.UNCLASSIFIED ? unclassified + 1 : unclassified;
                FencesBehindException behind = find(f, FencesBehindException.class);
                if (behind != null) {
                    // The fence counters restarted (Redis lost data): raise them and go again at once.
                    return lock.raiseFences(behind.stored()).onFailure().recoverWithItem(0)
                            .flatMap(v -> pause(0)).flatMap(v -> isolate(items, start, claim, attempt + 1, nextUnclassified));
                }
                return pause(attempt).flatMap(v -> isolate(items, start, claim, attempt + 1, nextUnclassified));
            }
            if (items.size() > 1) {
                metrics.batchSplit();
                LOG.debugf("batch of %d records failed on a record's data, splitting it: %s", items.size(), failure);
                int half = items.size() / 2;
                List<CaptureItem> first = items.subList(0, half);
                List<CaptureItem> second = items.subList(half, items.size());
                return isolate(first, start, claim, 0, 0).flatMap(v -> isolate(second, start, claim, 0, 0));
            }
            if (claim) {
                // The fault may be a held trade this record released: capture the record alone first.
                return isolate(items, start, false, 0, 0);
            }
            CaptureItem item = items.get(0);
            if (!item.accepted()) {
                return lastResort(item, f);
            }
            if (c.kind() == Kind.UNCLASSIFIED && !canaryPassed) {
                // Set a record aside for an unknown failure only when it fails again right after
                // Redis answered and the store took a canary capture (rolled back): a failure that
                // hits every record is an outage, and capture waits it out instead.
                return Uni.combine().all().unis(lock.ping(), transaction.canary()).with((redis, store) -> redis && store)
                        .flatMap(healthy -> healthy ? isolate(items, start, false, attempt + 1, unclassifiedAttempts, true)
                                : pause(attempt).flatMap(v -> isolate(items, start, false, attempt + 1,
                                        unclassifiedAttempts, false)));
            }
            return setAside(item, c.reason(), f, start);
        });
    }

    private Uni<Void> setAside(CaptureItem item, ReasonCode reason, Throwable f, long start) {
        IncomingTrade r = item.record();
        RecordLog.log(r, item.trade(), () -> LOG.warnf("record %s-%d@%d (trade %s) set aside as %s: %s", r.topic(),
                r.partition(), r.offset(), item.trade().tradeId(), reason, describe(f)));
        // With its key's held trades: set aside, it consumes its sequence number, and the trades
        // waiting behind it go on in the same transaction (alone again if one of them fails).
        return isolate(List.of(item.rejectedAs(reason, describe(f))), start, true, 0, 0);
    }

    /** A reject whose exception row the store refuses too: the DLQ still gets it, so nothing is dropped unseen. */
    private Uni<Void> lastResort(CaptureItem item, Throwable f) {
        IncomingTrade r = item.record();
        RecordLog.log(r, item.trade(), () -> LOG.errorf("record %s-%d@%d (%s) could not be stored in trade_exceptions "
                + "(%s); it goes to the DLQ only", r.topic(), r.partition(), r.offset(), item.rejection().reasonCode(),
                describe(f)));
        return publishDlqOnly(item, 0).invoke(() -> {
            metrics.processed(Outcome.REJECTED, 1);
            metrics.rejected(item.rejection().reasonCode().name());
            settle(List.of(item), List.of());
        });
    }

    private Uni<Void> publishDlqOnly(CaptureItem item, int attempt) {
        return publisher.publish(List.of(transaction.dlqOnly(item))).onFailure().recoverWithUni(e -> {
            logFailure(1, e);
            return pause(attempt).flatMap(v -> publishDlqOnly(item, attempt + 1));
        });
    }

    private Uni<Void> lockAndApply(List<CaptureItem> items, long start, boolean claim) {
        List<CaptureItem> claimed = claim ? held.claim(keys(items)) : List.of();
        List<CaptureItem> all = claimed.isEmpty() ? items : concat(claimed, items);
        Set<String> keys = keys(all);
        Uni<CaptureTransaction.Result> applied;
        if (keys.isEmpty()) {
            applied = applyAndPublish(all, NO_LOCKS, start);
        } else {
            long lockStart = System.nanoTime();
            waiting(all, "waiting for Redis (partition locks)");
            applied = lock.withLocks(keys, () -> owned(all).size() < all.size(), lease -> {
                metrics.stage(Stage.LOCK, lockStart);
                metrics.partitionsLocked(keys.size());
                return applyAndPublish(all, lease, start);
            }, releaseStart -> {
                metrics.stage(Stage.RELEASE, releaseStart);
                metrics.partitionsLocked(-keys.size());
            });
        }
        return applied.onFailure().invoke(f -> held.putBack(claimed))
                .invoke(result -> {
                    record(all, result);
                    settle(all, result.held());
                })
                .replaceWithVoid();
    }

    private Uni<CaptureTransaction.Result> applyAndPublish(List<CaptureItem> items, LockLease lease, long start) {
        long txStart = System.nanoTime();
        long now = System.currentTimeMillis();
        waiting(items, "waiting for the database (capture transaction)");
        return transaction.apply(items, lease, start, item -> held.expired(item, now))
                .invoke(result -> metrics.stage(Stage.TRANSACTION, txStart))
                .call(result -> {
                    long publishStart = System.nanoTime();
                    return publishCommitted(items, result.outgoing(), lease, 0).invoke(() -> {
                        metrics.stage(Stage.PUBLISH, publishStart);
                        // a hint for whoever reads these records again; never holds the batch up
                        transaction.markPublished(items, result.held()).subscribe().with(v -> { },
                                f -> LOG.debugf("published offsets not recorded: %s", describe(f)));
                    });
                });
    }

    /**
     * Publishes a committed batch's events. Those the broker did not acknowledge are sent again, and
     * only those (the acknowledged ones must not go out twice), while this instance still holds the
     * batch's locks and partitions. Once it does not — it was frozen past the lock TTL, or its
     * partitions moved during a broker outage — it publishes nothing more: the keys' new owner reads
     * the records again and publishes what is above the partitions' published marks, in order.
     */
    private Uni<Void> publishCommitted(List<CaptureItem> items, List<OutgoingRecord> outgoing, LockLease lease,
                                       int attempt) {
        return lock.stillHeld(lease).flatMap(stillHeld -> {
            if (!stillHeld || owned(items).size() < items.size()) {
                return Uni.createFrom().failure(new ConcurrentCaptureException("the batch's partition locks or "
                        + "partitions were lost before its events were published; it is captured again"));
            }
            waiting(items, "waiting for the broker (publishing events)");
            return publisher.publish(outgoing).onFailure(f -> f instanceof PublishIncompleteException
                    && CaptureFailures.classify(f).kind() == Kind.TRANSIENT
                    // refused as too late: sending the same again is refused again; the batch goes again
                    && find(f, org.apache.kafka.common.errors.InvalidTimestampException.class) == null)
                    .recoverWithUni(f -> {
                // (a failure of another kind goes to the batch's isolation like any other)
                PublishIncompleteException incomplete = (PublishIncompleteException) f;
                metrics.batchRetried();
                logFailure(incomplete.unacknowledged().size(), f);
                failed(items, describe(f));
                return pause(attempt).flatMap(v -> publishCommitted(items, incomplete.unacknowledged(), lease,
                        attempt + 1));
            });
        });
    }

    /**
     * After a committed and published batch: what is held goes (back) to {@link HeldTrades}, a newly
     * held record keeps its batch unacknowledged, and a held record now decided releases it.
     */
    private void settle(List<CaptureItem> all, List<CaptureItem> stillHeld) {
        Set<CaptureItem> heldNow = Collections.newSetFromMap(new IdentityHashMap<>());
        heldNow.addAll(stillHeld);
        long now = System.currentTimeMillis();
        List<CaptureItem> back = new ArrayList<>(stillHeld.size());
        for (CaptureItem item : stillHeld) {
            if (item.heldSince() == null) {
                item.record().ack().hold(item.record().partition());
                back.add(item.heldAt(now));
            } else {
                back.add(item);
            }
        }
        held.putBack(back);
        for (CaptureItem item : all) {
            if (item.heldSince() != null && !heldNow.contains(item)) {
                item.record().ack().resolved(item.record().partition());
            }
        }
    }

    /** The items' batch failed this way, for a stall report. */
    private void failed(List<CaptureItem> items, String failure) {
        int last = -1;
        for (CaptureItem item : items) {
            if (item.record().partition() != last) {
                progress.failed(item.record().topic(), item.record().partition(), failure);
                last = item.record().partition();
            }
        }
    }

    /** What the items' batch waits on now, for a stall report (a failure, when one comes, replaces it). */
    private void waiting(List<CaptureItem> items, String what) {
        int last = -1;
        for (CaptureItem item : items) {
            if (item.record().partition() != last) {
                progress.waiting(item.record().topic(), item.record().partition(), what);
                last = item.record().partition();
            }
        }
    }

    /** The items whose partitions this instance still owns (records from no Kafka batch always count as owned). */
    private static List<CaptureItem> owned(List<CaptureItem> items) {
        List<CaptureItem> owned = null;
        for (int i = 0; i < items.size(); i++) {
            CaptureItem item = items.get(i);
            boolean mine = item.record().ack().owns(item.record().partition());
            if (!mine && owned == null) {
                owned = new ArrayList<>(items.subList(0, i));
            } else if (mine && owned != null) {
                owned.add(item);
            }
        }
        return owned == null ? items : owned;
    }

    private static Set<String> keys(List<CaptureItem> items) {
        Set<String> keys = new LinkedHashSet<>();
        for (CaptureItem item : items) {
            if (item.accepted()) {
                keys.add(item.trade().key().value());
            } else if (item.slot() != null) {
                keys.add(item.slot().key());  // a refused record in its key's sequence moves that sequence
            }
        }
        return keys;
    }

    private static List<CaptureItem> concat(List<CaptureItem> a, List<CaptureItem> b) {
        List<CaptureItem> all = new ArrayList<>(a.size() + b.size());
        all.addAll(a);
        all.addAll(b);
        return all;
    }

    private void record(List<CaptureItem> items, CaptureTransaction.Result result) {
        long now = System.currentTimeMillis();
        Set<CaptureItem> stillHeld = Collections.newSetFromMap(new IdentityHashMap<>());
        stillHeld.addAll(result.held());
        for (CaptureItem item : items) {
            if (!stillHeld.contains(item)) {
                metrics.captureLatency(now - item.record().timestampMillis());
            }
        }
        metrics.processed(Outcome.CAPTURED, result.captured());
        metrics.processed(Outcome.DUPLICATE, result.duplicates());
        metrics.processed(Outcome.SUPERSEDED, result.superseded());
        metrics.processed(Outcome.REJECTED, result.rejected());
        result.rejectReasons().forEach(metrics::rejected);
    }

    /** The backoff before attempt {@code attempt + 1}: doubling from the initial wait up to the cap, with jitter. */
    private Uni<Void> pause(int attempt) {
        long initial = retry.initialBackoff().toMillis();
        long cap = retry.maxBackoff().toMillis();
        long ceiling = Math.min(cap, initial << Math.min(attempt, 20));
        long millis = Math.max(1, (long) (ceiling * (0.7 + 0.3 * ThreadLocalRandom.current().nextDouble())));
        return Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(millis));
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

    private static <T extends Throwable> T find(Throwable f, Class<T> type) {
        for (Throwable t = f; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    static String describe(Throwable f) {
        return f.getClass().getSimpleName() + ": " + f.getMessage();
    }
}
