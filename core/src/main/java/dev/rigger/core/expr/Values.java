package dev.rigger.core.expr;

import dev.rigger.core.secret.Secret;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * Jinja semantics over plain Java values (Map, List, String, Number, Boolean, null, Secret), as a
 * YAML loader or the facts gatherer produce them.
 */
final class Values {
    private Values() {}

    /** A value that cannot take part in an operation; the caller turns it into a located error. */
    static final class ValueError extends RuntimeException {
        ValueError(String problem) {
            super(problem, null, false, false);
        }
    }

    /** Python truthiness: none, false, zero and empty strings/lists/maps are false. */
    static boolean truthy(Object value) {
        Object v = reveal(value);
        if (v == null) return false;
        if (v instanceof Boolean b) return b;
        if (v instanceof Number n) return isIntegral(n) ? toBigInteger(n).signum() != 0 : n.doubleValue() != 0;
        if (v instanceof String s) return !s.isEmpty();
        if (v instanceof Collection<?> c) return !c.isEmpty();
        if (v instanceof Map<?, ?> m) return !m.isEmpty();
        return true;
    }

    /** Secrets take part in comparisons by their real value. */
    static Object reveal(Object value) {
        return value instanceof Secret s ? s.reveal() : value;
    }

    /** Equality as in Jinja, except that true is not equal to 1 (YAML booleans are not numbers here). */
    static boolean equal(Object a, Object b) {
        Object x = reveal(a);
        Object y = reveal(b);
        if (x instanceof Number m && y instanceof Number n) return compareNumbers(m, n) == 0;
        if (x instanceof List<?> l && y instanceof List<?> r) {
            if (l.size() != r.size()) return false;
            Iterator<?> li = l.iterator();
            for (Object item : r) if (!equal(li.next(), item)) return false;
            return true;
        }
        if (x instanceof Map<?, ?> l && y instanceof Map<?, ?> r) {
            if (!l.keySet().equals(r.keySet())) return false;
            for (Map.Entry<?, ?> e : l.entrySet()) if (!equal(e.getValue(), r.get(e.getKey()))) return false;
            return true;
        }
        return x == null ? y == null : x.equals(y);
    }

    /** Ordering for {@code < <= > >=}: numbers with numbers, strings with strings. */
    static int compare(Object a, Object b, String operator) {
        Object x = reveal(a);
        Object y = reveal(b);
        if (x instanceof Number m && y instanceof Number n) return compareNumbers(m, n);
        if (x instanceof String s && y instanceof String t) return s.compareTo(t);
        throw new ValueError("cannot compare " + typeName(a) + " with " + typeName(b) + " using '" + operator + "'");
    }

    /** {@code needle in haystack}: list membership, map key, or substring. */
    static boolean contains(Object haystack, Object needle) {
        Object h = reveal(haystack);
        if (h instanceof Collection<?> c) return c.stream().anyMatch(item -> equal(item, needle));
        if (h instanceof Map<?, ?> m) return m.keySet().stream().anyMatch(key -> equal(key, needle));
        if (h instanceof String s) {
            if (!(reveal(needle) instanceof String n)) {
                throw new ValueError("'in' on a string needs a string on the left, got " + typeName(needle));
            }
            return s.contains(n);
        }
        throw new ValueError("'in' needs a list, map or string on the right, got " + typeName(haystack));
    }

    /**
     * A binary operator: {@code ~} joins the values' text; {@code +} adds numbers, joins strings and
     * lists; the others are number arithmetic as in Python ({@code /} gives a float, {@code //} floors).
     * Text built from a secret stays a secret.
     */
    static Object arithmetic(String operator, Object a, Object b) {
        if (operator.equals("~")) return joined(a, b);
        Object x = reveal(a);
        Object y = reveal(b);
        if (operator.equals("+") && x instanceof String && y instanceof String) return joined(a, b);
        if (operator.equals("+") && x instanceof List<?> l && y instanceof List<?> r) {
            List<Object> out = new java.util.ArrayList<>(l);
            out.addAll(r);
            return out;
        }
        if (operator.equals("*") && x instanceof String s && y instanceof Number n && isIntegral(n)) return s.repeat((int) Math.max(0, n.longValue()));
        if (operator.equals("%") && x instanceof String format) return PythonFormat.percent(format, y);
        if (!(x instanceof Number m) || !(y instanceof Number n) || x instanceof Boolean || y instanceof Boolean) {
            throw new ValueError("cannot use '" + operator + "' on " + typeName(a) + " and " + typeName(b));
        }
        boolean integers = isIntegral(m) && isIntegral(n);
        if ((operator.equals("/") || operator.equals("//") || operator.equals("%")) && n.doubleValue() == 0) {
            throw new ValueError("division by zero");
        }
        return switch (operator) {
            case "+" -> integers ? (Object) Math.addExact(m.longValue(), n.longValue()) : (Object) (m.doubleValue() + n.doubleValue());
            case "-" -> integers ? (Object) Math.subtractExact(m.longValue(), n.longValue()) : (Object) (m.doubleValue() - n.doubleValue());
            case "*" -> integers ? (Object) Math.multiplyExact(m.longValue(), n.longValue()) : (Object) (m.doubleValue() * n.doubleValue());
            case "/" -> m.doubleValue() / n.doubleValue();
            case "//" -> integers ? (Object) Math.floorDiv(m.longValue(), n.longValue()) : (Object) Math.floor(m.doubleValue() / n.doubleValue());
            case "%" -> integers ? (Object) Math.floorMod(m.longValue(), n.longValue())
                    : (Object) (m.doubleValue() - n.doubleValue() * Math.floor(m.doubleValue() / n.doubleValue()));
            case "**" -> integers && n.longValue() >= 0 ? (Object) BigInteger.valueOf(m.longValue()).pow((int) n.longValue()).longValue()
                    : (Object) Math.pow(m.doubleValue(), n.doubleValue());
            default -> throw new IllegalStateException("parser produced operator " + operator);
        };
    }

    /** Python's {@code str(a) + str(b)}, a secret when either part is one. */
    static Object joined(Object a, Object b) {
        String text = str(reveal(a)) + str(reveal(b));
        List<Secret> secrets = new java.util.ArrayList<>();
        if (a instanceof Secret s) secrets.add(s);
        if (b instanceof Secret s) secrets.add(s);
        return secrets.isEmpty() ? text : Secret.composed(text, secrets);
    }

    /** Applies a string function, keeping a Secret a Secret so its value stays out of logs. */
    static Object mapText(Object value, UnaryOperator<String> function) {
        if (value instanceof Secret s) return Secret.of(function.apply(s.reveal()));
        return function.apply(str(value));
    }

    /** Python's {@code str()}: what Jinja's {@code string} filter and {@code ~} produce. */
    static String str(Object value) {
        if (value instanceof String s) return s;
        return repr(value);
    }

    private static String repr(Object value) {
        if (value == null) return "None";
        if (value instanceof Boolean b) return b ? "True" : "False";
        if (value instanceof String s) return "'" + s + "'";
        if (value instanceof BigDecimal d) return d.toPlainString();
        if (value instanceof Collection<?> c) return c.stream().map(Values::repr).collect(Collectors.joining(", ", "[", "]"));
        if (value instanceof Map<?, ?> m) {
            return m.entrySet().stream()
                    .map(e -> repr(e.getKey()) + ": " + repr(e.getValue()))
                    .collect(Collectors.joining(", ", "{", "}"));
        }
        return value.toString(); // numbers; a Secret prints as its redaction
    }

    /** Type names for error messages; messages carry types, never values. */
    static String typeName(Object value) {
        if (value == null) return "none";
        if (value instanceof Secret) return "secret";
        if (value instanceof Boolean) return "boolean";
        if (value instanceof Number n) return isIntegral(n) ? "integer" : "float";
        if (value instanceof String) return "string";
        if (value instanceof Collection<?>) return "list";
        if (value instanceof Map<?, ?>) return "map";
        return value.getClass().getSimpleName();
    }

    static boolean isIntegral(Number n) {
        return n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte || n instanceof BigInteger;
    }

    private static BigInteger toBigInteger(Number n) {
        return n instanceof BigInteger b ? b : BigInteger.valueOf(n.longValue());
    }

    private static int compareNumbers(Number a, Number b) {
        if (isIntegral(a) && isIntegral(b)) return toBigInteger(a).compareTo(toBigInteger(b));
        return Double.compare(a.doubleValue() + 0.0, b.doubleValue() + 0.0); // + 0.0 makes -0.0 equal 0.0
    }
}
