package com.pb.synth.tradecapture.domain;

/**
 * A trade version as the store holds it: what it contributed to its key's position and the
 * captured event it was published with (so a duplicate can be republished identically).
 */
public record StoredVersion(String tradeId, int version, String partitionKey, Contribution contribution,
                            byte[] capturedEvent) {
}
