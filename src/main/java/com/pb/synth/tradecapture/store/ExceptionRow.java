package com.pb.synth.tradecapture.store;

import java.time.OffsetDateTime;

/**
 * A rejected record or a captured trade that needs repair; unique per source record and reason.
 * {@code sequenceNumber} and {@code payloadSha256}: a refused record's place in its key's sequence,
 * when it could be read, and the hash of its payload (the same bytes again open no second exception).
 */
public record ExceptionRow(String reasonCode, String detail, String tradeId, Integer version, String partitionKey,
                           String sourceTopic, int sourcePartition, long sourceOffset, byte[] payload,
                           OffsetDateTime createdAt, Long sequenceNumber, byte[] payloadSha256) {

    public ExceptionRow(String reasonCode, String detail, String tradeId, Integer version, String partitionKey,
                        String sourceTopic, int sourcePartition, long sourceOffset, byte[] payload,
                        OffsetDateTime createdAt) {
        this(reasonCode, detail, tradeId, version, partitionKey, sourceTopic, sourcePartition, sourceOffset, payload,
                createdAt, null, null);
    }

    /** This exception as a refused record's, with its place in its key's sequence and its payload's hash. */
    public ExceptionRow inSequence(long sequence, byte[] sha256) {
        return new ExceptionRow(reasonCode, detail, tradeId, version, partitionKey, sourceTopic, sourcePartition,
                sourceOffset, payload, createdAt, sequence, sha256);
    }
}
