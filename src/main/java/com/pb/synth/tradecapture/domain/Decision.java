package com.pb.synth.tradecapture.domain;

/**
 * What capture decided for one trade version of a batch.
 *
 * @param positionAfter the key's position right after this trade (unchanged unless captured)
 * @param contribution  what the version contributes to the position when captured
 * @param duplicateOf   for a duplicate of a stored version: that version
 * @param firstInBatch  for a duplicate of a version captured earlier in the same batch: that decision
 * @param rejectReason  non-null when the version cannot be captured at all (it goes to the DLQ)
 */
public record Decision(Trade trade, CaptureStatus status, Position positionAfter, Contribution contribution,
                       boolean pending, StoredVersion duplicateOf, Decision firstInBatch, String rejectReason,
                       String rejectDetail) {

    public boolean captured() {
        return status == CaptureStatus.CAPTURED;
    }

    public boolean rejected() {
        return rejectReason != null;
    }
}
