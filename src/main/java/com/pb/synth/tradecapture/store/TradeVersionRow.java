package com.pb.synth.tradecapture.store;

import java.math.BigDecimal;
import java.time.OffsetDateTime;

/** A trade version as written, with the captured event it was published with. */
public record TradeVersionRow(String tradeId, int version, String partitionKey, String action,
                             BigDecimal signedQuantity, BigDecimal signedNotional, boolean live, boolean pending,
                             Long sequenceNumber, String idempotencyKey, long fencingToken, int sourcePartition,
                             long sourceOffset, OffsetDateTime capturedAt, byte[] capturedEvent) {
}
