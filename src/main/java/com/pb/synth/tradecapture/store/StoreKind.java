package com.pb.synth.tradecapture.store;

import java.util.Locale;

/** The databases capture can store to. */
public enum StoreKind {
    POSTGRESQL,
    MSSQL;

    public static StoreKind of(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("DB_KIND must be postgresql or mssql, not '" + value + "'", e);
        }
    }
}
