package com.pb.synth.tradecapture.ingest;

import java.time.OffsetDateTime;

/**
 * A trade accepted over HTTP. {@code sourceOffset} is null while the request holding the job waits
 * for the broker's acknowledgement; only an acknowledged job is ever reported to a caller.
 */
public record IngestJob(String jobId, String idempotencyKey, String tradeId, int version, String partitionKey,
                        String enteredBy, String callbackUrl, String sourceTopic, Integer sourcePartition,
                        Long sourceOffset, OffsetDateTime createdAt, OffsetDateTime acceptedAt) {

    public boolean accepted() {
        return sourceOffset != null;
    }
}
