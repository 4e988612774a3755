package com.pb.synth.tradecapture.capture;

/**
 * A batch given up because the instance is shutting down while the batch waits to retry: nothing of
 * it is acknowledged, so the partitions' next owner reads its records again (what it had already
 * captured comes out as DUPLICATE there).
 */
public class CaptureStoppedException extends RuntimeException {

    public CaptureStoppedException(int records, String failure) {
        super("shutting down: " + records + " records left to the partitions' next owner instead of retrying (" + failure
                + ")", null, false, false);
    }
}
