package com.pb.synth.tradecapture.domain;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/** The swap contract a trade forms, CDM style: what downstream settlement, risk and finance read. */
public record SwapBlotter(Contract contract, String enrichmentStatus, String workflowStatus, String positionState,
                          List<String> enrichmentSources, List<MissingReference> missingReferenceData,
                          NonEconomicTerms nonEconomicTerms, List<String> rulesApplied, List<String> approvalReasons) {

    public static final String COMPLETE = "COMPLETE";
    public static final String PARTIAL = "PARTIAL";
    public static final String APPROVED = WorkflowStatus.APPROVED.name();
    public static final String PENDING_APPROVAL = WorkflowStatus.PENDING_APPROVAL.name();
    public static final String TAXONOMY = "EquitySwap:PriceReturnBasicPerformance:SingleName";
    public static final String TOTAL_RETURN_TAXONOMY = "EquitySwap:TotalReturnBasicPerformance:SingleName";

    public boolean pending() {
        return PENDING_APPROVAL.equals(workflowStatus);
    }

    /** Details that do not change the economics: settlement instructions, flags and tags set by rules. */
    public record NonEconomicTerms(Map<String, String> settlement, Map<String, Boolean> flags, List<String> tags) {
        public static final NonEconomicTerms NONE = new NonEconomicTerms(Map.of(), Map.of(), List.of());
    }

    public record Contract(String identifier, String taxonomy, EconomicTerms economicTerms) {
    }

    public record EconomicTerms(LocalDate effectiveDate, LocalDate terminationDate, PerformancePayout performancePayout,
                                InterestRatePayout interestRatePayout) {
    }

    public record PerformancePayout(String underlier, String isin, String returnType, BigDecimal quantity,
                                    BigDecimal initialPrice, String currency, BigDecimal notional) {
    }

    public record InterestRatePayout(String floatingRateIndex, BigDecimal spreadBps, String dayCountFraction,
                                     String resetFrequency, String currency) {
    }
}
