package com.pb.synth.tradecapture.capture;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.pb.synth.tradecapture.domain.ReasonCode;
import com.pb.synth.tradecapture.domain.Side;
import com.pb.synth.tradecapture.domain.TradeAction;
import com.pb.synth.tradecapture.support.TradeRequests;
import jakarta.validation.Validation;
import java.nio.charset.StandardCharsets;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;
import org.junit.jupiter.api.Test;

class TradeRequestMapperTest {

    private final TradeRequestMapper mapper = new TradeRequestMapper(
            new ObjectMapper().registerModule(new JavaTimeModule()),
            Validation.byDefaultProvider().configure().messageInterpolator(new ParameterMessageInterpolator())
                    .buildValidatorFactory());

    private TradeRequestMapper.Result map(String json, String key) {
        return mapper.map(json.getBytes(StandardCharsets.UTF_8), key);
    }

    @Test
    void readsTheRequestWithDecimalsAsNumbersOrStrings() {
        var b = TradeRequests.trade("T-1").action("CORRECT", 2).side("SELL").quantity("10000").price("187.125");
        var node = b.node();
        var pq = node.get("tradeLots").get(0).get("priceQuantity").get(0);
        ((com.fasterxml.jackson.databind.node.ObjectNode) pq.get("price").get(0)).put("value", "187.125");
        node.put("unknownUpstreamField", "ignored");

        var result = map(node.toString(), b.key());

        assertThat(result.rejection()).isNull();
        assertThat(result.trade().action()).isEqualTo(TradeAction.CORRECT);
        assertThat(result.trade().side()).isEqualTo(Side.SELL);
        assertThat(result.trade().version()).isEqualTo(2);
        assertThat(result.trade().notional()).isEqualByComparingTo("1871250");
        assertThat(result.trade().key().value()).isEqualTo("ACC-001_BOOK-01_US0378331005");
    }

    @Test
    void defaultsActionVersionAndSide() {
        var node = TradeRequests.trade("T-2").node();
        node.remove("action");
        node.remove("version");
        node.remove("side");
        var trade = map(node.toString(), null).trade();
        assertThat(trade.action()).isEqualTo(TradeAction.NEW);
        assertThat(trade.version()).isEqualTo(1);
        assertThat(trade.side()).isEqualTo(Side.BUY);
    }

    @Test
    void rejectsEachKindOfBadInputWithItsReason() {
        assertThat(map("not json", null).rejection().reasonCode()).isEqualTo(ReasonCode.NOT_JSON);
        assertThat(mapper.map(new byte[0], "K").rejection().reasonCode()).isEqualTo(ReasonCode.EMPTY_PAYLOAD);
        assertThat(mapper.map(null, null).rejection().reasonCode()).isEqualTo(ReasonCode.EMPTY_PAYLOAD);
        assertThat(map("{\"tradeId\": 12, \"tradeLots\": {}}", null).rejection().reasonCode())
                .isEqualTo(ReasonCode.SCHEMA_INVALID);
        var missing = TradeRequests.trade("T-3").node();
        missing.remove("accountId");
        assertThat(map(missing.toString(), null).rejection().reasonCode()).isEqualTo(ReasonCode.MISSING_FIELD);
        assertThat(map(TradeRequests.trade("T-4").quantity("0").json(), null).rejection().reasonCode())
                .isEqualTo(ReasonCode.INVALID_VALUE);
        assertThat(map(TradeRequests.trade("T-5").currency("ZZZ").json(), null).rejection().reasonCode())
                .isEqualTo(ReasonCode.INVALID_VALUE);
        assertThat(map(TradeRequests.trade("T_6").json(), null).rejection().reasonCode())
                .isEqualTo(ReasonCode.INVALID_ID);
        assertThat(map(TradeRequests.trade("T-7").json(), "ACC-009_BOOK-01_US0378331005").rejection().reasonCode())
                .isEqualTo(ReasonCode.KEY_MISMATCH);
        var unknownAction = TradeRequests.trade("T-8").node().put("action", "AMEND");
        assertThat(map(unknownAction.toString(), null).rejection().reasonCode()).isEqualTo(ReasonCode.INVALID_VALUE);
        var settlesEarly = TradeRequests.trade("T-9").node().put("settlementDate", "2026-11-20");
        assertThat(map(settlesEarly.toString(), null).rejection().detail()).contains("settlementDate");
    }

    @Test
    void refusesEveryValueTheStoresCannotHoldNamingTheField() {
        for (var c : com.pb.synth.tradecapture.support.OutOfRange.cases("ACC-001", "BOOK-01", "US0378331005")) {
            var result = map(c.json().apply("T-OOR"), null);
            assertThat(result.rejection()).as(c.name()).isNotNull();
            assertThat(result.rejection().reasonCode()).as(c.name()).isEqualTo(ReasonCode.VALUE_OUT_OF_RANGE);
            assertThat(result.rejection().detail()).as(c.name()).startsWith(c.field() + " ");
        }
    }

    @Test
    void acceptsValuesAtTheEdgeOfWhatTheStoresHold() {
        var edge = TradeRequests.trade("T-EDGE").quantity("99999999999999999999.99999999").price("0.00000001").node()
                .put("tradeDate", "9999-12-31").put("tradeTimestamp", "9999-12-31T23:59:59.999Z")
                .put("idempotencyKey", "k".repeat(128));
        var result = map(edge.toString(), null);
        assertThat(result.rejection()).isNull();
        // Notional is quantity x price rounded half-even to 8 places.
        assertThat(result.trade().notional()).isEqualByComparingTo("1000000000000.00000000");
        var trailingZeros = TradeRequests.trade("T-ZEROS").price("10.500000000000").json();
        assertThat(map(trailingZeros, null).rejection()).isNull();
    }

    @Test
    void theShapeChecksNameTheFieldTheShapeAndTheReason() throws Exception {
        var node = TradeRequests.trade("T 10").node().put("action", "AMEND").put("side", "buy").put("source", "FAX");
        node.putArray("counterpartyIds").add("CP-1").add("CP_2");
        ((com.fasterxml.jackson.databind.node.ObjectNode) node.get("tradeLots").get(0).get("priceQuantity").get(0)
                .get("price").get(0).get("unit")).put("currency", "usd");
        var request = new ObjectMapper().registerModule(new JavaTimeModule())
                .readValue(node.toString(), TradeCaptureRequest.class);
        var errors = mapper.violations(request).stream()
                .map(e -> e.field() + " " + e.reason() + " " + e.message()).toList();
        assertThat(errors).containsExactly(
                "action INVALID_VALUE must match \"NEW|CORRECT|CANCEL\"",
                "counterpartyIds[1].<list element> INVALID_ID must match \"[A-Za-z0-9.-]{1,64}\"",
                "side INVALID_VALUE must match \"BUY|SELL\"",
                "source INVALID_VALUE must match \"AUTOMATED|MANUAL\"",
                "tradeId INVALID_ID must match \"[A-Za-z0-9.-]{1,64}\"",
                "tradeLots[0].priceQuantity[0].price[0].unit.currency INVALID_VALUE must match \"[A-Z]{3}\"");
    }

    private com.pb.synth.tradecapture.domain.RefusedSlot slot(String json, String key, ReasonCode reason) {
        return mapper.slotOf(json.getBytes(StandardCharsets.UTF_8), key, reason);
    }

    @Test
    void aRefusedRecordKeepsItsPlaceWhenItsKeyAndNumberCanBeRead() {
        var b = TradeRequests.trade("T-SLOT").sequence(7);
        var node = b.node();
        ((com.fasterxml.jackson.databind.node.ObjectNode) node).put("tradeDate", "10000-01-01");
        var result = map(node.toString(), b.key());
        assertThat(result.rejection()).isNotNull();
        var slot = slot(node.toString(), b.key(), result.rejection().reasonCode());
        assertThat(slot).isNotNull();
        assertThat(slot.key()).isEqualTo(b.key());
        assertThat(slot.sequence()).isEqualTo(7);
        assertThat(slot(node.toString().replace("\"sequenceNumber\":7", "\"sequenceNumber\":0"), b.key(),
                ReasonCode.SCHEMA_INVALID).sequence()).isZero();
    }

    @Test
    void anUnreadableKeyOrNumberLeavesAGap() {
        var b = TradeRequests.trade("T-GAP").sequence(3);
        String json = b.node().toString();
        String key = b.key();
        assertThat(slot(json, key, ReasonCode.KEY_MISMATCH)).as("key mismatch").isNull();
        assertThat(slot(json, key, ReasonCode.NOT_JSON)).as("not JSON").isNull();
        assertThat(slot(json, null, ReasonCode.SCHEMA_INVALID)).as("no record key").isNull();
        assertThat(slot(json, "ACC-001_BOOK-01_OTHER", ReasonCode.SCHEMA_INVALID)).as("another key").isNull();
        assertThat(slot("{\"accountId\":", key, ReasonCode.SCHEMA_INVALID)).as("broken JSON").isNull();
        assertThat(slot("[1,2]", key, ReasonCode.SCHEMA_INVALID)).as("not an object").isNull();
        for (String seq : new String[] {"-1", "1.5", "\"3\"", "null", "99999999999999999999", "true"}) {
            assertThat(slot(json.replace("\"sequenceNumber\":3", "\"sequenceNumber\":" + seq), key,
                    ReasonCode.SCHEMA_INVALID)).as("sequenceNumber " + seq).isNull();
        }
        assertThat(slot(json.replace("\"sequenceNumber\":3,", "").replace(",\"sequenceNumber\":3", ""), key,
                ReasonCode.SCHEMA_INVALID)).as("no number").isNull();
        assertThat(slot(json.replace("\"bookId\":\"BOOK-01\"", "\"bookId\":\"BOOK 01\""), key,
                ReasonCode.SCHEMA_INVALID)).as("an id that fails its check").isNull();
        assertThat(slot(json.replace("\"accountId\":\"ACC-001\"", "\"accountId\":1"), key,
                ReasonCode.SCHEMA_INVALID)).as("an id that is not text").isNull();
    }

    @Test
    void eachReadableParseRefusalHasItsReasonAndItsPlace() {
        com.pb.synth.tradecapture.support.BadRecords.readableParseRefusals().forEach((reason, spoil) -> {
            var b = TradeRequests.trade("T-" + reason.name().replace('_', '-')).sequence(4);
            String json = spoil.apply(b.node()).toString();
            var result = map(json, b.key());
            assertThat(result.rejection()).as(reason.name()).isNotNull();
            assertThat(result.rejection().reasonCode()).as(json).isEqualTo(reason);
            var slot = slot(json, b.key(), reason);
            assertThat(slot).as(reason.name()).isNotNull();
            assertThat(slot.sequence()).isEqualTo(4);
        });
    }
}
