package com.pb.synth.tradecapture.domain;

import java.math.BigDecimal;

/**
 * An approver's decision on a trade version waiting for approval, as pure rules. Only the newest
 * version of a trade can be decided, only while it waits, and never by whoever entered it.
 * Approving keeps the version's economics in the position and ends its pending count; rejecting
 * takes them out, like a cancel.
 */
public final class ApprovalDecision {

    public static final String APPROVE = "APPROVE";
    public static final String REJECT = "REJECT";

    /** Why a decision cannot be made: {@code forbidden} (the approver entered it) or a conflict. */
    public record Refusal(boolean forbidden, String message) {
    }

    private ApprovalDecision() {
    }

    public static boolean isDecision(String decision) {
        return APPROVE.equals(decision) || REJECT.equals(decision);
    }

    /** Null when {@code approver} may decide the version now; else why not. */
    public static Refusal refusal(String tradeId, int version, int newest, boolean pending, boolean live,
                                  String enteredBy, String approver) {
        if (newest != version) {
            return new Refusal(false, tradeId + " v" + version + " was superseded by v" + newest
                    + "; decide the newest version");
        }
        if (!pending || !live) {
            return new Refusal(false, tradeId + " v" + version + " is not waiting for approval");
        }
        if (approver != null && approver.equals(enteredBy)) {
            return new Refusal(true, "a trade cannot be approved or rejected by the person who entered it ("
                    + approver + ")");
        }
        return null;
    }

    /** The key's position once the version (with this quantity and notional) is decided, under {@code fence}. */
    public static Position positionAfter(Position before, BigDecimal quantity, BigDecimal notional, boolean approve,
                                         long fence) {
        Contribution was = new Contribution(quantity, notional, true, true);
        Contribution now = approve ? new Contribution(quantity, notional, true, false) : Contribution.NONE;
        return before.replace(was, now, fence);
    }

    public static WorkflowStatus workflowStatus(boolean approve) {
        return approve ? WorkflowStatus.APPROVED : WorkflowStatus.REJECTED;
    }

    public static PositionState positionState(boolean approve) {
        return approve ? PositionState.FORMED : PositionState.CANCELLED;
    }
}
