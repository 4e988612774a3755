package com.pb.synth.tradecapture.lock;

import com.pb.synth.tradecapture.config.CaptureConfig;
import com.pb.synth.tradecapture.metrics.CaptureMetrics;
import io.smallrye.mutiny.Uni;
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
 */
@ApplicationScoped
public class PartitionLock {

    private static final Logger LOG = Logger.getLogger(PartitionLock.class);
    static final String RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then "
            + "return redis.call('del', KEYS[1]) else return 0 end";

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
        return Uni.createFrom().deferred(() -> tryAcquire(keys, start, 0));
    }

    private Uni<LockLease> tryAcquire(Collection<String> keys, long start, int attempt) {
        String token = UUID.randomUUID().toString();
        List<Request> batch = new ArrayList<>(keys.size() * 2);
        String ttl = Long.toString(config.ttl().toMillis());
        for (String key : keys) {
            batch.add(Request.cmd(Command.SET).arg(lockKey(key)).arg(token).arg("NX").arg("PX").arg(ttl));
            batch.add(Request.cmd(Command.INCR).arg(fenceKey(key)));
        }
        return redis.batch(batch).flatMap(responses -> {
            Map<String, Long> fences = new HashMap<>(keys.size() * 2);
            List<String> won = new ArrayList<>(keys.size());
            int i = 0;
            for (String key : keys) {
                Response set = responses.get(i++);
                Response fence = responses.get(i++);
                if (set != null && "OK".equals(set.toString())) {
                    won.add(key);
                    fences.put(key, fence.toLong());
                }
            }
            if (won.size() == keys.size()) {
                metrics.lockAcquired(System.nanoTime() - start);
                return Uni.createFrom().item(new LockLease(token, fences, System.nanoTime()));
            }
            metrics.lockContended(keys.size() - won.size());
            long waited = System.nanoTime() - start;
            if (waited > config.waitWarning().toNanos() && attempt % 20 == 0) {
                LOG.warnf("waited %d ms for %d of %d partition locks", waited / 1_000_000,
                        keys.size() - won.size(), keys.size());
            }
            return releaseKeys(won, token)
                    .onItem().delayIt().by(backoff(attempt))
                    .flatMap(x -> tryAcquire(keys, start, attempt + 1));
        });
    }

    private java.time.Duration backoff(int attempt) {
        long initial = config.initialBackoff().toMillis();
        long cap = config.maxBackoff().toMillis();
        long ceiling = Math.min(cap, initial << Math.min(attempt, 16));
        return java.time.Duration.ofMillis(Math.max(1, ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1)));
    }

    /** Releases what the lease still holds; a key whose lock expired and was taken by another is left alone. */
    public Uni<Void> release(LockLease lease) {
        return releaseKeys(lease.fencingTokens().keySet(), lease.token());
    }

    private Uni<Void> releaseKeys(Collection<String> keys, String token) {
        if (keys.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Request> batch = new ArrayList<>(keys.size());
        for (String key : keys) {
            batch.add(Request.cmd(Command.EVAL).arg(RELEASE).arg(1).arg(lockKey(key)).arg(token));
        }
        return redis.batch(batch).replaceWithVoid();
    }
}
