package com.pb.synth.tradecapture.domain;

/** Why a record was rejected to the DLQ, or why an exception was opened on a captured trade. */
public enum ReasonCode {
    /** The payload is not JSON at all. */
    NOT_JSON,
    /** The record has no value: an empty record, or a tombstone. */
    EMPTY_PAYLOAD,
    /** JSON, but not the request shape: wrong types, unknown enum values, not an object. */
    SCHEMA_INVALID,
    /** A required field is missing or empty. */
    MISSING_FIELD,
    /** A value is out of range: non-positive quantity or price, unknown currency, dates out of order. */
    INVALID_VALUE,
    /** An id does not match {@code [A-Za-z0-9.-]{1,64}}. */
    INVALID_ID,
    /** The record key is not the partition key the payload implies. */
    KEY_MISMATCH,
    /** A later version of a trade names another account, book or security than its first version. */
    KEY_CHANGED,
    /**
     * A value the stores cannot hold: a decimal of 20 or more integer digits or more than 8 decimal
     * places ({@code DECIMAL(28,8)}), a notional (quantity x price) past that, a date or instant outside
     * 0001-01-01..9999-12-31, text that is not valid Unicode or holds control characters.
     */
    VALUE_OUT_OF_RANGE,
    /** The key's position would leave {@code DECIMAL(28,8)}: the trade is set aside, the position unchanged. */
    POSITION_OVERFLOW,
    /** The store refused the record for its data (a constraint, a conversion) while it accepted the rest. */
    STORE_REJECTED,
    /** The captured event would be larger than the broker accepts. */
    EVENT_TOO_LARGE,
    /** The record failed alone, the same way each time, while every dependency worked for the records beside it. */
    CAPTURE_FAILED,
    /** Held for a gap in the key's sequence numbers that did not fill within the gap timeout. */
    SEQUENCE_GAP,
    /*
     * Captured, but enrichment is partial (not a reject): the trade waits for approval while
     * operations repair the reference data. One exception per missing item, each with its code.
     */
    /** The security is not in the reference data. */
    UNKNOWN_SECURITY,
    /** The security is in the reference data but not ACTIVE. */
    INACTIVE_SECURITY,
    UNKNOWN_ACCOUNT,
    INACTIVE_ACCOUNT,
    UNKNOWN_BOOK,
    INACTIVE_BOOK,
    /** No floating-rate index is known for the trade's currency. */
    NO_FINANCING_INDEX;

    /** True for the codes of a trade captured with partial enrichment, false for a reject. */
    public boolean capturedAnyway() {
        return ordinal() >= UNKNOWN_SECURITY.ordinal();
    }
}
