package com.pb.synth.tradecapture.domain;

import java.math.BigDecimal;

/** A client account with the financing terms its swaps are formed on. */
public record Account(String accountId, String legalEntity, String region, BigDecimal spreadBps, int tenorMonths,
                      String resetFrequency, boolean straightThrough, boolean active) {
}
