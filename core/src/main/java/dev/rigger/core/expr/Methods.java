package dev.rigger.core.expr;

import dev.rigger.core.expr.Values.ValueError;
import dev.rigger.core.secret.Secret;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** The Python methods templates call on values: {@code name.upper()}, {@code line.split(',')}, {@code d.get('k', 1)}. */
final class Methods {
    @FunctionalInterface
    interface Body {
        Object apply(Object value, List<Object> args);
    }

    record Method(String name, int minArgs, int maxArgs, Body body) {
        Object apply(Object value, List<Object> args) {
            return body.apply(value, args);
        }
    }

    private static final Map<String, Method> ALL = new TreeMap<>();

    private Methods() {}

    static Optional<Method> named(String name) {
        return Optional.ofNullable(ALL.get(name));
    }

    static List<String> names() {
        return List.copyOf(ALL.keySet());
    }

    private static void def(String name, int min, int max, Body body) {
        ALL.put(name, new Method(name, min, max, body));
    }

    /** A string method; text made from a secret stays a secret. */
    private static void text(String name, int min, int max, java.util.function.BiFunction<String, List<Object>, Object> f) {
        def(name, min, max, (v, a) -> {
            Object x = Values.reveal(v);
            if (!(x instanceof String s)) throw new ValueError("method '" + name + "' needs a string, got " + Values.typeName(v));
            Object out = f.apply(s, a);
            return v instanceof Secret secret && out instanceof String t ? Secret.composed(t, List.of(secret)) : out;
        });
    }

    static List<Object> split(String s, List<Object> args) {
        Object sep = args.isEmpty() ? null : args.get(0);
        int max = args.size() > 1 ? ((Number) args.get(1)).intValue() : -1;
        List<Object> out = new ArrayList<>();
        if (sep == null) {
            String rest = s.strip();
            if (rest.isEmpty()) return out;
            for (String part : rest.split("\\s+", max < 0 ? 0 : max + 1)) out.add(part);
            return out;
        }
        for (String part : s.split(Pattern.quote(Values.str(sep)), max < 0 ? -1 : max + 1)) out.add(part);
        return out;
    }

    private static String strip(String s, List<Object> a, boolean left, boolean right) {
        String chars = a.isEmpty() || a.get(0) == null ? null : Values.str(a.get(0));
        int from = 0;
        int to = s.length();
        while (left && from < to && (chars == null ? Character.isWhitespace(s.charAt(from)) : chars.indexOf(s.charAt(from)) >= 0)) from++;
        while (right && to > from && (chars == null ? Character.isWhitespace(s.charAt(to - 1)) : chars.indexOf(s.charAt(to - 1)) >= 0)) to--;
        return s.substring(from, to);
    }

    static {
        text("upper", 0, 0, (s, a) -> s.toUpperCase(Locale.ROOT));
        text("lower", 0, 0, (s, a) -> s.toLowerCase(Locale.ROOT));
        text("capitalize", 0, 0, (s, a) -> s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1).toLowerCase(Locale.ROOT));
        text("strip", 0, 1, (s, a) -> strip(s, a, true, true));
        text("lstrip", 0, 1, (s, a) -> strip(s, a, true, false));
        text("rstrip", 0, 1, (s, a) -> strip(s, a, false, true));
        text("split", 0, 2, Methods::split);
        text("splitlines", 0, 0, (s, a) -> new ArrayList<Object>(s.lines().toList()));
        text("startswith", 1, 1, (s, a) -> a.get(0) instanceof List<?> l ? l.stream().anyMatch(p -> s.startsWith(Values.str(p))) : s.startsWith(Values.str(a.get(0))));
        text("endswith", 1, 1, (s, a) -> a.get(0) instanceof List<?> l ? l.stream().anyMatch(p -> s.endsWith(Values.str(p))) : s.endsWith(Values.str(a.get(0))));
        text("replace", 2, 3, (s, a) -> s.replace(Values.str(a.get(0)), Values.str(a.get(1))));
        text("find", 1, 1, (s, a) -> (long) s.indexOf(Values.str(a.get(0))));
        text("isdigit", 0, 0, (s, a) -> !s.isEmpty() && s.chars().allMatch(Character::isDigit));
        text("isalpha", 0, 0, (s, a) -> !s.isEmpty() && s.chars().allMatch(Character::isLetter));
        text("zfill", 1, 1, (s, a) -> "0".repeat(Math.max(0, ((Number) a.get(0)).intValue() - s.length())) + s);
        text("format", 0, Integer.MAX_VALUE, (s, a) -> PythonFormat.braces(s, a));
        text("join", 1, 1, (s, a) -> String.join(s, Filter.list(a.get(0), "join").stream().map(x -> Values.str(Values.reveal(x))).toList()));
        def("count", 1, 1, (v, a) -> {
            Object x = Values.reveal(v);
            if (x instanceof String s) {
                String needle = Values.str(a.get(0));
                return needle.isEmpty() ? (long) s.length() + 1 : (long) s.split(Pattern.quote(needle), -1).length - 1;
            }
            return Filter.list(v, "count").stream().filter(i -> Values.equal(i, a.get(0))).count();
        });
        def("index", 1, 1, (v, a) -> {
            List<Object> l = Filter.list(v, "index");
            for (int i = 0; i < l.size(); i++) if (Values.equal(l.get(i), a.get(0))) return (long) i;
            throw new ValueError("index: the value is not in the list");
        });
        def("keys", 0, 0, (v, a) -> new ArrayList<Object>(map(v, "keys").keySet()));
        def("values", 0, 0, (v, a) -> new ArrayList<Object>(map(v, "values").values()));
        def("items", 0, 0, (v, a) -> map(v, "items").entrySet().stream().map(e -> (Object) java.util.Arrays.asList(e.getKey(), e.getValue())).toList());
        def("get", 1, 2, (v, a) -> {
            Map<?, ?> m = map(v, "get");
            return m.containsKey(a.get(0)) ? m.get(a.get(0)) : a.size() > 1 ? a.get(1) : null;
        });
    }

    private static Map<?, ?> map(Object value, String method) {
        if (Values.reveal(value) instanceof Map<?, ?> m) return m;
        throw new ValueError("method '" + method + "' needs a map, got " + Values.typeName(value));
    }
}
