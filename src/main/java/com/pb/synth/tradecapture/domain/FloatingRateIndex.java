package com.pb.synth.tradecapture.domain;

/** The overnight index a swap's financing leg floats on, by currency, with its day count. */
public record FloatingRateIndex(String name, String dayCount) {

    public static FloatingRateIndex forCurrency(String currency) {
        return switch (currency) {
            case "USD" -> new FloatingRateIndex("SOFR", "ACT/360");
            case "EUR" -> new FloatingRateIndex("ESTR", "ACT/360");
            case "GBP" -> new FloatingRateIndex("SONIA", "ACT/365.FIXED");
            case "JPY" -> new FloatingRateIndex("TONA", "ACT/365.FIXED");
            case "CHF" -> new FloatingRateIndex("SARON", "ACT/360");
            default -> null;
        };
    }
}
