package dev.rigger.core.expr;

import dev.rigger.core.error.NearNames;
import dev.rigger.core.expr.Values.ValueError;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parsed form of an expression. Offsets ({@code start}, {@code at}) point into the expression
 * text so evaluation errors can name a column.
 */
sealed interface Node {

    Object eval(Evaluation ev);

    record Literal(Object value) implements Node {
        @Override public Object eval(Evaluation ev) {
            return value;
        }
    }

    record ListLiteral(List<Node> items) implements Node {
        @Override public Object eval(Evaluation ev) {
            return items.stream().map(ev::value).toList();
        }
    }

    record MapLiteral(List<Node> keys, List<Node> values) implements Node {
        @Override public Object eval(Evaluation ev) {
            Map<Object, Object> map = new LinkedHashMap<>();
            for (int i = 0; i < keys.size(); i++) map.put(ev.value(keys.get(i)), ev.value(values.get(i)));
            return map;
        }
    }

    record Variable(String name, int start) implements Node {
        @Override public Object eval(Evaluation ev) {
            return ev.variable(name, start);
        }
    }

    /** {@code target.name}; {@code path} and {@code targetPath} are the source text, for messages. */
    record Attribute(Node target, String name, String path, String targetPath, int start) implements Node {
        @Override public Object eval(Evaluation ev) {
            Object base = target.eval(ev);
            if (base instanceof Map<?, ?> map) {
                if (map.containsKey(name)) return map.get(name);
                return new Undefined(path, start,
                        () -> NearNames.closest(name, stringKeys(map)).map(k -> targetPath + "." + k).orElse(null));
            }
            // Missing keys, and attributes of undefined or scalar values, are undefined as in Jinja.
            return base instanceof Undefined ? base : new Undefined(path, start, () -> null);
        }
    }

    /** {@code target[index]}: a map key, or a list/string position (negative counts from the end). */
    record Index(Node target, Node index, String path, String targetPath, int start, int at) implements Node {
        @Override public Object eval(Evaluation ev) {
            Object base = target.eval(ev);
            if (base instanceof Undefined) return base;
            Object key = ev.value(index);
            if (base instanceof Map<?, ?> map) {
                if (map.containsKey(key)) return map.get(key);
                return new Undefined(path, start, () -> key instanceof String name
                        ? NearNames.closest(name, stringKeys(map)).map(k -> targetPath + "['" + k + "']").orElse(null)
                        : null);
            }
            if (base instanceof List<?> || base instanceof String) {
                if (!(key instanceof Number n) || !Values.isIntegral(n)) {
                    throw ev.error(at, "a " + Values.typeName(base) + " index must be an integer, got " + Values.typeName(key));
                }
                int size = base instanceof List<?> list ? list.size() : ((String) base).length();
                long i = n.longValue() < 0 ? n.longValue() + size : n.longValue();
                if (i >= 0 && i < size) {
                    return base instanceof List<?> list ? list.get((int) i) : String.valueOf(((String) base).charAt((int) i));
                }
            }
            return new Undefined(path, start, () -> null);
        }
    }

    record Not(Node operand) implements Node {
        @Override public Object eval(Evaluation ev) {
            return !Values.truthy(ev.value(operand));
        }
    }

    /** Like Jinja, {@code and}/{@code or} return one of their operands and skip the right one when they can. */
    record And(Node left, Node right) implements Node {
        @Override public Object eval(Evaluation ev) {
            Object l = ev.value(left);
            return Values.truthy(l) ? ev.value(right) : l;
        }
    }

    record Or(Node left, Node right) implements Node {
        @Override public Object eval(Evaluation ev) {
            Object l = ev.value(left);
            return Values.truthy(l) ? l : ev.value(right);
        }
    }

    record Comparison(Node left, String operator, Node right, int at) implements Node {
        @Override public Object eval(Evaluation ev) {
            Object a = ev.value(left);
            Object b = ev.value(right);
            try {
                return switch (operator) {
                    case "==" -> Values.equal(a, b);
                    case "!=" -> !Values.equal(a, b);
                    case "<" -> Values.compare(a, b, operator) < 0;
                    case "<=" -> Values.compare(a, b, operator) <= 0;
                    case ">" -> Values.compare(a, b, operator) > 0;
                    case ">=" -> Values.compare(a, b, operator) >= 0;
                    case "in" -> Values.contains(b, a);
                    case "not in" -> !Values.contains(b, a);
                    default -> throw new IllegalStateException("parser produced operator " + operator);
                };
            } catch (ValueError e) {
                throw ev.error(at, e.getMessage());
            }
        }
    }

    record FilterCall(Node target, Filter filter, List<Node> args, int at) implements Node {
        @Override public Object eval(Evaluation ev) {
            Object value = filter.acceptsUndefined() ? target.eval(ev) : ev.value(target);
            List<Object> values = args.stream().map(ev::value).toList();
            try {
                return filter.apply(value, values);
            } catch (ValueError e) {
                throw ev.error(at, e.getMessage());
            }
        }
    }

    record TestCall(Node target, IsTest test, boolean negated, List<Node> args, int at) implements Node {
        @Override public Object eval(Evaluation ev) {
            Object value = test.acceptsUndefined() ? target.eval(ev) : ev.value(target);
            List<Object> values = args.stream().map(ev::value).toList();
            try {
                return test.apply(value, values) != negated;
            } catch (ValueError e) {
                throw ev.error(at, e.getMessage());
            }
        }
    }

    /** Sorted, so that of two equally near keys the same one is suggested every time. */
    private static List<String> stringKeys(Map<?, ?> map) {
        return map.keySet().stream().filter(String.class::isInstance).map(String.class::cast).sorted().toList();
    }
}
