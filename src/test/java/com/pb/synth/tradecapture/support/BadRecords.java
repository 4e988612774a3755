package com.pb.synth.tradecapture.support;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pb.synth.tradecapture.domain.ReasonCode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * One record refused at parse or validation per reason code that leaves the record's key and
 * sequence number readable: each is a valid trade with one thing wrong.
 */
public final class BadRecords {

    private BadRecords() {
    }

    /** The reason code, and how a good trade's JSON becomes a record refused with it. */
    public static Map<ReasonCode, UnaryOperator<ObjectNode>> readableParseRefusals() {
        Map<ReasonCode, UnaryOperator<ObjectNode>> cases = new LinkedHashMap<>();
        cases.put(ReasonCode.SCHEMA_INVALID, n -> n.put("version", "not a number"));
        cases.put(ReasonCode.MISSING_FIELD, n -> {
            n.remove("tradeDate");
            return n;
        });
        cases.put(ReasonCode.INVALID_VALUE, n -> n.put("settlementDate", "2026-11-01"));
        cases.put(ReasonCode.INVALID_ID, n -> {
            n.putArray("counterpartyIds").add("CP\u0000X");
            return n;
        });
        cases.put(ReasonCode.VALUE_OUT_OF_RANGE, n -> {
            ((ObjectNode) n.get("tradeLots").get(0).get("priceQuantity").get(0).get("quantity").get(0))
                    .put("value", "1000000000000000000000000000000");
            return n;
        });
        return cases;
    }
}
