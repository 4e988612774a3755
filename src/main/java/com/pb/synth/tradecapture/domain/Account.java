package com.pb.synth.tradecapture.domain;

import java.math.BigDecimal;

/**
 * A client account with the financing terms its swaps are formed on. {@code dayCount} overrides the
 * floating-rate index's convention when set; {@code maxTradeNotional} is the largest notional one
 * trade may have before it needs approval (null: no limit).
 */
public record Account(String accountId, String legalEntity, String region, BigDecimal spreadBps, int tenorMonths,
                      String resetFrequency, boolean straightThrough, boolean active, String dayCount,
                      BigDecimal maxTradeNotional) {
}
