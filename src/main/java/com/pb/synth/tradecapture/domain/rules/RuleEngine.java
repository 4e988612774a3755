package com.pb.synth.tradecapture.domain.rules;

import com.pb.synth.tradecapture.domain.Account;
import com.pb.synth.tradecapture.domain.Book;
import com.pb.synth.tradecapture.domain.PositionState;
import com.pb.synth.tradecapture.domain.Security;
import com.pb.synth.tradecapture.domain.SwapBlotter;
import com.pb.synth.tradecapture.domain.SwapBlotterFactory;
import com.pb.synth.tradecapture.domain.Trade;
import com.pb.synth.tradecapture.domain.WorkflowStatus;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Runs rules over a formed blotter: economic rules, then non-economic, then workflow, by priority
 * within a kind (then rule id). Every rule whose criteria hold applies all its actions and is
 * recorded in {@code rulesApplied}; a later rule sees the fields an earlier one set. Pure.
 */
public final class RuleEngine {

    /** Sorts rules into the order they run in. */
    public static final Comparator<CompiledRule> ORDER = Comparator.comparing(CompiledRule::kind)
            .thenComparingInt(CompiledRule::priority).thenComparing(CompiledRule::ruleId);

    private RuleEngine() {
    }

    /** The fields rules may change, taken from a blotter and put back into a new one. */
    public static final class Draft {
        BigDecimal spreadBps;
        String dayCount;
        String resetFrequency;
        String floatingRateIndex;
        String returnType;
        Integer tenorMonths;
        final Map<String, String> settlement = new TreeMap<>();
        final Map<String, Boolean> flags = new TreeMap<>();
        final Set<String> tags = new LinkedHashSet<>();
        final List<String> approvalReasons = new ArrayList<>();
        final List<String> applied = new ArrayList<>();

        private Draft(SwapBlotter b) {
            var rate = b.contract().economicTerms().interestRatePayout();
            spreadBps = rate.spreadBps();
            dayCount = rate.dayCountFraction();
            resetFrequency = rate.resetFrequency();
            floatingRateIndex = rate.floatingRateIndex();
            returnType = b.contract().economicTerms().performancePayout().returnType();
            settlement.putAll(b.nonEconomicTerms().settlement());
            flags.putAll(b.nonEconomicTerms().flags());
            tags.addAll(b.nonEconomicTerms().tags());
            approvalReasons.addAll(b.approvalReasons());
        }
    }

    /** A trade's blotter: formed from its reference data ({@link SwapBlotterFactory#form}), then the rules applied. */
    public static SwapBlotter blotter(Trade trade, Security security, Account account, Book book,
                                      List<CompiledRule> rules) {
        SwapBlotter base = SwapBlotterFactory.form(trade, security, account, book);
        return rules.isEmpty() ? base : apply(rules, new RuleContext(trade, security, account, book), base);
    }

    /** {@code rules} must be in {@link #ORDER}. */
    public static SwapBlotter apply(List<CompiledRule> rules, RuleContext context, SwapBlotter blotter) {
        Draft draft = null;
        for (CompiledRule rule : rules) {
            if (rule.when().test(context)) {
                if (draft == null) {
                    draft = new Draft(blotter);
                }
                for (var action : rule.actions()) {
                    action.accept(draft);
                }
                draft.applied.add(rule.label());
            }
        }
        return draft == null ? blotter : rebuild(blotter, draft, context);
    }

    private static SwapBlotter rebuild(SwapBlotter b, Draft d, RuleContext context) {
        var terms = b.contract().economicTerms();
        var perf = terms.performancePayout();
        var rate = terms.interestRatePayout();
        LocalDate termination = d.tenorMonths == null ? terms.terminationDate()
                : terms.effectiveDate().plusMonths(d.tenorMonths);
        var performance = new SwapBlotter.PerformancePayout(perf.underlier(), perf.isin(), d.returnType, perf.quantity(),
                perf.initialPrice(), perf.currency(), perf.notional());
        var interest = new SwapBlotter.InterestRatePayout(d.floatingRateIndex, d.spreadBps, d.dayCount,
                d.resetFrequency, rate.currency());
        String taxonomy = "TOTAL_RETURN".equals(d.returnType) ? SwapBlotter.TOTAL_RETURN_TAXONOMY
                : SwapBlotter.TAXONOMY;
        var contract = new SwapBlotter.Contract(b.contract().identifier(), taxonomy,
                new SwapBlotter.EconomicTerms(terms.effectiveDate(), termination, performance, interest));
        List<String> reasons = List.copyOf(d.approvalReasons);
        return new SwapBlotter(contract, b.enrichmentStatus(), WorkflowStatus.of(reasons).name(),
                PositionState.of(context.trade(), reasons).name(), b.enrichmentSources(),
                b.missingReferenceData(), new SwapBlotter.NonEconomicTerms(
                        Collections.unmodifiableMap(d.settlement), Collections.unmodifiableMap(d.flags),
                        List.copyOf(d.tags)), List.copyOf(d.applied), reasons);
    }
}
