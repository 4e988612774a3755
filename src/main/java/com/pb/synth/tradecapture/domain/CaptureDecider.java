package com.pb.synth.tradecapture.domain;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 */
public final class CaptureDecider {

    public static final String KEY_CHANGED = "KEY_CHANGED";

    private CaptureDecider() {
    }

    public record Plan(List<Decision> decisions, Map<String, Position> positions) {

        public List<Decision> captured() {
            return decisions.stream().filter(Decision::captured).toList();
        }
    }

    public static Plan decide(List<Trade> trades, Predicate<Trade> pending, Map<String, Position> stored,
                              Map<String, List<StoredVersion>> history, ToLongFunction<String> fence) {
        Map<String, Position> positions = new LinkedHashMap<>();
        Map<String, Map<Integer, Object>> versions = new HashMap<>();
        history.forEach((tradeId, list) -> {
            Map<Integer, Object> byVersion = versions.computeIfAbsent(tradeId, k -> new HashMap<>());
            list.forEach(v -> byVersion.put(v.version(), v));
        });
        List<Decision> decisions = new ArrayList<>(trades.size());
        for (Trade trade : trades) {
            String key = trade.key().value();
            Position position = positions.get(key);
            if (position == null) {
                position = stored.get(key);
                if (position == null) {
                    position = Position.empty(key);
                }
            }
            Map<Integer, Object> known = versions.computeIfAbsent(trade.tradeId(), k -> new HashMap<>());
            Object same = known.get(trade.version());
            boolean isPending = pending.test(trade);
            if (same != null) {
                decisions.add(new Decision(trade, CaptureStatus.DUPLICATE, position, null, isPending,
                        same instanceof StoredVersion s ? s : null, same instanceof Decision d ? d : null, null, null));
                continue;
            }
            Integer newest = newest(known);
            if (newest != null && !keyOf(known.get(newest)).equals(key)) {
                decisions.add(new Decision(trade, null, position, null, isPending, null, null, KEY_CHANGED,
                        "trade " + trade.tradeId() + " was captured under key " + keyOf(known.get(newest))));
                continue;
            }
            if (newest != null && newest > trade.version()) {
                decisions.add(new Decision(trade, CaptureStatus.SUPERSEDED, position, null, isPending, null, null,
                        null, null));
                continue;
            }
            Contribution before = newest == null ? Contribution.NONE : contributionOf(known.get(newest));
            Contribution after = trade.contribution(isPending);
            Position next = position.replace(before, after, fence.applyAsLong(key));
            positions.put(key, next);
            Decision decision = new Decision(trade, CaptureStatus.CAPTURED, next, after, isPending, null, null,
                    null, null);
            known.put(trade.version(), decision);
            decisions.add(decision);
        }
        return new Plan(decisions, positions);
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
