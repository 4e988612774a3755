package com.pb.synth.tradecapture.domain;

import java.math.BigDecimal;

/**
 * What one trade version adds to its key's position. A later version replaces the earlier
 * version's contribution, so CORRECT moves the position by the difference and CANCEL by minus
 * the whole.
 */
public record Contribution(BigDecimal quantity, BigDecimal notional, boolean live, boolean pending) {

    public static final Contribution NONE = new Contribution(BigDecimal.ZERO, BigDecimal.ZERO, false, false);
}
