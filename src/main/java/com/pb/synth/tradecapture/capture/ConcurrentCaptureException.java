package com.pb.synth.tradecapture.capture;

/**
 * Another writer changed this batch's keys under us (its lock expired, or ours did): the store
 * refused part of the batch, the transaction is rolled back and the batch is captured again.
 */
public class ConcurrentCaptureException extends RuntimeException {

    public ConcurrentCaptureException(String message) {
        super(message, null, false, false);
    }
}
