package com.pb.synth.tradecapture.domain;

/** A record that cannot be captured, with the reason operations see on the DLQ and in exceptions. */
public record Rejection(ReasonCode reasonCode, String detail) {
}
