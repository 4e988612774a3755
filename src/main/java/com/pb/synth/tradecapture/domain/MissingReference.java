package com.pb.synth.tradecapture.domain;

/** Reference data a trade needed and did not find usable: why (its own reason code) and what. */
public record MissingReference(ReasonCode reason, String detail) {

    @Override
    public String toString() {
        return detail;
    }
}
