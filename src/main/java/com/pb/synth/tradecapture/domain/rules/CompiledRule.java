package com.pb.synth.tradecapture.domain.rules;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/** A rule ready to run: its criteria and actions resolved once, when it was loaded. */
public record CompiledRule(String ruleId, int version, RuleKind kind, int priority, Predicate<RuleContext> when,
                           List<Consumer<RuleEngine.Draft>> actions) {

    /** How it is recorded in a blotter's {@code rulesApplied}. */
    public String label() {
        return ruleId + "@v" + version;
    }
}
