package com.pb.synth.tradecapture.domain.rules;

import com.pb.synth.tradecapture.domain.PartitionKey;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Checks a {@link RuleDefinition} and turns it into a {@link CompiledRule}, or names every problem.
 *
 * <p>Criteria: {@code {"all": [c…]}}, {@code {"any": [c…]}}, {@code {"not": c}}, or a leaf
 * {@code {"field": F, "op": OP, "value": V}}. Fields are {@code trade.*}, {@code security.*},
 * {@code account.*}, {@code book.*} (see {@link Criteria#FIELDS}); ops {@code eq ne in notIn gt ge lt le
 * startsWith exists}; a value is a literal of the field's type, a list for {@code in}/{@code notIn},
 * or {@code {"field": G}} to compare with another field. A leaf on a missing value is false
 * ({@code exists} false is true). No scripting, no regular expressions, bounded size.
 *
 * <p>Actions by kind: ECONOMIC {@code SET_FIELD} of {@link Actions#ECONOMIC_FIELDS}; NON_ECONOMIC
 * {@code SET_FIELD} of {@code settlement.NAME} (text) or {@code flags.NAME} (boolean), and
 * {@code ADD_TAG}; WORKFLOW {@code SET_WORKFLOW_STATUS} to {@code PENDING_APPROVAL} with a reason.
 */
public final class RuleCompiler {

    /** A problem with a rule: where (a path into the definition) and what. */
    public record Problem(String path, String message) {
    }

    /** Thrown with every problem found. */
    public static final class InvalidRule extends RuntimeException {
        private final List<Problem> problems;

        InvalidRule(List<Problem> problems) {
            super(problems.size() + " problem(s) in rule: " + problems.get(0).path() + " " + problems.get(0).message(),
                    null, false, false);
            this.problems = List.copyOf(problems);
        }

        public List<Problem> problems() {
            return problems;
        }
    }

    private static final int MAX_ACTIONS = 20;

    private RuleCompiler() {
    }

    /** The rule ready to run, or {@link InvalidRule} naming every problem. */
    public static CompiledRule compile(RuleDefinition def, int version) {
        List<Problem> problems = new ArrayList<>();
        if (!PartitionKey.isValidId(def.ruleId())) {
            problems.add(new Problem("ruleId", "must match " + PartitionKey.ID_SHAPE));
        }
        RuleKind kind = null;
        try {
            kind = RuleKind.valueOf(String.valueOf(def.kind()));
        } catch (IllegalArgumentException e) {
            problems.add(new Problem("kind", "must be ECONOMIC, NON_ECONOMIC or WORKFLOW"));
        }
        int priority = def.priority() == null ? 100 : def.priority();
        if (priority < 0 || priority > 10_000) {
            problems.add(new Problem("priority", "must be from 0 to 10000"));
        }
        if (def.description() != null && def.description().length() > 500) {
            problems.add(new Problem("description", "must be at most 500 characters"));
        }
        Predicate<RuleContext> when = Criteria.compile(def.criteria(), problems);
        List<Consumer<RuleEngine.Draft>> actions = new ArrayList<>();
        if (def.actions() == null || def.actions().isEmpty()) {
            problems.add(new Problem("actions", "must not be empty"));
        } else if (def.actions().size() > MAX_ACTIONS) {
            problems.add(new Problem("actions", "at most " + MAX_ACTIONS));
        } else if (kind != null) {
            for (int i = 0; i < def.actions().size(); i++) {
                Consumer<RuleEngine.Draft> a = Actions.compile(kind, def.actions().get(i), "actions[" + i + "]", problems);
                if (a != null) {
                    actions.add(a);
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidRule(problems);
        }
        return new CompiledRule(def.ruleId(), version, kind, priority, when, List.copyOf(actions));
    }
}
