package com.pb.synth.tradecapture.capture;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pb.synth.tradecapture.config.CaptureConfig;
import com.pb.synth.tradecapture.domain.MissingReference;
import com.pb.synth.tradecapture.domain.CaptureStatus;
import com.pb.synth.tradecapture.domain.Position;
import com.pb.synth.tradecapture.domain.SwapBlotter;
import com.pb.synth.tradecapture.domain.Trade;
import com.pb.synth.tradecapture.config.InstanceId;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/** Turns a decided trade into the JSON of its captured event, and a stored event into its duplicate. */
@Singleton
public class CapturedEventMapper {

    private final ObjectMapper mapper;
    private final ObjectWriter writer;
    private final String region;
    private final String instance;

    public CapturedEventMapper(ObjectMapper mapper, CaptureConfig config, InstanceId instanceId) {
        this.mapper = mapper;
        this.writer = mapper.writerFor(CapturedEvent.class).without(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        this.region = config.region();
        this.instance = instanceId.value();
    }

    public byte[] toJson(Trade trade, SwapBlotter blotter, CaptureStatus status, Position position, long fence,
                         Instant processedAt, long processingMillis) {
        var event = new CapturedEvent(trade.tradeId(), trade.version(), trade.key().value(), trade.action().name(),
                trade.side().name(), trade.sequenceNumber(), status.name(), trade.source(), trade.enteredBy(),
                trade.tradeDate(), trade.counterpartyIds(), trade.lots(), blotter.contract(),
                new CapturedEvent.State(blotter.positionState()), blotter.enrichmentStatus(), blotter.workflowStatus(),
                blotter.approvalReasons(), blotter.nonEconomicTerms(),
                new CapturedEvent.ProcessingMetadata(processedAt, processingMillis, blotter.rulesApplied(),
                        blotter.enrichmentSources(),
                        blotter.missingReferenceData().stream().map(MissingReference::detail).toList()),
                region, instance, fence,
                new CapturedEvent.PositionView(position.quantity(), position.notional(), position.averagePrice(),
                        position.tradeCount(), position.pendingCount()));
        try {
            return writer.writeValueAsBytes(event);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The event exactly as first captured, but for its status. */
    public byte[] asDuplicate(byte[] storedEvent) {
        try {
            ObjectNode node = (ObjectNode) mapper.readTree(storedEvent);
            node.put("status", CaptureStatus.DUPLICATE.name());
            return mapper.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
