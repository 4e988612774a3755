package com.pb.synth.tradecapture.domain;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * A key's position: signed quantity, signed notional, live trades and how many of those wait
 * for approval, and the fencing token of the writer that stored it.
 */
public record Position(String partitionKey, BigDecimal quantity, BigDecimal notional, int tradeCount,
                       int pendingCount, long fencingToken) {

    private static final MathContext PRICE = new MathContext(20);

    public static Position empty(String partitionKey) {
        return new Position(partitionKey, BigDecimal.ZERO, BigDecimal.ZERO, 0, 0, 0);
    }

    /** Replaces {@code before} by {@code after} in this position. */
    public Position replace(Contribution before, Contribution after, long token) {
        return new Position(partitionKey,
                quantity.subtract(before.quantity()).add(after.quantity()),
                notional.subtract(before.notional()).add(after.notional()),
                tradeCount - count(before.live()) + count(after.live()),
                pendingCount - count(before.live() && before.pending()) + count(after.live() && after.pending()),
                token);
    }

    public BigDecimal averagePrice() {
        return average(notional, quantity);
    }

    static BigDecimal average(BigDecimal notional, BigDecimal quantity) {
        return quantity.signum() == 0 ? BigDecimal.ZERO : notional.divide(quantity, PRICE).stripTrailingZeros();
    }

    private static int count(boolean b) {
        return b ? 1 : 0;
    }
}
