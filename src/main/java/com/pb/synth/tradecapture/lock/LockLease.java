package com.pb.synth.tradecapture.lock;

import java.util.Map;

/**
 * Locks held on a set of partition keys, all under one random token, with the fencing token each
 * key got at acquisition.
 */
public record LockLease(String token, Map<String, Long> fencingTokens, long acquiredNanos) {

    public long fence(String partitionKey) {
        Long fence = fencingTokens.get(partitionKey);
        if (fence == null) {
            throw new IllegalStateException("no lock held on " + partitionKey);
        }
        return fence;
    }
}
