package com.pb.synth.tradecapture.domain;

import java.math.BigDecimal;
import java.util.List;

/** One trade lot: its identifiers and a single quantity at a single price. */
public record Lot(List<LotIdentifier> identifiers, BigDecimal quantity, String financialUnit,
                  BigDecimal price, String currency) {

    public record LotIdentifier(String identifier, String identifierType) {
    }

    /** Quantity x price at the stores' scale (half-even to 8 places, {@link StoreLimits#money}). */
    public BigDecimal notional() {
        return StoreLimits.money(quantity.multiply(price));
    }
}
