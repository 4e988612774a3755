package com.pb.synth.tradecapture.domain.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.pb.synth.tradecapture.domain.Account;
import com.pb.synth.tradecapture.domain.Book;
import com.pb.synth.tradecapture.domain.PartitionKey;
import com.pb.synth.tradecapture.domain.Security;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Checks a {@link RuleDefinition} and turns it into a {@link CompiledRule}, or names every problem.
 *
 * <p>Criteria: {@code {"all": [c…]}}, {@code {"any": [c…]}}, {@code {"not": c}}, or a leaf
 * {@code {"field": F, "op": OP, "value": V}}. Fields are {@code trade.*}, {@code security.*},
 * {@code account.*}, {@code book.*} (see {@link #FIELDS}); ops {@code eq ne in notIn gt ge lt le
 * startsWith exists}; a value is a literal of the field's type, a list for {@code in}/{@code notIn},
 * or {@code {"field": G}} to compare with another field. A leaf on a missing value is false
 * ({@code exists} false is true). No scripting, no regular expressions, bounded size.
 *
 * <p>Actions by kind: ECONOMIC {@code SET_FIELD} of {@link #ECONOMIC_FIELDS}; NON_ECONOMIC
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

    enum Type { TEXT, DECIMAL, BOOLEAN }

    record Field(Type type, Function<RuleContext, Object> get) {
    }

    private static final int MAX_NODES = 200;
    private static final int MAX_DEPTH = 8;
    private static final int MAX_ACTIONS = 20;
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9]{0,31}");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /** Every field criteria may read. */
    public static final Map<String, Field> FIELDS = Map.ofEntries(
            text("trade.tradeId", c -> c.trade().tradeId()),
            text("trade.accountId", c -> c.trade().key().accountId()),
            text("trade.bookId", c -> c.trade().key().bookId()),
            text("trade.securityId", c -> c.trade().key().securityId()),
            text("trade.source", c -> c.trade().source()),
            text("trade.side", c -> c.trade().side().name()),
            text("trade.action", c -> c.trade().action().name()),
            text("trade.currency", c -> c.trade().currency()),
            text("trade.enteredBy", c -> c.trade().enteredBy()),
            decimal("trade.quantity", c -> c.trade().quantity().abs()),
            decimal("trade.price", c -> c.trade().price()),
            decimal("trade.notional", c -> c.trade().notional().abs()),
            decimal("trade.version", c -> BigDecimal.valueOf(c.trade().version())),
            text("security.isin", c -> sec(c, Security::isin)),
            text("security.ric", c -> sec(c, Security::ric)),
            text("security.currency", c -> sec(c, Security::currency)),
            text("security.assetClass", c -> sec(c, Security::assetClass)),
            text("security.exchange", c -> sec(c, Security::exchange)),
            text("account.legalEntity", c -> acc(c, Account::legalEntity)),
            text("account.region", c -> acc(c, Account::region)),
            decimal("account.spreadBps", c -> acc(c, Account::spreadBps)),
            decimal("account.maxTradeNotional", c -> acc(c, Account::maxTradeNotional)),
            decimal("account.tenorMonths", c -> acc(c, a -> BigDecimal.valueOf(a.tenorMonths()))),
            bool("account.straightThrough", c -> acc(c, Account::straightThrough)),
            text("book.desk", c -> book(c, Book::desk)),
            text("book.legalEntity", c -> book(c, Book::legalEntity)));

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
        int[] nodes = {0};
        Predicate<RuleContext> when = def.criteria() == null || def.criteria().isNull() || def.criteria().isEmpty()
                ? c -> true : condition(def.criteria(), "criteria", 1, nodes, problems);
        List<Consumer<RuleEngine.Draft>> actions = new ArrayList<>();
        if (def.actions() == null || def.actions().isEmpty()) {
            problems.add(new Problem("actions", "must not be empty"));
        } else if (def.actions().size() > MAX_ACTIONS) {
            problems.add(new Problem("actions", "at most " + MAX_ACTIONS));
        } else if (kind != null) {
            for (int i = 0; i < def.actions().size(); i++) {
                Consumer<RuleEngine.Draft> a = action(kind, def.actions().get(i), "actions[" + i + "]", problems);
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

    private static Predicate<RuleContext> condition(JsonNode node, String path, int depth, int[] nodes,
                                                    List<Problem> problems) {
        Predicate<RuleContext> never = c -> false;
        if (++nodes[0] > MAX_NODES) {
            if (nodes[0] == MAX_NODES + 1) {
                problems.add(new Problem(path, "criteria have more than " + MAX_NODES + " conditions"));
            }
            return never;
        }
        if (depth > MAX_DEPTH) {
            problems.add(new Problem(path, "criteria nest deeper than " + MAX_DEPTH));
            return never;
        }
        if (!node.isObject()) {
            problems.add(new Problem(path, "must be an object"));
            return never;
        }
        if (node.has("all") || node.has("any")) {
            boolean all = node.has("all");
            String op = all ? "all" : "any";
            if (node.size() != 1) {
                problems.add(new Problem(path, "'" + op + "' must be the only property"));
            }
            JsonNode list = node.get(op);
            if (!list.isArray() || list.isEmpty()) {
                problems.add(new Problem(path + "." + op, "must be a non-empty list"));
                return never;
            }
            List<Predicate<RuleContext>> parts = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                parts.add(condition(list.get(i), path + "." + op + "[" + i + "]", depth + 1, nodes, problems));
            }
            Predicate<RuleContext>[] array = parts.toArray(Predicate[]::new);
            return all ? c -> {
                for (Predicate<RuleContext> p : array) {
                    if (!p.test(c)) {
                        return false;
                    }
                }
                return true;
            } : c -> {
                for (Predicate<RuleContext> p : array) {
                    if (p.test(c)) {
                        return true;
                    }
                }
                return false;
            };
        }
        if (node.has("not")) {
            if (node.size() != 1) {
                problems.add(new Problem(path, "'not' must be the only property"));
            }
            return condition(node.get("not"), path + ".not", depth + 1, nodes, problems).negate();
        }
        return leaf(node, path, problems);
    }

    private static Predicate<RuleContext> leaf(JsonNode node, String path, List<Problem> problems) {
        Predicate<RuleContext> never = c -> false;
        Set<String> known = Set.of("field", "op", "value");
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                problems.add(new Problem(path + "." + name, "unknown property (a condition is all, any, not, "
                        + "or field/op/value)"));
            }
        }
        Field field = FIELDS.get(node.path("field").asText(null));
        if (field == null) {
            problems.add(new Problem(path + ".field", "unknown field '" + node.path("field").asText("") + "'"));
            return never;
        }
        String op = node.path("op").asText("");
        JsonNode value = node.get("value");
        Function<RuleContext, Object> get = field.get();
        switch (op) {
            case "exists" -> {
                if (value == null || !value.isBoolean()) {
                    problems.add(new Problem(path + ".value", "must be true or false for exists"));
                    return never;
                }
                boolean want = value.booleanValue();
                return c -> (get.apply(c) != null) == want;
            }
            case "eq", "ne" -> {
                Function<RuleContext, Object> other = operand(field.type(), value, path + ".value", problems);
                if (other == null) {
                    return never;
                }
                boolean eq = op.equals("eq");
                return c -> {
                    Object a = get.apply(c);
                    Object b = other.apply(c);
                    return a != null && b != null && (same(a, b) == eq);
                };
            }
            case "gt", "ge", "lt", "le" -> {
                if (field.type() != Type.DECIMAL) {
                    problems.add(new Problem(path + ".op", op + " needs a number field"));
                    return never;
                }
                Function<RuleContext, Object> other = operand(field.type(), value, path + ".value", problems);
                if (other == null) {
                    return never;
                }
                return c -> {
                    Object a = get.apply(c);
                    Object b = other.apply(c);
                    if (a == null || b == null) {
                        return false;
                    }
                    int cmp = ((BigDecimal) a).compareTo((BigDecimal) b);
                    return switch (op) {
                        case "gt" -> cmp > 0;
                        case "ge" -> cmp >= 0;
                        case "lt" -> cmp < 0;
                        default -> cmp <= 0;
                    };
                };
            }
            case "in", "notIn" -> {
                if (value == null || !value.isArray() || value.isEmpty() || value.size() > 1000) {
                    problems.add(new Problem(path + ".value", "must be a list of 1 to 1000 values"));
                    return never;
                }
                List<Object> values = new ArrayList<>();
                for (int i = 0; i < value.size(); i++) {
                    Object v = literal(field.type(), value.get(i), path + ".value[" + i + "]", problems);
                    if (v != null) {
                        values.add(v);
                    }
                }
                boolean in = op.equals("in");
                if (field.type() == Type.DECIMAL) {
                    return c -> {
                        Object a = get.apply(c);
                        return a != null && values.stream().anyMatch(v -> same(a, v)) == in;
                    };
                }
                Set<Object> set = new HashSet<>(values);
                return c -> {
                    Object a = get.apply(c);
                    return a != null && set.contains(a) == in;
                };
            }
            case "startsWith" -> {
                if (field.type() != Type.TEXT || value == null || !value.isTextual()) {
                    problems.add(new Problem(path + ".value", "startsWith needs a text field and a text value"));
                    return never;
                }
                String prefix = value.textValue();
                return c -> {
                    Object a = get.apply(c);
                    return a != null && ((String) a).startsWith(prefix);
                };
            }
            default -> {
                problems.add(new Problem(path + ".op", "unknown op '" + op + "' (eq ne in notIn gt ge lt le "
                        + "startsWith exists)"));
                return never;
            }
        }
    }

    /** The right-hand side: a literal of the field's type, or {@code {"field": G}} of the same type. */
    private static Function<RuleContext, Object> operand(Type type, JsonNode value, String path, List<Problem> problems) {
        if (value != null && value.isObject() && value.has("field")) {
            Field other = FIELDS.get(value.get("field").asText());
            if (other == null || other.type() != type) {
                problems.add(new Problem(path + ".field", other == null ? "unknown field '" + value.get("field").asText()
                        + "'" : "is not of the same type as the field compared"));
                return null;
            }
            return other.get();
        }
        Object literal = literal(type, value, path, problems);
        return literal == null ? null : c -> literal;
    }

    private static Object literal(Type type, JsonNode value, String path, List<Problem> problems) {
        if (value == null || value.isNull()) {
            problems.add(new Problem(path, "is required"));
            return null;
        }
        switch (type) {
            case TEXT -> {
                if (value.isTextual()) {
                    return value.textValue();
                }
            }
            case BOOLEAN -> {
                if (value.isBoolean()) {
                    return value.booleanValue();
                }
            }
            case DECIMAL -> {
                if (value.isNumber()) {
                    return value.decimalValue();
                }
                if (value.isTextual()) {
                    try {
                        return new BigDecimal(value.textValue());
                    } catch (NumberFormatException e) {
                        // reported below
                    }
                }
            }
            default -> throw new IllegalStateException(type.name());
        }
        problems.add(new Problem(path, "must be " + switch (type) {
            case TEXT -> "text";
            case BOOLEAN -> "true or false";
            case DECIMAL -> "a number";
        }));
        return null;
    }

    private static boolean same(Object a, Object b) {
        return a instanceof BigDecimal x && b instanceof BigDecimal y ? x.compareTo(y) == 0 : Objects.equals(a, b);
    }

    private static Consumer<RuleEngine.Draft> action(RuleKind kind, RuleDefinition.Action a, String path,
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

    private static Map.Entry<String, Field> text(String name, Function<RuleContext, Object> get) {
        return Map.entry(name, new Field(Type.TEXT, get));
    }

    private static Map.Entry<String, Field> decimal(String name, Function<RuleContext, Object> get) {
        return Map.entry(name, new Field(Type.DECIMAL, get));
    }

    private static Map.Entry<String, Field> bool(String name, Function<RuleContext, Object> get) {
        return Map.entry(name, new Field(Type.BOOLEAN, get));
    }

    private static Object sec(RuleContext c, Function<Security, Object> f) {
        return c.security() == null ? null : f.apply(c.security());
    }

    private static Object acc(RuleContext c, Function<Account, Object> f) {
        return c.account() == null ? null : f.apply(c.account());
    }

    private static Object book(RuleContext c, Function<Book, Object> f) {
        return c.book() == null ? null : f.apply(c.book());
    }
}
