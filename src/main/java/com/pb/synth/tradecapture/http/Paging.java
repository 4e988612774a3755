package com.pb.synth.tradecapture.http;

import com.pb.synth.tradecapture.domain.Page;

/**
 * The page parameters every list endpoint takes: a page size of {@value Page#MIN_LIMIT} to
 * {@value Page#MAX_LIMIT} ({@value Page#DEFAULT_LIMIT} when not given) and a cursor of 0 or more (0,
 * the start, when not given). Anything else is a 400 problem naming the parameter and what it was.
 */
public final class Paging {

    private Paging() {
    }

    /** A page size already read as a number. */
    public static int limit(String name, int limit) {
        if (limit < Page.MIN_LIMIT || limit > Page.MAX_LIMIT) {
            throw invalidLimit(name, Integer.toString(limit));
        }
        return limit;
    }

    /** A page size as given in the query string. */
    public static int limit(String name, String value) {
        if (value == null || value.isBlank()) {
            return Page.DEFAULT_LIMIT;
        }
        try {
            return limit(name, Integer.parseInt(value.trim()));
        } catch (NumberFormatException e) {
            throw invalidLimit(name, value);
        }
    }

    /** A cursor as given in the query string. */
    public static long after(String name, String value) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            long after = Long.parseLong(value.trim());
            if (after >= 0) {
                return after;
            }
        } catch (NumberFormatException e) {
            // named below
        }
        throw new Problem.Failure(Problem.of(400, "Invalid cursor", name + " must be a whole number of 0 or more, was " + value));
    }

    private static Problem.Failure invalidLimit(String name, String value) {
        return new Problem.Failure(Problem.of(400, "Invalid limit", name + " must be " + Page.MIN_LIMIT + " to "
                + Page.MAX_LIMIT + ", was " + value));
    }
}
