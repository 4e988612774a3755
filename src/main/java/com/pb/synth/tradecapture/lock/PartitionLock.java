package com.pb.synth.tradecapture.lock;

import com.pb.synth.tradecapture.config.CaptureConfig;
import com.pb.synth.tradecapture.metrics.CaptureMetrics;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.mutiny.redis.client.Command;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.LongConsumer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The Redis partition lock: {@code SET lock:{key} token NX PX ttl} plus {@code INCR fence:{key}}
 * for every key of a batch in one pipelined round trip, released by a compare-and-delete script.
 * The braces are a Redis Cluster hash tag: a key's lock and fence live in the same slot.
 *
 * <p>All or nothing: if any key is held elsewhere, the keys won are released at once and the whole
 * set is tried again after a jittered backoff, so two instances never hold halves of each other's
 * sets. Waiting is non-blocking and never gives up: a trade is never dropped for a lock.
 *
 * <p>A batch's keys go in chunks ({@code capture.lock.keys-per-round-trip}), one round trip after
 * another: the Redis client refuses more commands awaiting replies than its waiting queue holds.
 * Against a Redis Cluster ({@code quarkus.redis.client-type=cluster}) a round trip's keys are
 * grouped by hash slot, one pipeline per slot, all in flight together.
 */
@Singleton
public class PartitionLock {

    private static final Logger LOG = Logger.getLogger(PartitionLock.class);
    static final String RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then "
            + "return redis.call('del', KEYS[1]) else return 0 end";
    /** Raises a fence counter to at least ARGV[1]; never lowers it. */
    static final String RAISE = "local c = tonumber(redis.call('get', KEYS[1]) or '0') "
            + "if c < tonumber(ARGV[1]) then redis.call('set', KEYS[1], ARGV[1]) return 1 end return 0";
    /**
     * How far past a stored token a raised counter goes. A writer that took its token before Redis
     * lost the counter and has not written yet holds a token at most the number of acquisitions of
     * its key since the last stored write above it; a new writer's token must beat that, or a stale
     * writer's late write could tie with a fresh one.
     */
    static final long RAISE_MARGIN = 1_000_000L;
    static final String RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then "
            + "return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";

    private final Redis redis;
    private final CaptureConfig.Lock config;
    private final CaptureMetrics metrics;
    private final boolean cluster;

    public PartitionLock(Redis redis, CaptureConfig config, CaptureMetrics metrics,
                         @ConfigProperty(name = "quarkus.redis.client-type", defaultValue = "standalone") String clientType) {
        this.redis = redis;
        this.config = config.lock();
        this.metrics = metrics;
        this.cluster = "cluster".equalsIgnoreCase(clientType.trim());
    }

    public static String lockKey(String partitionKey) {
        return "lock:{" + partitionKey + "}";
    }

    public static String fenceKey(String partitionKey) {
        return "fence:{" + partitionKey + "}";
    }

    /** Acquires every key, waiting (without blocking a thread) while any is held elsewhere. */
    public Uni<LockLease> acquireAll(Collection<String> keys) {
        return acquireAll(keys, () -> false);
    }

    /**
     * As {@link #acquireAll(Collection)}, but gives up between two attempts once {@code giveUp} says
     * so (the work the locks were for is no longer this instance's, e.g. its partitions were
     * revoked), failing with {@link LockWaitAbandonedException}: the new owner is not kept waiting
     * by a set of locks that keeps being tried for records it now captures itself.
     */
    public Uni<LockLease> acquireAll(Collection<String> keys, BooleanSupplier giveUp) {
        long start = System.nanoTime();
        List<List<List<String>>> rounds = rounds(keys);
        return Uni.createFrom().deferred(() -> tryAcquire(rounds, keys.size(), start, 0, giveUp));
    }

    /**
     * Runs {@code work} under the keys' locks: acquired all or nothing (as
     * {@link #acquireAll(Collection, BooleanSupplier)}), renewed while the work runs
     * ({@link #keepAlive}), released once it ends, however it ends. A release that fails is
     * logged and recovered: the locks then expire by TTL. {@code released} gets the release's
     * start ({@link System#nanoTime()}) once it is done.
     */
    public <T> Uni<T> withLocks(Collection<String> keys, BooleanSupplier giveUp, Function<LockLease, Uni<T>> work,
                                LongConsumer released) {
        return acquireAll(keys, giveUp).flatMap(lease -> {
            Cancellable renewal = keepAlive(lease);
            // deferred: work that throws before returning its Uni still gets its locks released
            return Uni.createFrom().deferred(() -> work.apply(lease)).onTermination().invoke(renewal::cancel)
                    .onTermination().call(() -> {
                        long releaseStart = System.nanoTime();
                        return release(lease)
                                .onFailure().invoke(f -> LOG.warnf("lock release failed, locks expire by TTL: %s",
                                        f.toString()))
                                .onFailure().recoverWithNull()
                                .invoke(() -> released.accept(releaseStart));
                    });
        });
    }

    /**
     * The keys in round trips of at most {@code keys-per-round-trip} keys, one after another. Each
     * round trip is one pipeline against a single Redis; against a Redis Cluster it is one pipeline
     * per hash slot of its keys (a pipeline's keys must share a slot), all sent at once over one
     * cluster connection, which routes each to its slot's master.
     */
    List<List<List<String>>> rounds(Collection<String> keys) {
        return rounds(keys, config.keysPerRoundTrip(), cluster);
    }

    /** As above, for a round-trip size and a kind of Redis; a slot with more keys than a round trip holds is split. */
    static List<List<List<String>>> rounds(Collection<String> keys, int keysPerRoundTrip, boolean cluster) {
        int size = Math.max(1, keysPerRoundTrip);
        List<List<List<String>>> rounds = new ArrayList<>();
        if (!cluster) {
            List<String> all = List.copyOf(keys);
            for (int i = 0; i < all.size(); i += size) {
                rounds.add(List.of(all.subList(i, Math.min(all.size(), i + size))));
            }
            return rounds;
        }
        Map<Integer, List<String>> bySlot = new java.util.LinkedHashMap<>();
        for (String key : keys) {
            bySlot.computeIfAbsent(slot(key), s -> new ArrayList<>(2)).add(key);
        }
        List<List<String>> round = new ArrayList<>();
        int inRound = 0;
        List<List<String>> groups = new ArrayList<>(bySlot.size());
        for (List<String> slotKeys : bySlot.values()) {
            for (int i = 0; i < slotKeys.size(); i += size) {
                groups.add(slotKeys.subList(i, Math.min(slotKeys.size(), i + size)));
            }
        }
        for (List<String> group : groups) {
            if (inRound > 0 && inRound + group.size() > size) {
                rounds.add(round);
                round = new ArrayList<>();
                inRound = 0;
            }
            round.add(group);
            inRound += group.size();
        }
        if (!round.isEmpty()) {
            rounds.add(round);
        }
        return rounds;
    }

    /**
     * The Redis Cluster hash slot of a partition key's lock and fence (they share the hash tag, so
     * the slot), computed by the client's own slot function, the one it routes commands by.
     */
    static int slot(String partitionKey) {
        return io.vertx.redis.client.impl.ZModem.generate(lockKey(partitionKey));
    }

    /** One round trip: each group's pipeline; one connection for all of them when there are several (a cluster). */
    private Uni<List<List<Response>>> send(List<List<Request>> pipelines) {
        if (pipelines.size() == 1) {
            return redis.batch(pipelines.get(0)).map(List::of);
        }
        return redis.connect().flatMap(connection -> {
            List<Uni<List<Response>>> sent = new ArrayList<>(pipelines.size());
            for (List<Request> pipeline : pipelines) {
                sent.add(connection.batch(pipeline));
            }
            return Uni.join().all(sent).andFailFast()
                    .onTermination().call(() -> connection.close().onFailure().recoverWithNull());
        });
    }

    private Uni<LockLease> tryAcquire(List<List<List<String>>> rounds, int total, long start, int attempt,
                                      BooleanSupplier giveUp) {
        String token = UUID.randomUUID().toString();
        Map<String, Long> fences = new HashMap<>(total * 2);
        List<String> won = new ArrayList<>(total);
        Uni<Void> all = Uni.createFrom().voidItem();
        for (List<List<String>> round : rounds) {
            all = all.flatMap(v -> acquireRound(round, token, fences, won));
        }
        return all.onFailure().call(f -> releaseKeys(won, token).onFailure().recoverWithNull())
                .flatMap(v -> {
                    metrics.lockAttempted(total);
                    if (won.size() == total) {
                        metrics.lockAcquired(System.nanoTime() - start);
                        return Uni.createFrom().item(new LockLease(token, fences, System.nanoTime()));
                    }
                    metrics.lockContended(total - won.size());
                    long waited = System.nanoTime() - start;
                    if (waited > config.waitWarning().toNanos() && attempt % 20 == 0) {
                        LOG.warnf("waited %d ms for %d of %d partition locks", waited / 1_000_000, total - won.size(),
                                total);
                    }
                    return releaseKeys(won, token)
                            .onItem().delayIt().by(backoff(attempt))
                            .flatMap(x -> giveUp.getAsBoolean()
                                    ? Uni.createFrom().failure(new LockWaitAbandonedException(total - won.size(), total))
                                    : tryAcquire(rounds, total, start, attempt + 1, giveUp));
                });
    }

    /** One round trip: SET NX PX and INCR for each key of the round; records the keys won and their fences. */
    private Uni<Void> acquireRound(List<List<String>> round, String token, Map<String, Long> fences, List<String> won) {
        String ttl = Long.toString(config.ttl().toMillis());
        List<List<Request>> pipelines = new ArrayList<>(round.size());
        for (List<String> keys : round) {
            List<Request> batch = new ArrayList<>(keys.size() * 2);
            for (String key : keys) {
                batch.add(Request.cmd(Command.SET).arg(lockKey(key)).arg(token).arg("NX").arg("PX").arg(ttl));
                batch.add(Request.cmd(Command.INCR).arg(fenceKey(key)));
            }
            pipelines.add(batch);
        }
        return send(pipelines).invoke(replies -> {
            for (int g = 0; g < round.size(); g++) {
                List<Response> responses = replies.get(g);
                int i = 0;
                for (String key : round.get(g)) {
                    Response set = responses.get(i++);
                    Response fence = responses.get(i++);
                    if (set != null && "OK".equals(set.toString())) {
                        won.add(key);
                        fences.put(key, fence.toLong());
                    }
                }
            }
        }).replaceWithVoid();
    }

    /** True when Redis answers a PING within its timeout. */
    public Uni<Boolean> ping() {
        return redis.send(Request.cmd(Command.PING)).map(r -> true).onFailure().recoverWithItem(false);
    }

    private java.time.Duration backoff(int attempt) {
        long initial = config.initialBackoff().toMillis();
        long cap = config.maxBackoff().toMillis();
        long ceiling = Math.min(cap, initial << Math.min(attempt, 16));
        return java.time.Duration.ofMillis(Math.max(1, ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1)));
    }

    /**
     * Extends the lease's locks by a whole TTL, key by key where the lock is still this lease's;
     * returns how many were. A batch renews its locks while it runs, so the TTL can be short: a
     * stalled or dead owner's locks expire within one TTL, a slow batch keeps its own.
     */
    public Uni<Integer> renew(LockLease lease) {
        String ttl = Long.toString(config.ttl().toMillis());
        long asked = System.nanoTime();
        int held = lease.fencingTokens().size();
        return scriptPerKey(lease.fencingTokens().keySet(),
                key -> Request.cmd(Command.EVAL).arg(RENEW).arg(1).arg(lockKey(key)).arg(lease.token()).arg(ttl))
                .invoke(renewed -> {
                    if (renewed == held) {
                        lease.confirmed(asked);
                    }
                });
    }

    /**
     * Whether every lock of the lease is still this lease's: true without a round trip while Redis
     * confirmed them less than half a TTL ago, else asked (and renewed). A writer that was frozen
     * past its TTL (a long GC pause, SIGSTOP) learns here that its keys may have a new owner.
     */
    public Uni<Boolean> stillHeld(LockLease lease) {
        if (lease.fencingTokens().isEmpty()
                || System.nanoTime() - lease.confirmedNanos() < config.ttl().toNanos() / 2) {
            return Uni.createFrom().item(true);
        }
        return renew(lease).map(renewed -> renewed == lease.fencingTokens().size());
    }

    /**
     * One script call per key, pipelined in chunks of {@code keys-per-round-trip}, one round trip
     * after another; returns how many calls answered 1.
     */
    private Uni<Integer> scriptPerKey(Collection<String> keys, java.util.function.Function<String, Request> call) {
        Uni<Integer> done = Uni.createFrom().item(0);
        for (List<List<String>> round : rounds(keys)) {
            List<List<Request>> pipelines = new ArrayList<>(round.size());
            for (List<String> group : round) {
                List<Request> batch = new ArrayList<>(group.size());
                for (String key : group) {
                    batch.add(call.apply(key));
                }
                pipelines.add(batch);
            }
            done = done.flatMap(n -> send(pipelines).map(replies -> {
                int ok = n;
                for (List<Response> responses : replies) {
                    for (Response r : responses) {
                        ok += r != null && r.toLong() == 1 ? 1 : 0;
                    }
                }
                return ok;
            }));
        }
        return done;
    }

    /**
     * Renews the lease's locks every third of their TTL (so two renewals may fail before expiry)
     * until cancelled: work slower than the TTL keeps its keys while a dead owner's expire within
     * one TTL. A lock found lost is logged and left to the fence, which refuses the late write.
     */
    public Cancellable keepAlive(LockLease lease) {
        java.time.Duration every = config.ttl().dividedBy(3);
        int held = lease.fencingTokens().size();
        return Multi.createFrom().ticks().startingAfter(every).every(every).onOverflow().drop()
                .onItem().transformToUniAndConcatenate(tick -> renew(lease)
                        .onFailure().invoke(f -> LOG.debugf("lock renewal failed: %s", f))
                        .onFailure().recoverWithItem(held))
                .subscribe().with(renewed -> {
                    if (renewed < held) {
                        LOG.warnf("%d of %d partition locks were lost before their work ended (expired or taken); "
                                + "the fence decides", held - renewed, held);
                    }
                });
    }

    /**
     * Raises the fence counters of these keys past their stored tokens (by {@link #RAISE_MARGIN}):
     * after Redis lost its counters, the next acquisition then gets a token newer than anything
     * stored or handed out before. Raising is always safe: a counter only ever goes up.
     */
    public Uni<Integer> raiseFences(Map<String, Long> stored) {
        return scriptPerKey(stored.keySet(), key -> Request.cmd(Command.EVAL).arg(RAISE).arg(1).arg(fenceKey(key))
                .arg(Long.toString(stored.get(key) + RAISE_MARGIN))).invoke(n -> {
            if (n > 0) {
                LOG.warnf("fencing counters of %d key(s) were behind their stored tokens (Redis lost data?): raised "
                        + "past them", n);
            }
        });
    }

    /** Releases what the lease still holds; a key whose lock expired and was taken by another is left alone. */
    public Uni<Void> release(LockLease lease) {
        return releaseKeys(lease.fencingTokens().keySet(), lease.token());
    }

    private Uni<Void> releaseKeys(Collection<String> keys, String token) {
        if (keys.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return scriptPerKey(keys, key -> Request.cmd(Command.EVAL).arg(RELEASE).arg(1).arg(lockKey(key)).arg(token))
                .replaceWithVoid();
    }
}
