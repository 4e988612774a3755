package com.pb.synth.tradecapture.capture;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.pb.synth.tradecapture.domain.Lot;
import com.pb.synth.tradecapture.domain.SwapBlotter;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/** The captured event on the output topic: the swap blotter, the capture outcome and the key's position. */
@RegisterForReflection
@JsonSerialize(using = CapturedEventSerializer.class)
public record CapturedEvent(String tradeId, int version, String partitionKey, String action, String side,
                            Long sequenceNumber, String status, String source, String enteredBy, LocalDate tradeDate,
                            List<String> counterpartyIds, List<Lot> tradeLots, SwapBlotter.Contract contract,
                            State state, String enrichmentStatus, String workflowStatus,
                            List<String> approvalReasons, SwapBlotter.NonEconomicTerms nonEconomicTerms,
                            ProcessingMetadata processingMetadata, String region, String instanceId,
                            long fencingToken, PositionView position) {

    @RegisterForReflection
    public record State(String positionState) {
    }

    @RegisterForReflection
    public record ProcessingMetadata(Instant processedAt, long processingTimeMs, List<String> rulesApplied,
                                     List<String> enrichmentSources, List<String> missingReferenceData) {
    }

    @RegisterForReflection
    public record PositionView(BigDecimal quantity, BigDecimal notional, BigDecimal averagePrice, int tradeCount,
                               int pendingCount) {
    }
}
