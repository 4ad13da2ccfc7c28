package dev.rigger.core.expr;

import dev.rigger.core.internal.text.NearNames;
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

    record FilterCall(Node target, Filter filter, List<Node> args, Map<String, Node> named, int at) implements Node {
        @Override public Object eval(Evaluation ev) {
            Object value = filter.acceptsUndefined() ? target.eval(ev) : ev.value(target);
            List<Object> values = args.stream().map(ev::value).toList();
            try {
                return filter.apply(value, values, evaluated(named, ev), ev);
            } catch (ValueError e) {
                throw ev.error(at, e.getMessage());
            }
        }
    }

    record TestCall(Node target, IsTest test, boolean negated, List<Node> args, Map<String, Node> named, int at) implements Node {
        @Override public Object eval(Evaluation ev) {
            Object value = test.acceptsUndefined() ? target.eval(ev) : ev.value(target);
            List<Object> values = args.stream().map(ev::value).toList();
            try {
                if (Values.truthy(evaluated(named, ev).get("ignorecase")) && !values.isEmpty()) {
                    Object regex = values.get(0);
                    values = List.of("(?i)" + (regex instanceof java.util.regex.Pattern p ? p.pattern() : Values.str(Values.reveal(regex))));
                }
                return test.apply(value, values) != negated;
            } catch (ValueError e) {
                throw ev.error(at, e.getMessage());
            }
        }
    }

    /** {@code value if condition else otherwise}. */
    record Conditional(Node condition, Node value, Node otherwise) implements Node {
        @Override public Object eval(Evaluation ev) {
            return Values.truthy(ev.value(condition)) ? value.eval(ev) : otherwise.eval(ev);
        }
    }

    /** {@code + - * / // % **} on numbers, {@code +} on strings and lists, {@code ~} on anything. */
    record Arithmetic(Node left, String operator, Node right, int at) implements Node {
        @Override public Object eval(Evaluation ev) {
            try {
                return Values.arithmetic(operator, ev.value(left), ev.value(right));
            } catch (ValueError e) {
                throw ev.error(at, e.getMessage());
            }
        }
    }

    /** {@code x[a:b]} on a list or string, Python's slice (either end may be left out). */
    record Slice(Node target, Node from, Node to, int at) implements Node {
        @Override public Object eval(Evaluation ev) {
            Object base = Values.reveal(ev.value(target));
            int size = base instanceof List<?> l ? l.size() : base instanceof String s ? s.length() : -1;
            if (size < 0) throw ev.error(at, "cannot slice a " + Values.typeName(base));
            int a = bound(from == null ? null : ev.value(from), 0, size, ev);
            int b = Math.max(a, bound(to == null ? null : ev.value(to), size, size, ev));
            return base instanceof List<?> l ? List.copyOf(l.subList(a, b)) : ((String) base).substring(a, b);
        }

        private int bound(Object value, int otherwise, int size, Evaluation ev) {
            if (value == null) return otherwise;
            if (!(value instanceof Number n) || !Values.isIntegral(n)) throw ev.error(at, "a slice bound must be an integer");
            long i = n.longValue() < 0 ? n.longValue() + size : n.longValue();
            return (int) Math.max(0, Math.min(size, i));
        }
    }

    /** {@code value.method(args)}: the Python string, list and dict methods templates use. */
    record MethodCall(Node target, Methods.Method method, List<Node> args, int at) implements Node {
        @Override public Object eval(Evaluation ev) {
            Object value = ev.value(target);
            List<Object> values = args.stream().map(ev::value).toList();
            try {
                return method.apply(value, values);
            } catch (ValueError e) {
                throw ev.error(at, e.getMessage());
            }
        }
    }

    /** A global function: {@code lookup}, {@code query}, {@code range}... */
    record FunctionCall(Functions.Function function, List<Node> args, Map<String, Node> named, int at) implements Node {
        @Override public Object eval(Evaluation ev) {
            List<Object> values = args.stream().map(ev::value).toList();
            try {
                return function.apply(values, evaluated(named, ev), ev);
            } catch (ValueError e) {
                throw ev.error(at, e.getMessage());
            }
        }
    }

    private static Map<String, Object> evaluated(Map<String, Node> named, Evaluation ev) {
        if (named.isEmpty()) return Map.of();
        Map<String, Object> out = new LinkedHashMap<>();
        named.forEach((k, v) -> out.put(k, ev.value(v)));
        return out;
    }

    /** Sorted, so that of two equally near keys the same one is suggested every time. */
    private static List<String> stringKeys(Map<?, ?> map) {
        return map.keySet().stream().filter(String.class::isInstance).map(String.class::cast).sorted().toList();
    }
}
