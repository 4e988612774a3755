package com.pb.synth.tradecapture.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * One page of an ordered list read by cursor: the items after {@code after} (by their ordinal), at
 * most {@code limit} of them, the total count of what matched, and the cursor of the next page (null
 * when this is the last). Pure.
 */
public record Page<T>(List<T> items, long total, Long nextAfter) {

    /** The smallest and largest page a caller may ask for, and the one it gets when it does not say. */
    public static final int MIN_LIMIT = 1;
    public static final int MAX_LIMIT = 1_000;
    public static final int DEFAULT_LIMIT = 100;

    /** A page of {@code all} (in ordinal order): those whose ordinal is above {@code after}. */
    public static <T> Page<T> of(List<T> all, ToLongFunction<T> ordinal, long after, int limit) {
        return of(all, ordinal, t -> true, after, limit);
    }

    /** A page of {@code all} (in ordinal order): those matching {@code filter} whose ordinal is above {@code after}. */
    public static <T> Page<T> of(List<T> all, ToLongFunction<T> ordinal, Predicate<T> filter, long after, int limit) {
        if (limit < MIN_LIMIT || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between " + MIN_LIMIT + " and " + MAX_LIMIT + ", was " + limit);
        }
        if (after < 0) {
            throw new IllegalArgumentException("after must be 0 or more, was " + after);
        }
        List<T> items = new ArrayList<>(Math.min(limit, all.size()));
        long total = 0;
        boolean more = false;
        for (T t : all) {
            if (!filter.test(t)) {
                continue;
            }
            total++;
            if (ordinal.applyAsLong(t) <= after) {
                continue;
            }
            if (items.size() < limit) {
                items.add(t);
            } else {
                more = true;
            }
        }
        Long next = more ? ordinal.applyAsLong(items.get(items.size() - 1)) : null;
        return new Page<>(List.copyOf(items), total, next);
    }
}
