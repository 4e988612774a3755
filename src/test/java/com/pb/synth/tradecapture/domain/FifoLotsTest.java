package com.pb.synth.tradecapture.domain;

import static org.assertj.core.api.Assertions.assertThat;

import com.pb.synth.tradecapture.domain.FifoLots.OpenLot;
import com.pb.synth.tradecapture.domain.FifoLots.Relief;
import com.pb.synth.tradecapture.domain.FifoLots.TradeLots;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FifoLotsTest {

    private static Lot lot(String id, String quantity, String price) {
        return new Lot(List.of(new Lot.LotIdentifier(id, "LOT_ID")), new BigDecimal(quantity), "Share",
                new BigDecimal(price), "USD");
    }

    private static final TradeLots T1 = new TradeLots("T1", 1, Side.BUY, List.of(lot("A", "100", "10")));
    private static final TradeLots T2 = new TradeLots("T2", 1, Side.BUY, List.of(lot("B", "50", "11"), lot("C", "30", "12")));
    private static final TradeLots T3 = new TradeLots("T3", 1, Side.SELL, List.of(lot("D", "120", "15")));
    private static final TradeLots T4 = new TradeLots("T4", 1, Side.BUY, List.of(lot("E", "40", "13")));
    private static final TradeLots T5 = new TradeLots("T5", 1, Side.SELL, List.of(lot("F", "70", "16")));

    private static List<String> open(FifoLots.Breakdown b) {
        List<String> out = new ArrayList<>();
        for (OpenLot l : b.openLots()) {
            out.add(l.lotId() + " " + l.openQuantity().toPlainString() + "/" + l.originalQuantity().toPlainString());
        }
        return out;
    }

    private static List<String> reliefs(FifoLots.Breakdown b) {
        return b.reliefs().stream().map(r -> r.lotId() + ">" + r.relievedLotId() + " " + r.quantity().toPlainString())
                .toList();
    }

    @Test
    void partialSellsRelieveTheOldestLotsFirst() {
        // By hand: D sells 120 = all of A (100) + 20 of B; F sells 70 = rest of B (30) + all of C (30) + 10 of E.
        FifoLots.Breakdown b = FifoLots.replay(List.of(T1, T2, T3, T4, T5));
        assertThat(reliefs(b)).containsExactly("D>A 100", "D>B 20", "F>B 30", "F>C 30", "F>E 10");
        assertThat(open(b)).containsExactly("E 30/40");
        assertThat(b.quantity()).isEqualByComparingTo("30");
        Relief first = b.reliefs().get(0);
        assertThat(first.openPrice()).isEqualByComparingTo("10");
        assertThat(first.closePrice()).isEqualByComparingTo("15");
    }

    @Test
    void aCancelInTheMiddleReflowsReliefAsIfTheTradeWasNeverBooked() {
        // By hand, without T2: D sells all of A (100) and opens a short of 20; E's buy of 40 covers the
        // short (20) and opens 20 long; F sells those 20 and opens a short of 50.
        FifoLots.Breakdown b = FifoLots.replay(List.of(T1, T3, T4, T5));
        assertThat(reliefs(b)).containsExactly("D>A 100", "E>D 20", "F>E 20");
        assertThat(open(b)).containsExactly("F -50/-70");
        assertThat(b.quantity()).isEqualByComparingTo("-50");
    }

    @Test
    void lotsAndReliefsAreNumberedInReplayOrderAndClosedLotsCarryWhenTheyClosed() {
        java.time.Instant day1 = java.time.Instant.parse("2026-01-05T10:00:00Z");
        java.time.Instant day2 = java.time.Instant.parse("2026-01-06T10:00:00Z");
        List<TradeLots> trades = List.of(
                new TradeLots("T1", 1, Side.BUY, T1.lots(), day1), new TradeLots("T2", 1, Side.BUY, T2.lots(), day1),
                new TradeLots("T3", 1, Side.SELL, T3.lots(), day2), new TradeLots("T4", 1, Side.BUY, T4.lots(), day2),
                new TradeLots("T5", 1, Side.SELL, T5.lots(), day2));
        FifoLots.Breakdown b = FifoLots.replay(trades);
        // lots opened A1 B2 C3 D4 E5 F6: E (5) is the only one open; A, B, C closed (in that order), D and F
        // relieved all they opened and never opened a lot
        assertThat(b.openLots()).extracting(OpenLot::ordinal).containsExactly(5L);
        assertThat(b.openLots().get(0).openedAt()).isEqualTo(day2);
        assertThat(b.closedLots()).extracting(FifoLots.ClosedLot::lotId).containsExactly("A", "B", "C");
        assertThat(b.closedLots()).extracting(FifoLots.ClosedLot::ordinal).containsExactly(1L, 2L, 3L);
        assertThat(b.closedLots().get(0).openedAt()).isEqualTo(day1);
        assertThat(b.closedLots().get(0).closedAt()).isEqualTo(day2);
        assertThat(b.reliefs()).extracting(Relief::ordinal).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(b.reliefs()).extracting(Relief::at).containsOnly(day2);
    }
}
