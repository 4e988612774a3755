package com.pb.synth.tradecapture.support;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.List;
import java.util.function.Function;

/**
 * Requests that pass the schema but hold values the stores cannot: each with the field a 400 must
 * name. Kafka and HTTP tests send the same set.
 */
public final class OutOfRange {

    /** One case: its name, the field at fault, and the JSON for a trade id. */
    public record Case(String name, String field, Function<String, String> json) {
    }

    private static final String LOT = "tradeLots[0].priceQuantity[0]";

    private OutOfRange() {
    }

    public static List<Case> cases(String account, String book, String security) {
        return List.of(
                new Case("huge exponent", LOT + ".quantity[0].value",
                        id -> trade(id, account, book, security).json().replace("\"value\":100", "\"value\":1e999999999")),
                new Case("21 integer digits", LOT + ".quantity[0].value",
                        id -> trade(id, account, book, security).quantity("123456789012345678901").json()),
                new Case("9 decimal places", LOT + ".price[0].value",
                        id -> trade(id, account, book, security).price("10.123456789").json()),
                new Case("notional past 10^20", LOT,
                        id -> trade(id, account, book, security).quantity("1000000000000000").price("1000000").json()),
                new Case("total quantity past 10^20", "tradeLots",
                        id -> twoLots(trade(id, account, book, security).quantity("60000000000000000000")
                                .price("0.00000001").node())),
                new Case("trade date after 9999", "tradeDate",
                        id -> trade(id, account, book, security).node().put("tradeDate", "+10000-01-01").toString()),
                new Case("timestamp after 9999", "tradeTimestamp",
                        id -> trade(id, account, book, security).node()
                                .put("tradeTimestamp", "+10000-01-01T00:00:00Z").toString()),
                new Case("NUL in idempotency key", "idempotencyKey",
                        id -> trade(id, account, book, security).node().put("idempotencyKey", "k\u0000" + id).toString()),
                new Case("lone surrogate in a lot identifier", "tradeLots[0].lotIdentifier[0].identifier",
                        id -> trade(id, account, book, security).json().replace(id + "-L1", "L\\ud800")));
    }

    private static TradeRequests.Builder trade(String id, String account, String book, String security) {
        return TradeRequests.trade(id).key(account, book, security);
    }

    private static String twoLots(ObjectNode node) {
        var lots = node.withArray("tradeLots");
        lots.add(lots.get(0).deepCopy());
        return node.toString();
    }

    /** Quantity for a trade that fits but whose second copy takes the position past 10^20. */
    public static final BigDecimal HALF_OF_THE_LIMIT_AND_MORE = new BigDecimal("60000000000000000000");
}
