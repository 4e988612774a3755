package com.pb.synth.tradecapture.domain;

/** What capture did with one trade version. */
public enum CaptureStatus {
    /** Applied: stored and moved the position. */
    CAPTURED,
    /** An older version than the one stored: changed nothing. */
    SUPERSEDED,
    /** This exact version was captured before: changed nothing, republished as first captured. */
    DUPLICATE
}
