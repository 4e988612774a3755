package com.pb.synth.tradecapture.lock;

/** A wait for partition locks given up because the work they were for is no longer this instance's. */
public class LockWaitAbandonedException extends RuntimeException {

    public LockWaitAbandonedException(int held, int total) {
        super(held + " of " + total + " partition locks still held elsewhere; the wait was given up", null, false, false);
    }
}
