package com.pb.synth.tradecapture.domain;

import java.util.List;

/** Where a trade's contract stands: executed, formed once approved, or cancelled. */
public enum PositionState {
    EXECUTED,
    FORMED,
    CANCELLED;

    /** CANCELLED for a cancel; else FORMED when approved, EXECUTED while it waits for approval. */
    public static PositionState of(Trade trade, List<String> approvalReasons) {
        return trade.action() == TradeAction.CANCEL ? CANCELLED : approvalReasons.isEmpty() ? FORMED : EXECUTED;
    }
}
