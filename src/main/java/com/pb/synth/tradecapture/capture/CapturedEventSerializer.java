package com.pb.synth.tradecapture.capture;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.pb.synth.tradecapture.domain.Lot;
import com.pb.synth.tradecapture.domain.SwapBlotter;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.List;

/**
 * Writes a {@link CapturedEvent} field by field. Every captured trade is written once, so the
 * event's JSON is a hot path: straight generator calls cost a fraction of reflective record
 * serialisation. Field names and order are the record's; the first three after the trade's
 * identity ({@code partitionKey}, {@code sequenceNumber}, {@code status}) stay near the front
 * where consumers that only route on them can stop reading.
 */
public class CapturedEventSerializer extends StdSerializer<CapturedEvent> {

    public CapturedEventSerializer() {
        super(CapturedEvent.class);
    }

    @Override
    public void serialize(CapturedEvent e, JsonGenerator g, SerializerProvider provider) throws IOException {
        g.writeStartObject();
        g.writeStringField("tradeId", e.tradeId());
        g.writeNumberField("version", e.version());
        g.writeStringField("partitionKey", e.partitionKey());
        g.writeStringField("action", e.action());
        g.writeStringField("side", e.side());
        g.writeFieldName("sequenceNumber");
        if (e.sequenceNumber() == null) {
            g.writeNull();
        } else {
            g.writeNumber(e.sequenceNumber());
        }
        g.writeStringField("status", e.status());
        g.writeStringField("source", e.source());
        g.writeStringField("enteredBy", e.enteredBy());
        g.writeStringField("tradeDate", e.tradeDate() == null ? null : e.tradeDate().toString());
        strings(g, "counterpartyIds", e.counterpartyIds());
        g.writeArrayFieldStart("tradeLots");
        for (Lot lot : e.tradeLots()) {
            g.writeStartObject();
            g.writeArrayFieldStart("identifiers");
            for (Lot.LotIdentifier id : lot.identifiers()) {
                g.writeStartObject();
                g.writeStringField("identifier", id.identifier());
                g.writeStringField("identifierType", id.identifierType());
                g.writeEndObject();
            }
            g.writeEndArray();
            decimal(g, "quantity", lot.quantity());
            g.writeStringField("financialUnit", lot.financialUnit());
            decimal(g, "price", lot.price());
            g.writeStringField("currency", lot.currency());
            g.writeEndObject();
        }
        g.writeEndArray();
        contract(g, e.contract());
        g.writeObjectFieldStart("state");
        g.writeStringField("positionState", e.state().positionState());
        g.writeEndObject();
        g.writeStringField("enrichmentStatus", e.enrichmentStatus());
        g.writeStringField("workflowStatus", e.workflowStatus());
        strings(g, "approvalReasons", e.approvalReasons());
        nonEconomic(g, e.nonEconomicTerms());
        CapturedEvent.ProcessingMetadata m = e.processingMetadata();
        g.writeObjectFieldStart("processingMetadata");
        g.writeStringField("processedAt", m.processedAt().toString());
        g.writeNumberField("processingTimeMs", m.processingTimeMs());
        strings(g, "rulesApplied", m.rulesApplied());
        strings(g, "enrichmentSources", m.enrichmentSources());
        strings(g, "missingReferenceData", m.missingReferenceData());
        g.writeEndObject();
        g.writeStringField("region", e.region());
        g.writeStringField("instanceId", e.instanceId());
        g.writeNumberField("fencingToken", e.fencingToken());
        CapturedEvent.PositionView p = e.position();
        g.writeObjectFieldStart("position");
        decimal(g, "quantity", p.quantity());
        decimal(g, "notional", p.notional());
        decimal(g, "averagePrice", p.averagePrice());
        g.writeNumberField("tradeCount", p.tradeCount());
        g.writeNumberField("pendingCount", p.pendingCount());
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void contract(JsonGenerator g, SwapBlotter.Contract c) throws IOException {
        g.writeObjectFieldStart("contract");
        g.writeStringField("identifier", c.identifier());
        g.writeStringField("taxonomy", c.taxonomy());
        SwapBlotter.EconomicTerms t = c.economicTerms();
        g.writeObjectFieldStart("economicTerms");
        g.writeStringField("effectiveDate", t.effectiveDate().toString());
        g.writeStringField("terminationDate", t.terminationDate().toString());
        SwapBlotter.PerformancePayout pp = t.performancePayout();
        g.writeObjectFieldStart("performancePayout");
        g.writeStringField("underlier", pp.underlier());
        g.writeStringField("isin", pp.isin());
        g.writeStringField("returnType", pp.returnType());
        decimal(g, "quantity", pp.quantity());
        decimal(g, "initialPrice", pp.initialPrice());
        g.writeStringField("currency", pp.currency());
        decimal(g, "notional", pp.notional());
        g.writeEndObject();
        SwapBlotter.InterestRatePayout ir = t.interestRatePayout();
        g.writeObjectFieldStart("interestRatePayout");
        g.writeStringField("floatingRateIndex", ir.floatingRateIndex());
        decimal(g, "spreadBps", ir.spreadBps());
        g.writeStringField("dayCountFraction", ir.dayCountFraction());
        g.writeStringField("resetFrequency", ir.resetFrequency());
        g.writeStringField("currency", ir.currency());
        g.writeEndObject();
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void decimal(JsonGenerator g, String name, BigDecimal value) throws IOException {
        g.writeFieldName(name);
        if (value == null) {
            g.writeNull();
        } else {
            g.writeNumber(value);
        }
    }

    private static void nonEconomic(JsonGenerator g, SwapBlotter.NonEconomicTerms n) throws IOException {
        g.writeObjectFieldStart("nonEconomicTerms");
        g.writeObjectFieldStart("settlement");
        for (var e : n.settlement().entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
        g.writeObjectFieldStart("flags");
        for (var e : n.flags().entrySet()) {
            g.writeBooleanField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
        strings(g, "tags", n.tags());
        g.writeEndObject();
    }

    private static void strings(JsonGenerator g, String name, List<String> values) throws IOException {
        g.writeArrayFieldStart(name);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }
}
