package com.pb.synth.tradecapture.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

/**
 * The stored book kept by {@link LotBook} equals {@link FifoLots}'s replay of the live trades after
 * random batches of new trades, corrections, cancels and revivals, deep in the key's history too,
 * with the oldest open lots loaded a few at a time.
 */
class LotBookTest {

    /**
     * The book's rows as a store holds them, written the way the capture transaction writes them;
     * what is open and what closed read the way the store reads them (from the state and the reliefs).
     */
    static final class MemoryBook {
        final TreeMap<Long, LotBook.LotRow> lots = new TreeMap<>();
        final TreeMap<Long, LotBook.ReliefRow> reliefs = new TreeMap<>();
        LotBook.State state = LotBook.State.EMPTY;
        final int loadLimit;
        int loads;

        MemoryBook(int loadLimit) {
            this.loadLimit = loadLimit;
        }

        /** {@code changes}: trades with stored lots, to their new lots or null; {@code appended}: new ones. */
        void apply(Map<String, LotBook.Booking> changes, List<LotBook.Booking> appended) {
            long a = state.lotCount() + 1;
            for (LotBook.LotRow r : lots.values()) {
                if (changes.containsKey(r.tradeId())) {
                    a = Math.min(a, r.ordinal());
                }
            }
            if (a <= state.lotCount()) {
                // a re-flow starts after the checkpoint before the first lot it changes
                a = LotBook.reflowStart(a);
            }
            LotBook.State start = a == 1 ? LotBook.State.EMPTY : a == state.lotCount() + 1 ? state
                    : lots.get(a - 1).after();
            List<LotBook.LotRow> tail = new ArrayList<>(lots.tailMap(a).values());
            List<LotBook.Booking> bookings = LotBook.rebook(tail, changes, appended);
            List<LotBook.LotRow> deque = new ArrayList<>();
            boolean complete = start.headOrdinal() == 0;
            // no lot loaded first: the flow asks for the open lots before the start as it reaches them
            LotBook.Flow flow;
            while (true) {
                flow = LotBook.flow(start, deque, complete, bookings);
                if (flow.complete()) {
                    break;
                }
                assertThat(flow.needAfter()).isEqualTo(deque.isEmpty() ? start.headOrdinal() - 1
                        : deque.get(deque.size() - 1).ordinal());
                complete = load(deque, start, a, flow.needAfter(), a - 1, loadLimit, false);
            }
            lots.tailMap(a).clear();
            reliefs.tailMap(start.reliefCount(), false).clear();
            flow.lots().forEach(r -> lots.put(r.ordinal(), LotBook.stored(r)));
            flow.reliefs().forEach(r -> reliefs.put(r.ordinal(), r));
            state = flow.end();
        }

        private boolean load(List<LotBook.LotRow> deque, LotBook.State start, long a, long after, long upTo, int limit,
                             boolean complete) {
            if (after == Long.MAX_VALUE) {
                return true;
            }
            loads++;
            int n = 0;
            for (LotBook.LotRow r : lots.subMap(after, false, a, false).values()) {
                if (r.ordinal() < start.headOrdinal() || r.opened().signum() == 0) {
                    continue;
                }
                if (r.ordinal() > upTo || n == limit) {
                    return complete;
                }
                deque.add(r);
                n++;
            }
            return true;
        }

        List<FifoLots.OpenLot> openLots() {
            return lots.values().stream().filter(r -> LotBook.open(state, r.ordinal(), r.opened()).signum() != 0)
                    .map(r -> new FifoLots.OpenLot(r.ordinal(), r.lotId(), r.tradeId(), r.quantity(),
                            LotBook.open(state, r.ordinal(), r.opened()), r.price(), r.openedAt())).toList();
        }

        List<FifoLots.ClosedLot> closedLots() {
            return reliefs.values().stream().filter(LotBook.ReliefRow::closes).map(c -> {
                LotBook.LotRow r = lots.get(c.relievedOrdinal());
                return new FifoLots.ClosedLot(r.ordinal(), r.lotId(), r.tradeId(), r.quantity(), r.price(), r.openedAt(),
                        c.at());
            }).toList();
        }

        List<FifoLots.Relief> reliefs() {
            return reliefs.values().stream().map(r -> new FifoLots.Relief(r.ordinal(), r.tradeId(), r.lotId(),
                    r.relievedLotId(), r.quantity(), r.openPrice(), r.closePrice(), r.at())).toList();
        }
    }

    /** A trade of the reference: its place, newest lots and whether it is live. */
    private static final class Ref {
        final String id;
        Side side;
        List<Lot> lots;
        boolean live = true;
        Instant at;

        Ref(String id, Side side, List<Lot> lots, Instant at) {
            this.id = id;
            this.side = side;
            this.lots = lots;
            this.at = at;
        }

        LotBook.Booking booking() {
            return LotBook.Booking.of(id, side, lots, at);
        }
    }

    @RepeatedTest(40)
    void keptBookEqualsReplay(RepetitionInfo info) {
        Random random = new Random(info.getCurrentRepetition() * 7919L);
        MemoryBook book = new MemoryBook(1 + random.nextInt(3));
        List<Ref> places = new ArrayList<>();
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        int next = 0;
        for (int batch = 0; batch < 60; batch++) {
            Map<String, LotBook.Booking> changes = new LinkedHashMap<>();
            Map<String, Ref> appended = new LinkedHashMap<>();
            int ops = 1 + random.nextInt(4);
            for (int op = 0; op < ops; op++) {
                now = now.plusSeconds(1 + random.nextInt(3600));
                int kind = random.nextInt(10);
                List<Ref> live = places.stream().filter(r -> r.live && !appended.containsKey(r.id)).toList();
                if (kind < 6 || live.isEmpty()) {
                    Ref t = new Ref("T" + next++, random.nextBoolean() ? Side.BUY : Side.SELL, lots(random), now);
                    places.add(t);
                    appended.put(t.id, t);
                } else if (kind < 8) {
                    Ref t = live.get(random.nextInt(live.size()));
                    t.side = random.nextBoolean() ? Side.BUY : Side.SELL;
                    t.lots = lots(random);
                    changes.put(t.id, t.booking());
                } else if (kind < 9) {
                    // (a cancel keeps the lots stored before the batch, at quantity 0: not one corrected in it)
                    List<Ref> cancellable = live.stream().filter(r -> !changes.containsKey(r.id)).toList();
                    if (cancellable.isEmpty()) {
                        continue;
                    }
                    Ref t = cancellable.get(random.nextInt(cancellable.size()));
                    t.live = false;
                    changes.put(t.id, null);
                } else {
                    List<Ref> dead = places.stream().filter(r -> !r.live && !changes.containsKey(r.id)).toList();
                    if (!dead.isEmpty()) {
                        // a trade made live again books in its place, with its new lots
                        Ref t = dead.get(random.nextInt(dead.size()));
                        t.live = true;
                        t.lots = lots(random);
                        changes.put(t.id, t.booking());
                    }
                }
            }
            book.apply(changes, appended.values().stream().map(Ref::booking).toList());
            // a trade no longer live keeps its place with lots of quantity 0 (they neither open nor relieve)
            FifoLots.Breakdown expected = FifoLots.replay(places.stream()
                    .map(r -> new FifoLots.TradeLots(r.id, 1, r.side, r.live ? r.lots : r.lots.stream()
                            .map(l -> new Lot(l.identifiers(), BigDecimal.ZERO, l.financialUnit(), l.price(), l.currency()))
                            .toList(), r.at)).toList());
            assertThat(book.openLots()).as("open lots after batch %d", batch).isEqualTo(expected.openLots());
            assertThat(book.reliefs()).as("reliefs after batch %d", batch).isEqualTo(expected.reliefs());
            assertThat(book.closedLots()).as("closed lots after batch %d", batch).isEqualTo(expected.closedLots());
            assertThat(book.state.openLotCount()).isEqualTo(expected.openLots().size());
            assertThat(book.state.reliefCount()).isEqualTo(expected.reliefs().size());
            assertThat(book.state.headOrdinal()).isEqualTo(
                    expected.openLots().isEmpty() ? 0 : expected.openLots().get(0).ordinal());
        }
    }

    @Test
    void appendsLoadOnlyTheOldestOpenLotsTheyRelieve() {
        MemoryBook book = new MemoryBook(2);
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        List<LotBook.Booking> buys = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            buys.add(new LotBook.Booking("B" + i, at, List.of(new LotBook.Entry("B" + i, BigDecimal.TEN, BigDecimal.ONE))));
        }
        book.apply(Map.of(), buys);
        book.loads = 0;
        book.apply(Map.of(), List.of(new LotBook.Booking("S", at,
                List.of(new LotBook.Entry("S", BigDecimal.valueOf(-25), BigDecimal.valueOf(2))))));
        assertThat(book.state.openLotCount()).isEqualTo(998);
        assertThat(book.state.headOrdinal()).isEqualTo(3);
        assertThat(book.state.headOpen()).isEqualByComparingTo("5");
        // two lots, then two more: 4 of 1,000
        assertThat(book.loads).isEqualTo(2);
        // a buy behind the longs loads nothing
        book.loads = 0;
        book.apply(Map.of(), List.of(new LotBook.Booking("B", at, List.of(new LotBook.Entry("B", BigDecimal.ONE,
                BigDecimal.ONE)))));
        assertThat(book.loads).isZero();
        assertThat(book.state.openLotCount()).isEqualTo(999);
    }

    @Test
    void aCorrectionDeepInTheBookRewritesOnlyTheLotsItChangesAndTheCheckpoints() {
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        List<LotBook.Booking> trades = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            // buy 10, sell 9: the oldest open lot stays close behind the newest, so it passes the
            // corrected lot and every state after it shifts
            BigDecimal q = i % 2 == 1 ? BigDecimal.valueOf(-9) : BigDecimal.TEN;
            trades.add(new LotBook.Booking("T" + i, at.plusSeconds(i), List.of(new LotBook.Entry("T" + i, q,
                    BigDecimal.ONE))));
        }
        LotBook.Flow first = LotBook.flow(LotBook.State.EMPTY, List.of(), true, trades);
        List<LotBook.LotRow> stored = first.lots().stream().map(LotBook::stored).toList();
        // every 64th lot keeps the state after it, the others none
        assertThat(stored).allSatisfy(r -> assertThat(r.after() != null).isEqualTo(r.ordinal() % 64 == 0));
        // T100 (lot 101) corrected from 10 to 12: the re-flow starts after checkpoint 64
        long from = LotBook.reflowStart(101);
        assertThat(from).isEqualTo(65);
        LotBook.State start = stored.get((int) from - 2).after();
        List<LotBook.LotRow> tail = new ArrayList<>(stored.subList((int) from - 1, stored.size()));
        List<LotBook.LotRow> heads = first.lots().stream().filter(r -> r.ordinal() >= start.headOrdinal()
                && r.ordinal() <= start.lotCount() && r.opened().signum() != 0).toList();
        LotBook.Flow again = LotBook.flow(start, heads, true, LotBook.rebook(tail, Map.of("T100",
                new LotBook.Booking("T100", at, List.of(new LotBook.Entry("T100", BigDecimal.valueOf(12),
                        BigDecimal.ONE)))), List.of()));
        long differ = again.lots().stream().map(LotBook::stored)
                .filter(r -> !LotBook.same(r, stored.get((int) r.ordinal() - 1))).count();
        // the corrected lot and the checkpoints after it (128, 192, …, 448), whose states shift; not the
        // ~400 lots between (whose states shift too, but are not stored)
        assertThat(differ).isEqualTo(1 + 6);
        assertThat(again.end().headOpen()).isNotEqualByComparingTo(first.end().headOpen());
    }

    private static List<Lot> lots(Random random) {
        int n = 1 + random.nextInt(3);
        List<Lot> lots = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<Lot.LotIdentifier> ids = random.nextInt(3) == 0 ? List.of()
                    : List.of(new Lot.LotIdentifier("LOT-" + random.nextInt(1_000_000), "LOT_ID"));
            BigDecimal qty = random.nextInt(20) == 0 ? BigDecimal.ZERO
                    : BigDecimal.valueOf(1 + random.nextInt(300), random.nextInt(3));
            lots.add(new Lot(ids, qty, "Shares", BigDecimal.valueOf(100 + random.nextInt(50)), "USD"));
        }
        return lots;
    }
}
