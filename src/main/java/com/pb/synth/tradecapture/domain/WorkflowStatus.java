package com.pb.synth.tradecapture.domain;

import java.util.List;

/** Whether a captured trade may settle straight through, or waits for an approver. */
public enum WorkflowStatus {
    APPROVED,
    PENDING_APPROVAL,
    /** An approver turned it down. */
    REJECTED;

    /** Approved only when nothing asks for approval. */
    public static WorkflowStatus of(List<String> approvalReasons) {
        return approvalReasons.isEmpty() ? APPROVED : PENDING_APPROVAL;
    }
}
