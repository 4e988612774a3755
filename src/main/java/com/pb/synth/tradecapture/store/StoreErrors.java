package com.pb.synth.tradecapture.store;

import io.vertx.mssqlclient.MSSQLException;
import io.vertx.pgclient.PgException;

/**
 * What a database failure means, in both dialects. Babelfish reports what it cannot map to a SQL
 * Server number under one generic number, 33557097, with PostgreSQL's message: a serialization
 * failure ("could not serialize access …") and a lock timeout ("canceling statement due to lock
 * timeout") arrive so, and are told apart here by that message (measured on Babelfish 4.3).
 */
public final class StoreErrors {

    /** Babelfish's number for an error it has no SQL Server number for. */
    public static final int BABELFISH_GENERIC = 33557097;

    private StoreErrors() {
    }

    /** A deadlock victim: SQL Server (and Babelfish) 1205, PostgreSQL 40P01. */
    public static boolean deadlock(Throwable f) {
        return find(f, "40P01", 1205, "deadlock detected");
    }

    /** A serialization failure: PostgreSQL 40001, SQL Server 3960 (snapshot update conflict), Babelfish's wrapping. */
    public static boolean serialization(Throwable f) {
        return find(f, "40001", 3960, "could not serialize access");
    }

    /** A lock wait given up: SQL Server 1222 (LOCK_TIMEOUT), PostgreSQL 55P03, Babelfish's wrapping. */
    public static boolean lockTimeout(Throwable f) {
        return find(f, "55P03", 1222, "due to lock timeout");
    }

    /** A unique-key violation: PostgreSQL 23505, SQL Server 2601 (index) and 2627 (constraint). */
    public static boolean uniqueViolation(Throwable f) {
        return find(f, "23505", 2627, null) || find(f, null, 2601, null);
    }

    private static boolean find(Throwable f, String sqlState, int number, String babelfishMessage) {
        for (Throwable t = f; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PgException pg && sqlState != null && sqlState.equals(pg.getSqlState())) {
                return true;
            }
            if (t instanceof MSSQLException ms && (ms.number() == number || babelfishMessage != null
                    && ms.number() == BABELFISH_GENERIC && ms.errorMessage() != null
                    && ms.errorMessage().contains(babelfishMessage))) {
                return true;
            }
        }
        return false;
    }
}
