package com.pb.synth.tradecapture.domain;

/** A listed underlier. */
public record Security(String securityId, String isin, String ric, String currency, String assetClass,
                       String exchange, boolean active) {
}
