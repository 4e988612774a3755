package com.pb.synth.tradecapture.validation;

import java.util.Currency;

/** ISO 4217 currency codes. */
public final class Currencies {

    private Currencies() {
    }

    /** Whether the code is an ISO 4217 currency this JVM knows ({@link CurrencyCode} checks the shape alone). */
    public static boolean isIso4217(String code) {
        if (code == null) {
            return false;
        }
        try {
            Currency.getInstance(code);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
