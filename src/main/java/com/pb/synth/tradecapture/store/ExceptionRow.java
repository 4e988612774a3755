package com.pb.synth.tradecapture.store;

import java.time.OffsetDateTime;

/** A rejected record or a captured trade that needs repair; unique per source record and reason. */
public record ExceptionRow(String reasonCode, String detail, String tradeId, Integer version, String partitionKey,
                           String sourceTopic, int sourcePartition, long sourceOffset, byte[] payload,
                           OffsetDateTime createdAt) {
}
