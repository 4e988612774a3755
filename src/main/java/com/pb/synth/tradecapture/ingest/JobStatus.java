package com.pb.synth.tradecapture.ingest;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.OffsetDateTime;

/**
 * What a caller sees of a job: {@code ACCEPTED} (the broker has the trade; the 202 answer says
 * so, as the service this one replaces did) until the pipeline has decided, then {@code CAPTURED},
 * {@code SUPERSEDED} (a newer version of the trade was captured) or {@code REJECTED} with the
 * reason code and detail of the exception recorded for it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobStatus(String jobId, String status, String tradeId, int version, String partitionKey,
                        OffsetDateTime acceptedAt, OffsetDateTime capturedAt, String reasonCode, String detail) {

    public static final String ACCEPTED = "ACCEPTED";
    public static final String CAPTURED = "CAPTURED";
    public static final String SUPERSEDED = "SUPERSEDED";
    public static final String REJECTED = "REJECTED";

    public boolean done() {
        return !ACCEPTED.equals(status);
    }

    static JobStatus accepted(IngestJob job) {
        return new JobStatus(job.jobId(), ACCEPTED, job.tradeId(), job.version(), job.partitionKey(), job.acceptedAt(),
                null, null, null);
    }
}
