package com.pb.synth.tradecapture.domain.rules;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A rule as written and stored: data, never code. {@code criteria} is a small declarative
 * expression ({@code all}, {@code any}, {@code not}, and leaves {@code {"field", "op", "value"}})
 * over trade and reference fields; absent, the rule applies to every trade. See {@link RuleCompiler}.
 */
public record RuleDefinition(String ruleId, String kind, Integer priority, String description, JsonNode criteria,
                             List<Action> actions) {

    /**
     * One change: {@code SET_FIELD} (field, value), {@code ADD_TAG} (value) or
     * {@code SET_WORKFLOW_STATUS} (value PENDING_APPROVAL, reason).
     */
    public record Action(String type, String field, JsonNode value, String reason) {
    }
}
