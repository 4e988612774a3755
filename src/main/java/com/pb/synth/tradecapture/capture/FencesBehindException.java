package com.pb.synth.tradecapture.capture;

import java.util.Map;

/**
 * Keys whose stored fencing token is newer than the one this batch's lock got: either this batch's
 * lock expired and a newer writer wrote, or Redis lost its fence counters (a restart without
 * persistence, a failover to a replica that missed writes) and they started again from 1. The
 * batch is refused like any fenced write; before it is tried again the counters are raised past the
 * stored tokens ({@code PartitionLock.raiseFences}), so capture resumes at once rather than after
 * one refused attempt per token the counter lost.
 */
public class FencesBehindException extends ConcurrentCaptureException {

    private final Map<String, Long> stored;

    public FencesBehindException(Map<String, Long> stored) {
        super(stored.size() + " key(s) have a stored fencing token newer than this batch's: " + stored.keySet()
                .stream().limit(5).toList());
        this.stored = Map.copyOf(stored);
    }

    /** The stored token of each key that was behind. */
    public Map<String, Long> stored() {
        return stored;
    }
}
