package com.pb.synth.tradecapture.lock;

import java.util.Map;

/**
 * Locks held on a set of partition keys, all under one random token, with the fencing token each
 * key got at acquisition, and when Redis last confirmed them all (acquisition or a renewal of all).
 */
public final class LockLease {

    private final String token;
    private final Map<String, Long> fencingTokens;
    private final long acquiredNanos;
    private volatile long confirmedNanos;

    public LockLease(String token, Map<String, Long> fencingTokens, long acquiredNanos) {
        this.token = token;
        this.fencingTokens = fencingTokens;
        this.acquiredNanos = acquiredNanos;
        this.confirmedNanos = acquiredNanos;
    }

    public long fence(String partitionKey) {
        Long fence = fencingTokens.get(partitionKey);
        if (fence == null) {
            throw new IllegalStateException("no lock held on " + partitionKey);
        }
        return fence;
    }

    public String token() {
        return token;
    }

    public Map<String, Long> fencingTokens() {
        return fencingTokens;
    }

    public long acquiredNanos() {
        return acquiredNanos;
    }

    /** {@link System#nanoTime()} when Redis last confirmed every lock of the lease. */
    public long confirmedNanos() {
        return confirmedNanos;
    }

    void confirmed(long nanos) {
        confirmedNanos = nanos;
    }
}
