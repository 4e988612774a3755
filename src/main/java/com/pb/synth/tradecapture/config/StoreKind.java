package com.pb.synth.tradecapture.config;

/**
 * The databases capture can store to: {@code capture.store.kind} ({@code DB_KIND}, or taken from
 * {@code DATABASE_URL}'s form), converted once when the configuration is read; any other value
 * stops the service at start, naming the allowed ones.
 *
 * <p>{@link #BABELFISH} is SQL Server's dialect on Babelfish for PostgreSQL: the same T-SQL and wire
 * protocol, but a PostgreSQL engine underneath. What differs for the service is how a frozen
 * writer's transaction is ended (PostgreSQL's idle-in-transaction timeout, set on each session,
 * instead of finding and ending the blocking session) and that Flyway cannot migrate it.
 */
public enum StoreKind {
    POSTGRESQL,
    MSSQL,
    BABELFISH;

    /** Whether the store speaks T-SQL over TDS (SQL Server or Babelfish). */
    public boolean sqlServer() {
        return this != POSTGRESQL;
    }
}
