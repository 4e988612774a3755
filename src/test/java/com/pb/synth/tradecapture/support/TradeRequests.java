package com.pb.synth.tradecapture.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.concurrent.atomic.AtomicLong;

/** Builds {@code TradeCaptureRequest} JSON the way upstream producers send it. */
public final class TradeRequests {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicLong RUN = new AtomicLong(System.nanoTime() % 1_000_000_000L);

    private TradeRequests() {
    }

    /** A prefix that makes ids unique to this test run (ids allow letters, digits, '.', '-'). */
    public static String unique(String prefix) {
        return prefix + "-" + Long.toString(RUN.incrementAndGet(), 36);
    }

    public static Builder trade(String tradeId) {
        return new Builder(tradeId);
    }

    public static final class Builder {
        private final String tradeId;
        private String account = "ACC-001";
        private String book = "BOOK-01";
        private String security = "US0378331005";
        private String action = "NEW";
        private int version = 1;
        private String side = "BUY";
        private BigDecimal quantity = new BigDecimal("100");
        private BigDecimal price = new BigDecimal("10.5");
        private String currency = "USD";
        private Long sequence;

        private Builder(String tradeId) {
            this.tradeId = tradeId;
        }

        public Builder key(String account, String book, String security) {
            this.account = account;
            this.book = book;
            this.security = security;
            return this;
        }

        public Builder action(String action, int version) {
            this.action = action;
            this.version = version;
            return this;
        }

        public Builder side(String side) {
            this.side = side;
            return this;
        }

        public Builder quantity(String quantity) {
            this.quantity = new BigDecimal(quantity);
            return this;
        }

        public Builder price(String price) {
            this.price = new BigDecimal(price);
            return this;
        }

        public Builder currency(String currency) {
            this.currency = currency;
            return this;
        }

        public Builder sequence(long sequence) {
            this.sequence = sequence;
            return this;
        }

        public String key() {
            return account + "_" + book + "_" + security;
        }

        public BigDecimal signedQuantity() {
            return "SELL".equals(side) ? quantity.negate() : quantity;
        }

        public BigDecimal signedNotional() {
            return com.pb.synth.tradecapture.domain.StoreLimits.money(signedQuantity().multiply(price));
        }

        public String tradeId() {
            return tradeId;
        }

        public ObjectNode node() {
            ObjectNode n = JSON.createObjectNode();
            n.put("tradeId", tradeId);
            n.put("accountId", account);
            n.put("bookId", book);
            n.put("securityId", security);
            n.put("source", "AUTOMATED");
            n.put("tradeDate", "2026-11-24");
            n.put("tradeTimestamp", "2026-11-24T15:30:00Z");
            n.putArray("counterpartyIds").add("CPTY-1");
            if (sequence != null) {
                n.put("sequenceNumber", sequence);
            }
            n.put("action", action);
            n.put("version", version);
            n.put("side", side);
            ArrayNode lots = n.putArray("tradeLots");
            ObjectNode lot = lots.addObject();
            lot.putArray("lotIdentifier").addObject().put("identifier", tradeId + "-L1").put("identifierType", "LOT_ID");
            ObjectNode pq = lot.putArray("priceQuantity").addObject();
            ObjectNode q = pq.putArray("quantity").addObject();
            q.put("value", quantity);
            q.putObject("unit").put("financialUnit", "Share");
            ObjectNode p = pq.putArray("price").addObject();
            p.put("value", price);
            p.putObject("unit").put("currency", currency);
            return n;
        }

        public String json() {
            return node().toString();
        }
    }
}
