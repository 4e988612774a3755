package com.pb.synth.tradecapture.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class ApprovalDecisionTest {

    private static final Position BEFORE = new Position("A_B_S", new BigDecimal("150"), new BigDecimal("1500"), 2, 1, 7);

    @Test
    void onlyTheNewestWaitingVersionCanBeDecidedAndNeverByWhoeverEnteredIt() {
        assertThat(ApprovalDecision.refusal("T", 1, 2, true, true, "ops", "boss").message()).contains("superseded by v2");
        assertThat(ApprovalDecision.refusal("T", 2, 2, false, true, "ops", "boss").message())
                .contains("not waiting for approval");
        assertThat(ApprovalDecision.refusal("T", 2, 2, true, false, "ops", "boss")).isNotNull();
        ApprovalDecision.Refusal self = ApprovalDecision.refusal("T", 2, 2, true, true, "ops", "ops");
        assertThat(self.forbidden()).isTrue();
        assertThat(self.message()).contains("entered it (ops)");
        assertThat(ApprovalDecision.refusal("T", 2, 2, true, true, "ops", "boss")).isNull();
        assertThat(ApprovalDecision.refusal("T", 2, 2, true, true, null, "boss")).isNull();
    }

    @Test
    void approvingKeepsTheEconomicsAndEndsThePendingCountRejectingTakesThemOut() {
        Position approved = ApprovalDecision.positionAfter(BEFORE, new BigDecimal("50"), new BigDecimal("500"), true, 8);
        assertThat(approved.quantity()).isEqualByComparingTo("150");
        assertThat(approved.pendingCount()).isZero();
        assertThat(approved.fencingToken()).isEqualTo(8);
        Position rejected = ApprovalDecision.positionAfter(BEFORE, new BigDecimal("50"), new BigDecimal("500"), false, 8);
        assertThat(rejected.quantity()).isEqualByComparingTo("100");
        assertThat(rejected.notional()).isEqualByComparingTo("1000");
        assertThat(rejected.tradeCount()).isEqualTo(1);
        assertThat(rejected.pendingCount()).isZero();
        assertThat(ApprovalDecision.workflowStatus(false)).isEqualTo(WorkflowStatus.REJECTED);
        assertThat(ApprovalDecision.positionState(true)).isEqualTo(PositionState.FORMED);
    }
}
