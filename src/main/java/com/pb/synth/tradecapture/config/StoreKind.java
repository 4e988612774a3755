package com.pb.synth.tradecapture.config;

/**
 * The databases capture can store to: {@code capture.store.kind} ({@code DB_KIND}, or taken from
 * {@code DATABASE_URL}'s form), converted once when the configuration is read; any other value
 * stops the service at start, naming the allowed ones.
 */
public enum StoreKind {
    POSTGRESQL,
    MSSQL
}
