package com.pb.synth.tradecapture.domain;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A key's lot breakdown: its live trades replayed in capture order, each lot opening a position or
 * relieving the oldest open lots of the other direction first (FIFO). A sell relieves the oldest
 * long lots; beyond them it opens a short lot, which later buys relieve first. A cancelled or
 * rejected trade is not live, so it is not replayed: the lots it opened or relieved flow as if it
 * had never been booked. A corrected trade counts with its newest economics at its first capture's
 * place. Pure.
 *
 * <p>Lots and reliefs are numbered in the order they happen in the replay (from 1): a lot's
 * {@code ordinal} is its place among every lot the key ever opened, a relief's among every relief.
 * They are the cursors of paged reads, stable while no earlier trade is corrected or cancelled.
 */
public final class FifoLots {

    private FifoLots() {
    }

    /** A live trade's lots, in the order they are replayed; {@code capturedAt}: its first capture (null if unknown). */
    public record TradeLots(String tradeId, int version, Side side, List<Lot> lots, Instant capturedAt) {

        public TradeLots(String tradeId, int version, Side side, List<Lot> lots) {
            this(tradeId, version, side, lots, null);
        }
    }

    /** A lot still open: signed open quantity (negative for a short lot) of its original quantity. */
    public record OpenLot(long ordinal, String lotId, String tradeId, BigDecimal originalQuantity, BigDecimal openQuantity,
                          BigDecimal price, Instant openedAt) {
    }

    /** Quantity of lot {@code relievedLotId} closed by lot {@code lotId} of trade {@code tradeId}, at {@code at}. */
    public record Relief(long ordinal, String tradeId, String lotId, String relievedLotId, BigDecimal quantity,
                         BigDecimal openPrice, BigDecimal closePrice, Instant at) {
    }

    /** A lot relieved in full: when it was opened and when its last quantity was relieved. */
    public record ClosedLot(long ordinal, String lotId, String tradeId, BigDecimal originalQuantity, BigDecimal price,
                            Instant openedAt, Instant closedAt) {
    }

    public record Breakdown(List<OpenLot> openLots, List<Relief> reliefs, List<ClosedLot> closedLots) {

        /** The open quantity: the position's quantity. */
        public BigDecimal quantity() {
            return openLots.stream().map(OpenLot::openQuantity).reduce(BigDecimal.ZERO, BigDecimal::add);
        }
    }

    private static final class Open {
        final long ordinal;
        final String lotId;
        final String tradeId;
        final BigDecimal original;
        final BigDecimal price;
        final Instant openedAt;
        BigDecimal open;

        Open(long ordinal, String lotId, String tradeId, BigDecimal original, BigDecimal open, BigDecimal price,
             Instant openedAt) {
            this.ordinal = ordinal;
            this.lotId = lotId;
            this.tradeId = tradeId;
            this.original = original;
            this.open = open;
            this.price = price;
            this.openedAt = openedAt;
        }
    }

    public static Breakdown replay(List<TradeLots> trades) {
        Deque<Open> open = new ArrayDeque<>();
        List<Relief> reliefs = new ArrayList<>();
        List<ClosedLot> closed = new ArrayList<>();
        long lotOrdinal = 0;
        for (TradeLots t : trades) {
            for (int i = 0; i < t.lots().size(); i++) {
                Lot lot = t.lots().get(i);
                String lotId = lot.identifiers().isEmpty() ? t.tradeId() + "-L" + (i + 1)
                        : lot.identifiers().get(0).identifier();
                BigDecimal signed = t.side().sign(lot.quantity());
                int direction = signed.signum();
                BigDecimal remaining = signed.abs();
                while (remaining.signum() > 0 && !open.isEmpty() && open.peekFirst().open.signum() == -direction) {
                    Open head = open.peekFirst();
                    BigDecimal take = remaining.min(head.open.abs());
                    reliefs.add(new Relief(reliefs.size() + 1, t.tradeId(), lotId, head.lotId, take, head.price,
                            lot.price(), t.capturedAt()));
                    head.open = head.open.add(BigDecimal.valueOf(direction).multiply(take));
                    remaining = remaining.subtract(take);
                    if (head.open.signum() == 0) {
                        open.pollFirst();
                        closed.add(new ClosedLot(head.ordinal, head.lotId, head.tradeId, head.original, head.price,
                                head.openedAt, t.capturedAt()));
                    }
                }
                lotOrdinal++;
                if (remaining.signum() > 0) {
                    open.addLast(new Open(lotOrdinal, lotId, t.tradeId(), signed,
                            BigDecimal.valueOf(direction).multiply(remaining), lot.price(), t.capturedAt()));
                }
            }
        }
        List<OpenLot> lots = open.stream()
                .map(o -> new OpenLot(o.ordinal, o.lotId, o.tradeId, o.original, o.open, o.price, o.openedAt)).toList();
        return new Breakdown(lots, List.copyOf(reliefs), List.copyOf(closed));
    }
}
