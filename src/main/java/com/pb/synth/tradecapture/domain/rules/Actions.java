package com.pb.synth.tradecapture.domain.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.pb.synth.tradecapture.domain.rules.RuleCompiler.Problem;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * A rule's actions, checked against its kind and compiled to changes of the blotter's draft
 * ({@link RuleCompiler} lists what each kind may do).
 */
final class Actions {

    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9]{0,31}");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /** Economic fields an ECONOMIC rule may set, with the values allowed. */
    public static final Map<String, String> ECONOMIC_FIELDS = Map.of(
            "interestRatePayout.spreadBps", "a decimal from -10000 to 10000",
            "interestRatePayout.dayCountFraction", "ACT/360, ACT/365.FIXED, ACT/ACT or 30/360",
            "interestRatePayout.resetFrequency", "DAILY, WEEKLY, MONTHLY or QUARTERLY",
            "interestRatePayout.floatingRateIndex", "SOFR, ESTR, SONIA, TONA or SARON",
            "performancePayout.returnType", "PRICE_RETURN or TOTAL_RETURN",
            "economicTerms.tenorMonths", "a whole number of months from 1 to 600");

    private static final Set<String> DAY_COUNTS = Set.of("ACT/360", "ACT/365.FIXED", "ACT/ACT", "30/360");
    private static final Set<String> RESETS = Set.of("DAILY", "WEEKLY", "MONTHLY", "QUARTERLY");
    private static final Set<String> INDICES = Set.of("SOFR", "ESTR", "SONIA", "TONA", "SARON");
    private static final Set<String> RETURN_TYPES = Set.of("PRICE_RETURN", "TOTAL_RETURN");

    private Actions() {
    }

    /** The action as a change of the draft, or null with its problems added. */
    static Consumer<RuleEngine.Draft> compile(RuleKind kind, RuleDefinition.Action a, String path,
                                              List<Problem> problems) {
        String type = a.type() == null ? "" : a.type();
        List<String> allowed = switch (kind) {
            case ECONOMIC -> List.of("SET_FIELD");
            case NON_ECONOMIC -> List.of("SET_FIELD", "ADD_TAG");
            case WORKFLOW -> List.of("SET_WORKFLOW_STATUS");
        };
        if (!allowed.contains(type)) {
            problems.add(new Problem(path + ".type", "a " + kind + " rule's actions are " + String.join(" or ", allowed)));
            return null;
        }
        return switch (type) {
            case "SET_WORKFLOW_STATUS" -> workflow(a, path, problems);
            case "ADD_TAG" -> {
                if (a.value() == null || !a.value().isTextual() || !TAG.matcher(a.value().textValue()).matches()) {
                    problems.add(new Problem(path + ".value", "must be a tag matching " + TAG.pattern()));
                    yield null;
                }
                String tag = a.value().textValue();
                yield d -> d.tags.add(tag);
            }
            default -> kind == RuleKind.ECONOMIC ? economic(a, path, problems) : nonEconomic(a, path, problems);
        };
    }

    private static Consumer<RuleEngine.Draft> workflow(RuleDefinition.Action a, String path, List<Problem> problems) {
        boolean ok = true;
        if (a.value() == null || !"PENDING_APPROVAL".equals(a.value().asText())) {
            problems.add(new Problem(path + ".value", "must be PENDING_APPROVAL (rules route to approval; "
                    + "only an approver approves)"));
            ok = false;
        }
        if (a.reason() == null || a.reason().isBlank() || a.reason().length() > 200) {
            problems.add(new Problem(path + ".reason", "must be 1 to 200 characters: the approver reads it"));
            ok = false;
        }
        String reason = a.reason();
        return ok ? d -> {
            if (!d.approvalReasons.contains(reason)) {
                d.approvalReasons.add(reason);
            }
        } : null;
    }

    private static Consumer<RuleEngine.Draft> economic(RuleDefinition.Action a, String path, List<Problem> problems) {
        String field = a.field() == null ? "" : a.field();
        JsonNode v = a.value();
        String expected = ECONOMIC_FIELDS.get(field);
        if (expected == null) {
            problems.add(new Problem(path + ".field", "an ECONOMIC rule sets one of " + ECONOMIC_FIELDS.keySet()));
            return null;
        }
        switch (field) {
            case "interestRatePayout.spreadBps" -> {
                BigDecimal spread = v != null && (v.isNumber() || v.isTextual()) ? decimalOrNull(v.asText()) : null;
                if (spread != null && spread.abs().compareTo(BigDecimal.valueOf(10_000)) <= 0) {
                    return d -> d.spreadBps = spread;
                }
            }
            case "economicTerms.tenorMonths" -> {
                if (v != null && v.canConvertToInt() && v.isIntegralNumber() && v.intValue() >= 1 && v.intValue() <= 600) {
                    int months = v.intValue();
                    return d -> d.tenorMonths = months;
                }
            }
            default -> {
                Set<String> allowed = switch (field) {
                    case "interestRatePayout.dayCountFraction" -> DAY_COUNTS;
                    case "interestRatePayout.resetFrequency" -> RESETS;
                    case "interestRatePayout.floatingRateIndex" -> INDICES;
                    default -> RETURN_TYPES;
                };
                if (v != null && v.isTextual() && allowed.contains(v.textValue())) {
                    String text = v.textValue();
                    return switch (field) {
                        case "interestRatePayout.dayCountFraction" -> d -> d.dayCount = text;
                        case "interestRatePayout.resetFrequency" -> d -> d.resetFrequency = text;
                        case "interestRatePayout.floatingRateIndex" -> d -> d.floatingRateIndex = text;
                        default -> d -> d.returnType = text;
                    };
                }
            }
        }
        problems.add(new Problem(path + ".value", "must be " + expected + " for " + field));
        return null;
    }

    private static Consumer<RuleEngine.Draft> nonEconomic(RuleDefinition.Action a, String path, List<Problem> problems) {
        String field = a.field() == null ? "" : a.field();
        JsonNode v = a.value();
        int dot = field.indexOf('.');
        String group = dot < 0 ? field : field.substring(0, dot);
        String name = dot < 0 ? "" : field.substring(dot + 1);
        if (!(group.equals("settlement") || group.equals("flags")) || !NAME.matcher(name).matches()) {
            problems.add(new Problem(path + ".field", "a NON_ECONOMIC rule sets settlement.NAME or flags.NAME "
                    + "(NAME matching " + NAME.pattern() + ")"));
            return null;
        }
        if (group.equals("flags")) {
            if (v == null || !v.isBoolean()) {
                problems.add(new Problem(path + ".value", "must be true or false for a flag"));
                return null;
            }
            boolean flag = v.booleanValue();
            return d -> d.flags.put(name, flag);
        }
        if (v == null || !v.isTextual() || v.textValue().isEmpty() || v.textValue().length() > 64) {
            problems.add(new Problem(path + ".value", "must be text of 1 to 64 characters"));
            return null;
        }
        String text = v.textValue();
        return d -> d.settlement.put(name, text);
    }

    private static BigDecimal decimalOrNull(String s) {
        try {
            return new BigDecimal(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
