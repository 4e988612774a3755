package com.pb.synth.tradecapture.domain;

import java.math.BigDecimal;

public enum Side {
    BUY, SELL;

    /** Signs a quantity or notional: buys add to the position, sells take from it. */
    public BigDecimal sign(BigDecimal amount) {
        return this == BUY ? amount : amount.negate();
    }
}
