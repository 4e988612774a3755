package com.pb.synth.tradecapture.capture;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.pb.synth.tradecapture.domain.Lot;
import com.pb.synth.tradecapture.domain.SwapBlotter;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.List;

/**
 * Writes a {@link CapturedEvent} field by field. Every captured trade is written once, so the
 * event's JSON is a hot path: straight generator calls, with field names encoded once
 * ({@link SerializedString}), cost a fraction of reflective record serialisation. Field names
 * and order are the record's; the first three after the trade's
 * identity ({@code partitionKey}, {@code sequenceNumber}, {@code status}) stay near the front
 * where consumers that only route on them can stop reading.
 */
public class CapturedEventSerializer extends StdSerializer<CapturedEvent> {

    private static final SerializableString F_ACTION = new SerializedString("action");
    private static final SerializableString F_APPROVAL_REASONS = new SerializedString("approvalReasons");
    private static final SerializableString F_AVERAGE_PRICE = new SerializedString("averagePrice");
    private static final SerializableString F_CONTRACT = new SerializedString("contract");
    private static final SerializableString F_COUNTERPARTY_IDS = new SerializedString("counterpartyIds");
    private static final SerializableString F_CURRENCY = new SerializedString("currency");
    private static final SerializableString F_DAY_COUNT_FRACTION = new SerializedString("dayCountFraction");
    private static final SerializableString F_ECONOMIC_TERMS = new SerializedString("economicTerms");
    private static final SerializableString F_EFFECTIVE_DATE = new SerializedString("effectiveDate");
    private static final SerializableString F_ENRICHMENT_SOURCES = new SerializedString("enrichmentSources");
    private static final SerializableString F_ENRICHMENT_STATUS = new SerializedString("enrichmentStatus");
    private static final SerializableString F_ENTERED_BY = new SerializedString("enteredBy");
    private static final SerializableString F_FENCING_TOKEN = new SerializedString("fencingToken");
    private static final SerializableString F_FINANCIAL_UNIT = new SerializedString("financialUnit");
    private static final SerializableString F_FLAGS = new SerializedString("flags");
    private static final SerializableString F_FLOATING_RATE_INDEX = new SerializedString("floatingRateIndex");
    private static final SerializableString F_IDENTIFIER = new SerializedString("identifier");
    private static final SerializableString F_IDENTIFIER_TYPE = new SerializedString("identifierType");
    private static final SerializableString F_IDENTIFIERS = new SerializedString("identifiers");
    private static final SerializableString F_INITIAL_PRICE = new SerializedString("initialPrice");
    private static final SerializableString F_INSTANCE_ID = new SerializedString("instanceId");
    private static final SerializableString F_INTEREST_RATE_PAYOUT = new SerializedString("interestRatePayout");
    private static final SerializableString F_ISIN = new SerializedString("isin");
    private static final SerializableString F_MISSING_REFERENCE_DATA = new SerializedString("missingReferenceData");
    private static final SerializableString F_NON_ECONOMIC_TERMS = new SerializedString("nonEconomicTerms");
    private static final SerializableString F_NOTIONAL = new SerializedString("notional");
    private static final SerializableString F_PARTITION_KEY = new SerializedString("partitionKey");
    private static final SerializableString F_PENDING_COUNT = new SerializedString("pendingCount");
    private static final SerializableString F_PERFORMANCE_PAYOUT = new SerializedString("performancePayout");
    private static final SerializableString F_POSITION = new SerializedString("position");
    private static final SerializableString F_POSITION_STATE = new SerializedString("positionState");
    private static final SerializableString F_PRICE = new SerializedString("price");
    private static final SerializableString F_PROCESSED_AT = new SerializedString("processedAt");
    private static final SerializableString F_PROCESSING_METADATA = new SerializedString("processingMetadata");
    private static final SerializableString F_PROCESSING_TIME_MS = new SerializedString("processingTimeMs");
    private static final SerializableString F_QUANTITY = new SerializedString("quantity");
    private static final SerializableString F_REGION = new SerializedString("region");
    private static final SerializableString F_RESET_FREQUENCY = new SerializedString("resetFrequency");
    private static final SerializableString F_RETURN_TYPE = new SerializedString("returnType");
    private static final SerializableString F_RULES_APPLIED = new SerializedString("rulesApplied");
    private static final SerializableString F_SEQUENCE_NUMBER = new SerializedString("sequenceNumber");
    private static final SerializableString F_SETTLEMENT = new SerializedString("settlement");
    private static final SerializableString F_SIDE = new SerializedString("side");
    private static final SerializableString F_SOURCE = new SerializedString("source");
    private static final SerializableString F_SPREAD_BPS = new SerializedString("spreadBps");
    private static final SerializableString F_STATE = new SerializedString("state");
    private static final SerializableString F_STATUS = new SerializedString("status");
    private static final SerializableString F_TAGS = new SerializedString("tags");
    private static final SerializableString F_TAXONOMY = new SerializedString("taxonomy");
    private static final SerializableString F_TERMINATION_DATE = new SerializedString("terminationDate");
    private static final SerializableString F_TRADE_COUNT = new SerializedString("tradeCount");
    private static final SerializableString F_TRADE_DATE = new SerializedString("tradeDate");
    private static final SerializableString F_TRADE_ID = new SerializedString("tradeId");
    private static final SerializableString F_TRADE_LOTS = new SerializedString("tradeLots");
    private static final SerializableString F_UNDERLIER = new SerializedString("underlier");
    private static final SerializableString F_VERSION = new SerializedString("version");
    private static final SerializableString F_WORKFLOW_STATUS = new SerializedString("workflowStatus");

    public CapturedEventSerializer() {
        super(CapturedEvent.class);
    }

    @Override
    public void serialize(CapturedEvent e, JsonGenerator g, SerializerProvider provider) throws IOException {
        g.writeStartObject();
        string(g, F_TRADE_ID, e.tradeId());
        g.writeFieldName(F_VERSION);
        g.writeNumber(e.version());
        string(g, F_PARTITION_KEY, e.partitionKey());
        string(g, F_ACTION, e.action());
        string(g, F_SIDE, e.side());
        g.writeFieldName(F_SEQUENCE_NUMBER);
        if (e.sequenceNumber() == null) {
            g.writeNull();
        } else {
            g.writeNumber(e.sequenceNumber());
        }
        string(g, F_STATUS, e.status());
        string(g, F_SOURCE, e.source());
        string(g, F_ENTERED_BY, e.enteredBy());
        string(g, F_TRADE_DATE, e.tradeDate() == null ? null : e.tradeDate().toString());
        strings(g, F_COUNTERPARTY_IDS, e.counterpartyIds());
        g.writeFieldName(F_TRADE_LOTS);
        g.writeStartArray();
        for (Lot lot : e.tradeLots()) {
            g.writeStartObject();
            g.writeFieldName(F_IDENTIFIERS);
            g.writeStartArray();
            for (Lot.LotIdentifier id : lot.identifiers()) {
                g.writeStartObject();
                string(g, F_IDENTIFIER, id.identifier());
                string(g, F_IDENTIFIER_TYPE, id.identifierType());
                g.writeEndObject();
            }
            g.writeEndArray();
            decimal(g, F_QUANTITY, lot.quantity());
            string(g, F_FINANCIAL_UNIT, lot.financialUnit());
            decimal(g, F_PRICE, lot.price());
            string(g, F_CURRENCY, lot.currency());
            g.writeEndObject();
        }
        g.writeEndArray();
        contract(g, e.contract());
        g.writeFieldName(F_STATE);
        g.writeStartObject();
        string(g, F_POSITION_STATE, e.state().positionState());
        g.writeEndObject();
        string(g, F_ENRICHMENT_STATUS, e.enrichmentStatus());
        string(g, F_WORKFLOW_STATUS, e.workflowStatus());
        strings(g, F_APPROVAL_REASONS, e.approvalReasons());
        nonEconomic(g, e.nonEconomicTerms());
        CapturedEvent.ProcessingMetadata m = e.processingMetadata();
        g.writeFieldName(F_PROCESSING_METADATA);
        g.writeStartObject();
        string(g, F_PROCESSED_AT, m.processedAt().toString());
        g.writeFieldName(F_PROCESSING_TIME_MS);
        g.writeNumber(m.processingTimeMs());
        strings(g, F_RULES_APPLIED, m.rulesApplied());
        strings(g, F_ENRICHMENT_SOURCES, m.enrichmentSources());
        strings(g, F_MISSING_REFERENCE_DATA, m.missingReferenceData());
        g.writeEndObject();
        string(g, F_REGION, e.region());
        string(g, F_INSTANCE_ID, e.instanceId());
        g.writeFieldName(F_FENCING_TOKEN);
        g.writeNumber(e.fencingToken());
        CapturedEvent.PositionView p = e.position();
        g.writeFieldName(F_POSITION);
        g.writeStartObject();
        decimal(g, F_QUANTITY, p.quantity());
        decimal(g, F_NOTIONAL, p.notional());
        decimal(g, F_AVERAGE_PRICE, p.averagePrice());
        g.writeFieldName(F_TRADE_COUNT);
        g.writeNumber(p.tradeCount());
        g.writeFieldName(F_PENDING_COUNT);
        g.writeNumber(p.pendingCount());
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void contract(JsonGenerator g, SwapBlotter.Contract c) throws IOException {
        g.writeFieldName(F_CONTRACT);
        g.writeStartObject();
        string(g, F_IDENTIFIER, c.identifier());
        string(g, F_TAXONOMY, c.taxonomy());
        SwapBlotter.EconomicTerms t = c.economicTerms();
        g.writeFieldName(F_ECONOMIC_TERMS);
        g.writeStartObject();
        string(g, F_EFFECTIVE_DATE, t.effectiveDate().toString());
        string(g, F_TERMINATION_DATE, t.terminationDate().toString());
        SwapBlotter.PerformancePayout pp = t.performancePayout();
        g.writeFieldName(F_PERFORMANCE_PAYOUT);
        g.writeStartObject();
        string(g, F_UNDERLIER, pp.underlier());
        string(g, F_ISIN, pp.isin());
        string(g, F_RETURN_TYPE, pp.returnType());
        decimal(g, F_QUANTITY, pp.quantity());
        decimal(g, F_INITIAL_PRICE, pp.initialPrice());
        string(g, F_CURRENCY, pp.currency());
        decimal(g, F_NOTIONAL, pp.notional());
        g.writeEndObject();
        SwapBlotter.InterestRatePayout ir = t.interestRatePayout();
        g.writeFieldName(F_INTEREST_RATE_PAYOUT);
        g.writeStartObject();
        string(g, F_FLOATING_RATE_INDEX, ir.floatingRateIndex());
        decimal(g, F_SPREAD_BPS, ir.spreadBps());
        string(g, F_DAY_COUNT_FRACTION, ir.dayCountFraction());
        string(g, F_RESET_FREQUENCY, ir.resetFrequency());
        string(g, F_CURRENCY, ir.currency());
        g.writeEndObject();
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void decimal(JsonGenerator g, SerializableString name, BigDecimal value) throws IOException {
        g.writeFieldName(name);
        if (value == null) {
            g.writeNull();
        } else {
            g.writeNumber(value);
        }
    }

    private static void nonEconomic(JsonGenerator g, SwapBlotter.NonEconomicTerms n) throws IOException {
        g.writeFieldName(F_NON_ECONOMIC_TERMS);
        g.writeStartObject();
        g.writeFieldName(F_SETTLEMENT);
        g.writeStartObject();
        for (var e : n.settlement().entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
        g.writeFieldName(F_FLAGS);
        g.writeStartObject();
        for (var e : n.flags().entrySet()) {
            g.writeBooleanField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
        strings(g, F_TAGS, n.tags());
        g.writeEndObject();
    }

    private static void string(JsonGenerator g, SerializableString name, String value) throws IOException {
        g.writeFieldName(name);
        g.writeString(value);
    }

    private static void strings(JsonGenerator g, SerializableString name, List<String> values) throws IOException {
        g.writeFieldName(name);
        g.writeStartArray();
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }
}
