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
 *
 * <p>A record refused before this stage whose key and number could be read ({@link RefusedSlot})
 * takes its place in the sequence like a trade: held while numbers before it are missing, and once
 * it is next it moves the sequence past itself ({@link Plan#refused()}), so what follows it applies
 * at once. A held one whose gap timeout has passed is refused then (with its own reason).
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
    /**
     * @param refused     refused records whose place in the sequence came, in that order: the sequence
     *                    moved past each
     * @param heldRefused refused records still waiting for numbers before theirs
     */
    public record Plan(List<Decision> decisions, Map<String, Position> positions, List<Trade> late,
                       List<RefusedSlot> refused, List<RefusedSlot> heldRefused) {

        public Plan(List<Decision> decisions, Map<String, Position> positions) {
            this(decisions, positions, List.of(), List.of(), List.of());
        }

        public List<Decision> captured() {
            return decisions.stream().filter(Decision::captured).toList();
        }
    }

    public static Plan decide(List<? extends Sequenced> entries, Predicate<Trade> pending,
                              Map<String, Position> stored, Map<String, List<StoredVersion>> history,
                              ToLongFunction<String> fence) {
        return decide(entries, pending, stored, history, fence, t -> false);
    }

    /**
     * As above; {@code entries} are trades and refused slots in input order, {@code gapExpired} tells
     * which held ones have waited out their gap timeout.
     */
    public static Plan decide(List<? extends Sequenced> entries, Predicate<Trade> pending,
                              Map<String, Position> stored, Map<String, List<StoredVersion>> history,
                              ToLongFunction<String> fence, Predicate<Sequenced> gapExpired) {
        Batch batch = new Batch(pending, stored, history, fence, entries.size());
        for (Sequenced entry : entries) {
            batch.offer(entry);
        }
        batch.finish(gapExpired);
        return new Plan(batch.decisions, batch.positions, batch.late, batch.refused, batch.heldRefused);
    }

    /** The state of one decision run. */
    private static final class Batch {
        private final Predicate<Trade> pending;
        private final Map<String, Position> stored;
        private final ToLongFunction<String> fence;
        private final Map<String, Position> positions = new LinkedHashMap<>();
        private final Map<String, Map<Integer, Object>> versions = new HashMap<>();
        private final Map<String, TreeMap<Long, ArrayDeque<Sequenced>>> waiting = new LinkedHashMap<>();
        private final List<Decision> decisions;
        private final List<Trade> late = new ArrayList<>();
        private final List<RefusedSlot> refused = new ArrayList<>();
        private final List<RefusedSlot> heldRefused = new ArrayList<>();

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

        void offer(Sequenced entry) {
            String key = entry.sequenceKey();
            Long seq = entry.sequenceNumber();
            if (seq != null && seq - 1 > position(key).lastSequence()) {
                waiting.computeIfAbsent(key, k -> new TreeMap<>()).computeIfAbsent(seq, s -> new ArrayDeque<>())
                        .add(entry);
                return;
            }
            decide(entry);
            drain(key);
        }

        private void decide(Sequenced entry) {
            if (entry instanceof Trade trade) {
                apply(trade);
            } else {
                RefusedSlot slot = (RefusedSlot) entry;
                refused.add(slot);
                sequence(slot.key(), slot.sequence(), position(slot.key()));
            }
        }

        /** Releases the key's held trades that are now next in sequence (or below it). */
        private void drain(String key) {
            TreeMap<Long, ArrayDeque<Sequenced>> held = waiting.get(key);
            while (held != null && !held.isEmpty() && held.firstKey() - 1 <= position(key).lastSequence()) {
                ArrayDeque<Sequenced> same = held.firstEntry().getValue();
                Sequenced next = same.poll();
                if (same.isEmpty()) {
                    held.pollFirstEntry();
                }
                decide(next);
            }
        }

        /** Held entries whose gap timed out are rejected (or refused) in sequence order; the rest stay HELD. */
        void finish(Predicate<Sequenced> gapExpired) {
            for (Map.Entry<String, TreeMap<Long, ArrayDeque<Sequenced>>> e : waiting.entrySet()) {
                String key = e.getKey();
                TreeMap<Long, ArrayDeque<Sequenced>> held = e.getValue();
                while (!held.isEmpty() && gapExpired.test(held.firstEntry().getValue().peek())) {
                    Sequenced expired = held.firstEntry().getValue().poll();
                    if (held.firstEntry().getValue().isEmpty()) {
                        held.pollFirstEntry();
                    }
                    if (expired instanceof Trade trade) {
                        Position position = position(key);
                        reject(trade, position, ReasonCode.SEQUENCE_GAP.name(), "sequence " + trade.sequenceNumber()
                                + " of " + key + " waited out its gap timeout: sequences "
                                + (position.lastSequence() + 1) + ".." + (trade.sequenceNumber() - 1) + " never arrived");
                    } else {
                        decide(expired);
                    }
                    drain(key);
                }
                for (ArrayDeque<Sequenced> same : held.values()) {
                    for (Sequenced entry : same) {
                        if (entry instanceof Trade t) {
                            decisions.add(new Decision(t, CaptureStatus.HELD, position(key), null, pending.test(t), null,
                                    null, null, null));
                        } else {
                            heldRefused.add((RefusedSlot) entry);
                        }
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
            if (trade.sequenceNumber() != null) {
                sequence(trade.key().value(), trade.sequenceNumber(), position);
            }
        }

        private void sequence(String key, long seq, Position position) {
            if (seq > position.lastSequence()) {
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
