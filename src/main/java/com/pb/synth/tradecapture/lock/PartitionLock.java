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
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
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
 */
@ApplicationScoped
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

    public PartitionLock(Redis redis, CaptureConfig config, CaptureMetrics metrics) {
        this.redis = redis;
        this.config = config.lock();
        this.metrics = metrics;
    }

    public static String lockKey(String partitionKey) {
        return "lock:{" + partitionKey + "}";
    }

    public static String fenceKey(String partitionKey) {
        return "fence:{" + partitionKey + "}";
    }

    /** Acquires every key, waiting (without blocking a thread) while any is held elsewhere. */
    public Uni<LockLease> acquireAll(Collection<String> keys) {
        long start = System.nanoTime();
        List<List<String>> chunks = chunks(keys);
        return Uni.createFrom().deferred(() -> tryAcquire(chunks, keys.size(), start, 0));
    }

    /** The keys in chunks of {@code keys-per-round-trip}: one pipelined round trip each, one after another. */
    private List<List<String>> chunks(Collection<String> keys) {
        List<String> all = List.copyOf(keys);
        int size = Math.max(1, config.keysPerRoundTrip());
        List<List<String>> chunks = new ArrayList<>((all.size() + size - 1) / size);
        for (int i = 0; i < all.size(); i += size) {
            chunks.add(all.subList(i, Math.min(all.size(), i + size)));
        }
        return chunks;
    }

    private Uni<LockLease> tryAcquire(List<List<String>> chunks, int total, long start, int attempt) {
        String token = UUID.randomUUID().toString();
        Map<String, Long> fences = new HashMap<>(total * 2);
        List<String> won = new ArrayList<>(total);
        Uni<Void> all = Uni.createFrom().voidItem();
        for (List<String> chunk : chunks) {
            all = all.flatMap(v -> acquireChunk(chunk, token, fences, won));
        }
        return all.onFailure().call(f -> releaseKeys(won, token).onFailure().recoverWithNull())
                .flatMap(v -> {
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
                            .flatMap(x -> tryAcquire(chunks, total, start, attempt + 1));
                });
    }

    /** One round trip: SET NX PX and INCR for each key of the chunk; records the keys won and their fences. */
    private Uni<Void> acquireChunk(List<String> keys, String token, Map<String, Long> fences, List<String> won) {
        List<Request> batch = new ArrayList<>(keys.size() * 2);
        String ttl = Long.toString(config.ttl().toMillis());
        for (String key : keys) {
            batch.add(Request.cmd(Command.SET).arg(lockKey(key)).arg(token).arg("NX").arg("PX").arg(ttl));
            batch.add(Request.cmd(Command.INCR).arg(fenceKey(key)));
        }
        return redis.batch(batch).invoke(responses -> {
            int i = 0;
            for (String key : keys) {
                Response set = responses.get(i++);
                Response fence = responses.get(i++);
                if (set != null && "OK".equals(set.toString())) {
                    won.add(key);
                    fences.put(key, fence.toLong());
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
        return scriptPerKey(lease.fencingTokens().keySet(),
                key -> Request.cmd(Command.EVAL).arg(RENEW).arg(1).arg(lockKey(key)).arg(lease.token()).arg(ttl));
    }

    /**
     * One script call per key, pipelined in chunks of {@code keys-per-round-trip}, one round trip
     * after another; returns how many calls answered 1.
     */
    private Uni<Integer> scriptPerKey(Collection<String> keys, java.util.function.Function<String, Request> call) {
        Uni<Integer> done = Uni.createFrom().item(0);
        for (List<String> chunk : chunks(keys)) {
            List<Request> batch = new ArrayList<>(chunk.size());
            for (String key : chunk) {
                batch.add(call.apply(key));
            }
            done = done.flatMap(n -> redis.batch(batch).map(responses -> {
                int ok = n;
                for (Response r : responses) {
                    ok += r != null && r.toLong() == 1 ? 1 : 0;
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
