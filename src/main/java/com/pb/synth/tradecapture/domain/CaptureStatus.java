package com.pb.synth.tradecapture.domain;

/** What capture did with one trade version. */
public enum CaptureStatus {
    /** Applied: stored and moved the position. */
    CAPTURED,
    /** An older version than the one stored: changed nothing. */
    SUPERSEDED,
    /** This exact version was captured before: changed nothing, republished as first captured. */
    DUPLICATE,
    /**
     * Waits for a gap in its key's sequence numbers: not applied, not published; decided again when
     * the gap fills or its gap timeout passes. Never on the wire.
     */
    HELD
}
