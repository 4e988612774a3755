package com.pb.synth.tradecapture.domain;

/**
 * A trade version as the store holds it: what it contributed to its key's position, the captured
 * event it was published with (so a duplicate can be republished identically) and the input record
 * it was captured from ({@code sourcePartition} -1 when it came from no Kafka record), and when.
 */
public record StoredVersion(String tradeId, int version, String partitionKey, Contribution contribution,
                            byte[] capturedEvent, int sourcePartition, long sourceOffset, long capturedAtMillis) {

    /** True when this version was captured from that very input record (the record is a redelivery). */
    public boolean capturedFrom(int partition, long offset) {
        return sourcePartition == partition && sourceOffset == offset;
    }
}
