package com.pb.synth.tradecapture.capture;

import java.util.List;

/**
 * Some of a batch's events were not acknowledged by the broker: exactly these, in their order. Its
 * cause is the broker's first error, which says what kind of failure it is.
 */
public class PublishIncompleteException extends RuntimeException {

    private final transient List<OutgoingRecord> unacknowledged;

    public PublishIncompleteException(List<OutgoingRecord> unacknowledged, Throwable cause) {
        super(unacknowledged.size() + " event(s) not acknowledged by the broker: "
                + (cause == null ? "unknown" : cause.getClass().getSimpleName() + ": " + cause.getMessage()), cause);
        this.unacknowledged = List.copyOf(unacknowledged);
    }

    public List<OutgoingRecord> unacknowledged() {
        return unacknowledged;
    }
}
