package com.pb.synth.tradecapture.store;

import static com.pb.synth.tradecapture.store.Statement.bind;

import com.pb.synth.tradecapture.config.CaptureConfig;
import com.pb.synth.tradecapture.domain.Trade;
import com.pb.synth.tradecapture.metrics.ConsumerLag;
import com.pb.synth.tradecapture.config.InstanceId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Books the lot changes capture queues ({@link LotKeeper}), behind capture and off its transactions.
 * Capture tells it which keys it queued changes for; every {@code capture.store.lot-book-interval} it
 * books them, {@value #KEYS} keys a transaction, until none is left. While this instance's consumer lag
 * is above {@code capture.store.lot-defer-lag} (a backlog drains) it books nothing, so capture keeps
 * the CPU and the database, and the books catch up once the backlog is gone; a position read books its
 * own key meanwhile. A round that fails is booked again key by key, so a key that cannot be
 * booked costs the others nothing: it is logged, counted, and tried again with the orphans; unless the
 * store does not answer at all, when the round's keys wait whole for the next tick.
 *
 * <p>Orphans: changes an instance queued and stopped before booking (a crash, a rebalance) are booked
 * by any instance once older than {@code capture.store.lot-orphan-age}. Books of positions from before
 * the books (a database migrated while capture runs) are built from their stored versions, key by key
 * ({@link LotKeeper#build}), every {@code capture.store.lot-build-interval} until a pass finds none;
 * a key the booker meets first is built then. Two instances booking one key take turns on its book's
 * row lock, and a change booked twice is booked once.
 */
@ApplicationScoped
public class LotBooker {

    private static final Logger LOG = Logger.getLogger(LotBooker.class);
    /** Positions without a book read at a time by the build pass. */
    static final int PAGE = 50;
    /** Keys booked in one transaction. */
    static final int KEYS = 128;
    /** Queued changes of a key booked in one transaction (a key with more is booked again at once). */
    static final int PER_KEY = 1_000;
    /** Rounds of {@link #PER_KEY} changes a read books for its key before it replays instead. */
    static final int READ_PASSES = 10;
    /** Keys with orphaned changes read at a time. */
    static final int ORPHANS = 1_000;

    static final Statement UNBUILT = Statement.of("positions without a lot book",
            "SELECT p.partition_key FROM positions p WHERE p.partition_key > $1 AND NOT EXISTS (SELECT 1 "
                    + "FROM lot_books b WHERE b.partition_key = p.partition_key) ORDER BY p.partition_key LIMIT $2",
            "SELECT TOP (@p2) p.partition_key FROM positions p WHERE p.partition_key > @p1 AND NOT EXISTS (SELECT 1 "
                    + "FROM lot_books b WHERE b.partition_key = p.partition_key) ORDER BY p.partition_key",
            bind("positions.partition_key", String.class), bind(null, Integer.class));
    static final Statement ORPHANED = Statement.of("keys with lot changes queued long ago",
            "SELECT DISTINCT partition_key FROM lot_queue WHERE queued_at < $1 LIMIT $2",
            "SELECT DISTINCT TOP (@p2) partition_key FROM lot_queue WHERE queued_at < @p1",
            bind("lot_queue.queued_at", OffsetDateTime.class), bind(null, Integer.class));
    static final Statement PROBE = Statement.portable("the store answers", "SELECT 1 AS one");
    public static final List<Statement> STATEMENTS = List.of(UNBUILT, ORPHANED, PROBE);

    private final StoreStatements store;
    private final LotKeeper keeper;
    private final LotRepository repository;
    private final Pool pool;
    private final TransactionRetry retry;
    private final ConsumerLag lag;
    private final long deferLag;
    private final Duration orphanAge;
    private final Set<String> dirty = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean buildsDone = new AtomicBoolean();
    private final AtomicLong built = new AtomicLong();
    private final Counter failures;
    private volatile boolean stopping;

    public LotBooker(StoreStatements store, LotKeeper keeper, LotRepository repository, @CaptureStore Pool pool, TransactionRetry retry,
                     ConsumerLag lag, CaptureConfig config, MeterRegistry registry, InstanceId instance) {
        this.store = store;
        this.keeper = keeper;
        this.repository = repository;
        this.pool = pool;
        this.retry = retry;
        this.lag = lag;
        this.deferLag = config.store().lotDeferLag();
        this.orphanAge = config.store().lotOrphanAge();
        Gauge.builder("capture.lots.keys.behind", dirty, Set::size).tag("region", config.region())
                .tag("instance", instance.value())
                .description("Keys with lot changes queued by this instance and not booked yet").register(registry);
        this.failures = Counter.builder("capture.lots.booking.failures").tag("region", config.region())
                .tag("instance", instance.value())
                .description("Keys whose queued lot changes failed to book (tried again with the orphans)")
                .register(registry);
    }

    /** The queue row of the change capturing {@code trade} makes to its key's lots ({@link LotKeeper#queueRow}). */
    public Object[] queueRow(int n, Trade trade, boolean live, Instant capturedAt) {
        return keeper.queueRow(n, trade, live, capturedAt);
    }

    /**
     * In a capture's transaction: queues its changes to keys' lots ({@link #queueRow} rows, in order)
     * and gives {@code newKeys} (new positions) an empty book. Statements sent together.
     */
    public Uni<Integer> queue(SqlConnection conn, List<Object[]> rows, Collection<String> newKeys, OffsetDateTime at) {
        return Uni.combine().all().unis(repository.enqueue(conn, rows), repository.newBooks(conn, newKeys, at))
                .with((queued, books) -> queued + books);
    }

    /** Capture queued lot changes for {@code keys} (committed): they are booked at the next tick. */
    public void queued(Collection<String> keys) {
        dirty.addAll(keys);
    }

    @Scheduled(every = "${capture.store.lot-book-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        return deferred() || stopping ? Uni.createFrom().voidItem() : drain(true)
                .onFailure(StoreDown.class).invoke(f -> LOG.debugf("lot booking waits for the store: %s", f.getCause()))
                .onFailure(StoreDown.class).recoverWithNull();
    }

    /** A round failed and the store does not answer: its keys wait for the next tick, none is tried alone. */
    private static final class StoreDown extends RuntimeException {
        StoreDown(Throwable cause) {
            super("the store does not answer", cause, false, false);
        }
    }

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
    }

    /** True while this instance's consumer lag is above the deferral's: capture first. */
    private boolean deferred() {
        return lag.total() > deferLag;
    }

    /** Books every key queued so far, {@value #KEYS} at a time, until none is left. */
    public Uni<Void> drain() {
        return drain(false);
    }

    /** {@code defer}: stops after a round while the consumer lag is above the deferral's. */
    private Uni<Void> drain(boolean defer) {
        List<String> keys = take();
        if (keys.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return round(keys).flatMap(v -> stopping || defer && deferred() ? Uni.createFrom().voidItem() : drain(defer));
    }

    private List<String> take() {
        List<String> keys = new ArrayList<>(KEYS);
        for (Iterator<String> it = dirty.iterator(); it.hasNext() && keys.size() < KEYS; ) {
            keys.add(it.next());
            it.remove();
        }
        return keys;
    }

    /**
     * Books, in the caller's transaction, what is queued for {@code key} as that transaction sees it
     * (a position read's snapshot, so the book then matches the position it read), up to
     * {@value #READ_PASSES} rounds of {@value #PER_KEY}; false when more is queued than that or the key
     * has no book (the read replays instead). A booker that booked the key since the snapshot makes the
     * transaction a serialization victim: the read runs again.
     */
    public Uni<Boolean> bookIn(SqlConnection conn, String key) {
        return bookIn(conn, key, 1);
    }

    private Uni<Boolean> bookIn(SqlConnection conn, String key, int pass) {
        return keeper.book(conn, List.of(key), PER_KEY, Instant.now()).flatMap(b -> {
            if (!b.unbuilt().isEmpty()) {
                return Uni.createFrom().item(false);
            }
            if (b.more().isEmpty()) {
                return Uni.createFrom().item(true);
            }
            return pass < READ_PASSES ? bookIn(conn, key, pass + 1) : Uni.createFrom().item(false);
        });
    }

    private Uni<LotKeeper.Booked> transaction(List<String> keys) {
        return retry.run(() -> pool.withTransaction(conn -> keeper.book(conn, keys, PER_KEY, Instant.now())))
                .invoke(b -> dirty.addAll(b.more()));
    }

    /** One transaction's keys; when it fails, each key again alone. Keys without a book are built. */
    private Uni<Void> round(List<String> keys) {
        if (keys.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return transaction(keys).flatMap(b -> {
            Uni<Void> all = Uni.createFrom().voidItem();
            for (String key : b.unbuilt()) {
                all = all.flatMap(v -> build(key).replaceWithVoid());
            }
            return all;
        }).onFailure().recoverWithUni(f -> {
            if (stopping) {
                // the pool is closing: what is queued stays queued, booked by whichever instance comes next
                LOG.debugf("lot changes of %d key(s) left queued at shutdown: %s", keys.size(), f);
                return Uni.createFrom().voidItem();
            }
            if (keys.size() == 1) {
                failures.increment();
                LOG.warnf("lot changes of %s not booked (tried again with the orphans): %s", keys.get(0), f.toString());
                return Uni.createFrom().voidItem();
            }
            // a store that does not answer fails every key alike: they wait, whole, for the next tick
            return store.run(PROBE).map(r -> true).onFailure().recoverWithItem(false).flatMap(up -> {
                if (!up) {
                    dirty.addAll(keys);
                    return Uni.createFrom().failure(new StoreDown(f));
                }
                LOG.debugf("a round of %d keys' lot changes failed, booking them one by one: %s", keys.size(), f);
                Uni<Void> each = Uni.createFrom().voidItem();
                for (String key : keys) {
                    each = each.flatMap(v -> round(List.of(key)));
                }
                return each;
            });
        });
    }

    /**
     * Builds {@code key}'s book from its stored versions ({@link LotKeeper#build}); what was queued
     * after is booked at the next tick. True when this call built it.
     */
    private Uni<Boolean> build(String key) {
        return keeper.build(key).invoke(b -> {
            if (b) {
                built.incrementAndGet();
            }
            dirty.add(key);
        });
    }

    /**
     * Changes queued longer ago than the orphan age (those of an instance that stopped before booking
     * them, or whose booking failed), {@value #ORPHANS} keys at a time; not while booking is deferred.
     */
    @Scheduled(every = "${capture.store.lot-orphan-age}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public Uni<Void> orphans() {
        if (deferred() || stopping) {
            return Uni.createFrom().voidItem();
        }
        OffsetDateTime before = OffsetDateTime.now(ZoneOffset.UTC).minus(orphanAge);
        return store.run(ORPHANED, before, ORPHANS).flatMap(rows -> {
                    List<String> keys = new ArrayList<>();
                    rows.forEach(r -> keys.add(r.getString("partition_key")));
                    dirty.removeAll(keys);
                    Uni<Void> all = Uni.createFrom().voidItem();
                    for (int i = 0; i < keys.size(); i += KEYS) {
                        List<String> chunk = keys.subList(i, Math.min(keys.size(), i + KEYS));
                        all = all.flatMap(v -> round(chunk));
                    }
                    return all;
                })
                .onFailure().invoke(f -> LOG.warnf("orphaned lot changes not looked for this time: %s", f.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    @Scheduled(every = "${capture.store.lot-build-interval}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> builds() {
        if (buildsDone.get()) {
            return Uni.createFrom().voidItem();
        }
        return pass("", 0, 0).invoke(failed -> {
            if (failed == 0) {
                buildsDone.set(true);
                if (built.get() > 0) {
                    LOG.infof("every position has its lot book (%d built in the background)", built.get());
                }
            }
        }).onFailure().invoke(f -> LOG.warnf("lot books not built this time: %s", f.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Builds the books of the unbuilt keys after {@code after}, a page at a time; the count of those that failed. */
    private Uni<Integer> pass(String after, int builtSoFar, int failed) {
        return store.run(UNBUILT, after, PAGE).flatMap(rows -> {
            List<String> keys = new ArrayList<>();
            rows.forEach(r -> keys.add(r.getString("partition_key")));
            if (keys.isEmpty()) {
                return Uni.createFrom().item(failed);
            }
            int[] failures = {failed};
            int[] count = {builtSoFar};
            Uni<Void> page = Uni.createFrom().voidItem();
            for (String key : keys) {
                page = page.flatMap(v -> build(key).invoke(b -> {
                    if (b) {
                        count[0]++;
                    }
                }).onFailure().recoverWithItem(f -> {
                    LOG.warnf("lot book of %s not built: %s", key, f.getMessage());
                    failures[0]++;
                    return false;
                }).replaceWithVoid());
            }
            return page.flatMap(v -> {
                LOG.infof("built the lot books of %d position(s) so far, up to %s", count[0], keys.get(keys.size() - 1));
                return pass(keys.get(keys.size() - 1), count[0], failures[0]);
            });
        });
    }

    /** One pass over the positions without a lot book, now (as the schedule runs it); how many it built. */
    public Uni<Integer> buildAll() {
        long before = built.get();
        return pass("", 0, 0).map(failed -> (int) (built.get() - before));
    }
}
