package com.pb.synth.tradecapture.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CaptureDeciderTest {

    private static final PartitionKey KEY = new PartitionKey("ACC-001", "BOOK-01", "US0378331005");

    private static Trade trade(String id, int version, TradeAction action, Side side, String qty, String price) {
        return trade(id, version, action, side, qty, price, KEY);
    }

    private static Trade trade(String id, int version, TradeAction action, Side side, String qty, String price,
                               PartitionKey key) {
        return new Trade(id, version, action, side, key, "AUTOMATED", LocalDate.of(2026, 11, 24), null, null, null,
                List.of(), null, null, null, Map.of(),
                List.of(new Lot(List.of(), new BigDecimal(qty), "Share", new BigDecimal(price), "USD")));
    }

    private static CaptureDecider.Plan decide(List<Trade> trades, Map<String, Position> stored,
                                              Map<String, List<StoredVersion>> history) {
        return CaptureDecider.decide(trades, t -> false, stored, history, key -> 7L);
    }

    @Test
    void correctionMovesThePositionByTheDifferenceAndCancelReversesIt() {
        var plan = decide(List.of(
                trade("T1", 1, TradeAction.NEW, Side.BUY, "100", "10"),
                trade("T2", 1, TradeAction.NEW, Side.SELL, "30", "20"),
                trade("T1", 2, TradeAction.CORRECT, Side.BUY, "150", "11"),
                trade("T2", 2, TradeAction.CANCEL, Side.SELL, "30", "20")), Map.of(), Map.of());

        assertThat(plan.decisions()).extracting(Decision::status).containsOnly(CaptureStatus.CAPTURED);
        assertThat(plan.decisions()).extracting(d -> d.positionAfter().quantity().intValue())
                .containsExactly(100, 70, 120, 150);
        Position end = plan.positions().get(KEY.value());
        assertThat(end.notional()).isEqualByComparingTo("1650");
        assertThat(end.tradeCount()).isEqualTo(1);
        assertThat(end.fencingToken()).isEqualTo(7L);
        assertThat(end.averagePrice()).isEqualByComparingTo("11");
    }

    @Test
    void storedVersionIsDuplicateAndOlderVersionIsSuperseded() {
        var stored = new StoredVersion("T1", 3, KEY.value(),
                new Contribution(new BigDecimal("50"), new BigDecimal("500"), true, false), "{\"stored\":true}".getBytes(java.nio.charset.StandardCharsets.UTF_8), -1, -1, 0);
        var position = new Position(KEY.value(), new BigDecimal("50"), new BigDecimal("500"), 1, 0, 3);
        var plan = decide(List.of(
                        trade("T1", 3, TradeAction.CORRECT, Side.BUY, "50", "10"),
                        trade("T1", 2, TradeAction.CORRECT, Side.BUY, "999", "1")),
                Map.of(KEY.value(), position), Map.of("T1", List.of(stored)));

        assertThat(plan.decisions()).extracting(Decision::status)
                .containsExactly(CaptureStatus.DUPLICATE, CaptureStatus.SUPERSEDED);
        assertThat(plan.decisions().get(0).duplicateOf()).isSameAs(stored);
        assertThat(plan.positions()).isEmpty();
        assertThat(plan.decisions().get(1).positionAfter()).isEqualTo(position);
    }

    @Test
    void aVersionRepeatedInOneBatchIsADuplicateOfItsFirstCapture() {
        var plan = decide(List.of(
                trade("T1", 1, TradeAction.NEW, Side.BUY, "10", "1"),
                trade("T1", 1, TradeAction.NEW, Side.BUY, "10", "1")), Map.of(), Map.of());

        assertThat(plan.decisions().get(1).status()).isEqualTo(CaptureStatus.DUPLICATE);
        assertThat(plan.decisions().get(1).firstInBatch()).isSameAs(plan.decisions().get(0));
        assertThat(plan.positions().get(KEY.value()).quantity()).isEqualByComparingTo("10");
    }

    @Test
    void aLaterVersionUnderAnotherKeyIsRejected() {
        var other = new PartitionKey("ACC-002", "BOOK-01", "US0378331005");
        var plan = decide(List.of(
                trade("T1", 1, TradeAction.NEW, Side.BUY, "10", "1"),
                trade("T1", 2, TradeAction.CORRECT, Side.BUY, "10", "1", other)), Map.of(), Map.of());

        assertThat(plan.decisions().get(1).rejectReason()).isEqualTo(CaptureDecider.KEY_CHANGED);
        assertThat(plan.positions()).containsOnlyKeys(KEY.value());
    }

    @Test
    void pendingTradesAreCountedApart() {
        var plan = CaptureDecider.decide(List.of(
                trade("T1", 1, TradeAction.NEW, Side.BUY, "10", "1"),
                trade("T2", 1, TradeAction.NEW, Side.BUY, "10", "1")), t -> t.tradeId().equals("T2"), Map.of(),
                Map.of(), key -> 1L);

        Position end = plan.positions().get(KEY.value());
        assertThat(end.tradeCount()).isEqualTo(2);
        assertThat(end.pendingCount()).isEqualTo(1);
    }

    private static Trade sequenced(String id, long seq) {
        Trade t = trade(id, 1, TradeAction.NEW, Side.BUY, "1", "10");
        return new Trade(t.tradeId(), t.version(), t.action(), t.side(), t.key(), t.source(), t.tradeDate(), null, null,
                null, List.of(), seq, null, null, Map.of(), t.lots());
    }

    @Test
    void aTradeAfterASequenceGapIsHeldAndReleasedInSequenceOrderWhenTheGapFills() {
        var first = CaptureDecider.decide(List.of(sequenced("S1", 1), sequenced("S2", 2), sequenced("S5", 5)),
                t -> false, Map.of(), Map.of(), key -> 7L, t -> false);
        assertThat(first.decisions()).extracting(d -> d.trade().tradeId() + ":" + d.status())
                .containsExactly("S1:CAPTURED", "S2:CAPTURED", "S5:HELD");
        Position afterFirst = first.positions().get(KEY.value());
        assertThat(afterFirst.lastSequence()).isEqualTo(2);
        assertThat(afterFirst.quantity()).isEqualByComparingTo("2");

        // The held trade comes back ahead of the batch that fills the gap; it is applied after 3 and 4.
        var second = CaptureDecider.decide(List.of(sequenced("S5", 5), sequenced("S4", 4), sequenced("S3", 3)),
                t -> false, Map.of(KEY.value(), afterFirst), Map.of(), key -> 8L, t -> false);
        assertThat(second.decisions()).extracting(d -> d.trade().tradeId() + ":" + d.status())
                .containsExactly("S3:CAPTURED", "S4:CAPTURED", "S5:CAPTURED");
        assertThat(second.decisions()).extracting(d -> d.positionAfter().quantity().intValue()).containsExactly(3, 4, 5);
        assertThat(second.positions().get(KEY.value()).lastSequence()).isEqualTo(5);
    }

    @Test
    void aHeldTradeWhoseGapTimedOutIsRejectedAndReleasesWhatFollowsIt() {
        Position at2 = Position.empty(KEY.value()).sequenced(2, 1);
        var plan = CaptureDecider.decide(List.of(sequenced("S5", 5), sequenced("S6", 6), sequenced("S9", 9)),
                t -> false, Map.of(KEY.value(), at2), Map.of(), key -> 8L, t -> t instanceof Trade tr && tr.tradeId().equals("S5"));
        assertThat(plan.decisions()).extracting(d -> d.trade().tradeId() + ":" + (d.rejected() ? d.rejectReason()
                : d.status())).containsExactly("S5:SEQUENCE_GAP", "S6:CAPTURED", "S9:HELD");
        assertThat(plan.positions().get(KEY.value()).lastSequence()).isEqualTo(6);
        assertThat(plan.positions().get(KEY.value()).quantity()).isEqualByComparingTo("1");
    }

    @Test
    void tradesWithoutSequenceNumbersOrAtOrBelowTheLastAreNeverHeld() {
        Position at5 = Position.empty(KEY.value()).sequenced(5, 1);
        var plan = CaptureDecider.decide(List.of(sequenced("S3", 3), trade("N1", 1, TradeAction.NEW, Side.BUY, "1", "1")),
                t -> false, Map.of(KEY.value(), at5), Map.of(), key -> 8L, t -> false);
        assertThat(plan.decisions()).extracting(Decision::status)
                .containsExactly(CaptureStatus.CAPTURED, CaptureStatus.CAPTURED);
        assertThat(plan.positions().get(KEY.value()).lastSequence()).isEqualTo(5);
    }

    @Test
    void aTradeThatWouldOverflowThePositionIsRejectedAndLaterTradesStillApply() {
        String big = "99999999999999999999.99999999".substring(0, 20);  // 20 nines: fits a trade, not twice
        Position nearLimit = new Position(KEY.value(), new BigDecimal(big), new BigDecimal("1"), 1, 0, 1);
        var plan = decide(List.of(trade("OV", 1, TradeAction.NEW, Side.BUY, "1", "1"),
                trade("OK", 1, TradeAction.NEW, Side.SELL, "5", "1")), Map.of(KEY.value(), nearLimit), Map.of());
        assertThat(plan.decisions().get(0).rejectReason()).isEqualTo("POSITION_OVERFLOW");
        assertThat(plan.decisions().get(1).status()).isEqualTo(CaptureStatus.CAPTURED);
        assertThat(plan.positions().get(KEY.value()).quantity())
                .isEqualByComparingTo(new BigDecimal(big).subtract(new BigDecimal("5")));
    }

    private static RefusedSlot refused(long seq) {
        return new RefusedSlot(KEY.value(), seq);
    }

    @Test
    void aRefusedRecordNextInSequenceConsumesItsNumberAndWhatFollowsAppliesAtOnce() {
        RefusedSlot bad = refused(1);
        var plan = CaptureDecider.decide(List.of(bad, sequenced("S2", 2), sequenced("S3", 3)), t -> false, Map.of(),
                Map.of(), key -> 7L, t -> false);
        assertThat(plan.refused()).containsExactly(bad);
        assertThat(plan.heldRefused()).isEmpty();
        assertThat(plan.decisions()).extracting(d -> d.trade().tradeId() + ":" + d.status())
                .containsExactly("S2:CAPTURED", "S3:CAPTURED");
        assertThat(plan.positions().get(KEY.value()).lastSequence()).isEqualTo(3);
        assertThat(plan.positions().get(KEY.value()).quantity()).isEqualByComparingTo("2");
    }

    @Test
    void aKeyWhoseOnlyRecordWasRefusedGetsAnEmptyPositionPastItsNumber() {
        var plan = CaptureDecider.decide(List.of(refused(1)), t -> false, Map.of(), Map.of(), key -> 7L, t -> false);
        Position p = plan.positions().get(KEY.value());
        assertThat(p.lastSequence()).isEqualTo(1);
        assertThat(p.quantity()).isEqualByComparingTo("0");
        assertThat(p.tradeCount()).isZero();
    }

    @Test
    void aRefusedRecordAfterAGapIsHeldAndReleasesTheTradesBehindItWhenTheGapFills() {
        RefusedSlot bad = refused(3);
        var first = CaptureDecider.decide(List.of(sequenced("S1", 1), bad, sequenced("S4", 4)), t -> false, Map.of(),
                Map.of(), key -> 7L, t -> false);
        assertThat(first.refused()).isEmpty();
        assertThat(first.heldRefused()).containsExactly(bad);
        assertThat(first.decisions()).extracting(d -> d.trade().tradeId() + ":" + d.status())
                .containsExactly("S1:CAPTURED", "S4:HELD");
        // 2 arrives; the held refusal and trade come back ahead of it: 2, then 3 consumed, then 4.
        var second = CaptureDecider.decide(List.of(bad, sequenced("S4", 4), sequenced("S2", 2)), t -> false,
                Map.of(KEY.value(), first.positions().get(KEY.value())), Map.of(), key -> 7L, t -> false);
        assertThat(second.refused()).containsExactly(bad);
        assertThat(second.decisions()).extracting(d -> d.trade().tradeId() + ":" + d.status())
                .containsExactly("S2:CAPTURED", "S4:CAPTURED");
        assertThat(second.positions().get(KEY.value()).lastSequence()).isEqualTo(4);
    }

    @Test
    void aHeldRefusedRecordWhoseGapTimedOutIsRefusedAndTheSequenceGoesOnPastIt() {
        RefusedSlot bad = refused(5);
        Position at2 = Position.empty(KEY.value()).sequenced(2, 1);
        var plan = CaptureDecider.decide(List.of(bad, sequenced("S6", 6)), t -> false, Map.of(KEY.value(), at2),
                Map.of(), key -> 8L, t -> t == bad);
        assertThat(plan.refused()).containsExactly(bad);
        assertThat(plan.decisions()).extracting(d -> d.trade().tradeId() + ":" + d.status()).containsExactly("S6:CAPTURED");
        assertThat(plan.positions().get(KEY.value()).lastSequence()).isEqualTo(6);
    }

    @Test
    void aRefusedRecordAtOrBelowTheLastNumberMovesNothing() {
        Position at5 = Position.empty(KEY.value()).sequenced(5, 1);
        var plan = CaptureDecider.decide(List.of(refused(3)), t -> false, Map.of(KEY.value(), at5), Map.of(),
                key -> 8L, t -> false);
        assertThat(plan.refused()).hasSize(1);
        assertThat(plan.positions()).isEmpty();
    }

    @Test
    void aDecisionStageRefusalStillConsumesItsNumber() {
        // ten below DECIMAL(28,8)'s limit: 100 more overflows it, 1 more fits
        Position nearLimit = new Position(KEY.value(), new BigDecimal("99999999999999999990"), BigDecimal.ONE, 1, 0, 1, 0);
        Trade overflow = sequenced("OV", 1);
        overflow = new Trade(overflow.tradeId(), 1, TradeAction.NEW, Side.BUY, KEY, "AUTOMATED", overflow.tradeDate(),
                null, null, null, List.of(), 1L, null, null, Map.of(),
                List.of(new Lot(List.of(), new BigDecimal("100"), "Share", BigDecimal.ONE, "USD")));
        var plan = CaptureDecider.decide(List.of(overflow, sequenced("S2", 2)), t -> false, Map.of(KEY.value(), nearLimit),
                Map.of(), key -> 8L, t -> false);
        assertThat(plan.decisions()).extracting(d -> d.trade().tradeId() + ":" + (d.rejected() ? d.rejectReason()
                : d.status())).containsExactly("OV:POSITION_OVERFLOW", "S2:CAPTURED");
        assertThat(plan.positions().get(KEY.value()).lastSequence()).isEqualTo(2);
    }
}
