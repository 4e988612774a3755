package com.pb.synth.tradecapture.domain;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * A key's position: signed quantity, signed notional, live trades and how many of those wait
 * for approval, the fencing token of the writer that stored it, and the highest upstream sequence
 * number applied in order ({@code lastSequence}, 0 before the first).
 */
public record Position(String partitionKey, BigDecimal quantity, BigDecimal notional, int tradeCount,
                       int pendingCount, long fencingToken, long lastSequence) {

    private static final MathContext PRICE = new MathContext(20);

    public Position(String partitionKey, BigDecimal quantity, BigDecimal notional, int tradeCount, int pendingCount,
                    long fencingToken) {
        this(partitionKey, quantity, notional, tradeCount, pendingCount, fencingToken, 0);
    }

    public static Position empty(String partitionKey) {
        return new Position(partitionKey, BigDecimal.ZERO, BigDecimal.ZERO, 0, 0, 0, 0);
    }

    /** This position with its sequence moved on to {@code sequence}, written under {@code token}. */
    public Position sequenced(long sequence, long token) {
        return new Position(partitionKey, quantity, notional, tradeCount, pendingCount, token,
                Math.max(lastSequence, sequence));
    }

    /** True while quantity and notional fit the stores' {@code DECIMAL(28,8)}. */
    public boolean fits() {
        return StoreLimits.fits(quantity) && StoreLimits.fits(notional);
    }

    /** Replaces {@code before} by {@code after} in this position. */
    public Position replace(Contribution before, Contribution after, long token) {
        return new Position(partitionKey,
                quantity.subtract(before.quantity()).add(after.quantity()),
                notional.subtract(before.notional()).add(after.notional()),
                tradeCount - count(before.live()) + count(after.live()),
                pendingCount - count(before.live() && before.pending()) + count(after.live() && after.pending()),
                token, lastSequence);
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
