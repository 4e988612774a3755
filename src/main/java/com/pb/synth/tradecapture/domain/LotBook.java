package com.pb.synth.tradecapture.domain;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A key's FIFO lots kept as state: {@link FifoLots}'s replay made incremental, so capture books a
 * trade's lots against the stored book instead of replaying the key's history. Pure.
 *
 * <p>The stored book is a row per lot ({@link LotRow}, numbered in replay order), a row per relief
 * ({@link ReliefRow}) and the book's {@link State}. Every 64th lot row (a {@link #checkpoint}) keeps
 * the state right after it, so a correction or cancel of an earlier trade re-flows from the
 * checkpoint before that trade's first lot ({@link #flow} from there, {@link #reflowStart}) instead
 * of from the key's first trade. Rows are written once, when
 * booked (a re-flow writes again only those it changes): what is open of a lot and when it closed
 * follow from the state and the reliefs ({@link #open}, {@link ReliefRow#closes()}), so booking a
 * trade never updates the lots it relieves.
 *
 * <p>Open lots all point one way (a lot of the other direction relieves them first), and FIFO
 * only ever relieves the oldest: the open lots are exactly the lots that opened with a remainder
 * from the oldest open one (the head) on, each still whole except the head. A flow therefore needs
 * only the oldest open lots, as many as its reliefs reach ({@code deque}): when those run out
 * before the open lots do, it asks for more ({@link Flow#needAfter()}) and the caller flows again.
 */
public final class LotBook {

    private LotBook() {
    }

    /**
     * Every this many lots, a lot's stored row keeps the book's state after it (a checkpoint); the
     * others keep none, so that a re-flow rewrites only the lots whose booking it changes, not every
     * lot after the trade it corrects (whose states all shift). A re-flow starts from the checkpoint
     * before the first lot it changes, booking at most this many lots more than it must.
     */
    public static final int CHECKPOINT = 64;

    /** True when lot {@code ordinal}'s stored row keeps the book's state after it. */
    public static boolean checkpoint(long ordinal) {
        return ordinal % CHECKPOINT == 0;
    }

    /** The first lot a re-flow of the lots from {@code from} on books: the one after the checkpoint before it. */
    public static long reflowStart(long from) {
        return (from - 1) / CHECKPOINT * CHECKPOINT + 1;
    }

    /** The row as stored: the state after it only at a checkpoint. */
    public static LotRow stored(LotRow r) {
        return checkpoint(r.ordinal()) || r.after() == null ? r : new LotRow(r.ordinal(), r.tradeId(), r.lotId(),
                r.quantity(), r.price(), r.openedAt(), r.opened(), null);
    }

    /**
     * The book after lot {@code lotCount}: reliefs made so far, the oldest open lot (0 for none)
     * and its open quantity (signed), and how many lots are open.
     */
    public record State(long lotCount, long reliefCount, long headOrdinal, BigDecimal headOpen, long openLotCount) {

        public static final State EMPTY = new State(0, 0, 0, BigDecimal.ZERO, 0);
    }

    /**
     * A lot as stored: as booked ({@code quantity} signed, {@code price}, {@code openedAt} its trade's
     * first capture), what it left open when booked ({@code opened}, 0 when it only relieved), and the
     * book right after it (as flowed; stored only at a {@link #checkpoint}, else null).
     */
    public record LotRow(long ordinal, String tradeId, String lotId, BigDecimal quantity, BigDecimal price,
                         Instant openedAt, BigDecimal opened, State after) {
    }

    /**
     * Quantity of lot {@code relievedOrdinal} closed by lot {@code lotId} of trade {@code tradeId};
     * {@code closes} when it relieved what was left of that lot (the lot closed at {@code at}).
     */
    public record ReliefRow(long ordinal, String tradeId, String lotId, long relievedOrdinal, String relievedLotId,
                            BigDecimal quantity, BigDecimal openPrice, BigDecimal closePrice, Instant at,
                            boolean closes) {
    }

    /**
     * What is open of lot {@code ordinal} that opened {@code opened}, in the book {@code state}: the
     * lots that opened from the head on are open, whole but the head (open {@code headOpen}); the
     * others are closed (0).
     */
    public static BigDecimal open(State state, long ordinal, BigDecimal opened) {
        if (state.headOrdinal() == 0 || ordinal < state.headOrdinal() || opened.signum() == 0) {
            return BigDecimal.ZERO;
        }
        return ordinal == state.headOrdinal() ? state.headOpen() : opened;
    }

    /** One lot of a booking: its id, signed quantity and price. */
    public record Entry(String lotId, BigDecimal quantity, BigDecimal price) {
    }

    /** A live trade's lots, booked at its first capture {@code at}. */
    public record Booking(String tradeId, Instant at, List<Entry> lots) {

        /** A trade's lots as {@link FifoLots} names and signs them. */
        public static Booking of(String tradeId, Side side, List<Lot> lots, Instant at) {
            List<Entry> entries = new ArrayList<>(lots.size());
            for (int i = 0; i < lots.size(); i++) {
                Lot lot = lots.get(i);
                String lotId = lot.identifiers().isEmpty() ? tradeId + "-L" + (i + 1) : lot.identifiers().get(0).identifier();
                entries.add(new Entry(lotId, side.sign(lot.quantity()), lot.price()));
            }
            return new Booking(tradeId, at, entries);
        }
    }

    /**
     * What a flow writes: the lots it booked (numbered after the start's), the reliefs it made
     * (numbered after the start's) and the book at its end; or, when {@code needAfter} is not null,
     * nothing yet: the stored open lots after that ordinal are needed.
     */
    public record Flow(List<LotRow> lots, List<ReliefRow> reliefs, State end, Long needAfter) {

        public boolean complete() {
            return needAfter == null;
        }
    }

    private static final class Open {
        final LotRow row;
        final boolean stored;
        BigDecimal open;

        Open(LotRow row, boolean stored, BigDecimal open) {
            this.row = row;
            this.stored = stored;
            this.open = open;
        }
    }

    /**
     * Books {@code bookings} in order after {@code start}. {@code deque}: the stored lots that
     * opened from the start's head on (ordinal at most {@code start.lotCount()}), oldest first, as
     * many as loaded; {@code dequeComplete} when no such lot is left unloaded.
     */
    public static Flow flow(State start, List<LotRow> deque, boolean dequeComplete, List<Booking> bookings) {
        Deque<Open> open = new ArrayDeque<>();
        int storedLeft = 0;
        long lastLoaded = 0;
        for (LotRow row : deque) {
            if (row.ordinal() < start.headOrdinal() || row.ordinal() > start.lotCount() || row.opened().signum() == 0) {
                throw new IllegalArgumentException("lot " + row.ordinal() + " is not an open lot of the book after "
                        + start.lotCount() + " (head " + start.headOrdinal() + ")");
            }
            boolean head = row.ordinal() == start.headOrdinal();
            if (open.isEmpty() != head) {
                throw new IllegalArgumentException("the loaded open lots must start at the head " + start.headOrdinal());
            }
            open.addLast(new Open(row, true, head ? start.headOpen() : row.opened()));
            storedLeft++;
            lastLoaded = row.ordinal();
        }
        boolean unloaded = !dequeComplete && start.openLotCount() > deque.size();
        long loadFrom = lastLoaded == 0 ? start.headOrdinal() - 1 : lastLoaded;
        Open placeholder = null;
        if (deque.isEmpty() && unloaded) {
            // none loaded: the head is known (ordinal, open quantity, direction), its lots are not;
            // lots booked the same way join behind it, a relief of it asks for them
            placeholder = new Open(new LotRow(start.headOrdinal(), null, null, null, null, null, null, null),
                    true, start.headOpen());
            open.addLast(placeholder);
            storedLeft = 1;
        }
        long lotOrdinal = start.lotCount();
        long reliefOrdinal = start.reliefCount();
        long openCount = start.openLotCount();
        List<Open> booked = new ArrayList<>();
        List<ReliefRow> reliefs = new ArrayList<>();
        List<State> after = new ArrayList<>();
        for (Booking b : bookings) {
            for (Entry e : b.lots()) {
                int direction = e.quantity().signum();
                BigDecimal remaining = e.quantity().abs();
                while (remaining.signum() > 0) {
                    if (storedLeft == 0 && unloaded) {
                        return new Flow(List.of(), List.of(), null, loadFrom);
                    }
                    Open head = open.peekFirst();
                    if (head == null || head.open.signum() != -direction) {
                        break;
                    }
                    if (head == placeholder) {
                        return new Flow(List.of(), List.of(), null, loadFrom);
                    }
                    BigDecimal take = remaining.min(head.open.abs());
                    head.open = head.open.add(BigDecimal.valueOf(direction).multiply(take));
                    remaining = remaining.subtract(take);
                    reliefs.add(new ReliefRow(++reliefOrdinal, b.tradeId(), e.lotId(), head.row.ordinal(),
                            head.row.lotId(), take, head.row.price(), e.price(), b.at(), head.open.signum() == 0));
                    if (head.open.signum() == 0) {
                        open.pollFirst();
                        openCount--;
                        if (head.stored) {
                            storedLeft--;
                        }
                    }
                }
                lotOrdinal++;
                BigDecimal opened = remaining.signum() > 0 ? BigDecimal.valueOf(direction).multiply(remaining)
                        : BigDecimal.ZERO;
                LotRow row = new LotRow(lotOrdinal, b.tradeId(), e.lotId(), e.quantity(), e.price(), b.at(), opened,
                        null);
                Open lot = new Open(row, false, opened);
                booked.add(lot);
                if (opened.signum() != 0) {
                    if (storedLeft == 0 && unloaded) {
                        // the unloaded open lots point the other way only if they were all relieved,
                        // which the loop above would have asked for: they point this way, so this lot
                        // joins behind them and the head is still a stored lot not loaded
                        return new Flow(List.of(), List.of(), null, loadFrom);
                    }
                    open.addLast(lot);
                    openCount++;
                }
                if (storedLeft == 0 && unloaded) {
                    return new Flow(List.of(), List.of(), null, loadFrom);
                }
                Open head = open.peekFirst();
                after.add(new State(lotOrdinal, reliefOrdinal, head == null ? 0 : head.row.ordinal(),
                        head == null ? BigDecimal.ZERO : head.open, openCount));
            }
        }
        List<LotRow> lots = new ArrayList<>(booked.size());
        for (int i = 0; i < booked.size(); i++) {
            LotRow r = booked.get(i).row;
            lots.add(new LotRow(r.ordinal(), r.tradeId(), r.lotId(), r.quantity(), r.price(), r.openedAt(), r.opened(),
                    after.get(i)));
        }
        State end = lots.isEmpty() ? start : lots.get(lots.size() - 1).after();
        return new Flow(lots, reliefs, end, null);
    }

    /**
     * What a re-flow books from a stored lot on: the stored lots from there ({@code tail}, oldest
     * first) trade by trade, each trade of {@code changes} in its place with its new lots (at its
     * first capture), then {@code appended}. A trade that maps to null (no longer live) keeps its
     * place with its lots at quantity 0: they neither open nor relieve, and the lots after it keep
     * their ordinals (a cancel re-writes only what it changes; a trade made live again re-flows in
     * its place).
     */
    public static List<Booking> rebook(List<LotRow> tail, java.util.Map<String, Booking> changes,
                                       List<Booking> appended) {
        List<Booking> out = new ArrayList<>();
        int i = 0;
        while (i < tail.size()) {
            LotRow first = tail.get(i);
            List<Entry> entries = new ArrayList<>();
            while (i < tail.size() && tail.get(i).tradeId().equals(first.tradeId())) {
                LotRow r = tail.get(i++);
                entries.add(new Entry(r.lotId(), r.quantity(), r.price()));
            }
            if (!changes.containsKey(first.tradeId())) {
                out.add(new Booking(first.tradeId(), first.openedAt(), entries));
            } else if (changes.get(first.tradeId()) != null) {
                out.add(new Booking(first.tradeId(), first.openedAt(), changes.get(first.tradeId()).lots()));
            } else {
                out.add(new Booking(first.tradeId(), first.openedAt(), entries.stream()
                        .map(e -> new Entry(e.lotId(), BigDecimal.ZERO, e.price())).toList()));
            }
        }
        out.addAll(appended);
        return out;
    }

    /** True when two rows hold the same values (decimals by value, whatever their scale). */
    public static boolean same(LotRow a, LotRow b) {
        return a.ordinal() == b.ordinal() && a.tradeId().equals(b.tradeId()) && a.lotId().equals(b.lotId())
                && a.quantity().compareTo(b.quantity()) == 0 && a.price().compareTo(b.price()) == 0
                && a.openedAt().equals(b.openedAt()) && a.opened().compareTo(b.opened()) == 0
                && same(a.after(), b.after());
    }

    private static boolean same(State a, State b) {
        if (a == null || b == null) {
            return a == b;
        }
        return a.lotCount() == b.lotCount() && a.reliefCount() == b.reliefCount() && a.headOrdinal() == b.headOrdinal()
                && a.headOpen().compareTo(b.headOpen()) == 0 && a.openLotCount() == b.openLotCount();
    }

    /** True when two reliefs hold the same values. */
    public static boolean same(ReliefRow a, ReliefRow b) {
        return a.ordinal() == b.ordinal() && a.tradeId().equals(b.tradeId()) && a.lotId().equals(b.lotId())
                && a.relievedOrdinal() == b.relievedOrdinal() && a.relievedLotId().equals(b.relievedLotId())
                && a.quantity().compareTo(b.quantity()) == 0 && a.openPrice().compareTo(b.openPrice()) == 0
                && a.closePrice().compareTo(b.closePrice()) == 0 && a.at().equals(b.at()) && a.closes() == b.closes();
    }
}
