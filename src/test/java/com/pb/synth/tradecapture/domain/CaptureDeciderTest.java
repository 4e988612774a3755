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
                t -> false, Map.of(KEY.value(), at2), Map.of(), key -> 8L, t -> t.tradeId().equals("S5"));
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
}
