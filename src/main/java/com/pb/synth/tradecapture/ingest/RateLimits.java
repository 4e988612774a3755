package com.pb.synth.tradecapture.ingest;

import com.pb.synth.tradecapture.domain.Callers;
import com.pb.synth.tradecapture.http.Problem;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.pb.synth.tradecapture.config.CaptureConfig;
import com.pb.synth.tradecapture.config.InstanceId;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;
import java.time.Duration;

/**
 * HTTP ingest's rate limits, as the replaced service had them: each caller (its authenticated name;
 * every unauthenticated caller shares {@code anonymous}) and each partition key may post so many
 * trades a second with bursts up to a bound (token buckets, Bucket4j). A request over either limit
 * is answered 429 problem+json with {@code Retry-After} and reason {@code RATE_LIMIT_EXCEEDED},
 * before anything is published or stored, and counted in {@code ingest_rate_limited_total{limit}}.
 * The limits hold per instance: behind a load balancer spreading over N instances a caller gets
 * up to N times them.
 */
@Startup // settings checked at start, not at the first request
@Singleton
public class RateLimits {

    public static final String REASON = "RATE_LIMIT_EXCEEDED";
    /** Buckets idle this long are dropped (a full bucket again, as if new); at most this many are kept. */
    private static final Duration IDLE = Duration.ofMinutes(2);
    private static final long MAX_BUCKETS = 200_000;

    private record Limit(String name, long perSecond, long burst, Cache<String, Bucket> buckets, Counter refused) {

        void take(String key) {
            ConsumptionProbe probe = buckets.get(key, k -> Bucket.builder()
                    .addLimit(l -> l.capacity(burst).refillGreedy(perSecond, Duration.ofSeconds(1))).build())
                    .tryConsumeAndReturnRemaining(1);
            if (!probe.isConsumed()) {
                refused.increment();
                long seconds = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
                throw new Problem.Failure(new Problem("https://pb-synth/problems/rate-limit-exceeded",
                        "Too many requests", 429, "over the " + name + " limit of " + perSecond + " trades/s (bursts of "
                        + burst + "); retry after " + seconds + " s", REASON, java.util.List.of()), (int) seconds);
            }
        }
    }

    private final boolean enabled;
    private final Limit caller;
    private final Limit partition;

    public RateLimits(CaptureConfig config, MeterRegistry registry, InstanceId instance) {
        CaptureConfig.RateLimit c = config.http().rateLimit();
        this.enabled = c.enabled();
        this.caller = limit("per-caller", "RATE_LIMIT_GLOBAL", c.globalRps(), c.globalBurst(), registry, config, instance);
        this.partition = limit("per-partition-key", "RATE_LIMIT_PER_PARTITION", c.perPartitionRps(),
                c.perPartitionBurst(), registry, config, instance);
    }

    private static Limit limit(String name, String env, long perSecond, long burst, MeterRegistry registry,
                               CaptureConfig config, InstanceId instance) {
        if (perSecond < 1 || burst < 1) {
            throw new IllegalArgumentException(env + "_RPS and " + env + "_BURST must be at least 1 (got " + perSecond
                    + " and " + burst + "); RATE_LIMIT_ENABLED=false turns the limits off");
        }
        Counter refused = Counter.builder("ingest.rate.limited").tag("region", config.region())
                .tag("instance", instance.value()).tag("limit", name)
                .description("HTTP trades refused with 429 for being over a rate limit").register(registry);
        return new Limit(name, perSecond, burst,
                Caffeine.newBuilder().expireAfterAccess(IDLE).maximumSize(MAX_BUCKETS).build(), refused);
    }

    /** Takes one request from the caller's allowance, or throws the 429. */
    public void caller(String name) {
        if (enabled) {
            caller.take(Callers.orAnonymous(name));
        }
    }

    /** Takes one request from the partition key's allowance, or throws the 429. */
    public void partitionKey(String key) {
        if (enabled) {
            partition.take(key);
        }
    }
}
