package com.pb.synth.tradecapture.capture;

import com.pb.synth.tradecapture.domain.ReasonCode;

/** A record of the batch can never be captured as it is (its event is too large, say): isolate it. */
public class CaptureRejectedException extends RuntimeException {

    private final ReasonCode reason;

    public CaptureRejectedException(ReasonCode reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public ReasonCode reason() {
        return reason;
    }
}
