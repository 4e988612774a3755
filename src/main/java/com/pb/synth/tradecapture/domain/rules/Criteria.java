package com.pb.synth.tradecapture.domain.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.pb.synth.tradecapture.domain.Account;
import com.pb.synth.tradecapture.domain.Book;
import com.pb.synth.tradecapture.domain.Security;
import com.pb.synth.tradecapture.domain.rules.RuleCompiler.Problem;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A rule's criteria, checked and compiled to a predicate ({@link RuleCompiler} has the grammar):
 * {@code all}, {@code any}, {@code not} and leaves {@code {"field", "op", "value"}} over
 * {@link #FIELDS}, bounded in size and depth.
 */
final class Criteria {

    enum Type { TEXT, DECIMAL, BOOLEAN }

    record Field(Type type, Function<RuleContext, Object> get) {
    }

    private static final int MAX_NODES = 200;
    private static final int MAX_DEPTH = 8;
    private static final Predicate<RuleContext> NEVER = c -> false;

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

    private Criteria() {
    }

    /** The criteria as a predicate (every trade when absent); problems are added to {@code problems}. */
    static Predicate<RuleContext> compile(JsonNode criteria, List<Problem> problems) {
        if (criteria == null || criteria.isNull() || criteria.isEmpty()) {
            return c -> true;
        }
        return condition(criteria, "criteria", 1, new int[] {0}, problems);
    }

    private static Predicate<RuleContext> condition(JsonNode node, String path, int depth, int[] nodes,
                                                    List<Problem> problems) {
        if (++nodes[0] > MAX_NODES) {
            if (nodes[0] == MAX_NODES + 1) {
                problems.add(new Problem(path, "criteria have more than " + MAX_NODES + " conditions"));
            }
            return NEVER;
        }
        if (depth > MAX_DEPTH) {
            problems.add(new Problem(path, "criteria nest deeper than " + MAX_DEPTH));
            return NEVER;
        }
        if (!node.isObject()) {
            problems.add(new Problem(path, "must be an object"));
            return NEVER;
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
                return NEVER;
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
            return NEVER;
        }
        String op = node.path("op").asText("");
        JsonNode value = node.get("value");
        return switch (op) {
            case "exists" -> exists(field, value, path, problems);
            case "eq", "ne" -> equality(field, op.equals("eq"), value, path, problems);
            case "gt", "ge", "lt", "le" -> comparison(field, op, value, path, problems);
            case "in", "notIn" -> membership(field, op.equals("in"), value, path, problems);
            case "startsWith" -> startsWith(field, value, path, problems);
            default -> {
                problems.add(new Problem(path + ".op", "unknown op '" + op + "' (eq ne in notIn gt ge lt le "
                        + "startsWith exists)"));
                yield NEVER;
            }
        };
    }

    private static Predicate<RuleContext> exists(Field field, JsonNode value, String path, List<Problem> problems) {
        if (value == null || !value.isBoolean()) {
            problems.add(new Problem(path + ".value", "must be true or false for exists"));
            return NEVER;
        }
        boolean want = value.booleanValue();
        Function<RuleContext, Object> get = field.get();
        return c -> (get.apply(c) != null) == want;
    }

    private static Predicate<RuleContext> equality(Field field, boolean eq, JsonNode value, String path,
                                                   List<Problem> problems) {
        return both(field, value, path, problems, (a, b) -> same(a, b) == eq);
    }

    private static Predicate<RuleContext> comparison(Field field, String op, JsonNode value, String path,
                                                     List<Problem> problems) {
        if (field.type() != Type.DECIMAL) {
            problems.add(new Problem(path + ".op", op + " needs a number field"));
            return NEVER;
        }
        return both(field, value, path, problems, (a, b) -> {
            int cmp = ((BigDecimal) a).compareTo((BigDecimal) b);
            return switch (op) {
                case "gt" -> cmp > 0;
                case "ge" -> cmp >= 0;
                case "lt" -> cmp < 0;
                default -> cmp <= 0;
            };
        });
    }

    /** The field against its operand (a literal or another field): false when either side is missing. */
    private static Predicate<RuleContext> both(Field field, JsonNode value, String path, List<Problem> problems,
                                               BiPredicate<Object, Object> test) {
        Function<RuleContext, Object> other = operand(field.type(), value, path + ".value", problems);
        if (other == null) {
            return NEVER;
        }
        Function<RuleContext, Object> get = field.get();
        return c -> {
            Object a = get.apply(c);
            Object b = other.apply(c);
            return a != null && b != null && test.test(a, b);
        };
    }

    private static Predicate<RuleContext> membership(Field field, boolean in, JsonNode value, String path,
                                                     List<Problem> problems) {
        if (value == null || !value.isArray() || value.isEmpty() || value.size() > 1000) {
            problems.add(new Problem(path + ".value", "must be a list of 1 to 1000 values"));
            return NEVER;
        }
        List<Object> values = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            Object v = literal(field.type(), value.get(i), path + ".value[" + i + "]", problems);
            if (v != null) {
                values.add(v);
            }
        }
        Function<RuleContext, Object> get = field.get();
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

    private static Predicate<RuleContext> startsWith(Field field, JsonNode value, String path, List<Problem> problems) {
        if (field.type() != Type.TEXT || value == null || !value.isTextual()) {
            problems.add(new Problem(path + ".value", "startsWith needs a text field and a text value"));
            return NEVER;
        }
        String prefix = value.textValue();
        Function<RuleContext, Object> get = field.get();
        return c -> {
            Object a = get.apply(c);
            return a != null && ((String) a).startsWith(prefix);
        };
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
