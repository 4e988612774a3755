package com.pb.synth.tradecapture.store;

import com.pb.synth.tradecapture.config.CaptureConfig;
import java.util.Locale;

/** The databases capture can store to. */
public enum StoreKind {
    POSTGRESQL,
    MSSQL;

    /** True when capture stores to SQL Server. */
    public static boolean sqlServer(CaptureConfig config) {
        return of(config.store().kind()) == MSSQL;
    }

    public static StoreKind of(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("DB_KIND must be postgresql or mssql, not '" + value + "'", e);
        }
    }
}
