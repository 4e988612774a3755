package com.pb.synth.tradecapture.domain;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * Applies a batch of trade versions, in their input order, to the positions and version history
 * read from the store. Pure: the caller reads the state under lock and writes what this returns
 * in one transaction.
 *
 * <p>Rules: a version already stored is a DUPLICATE; a version older than the newest stored one
 * is SUPERSEDED; otherwise it replaces the newest version's contribution (nothing for a NEW), so
 * CORRECT moves the position by the difference and CANCEL reverses it. A version whose partition
 * key differs from its trade's earlier versions is rejected: its key's ordering would not cover it.
 * A version that would take its position out of {@code DECIMAL(28,8)} is rejected
 * (POSITION_OVERFLOW) and the position stays as it was.
 *
 * <p>Sequence numbers: a trade that carries one is applied only when it is the key's next
 * ({@code lastSequence + 1}); a later one is HELD until the gap before it fills, in this batch or a
 * later one (held trades come back at the head of the list). When the lowest held trade's gap
 * timeout has passed it is rejected (SEQUENCE_GAP), the sequence moves past it and what follows is
 * released. A trade at or below {@code lastSequence} (a redelivery, or one that arrives after its
 * gap timed out) is decided at once; trades without a sequence number are never held. Decisions
 * come in the order they are made, which is the order their events must be published in.
 */
public final class CaptureDecider {

    public static final String KEY_CHANGED = "KEY_CHANGED";

    private CaptureDecider() {
    }

    /**
     * @param late trades captured although their sequence number was not beyond the key's last
     *             (they came after their gap timed out, or were redelivered after being set aside
     *             as SEQUENCE_GAP): any such exception of theirs is no longer open
     */
    public record Plan(List<Decision> decisions, Map<String, Position> positions, List<Trade> late) {

        public Plan(List<Decision> decisions, Map<String, Position> positions) {
            this(decisions, positions, List.of());
        }

        public List<Decision> captured() {
            return decisions.stream().filter(Decision::captured).toList();
        }
    }

    public static Plan decide(List<Trade> trades, Predicate<Trade> pending, Map<String, Position> stored,
                              Map<String, List<StoredVersion>> history, ToLongFunction<String> fence) {
        return decide(trades, pending, stored, history, fence, t -> false);
    }

    /** As above; {@code gapExpired} tells which held trades have waited out their gap timeout. */
    public static Plan decide(List<Trade> trades, Predicate<Trade> pending, Map<String, Position> stored,
                              Map<String, List<StoredVersion>> history, ToLongFunction<String> fence,
                              Predicate<Trade> gapExpired) {
        Batch batch = new Batch(pending, stored, history, fence, trades.size());
        for (Trade trade : trades) {
            batch.offer(trade);
        }
        batch.finish(gapExpired);
        return new Plan(batch.decisions, batch.positions, batch.late);
    }

    /** The state of one decision run. */
    private static final class Batch {
        private final Predicate<Trade> pending;
        private final Map<String, Position> stored;
        private final ToLongFunction<String> fence;
        private final Map<String, Position> positions = new LinkedHashMap<>();
        private final Map<String, Map<Integer, Object>> versions = new HashMap<>();
        private final Map<String, TreeMap<Long, ArrayDeque<Trade>>> waiting = new LinkedHashMap<>();
        private final List<Decision> decisions;
        private final List<Trade> late = new ArrayList<>();

        Batch(Predicate<Trade> pending, Map<String, Position> stored, Map<String, List<StoredVersion>> history,
              ToLongFunction<String> fence, int size) {
            this.pending = pending;
            this.stored = stored;
            this.fence = fence;
            this.decisions = new ArrayList<>(size);
            history.forEach((tradeId, list) -> {
                Map<Integer, Object> byVersion = versions.computeIfAbsent(tradeId, k -> new HashMap<>());
                list.forEach(v -> byVersion.put(v.version(), v));
            });
        }

        private Position position(String key) {
            Position position = positions.get(key);
            if (position == null) {
                position = stored.get(key);
            }
            return position == null ? Position.empty(key) : position;
        }

        void offer(Trade trade) {
            String key = trade.key().value();
            Long seq = trade.sequenceNumber();
            if (seq != null && seq - 1 > position(key).lastSequence()) {
                waiting.computeIfAbsent(key, k -> new TreeMap<>()).computeIfAbsent(seq, s -> new ArrayDeque<>())
                        .add(trade);
                return;
            }
            apply(trade);
            drain(key);
        }

        /** Releases the key's held trades that are now next in sequence (or below it). */
        private void drain(String key) {
            TreeMap<Long, ArrayDeque<Trade>> held = waiting.get(key);
            while (held != null && !held.isEmpty() && held.firstKey() - 1 <= position(key).lastSequence()) {
                ArrayDeque<Trade> same = held.firstEntry().getValue();
                Trade next = same.poll();
                if (same.isEmpty()) {
                    held.pollFirstEntry();
                }
                apply(next);
            }
        }

        /** Held trades whose gap timed out are rejected in sequence order; the rest stay HELD. */
        void finish(Predicate<Trade> gapExpired) {
            for (Map.Entry<String, TreeMap<Long, ArrayDeque<Trade>>> e : waiting.entrySet()) {
                String key = e.getKey();
                TreeMap<Long, ArrayDeque<Trade>> held = e.getValue();
                while (!held.isEmpty() && gapExpired.test(held.firstEntry().getValue().peek())) {
                    Trade expired = held.firstEntry().getValue().poll();
                    if (held.firstEntry().getValue().isEmpty()) {
                        held.pollFirstEntry();
                    }
                    Position position = position(key);
                    reject(expired, position, ReasonCode.SEQUENCE_GAP.name(), "sequence " + expired.sequenceNumber()
                            + " of " + key + " waited out its gap timeout: sequences " + (position.lastSequence() + 1)
                            + ".." + (expired.sequenceNumber() - 1) + " never arrived");
                    drain(key);
                }
                for (ArrayDeque<Trade> same : held.values()) {
                    for (Trade t : same) {
                        decisions.add(new Decision(t, CaptureStatus.HELD, position(key), null, pending.test(t), null,
                                null, null, null));
                    }
                }
            }
        }

        private void apply(Trade trade) {
            String key = trade.key().value();
            Position position = position(key);
            Map<Integer, Object> known = versions.computeIfAbsent(trade.tradeId(), k -> new HashMap<>());
            Object same = known.get(trade.version());
            boolean isPending = pending.test(trade);
            if (same != null) {
                decisions.add(new Decision(trade, CaptureStatus.DUPLICATE, position, null, isPending,
                        same instanceof StoredVersion s ? s : null, same instanceof Decision d ? d : null, null, null));
                sequence(trade, position);
                return;
            }
            Integer newest = newest(known);
            if (newest != null && !keyOf(known.get(newest)).equals(key)) {
                reject(trade, position, KEY_CHANGED,
                        "trade " + trade.tradeId() + " was captured under key " + keyOf(known.get(newest)));
                return;
            }
            if (newest != null && newest > trade.version()) {
                decisions.add(new Decision(trade, CaptureStatus.SUPERSEDED, position, null, isPending, null, null,
                        null, null));
                sequence(trade, position);
                return;
            }
            Contribution before = newest == null ? Contribution.NONE : contributionOf(known.get(newest));
            Contribution after = trade.contribution(isPending);
            Position next = position.replace(before, after, fence.applyAsLong(key));
            if (!next.fits()) {
                reject(trade, position, ReasonCode.POSITION_OVERFLOW.name(), "the position of " + key
                        + " would become quantity " + next.quantity().toPlainString() + ", notional "
                        + next.notional().toPlainString() + ": beyond DECIMAL(28,8); position left unchanged");
                return;
            }
            Decision decision = new Decision(trade, CaptureStatus.CAPTURED, next, after, isPending, null, null,
                    null, null);
            known.put(trade.version(), decision);
            decisions.add(decision);
            positions.put(key, next);
            if (trade.sequenceNumber() != null && trade.sequenceNumber() <= position.lastSequence()) {
                late.add(trade);
            }
            sequence(trade, next);
        }

        private void reject(Trade trade, Position position, String reason, String detail) {
            decisions.add(new Decision(trade, null, position, null, pending.test(trade), null, null, reason, detail));
            sequence(trade, position);
        }

        /** A decided trade that carries the key's next sequence number (or a later one) moves the sequence on. */
        private void sequence(Trade trade, Position position) {
            Long seq = trade.sequenceNumber();
            if (seq != null && seq > position.lastSequence()) {
                String key = trade.key().value();
                positions.put(key, position.sequenced(seq, fence.applyAsLong(key)));
            }
        }
    }

    private static Integer newest(Map<Integer, Object> known) {
        Integer newest = null;
        for (Integer v : known.keySet()) {
            if (newest == null || v > newest) {
                newest = v;
            }
        }
        return newest;
    }

    private static String keyOf(Object version) {
        return version instanceof StoredVersion s ? s.partitionKey() : ((Decision) version).trade().key().value();
    }

    private static Contribution contributionOf(Object version) {
        return version instanceof StoredVersion s ? s.contribution() : ((Decision) version).contribution();
    }
}
