package com.pb.synth.tradecapture.domain.rules;

/**
 * What a rule may change. Rules run kind by kind in this order, by priority within a kind:
 * economic terms first, then non-economic details, then the workflow decision.
 */
public enum RuleKind {
    /** Sets or derives economic fields of the contract (spread, day count, return type, tenor …). */
    ECONOMIC,
    /** Sets flags, tags and settlement details. */
    NON_ECONOMIC,
    /** Routes the trade to approval. */
    WORKFLOW
}
