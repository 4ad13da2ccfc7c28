package dev.rigger.core.expr;

import dev.rigger.core.expr.Values.ValueError;
import dev.rigger.core.secret.Secret;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The Jinja and Ansible filters ({@code value | name(args)}) that playbooks and templates use;
 * docs/expressions.md lists them. Each is a small function of the value, its positional arguments
 * and its keyword arguments; a filter that reads text keeps a secret a secret.
 */
final class Filter {
    @FunctionalInterface
    interface Body {
        Object apply(Object value, List<Object> args, Map<String, Object> named, Evaluation ev);
    }

    private static final Map<String, Filter> ALL = new TreeMap<>();
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    private final String name;
    final int minArgs;
    final int maxArgs;
    final Set<String> keywords;
    private final Body body;

    private Filter(String name, int minArgs, int maxArgs, Set<String> keywords, Body body) {
        this.name = name;
        this.minArgs = minArgs;
        this.maxArgs = maxArgs;
        this.keywords = keywords;
        this.body = body;
    }

    private static void def(String name, int min, int max, Body body) {
        defWith(name, min, max, Set.of(), body);
    }

    private static void defWith(String name, int min, int max, Set<String> keywords, Body body) {
        ALL.put(name, new Filter(name, min, max, keywords, body));
    }

    /** A filter of the value's text: a secret in, a secret out. */
    private static void text(String name, int min, int max, java.util.function.BiFunction<String, List<Object>, Object> f) {
        def(name, min, max, (v, a, n, ev) -> {
            if (v instanceof Secret s) {
                Object out = f.apply(s.reveal(), a);
                return out instanceof String t ? Secret.composed(t, List.of(s)) : out;
            }
            return f.apply(Values.str(v), a);
        });
    }

    String filterName() {
        return name;
    }

    /** {@code default}/{@code d} and {@code mandatory} look at an undefined value; every other filter needs a real one. */
    boolean acceptsUndefined() {
        return name.equals("default") || name.equals("d") || name.equals("mandatory");
    }

    /** The filters whose first argument is a regex, compiled at load time when it is a literal. */
    boolean regexArgument() {
        return name.startsWith("regex_");
    }

    Object apply(Object value, List<Object> args, Map<String, Object> named, Evaluation ev) {
        return body.apply(value, args, named, ev);
    }

    static Optional<Filter> named(String name) {
        return Optional.ofNullable(ALL.get(name));
    }

    static List<String> names() {
        return List.copyOf(ALL.keySet());
    }

    static {
        // Types and conversions.
        def("bool", 0, 0, (v, a, n, ev) -> {
            Object x = Values.reveal(v);
            if (x instanceof Boolean b) return b;
            if (x instanceof String s) return List.of("yes", "on", "1", "true", "y").contains(s.strip().toLowerCase(Locale.ROOT));
            return x instanceof Number && Values.equal(x, 1L);
        });
        defWith("int", 0, 1, Set.of("base"), (v, a, n, ev) -> toInt(Values.reveal(v), a.isEmpty() ? 0L : a.get(0)));
        def("float", 0, 1, (v, a, n, ev) -> {
            Object x = Values.reveal(v);
            if (x instanceof Number num) return num.doubleValue();
            if (x instanceof String s && DECIMAL.matcher(s.strip()).matches()) return Double.parseDouble(s.strip());
            return a.isEmpty() ? 0.0 : a.get(0);
        });
        text("string", 0, 0, (s, a) -> s);
        def("list", 0, 0, (v, a, n, ev) -> list(v, "list"));
        def("abs", 0, 0, (v, a, n, ev) -> Values.reveal(v) instanceof Long l ? (Object) Math.abs(l) : (Object) Math.abs(number(v, "abs").doubleValue()));
        def("round", 0, 2, (v, a, n, ev) -> {
            double x = number(v, "round").doubleValue();
            int digits = a.isEmpty() ? 0 : ((Number) a.get(0)).intValue();
            String method = a.size() > 1 ? Values.str(a.get(1)) : "common";
            double scale = Math.pow(10, digits);
            double r = switch (method) {
                case "floor" -> Math.floor(x * scale) / scale;
                case "ceil" -> Math.ceil(x * scale) / scale;
                default -> Math.round(x * scale) / scale;
            };
            return r;
        });
        def("length", 0, 0, Filter::length);
        def("count", 0, 0, Filter::length);
        // Undefined and defaults.
        Body dflt = (v, a, n, ev) -> {
            boolean alsoFalsy = a.size() > 1 && Values.truthy(a.get(1));
            return v instanceof Undefined || (alsoFalsy && !Values.truthy(v)) ? a.get(0) : v;
        };
        def("default", 1, 2, dflt);
        def("d", 1, 2, dflt);
        def("mandatory", 0, 1, (v, a, n, ev) -> {
            if (v instanceof Undefined u) throw new ValueError(a.isEmpty() ? "mandatory variable '" + u.path() + "' is not defined" : Values.str(a.get(0)));
            return v;
        });
        def("ternary", 2, 3, (v, a, n, ev) -> v == null && a.size() > 2 ? a.get(2) : Values.truthy(v) ? a.get(0) : a.get(1));
        // Text.
        text("lower", 0, 0, (s, a) -> s.toLowerCase(Locale.ROOT));
        text("upper", 0, 0, (s, a) -> s.toUpperCase(Locale.ROOT));
        text("capitalize", 0, 0, (s, a) -> s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1).toLowerCase(Locale.ROOT));
        text("title", 0, 0, Filter::title);
        text("trim", 0, 0, (s, a) -> s.strip());
        text("replace", 2, 3, (s, a) -> s.replace(Values.str(a.get(0)), Values.str(a.get(1))));
        text("indent", 0, 2, (s, a) -> {
            String pad = " ".repeat(a.isEmpty() ? 4 : ((Number) a.get(0)).intValue());
            boolean first = a.size() > 1 && Values.truthy(a.get(1));
            String out = s.replace("\n", "\n" + pad).replaceAll("\n" + Pattern.quote(pad) + "(?=\n|$)", "\n");
            return first ? pad + out : out;
        });
        text("quote", 0, 0, (s, a) -> s.matches("[A-Za-z0-9@%+=:,./_-]+") ? s : "'" + s.replace("'", "'\"'\"'") + "'");
        text("basename", 0, 0, (s, a) -> s.substring(s.lastIndexOf('/') + 1));
        text("dirname", 0, 0, (s, a) -> s.lastIndexOf('/') < 0 ? "" : s.lastIndexOf('/') == 0 ? "/" : s.substring(0, s.lastIndexOf('/')));
        text("splitext", 0, 0, (s, a) -> {
            int slash = s.lastIndexOf('/');
            int dot = s.lastIndexOf('.');
            return dot > slash + 1 ? List.of(s.substring(0, dot), s.substring(dot)) : List.of(s, "");
        });
        text("b64encode", 0, 0, (s, a) -> Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8)));
        text("b64decode", 0, 0, (s, a) -> {
            try {
                return new String(Base64.getDecoder().decode(s.strip()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new ValueError("b64decode: the value is not base64");
            }
        });
        text("hash", 0, 1, (s, a) -> digest(s, a.isEmpty() ? "sha1" : Values.str(a.get(0))));
        text("checksum", 0, 0, (s, a) -> digest(s, "sha1"));
        text("md5", 0, 0, (s, a) -> digest(s, "md5"));
        text("sha1", 0, 0, (s, a) -> digest(s, "sha1"));
        text("split", 0, 2, (s, a) -> Methods.split(s, a));
        text("regex_escape", 0, 0, (s, a) -> s.replaceAll("([\\\\.^$*+?()\\[\\]{}|-])", "\\\\$1"));
        def("format", 0, Integer.MAX_VALUE, (v, a, n, ev) -> PythonFormat.percent(Values.str(Values.reveal(v)), new ArrayList<>(a)));
        defWith("regex_replace", 1, 2, Set.of("ignorecase", "multiline", "count"), (v, a, n, ev) -> {
            Matcher m = regex(a.get(0), n).matcher(Values.str(Values.reveal(v)));
            String replacement = a.size() > 1 ? pythonReplacement(Values.str(a.get(1))) : "";
            Object out = m.replaceAll(replacement);
            return v instanceof Secret s ? Secret.composed((String) out, List.of(s)) : out;
        });
        defWith("regex_search", 1, 2, Set.of("ignorecase", "multiline"), (v, a, n, ev) -> {
            Matcher m = regex(a.get(0), n).matcher(Values.str(Values.reveal(v)));
            if (!m.find()) return null;
            if (a.size() < 2) return m.group();
            String group = Values.str(a.get(1));
            List<Object> out = new ArrayList<>();
            out.add(group.startsWith("\\") ? m.group(Integer.parseInt(group.substring(1))) : m.group(group.replaceFirst("^\\?P<|>$", "")));
            return out;
        });
        defWith("regex_findall", 1, 1, Set.of("ignorecase", "multiline"), (v, a, n, ev) -> {
            Matcher m = regex(a.get(0), n).matcher(Values.str(Values.reveal(v)));
            List<Object> out = new ArrayList<>();
            while (m.find()) {
                if (m.groupCount() == 0) {
                    out.add(m.group());
                } else if (m.groupCount() == 1) {
                    out.add(m.group(1));
                } else {
                    List<Object> groups = new ArrayList<>();
                    for (int i = 1; i <= m.groupCount(); i++) groups.add(m.group(i));
                    out.add(groups);
                }
            }
            return out;
        });
        // Lists.
        def("join", 0, 1, (v, a, n, ev) -> {
            String sep = a.isEmpty() ? "" : Values.str(Values.reveal(a.get(0)));
            List<Object> items = list(v, "join");
            List<Secret> secrets = new ArrayList<>();
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < items.size(); i++) {
                if (i > 0) out.append(sep);
                Object item = items.get(i);
                if (item instanceof Secret s) secrets.add(s);
                out.append(item == null ? "None" : Values.str(Values.reveal(item)));
            }
            return secrets.isEmpty() ? out.toString() : Secret.composed(out.toString(), secrets);
        });
        def("first", 0, 0, (v, a, n, ev) -> {
            List<Object> l = list(v, "first");
            if (l.isEmpty()) throw new ValueError("filter 'first' on an empty list");
            return l.get(0);
        });
        def("last", 0, 0, (v, a, n, ev) -> {
            List<Object> l = list(v, "last");
            if (l.isEmpty()) throw new ValueError("filter 'last' on an empty list");
            return l.get(l.size() - 1);
        });
        def("unique", 0, 0, (v, a, n, ev) -> {
            List<Object> out = new ArrayList<>();
            for (Object item : list(v, "unique")) if (out.stream().noneMatch(o -> Values.equal(o, item))) out.add(item);
            return out;
        });
        defWith("sort", 0, 2, Set.of("reverse", "attribute", "case_sensitive"), (v, a, n, ev) -> {
            List<Object> out = new ArrayList<>(list(v, "sort"));
            Object attribute = n.get("attribute");
            Comparator<Object> order = (x, y) -> Values.compare(attribute == null ? x : attr(x, attribute), attribute == null ? y : attr(y, attribute), "sort");
            out.sort(order);
            if (Values.truthy(n.get("reverse")) || (!a.isEmpty() && Values.truthy(a.get(0)))) java.util.Collections.reverse(out);
            return out;
        });
        defWith("min", 0, 0, Set.of("attribute"), (v, a, n, ev) -> extreme(v, n, -1));
        defWith("max", 0, 0, Set.of("attribute"), (v, a, n, ev) -> extreme(v, n, 1));
        defWith("sum", 0, 0, Set.of("attribute", "start"), (v, a, n, ev) -> {
            Object total = n.getOrDefault("start", 0L);
            for (Object item : list(v, "sum")) total = Values.arithmetic("+", total, n.containsKey("attribute") ? attr(item, n.get("attribute")) : item);
            return total;
        });
        def("reverse", 0, 0, (v, a, n, ev) -> {
            if (Values.reveal(v) instanceof String s) return new StringBuilder(s).reverse().toString();
            List<Object> out = new ArrayList<>(list(v, "reverse"));
            java.util.Collections.reverse(out);
            return out;
        });
        defWith("flatten", 0, 1, Set.of("levels"), (v, a, n, ev) -> {
            Object levels = n.getOrDefault("levels", a.isEmpty() ? null : a.get(0));
            return flatten(list(v, "flatten"), levels == null ? Integer.MAX_VALUE : ((Number) levels).intValue());
        });
        def("zip", 1, Integer.MAX_VALUE, (v, a, n, ev) -> zip(v, a, false));
        def("zip_longest", 1, Integer.MAX_VALUE, (v, a, n, ev) -> zip(v, a, true));
        def("product", 1, Integer.MAX_VALUE, (v, a, n, ev) -> {
            List<List<Object>> lists = new ArrayList<>();
            lists.add(list(v, "product"));
            for (Object o : a) lists.add(list(o, "product"));
            return Loops.product(lists);
        });
        def("difference", 1, 1, (v, a, n, ev) -> list(v, "difference").stream().filter(x -> !Values.contains(a.get(0), x)).distinct().toList());
        def("intersect", 1, 1, (v, a, n, ev) -> list(v, "intersect").stream().filter(x -> Values.contains(a.get(0), x)).distinct().toList());
        def("union", 1, 1, (v, a, n, ev) -> {
            Set<Object> out = new LinkedHashSet<>(list(v, "union"));
            out.addAll(list(a.get(0), "union"));
            return List.copyOf(out);
        });
        def("batch", 1, 2, (v, a, n, ev) -> {
            int size = ((Number) a.get(0)).intValue();
            List<Object> items = list(v, "batch");
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < items.size(); i += size) out.add(List.copyOf(items.subList(i, Math.min(items.size(), i + size))));
            return out;
        });
        defWith("map", 0, Integer.MAX_VALUE, Set.of("attribute", "default"), (v, a, n, ev) -> {
            List<Object> out = new ArrayList<>();
            for (Object item : list(v, "map")) {
                if (n.containsKey("attribute")) {
                    Object x = attrOrUndefined(item, n.get("attribute"));
                    out.add(x instanceof Undefined ? n.getOrDefault("default", x) : x);
                } else if (!a.isEmpty()) {
                    String filter = Values.str(a.get(0));
                    Filter f = named(filter).orElseThrow(() -> new ValueError("map: unknown filter '" + filter + "'"));
                    out.add(f.apply(item, a.subList(1, a.size()), Map.of(), ev));
                } else {
                    throw new ValueError("map needs a filter name or attribute=");
                }
            }
            for (Object x : out) if (x instanceof Undefined u) throw new ValueError("map: an item has no attribute '" + u.path() + "'");
            return out;
        });
        def("select", 0, Integer.MAX_VALUE, (v, a, n, ev) -> select(v, a, null, true));
        def("reject", 0, Integer.MAX_VALUE, (v, a, n, ev) -> select(v, a, null, false));
        def("selectattr", 1, Integer.MAX_VALUE, (v, a, n, ev) -> select(v, a.subList(1, a.size()), a.get(0), true));
        def("rejectattr", 1, Integer.MAX_VALUE, (v, a, n, ev) -> select(v, a.subList(1, a.size()), a.get(0), false));
        defWith("random", 0, 2, Set.of("seed", "start", "step"), (v, a, n, ev) -> {
            // A seed makes the choice repeatable, as Ansible's random(seed=inventory_hostname) is used for.
            Object seed = n.containsKey("seed") ? n.get("seed") : a.size() > 1 ? a.get(1) : null;
            Random random = seed == null ? new Random() : new Random(Values.str(Values.reveal(seed)).hashCode());
            Object x = Values.reveal(v);
            if (x instanceof Number num) return (long) random.nextInt((int) Math.max(1, num.longValue()));
            List<Object> l = list(v, "random");
            if (l.isEmpty()) throw new ValueError("filter 'random' on an empty list");
            return l.get(random.nextInt(l.size()));
        });
        defWith("shuffle", 0, 1, Set.of("seed"), (v, a, n, ev) -> {
            List<Object> out = new ArrayList<>(list(v, "shuffle"));
            java.util.Collections.shuffle(out, n.containsKey("seed") || !a.isEmpty()
                    ? new Random(Values.str(n.getOrDefault("seed", a.isEmpty() ? "" : a.get(0))).hashCode()) : new Random());
            return out;
        });
        // Maps.
        defWith("combine", 0, Integer.MAX_VALUE, Set.of("recursive", "list_merge"), (v, a, n, ev) -> {
            boolean recursive = Values.truthy(n.get("recursive"));
            Map<Object, Object> out = new LinkedHashMap<>(map(v, "combine"));
            List<Object> others = new ArrayList<>(a);
            if (Values.reveal(v) instanceof List<?>) {
                out = new LinkedHashMap<>();
                others.addAll(0, list(v, "combine"));
            }
            for (Object other : others) out = combine(out, map(other, "combine"), recursive);
            return out;
        });
        def("dict2items", 0, 0, (v, a, n, ev) -> {
            List<Object> out = new ArrayList<>();
            map(v, "dict2items").forEach((k, x) -> {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("key", k);
                item.put("value", x);
                out.add(item);
            });
            return out;
        });
        defWith("items2dict", 0, 0, Set.of("key_name", "value_name"), (v, a, n, ev) -> {
            Map<Object, Object> out = new LinkedHashMap<>();
            String key = Values.str(n.getOrDefault("key_name", "key"));
            String value = Values.str(n.getOrDefault("value_name", "value"));
            for (Object item : list(v, "items2dict")) out.put(map(item, "items2dict").get(key), map(item, "items2dict").get(value));
            return out;
        });
        def("items", 0, 0, (v, a, n, ev) -> map(v, "items").entrySet().stream().map(e -> (Object) java.util.Arrays.asList(e.getKey(), e.getValue())).toList());
        defWith("dictsort", 0, 2, Set.of("reverse", "by"), (v, a, n, ev) -> {
            List<Object> out = new ArrayList<>(map(v, "dictsort").entrySet().stream().map(e -> (Object) java.util.Arrays.asList(e.getKey(), e.getValue())).toList());
            int by = "value".equals(n.get("by")) ? 1 : 0;
            out.sort((x, y) -> Values.compare(((List<?>) x).get(by), ((List<?>) y).get(by), "dictsort"));
            if (Values.truthy(n.get("reverse"))) java.util.Collections.reverse(out);
            return out;
        });
        // Serialisation.
        defWith("to_json", 0, 0, Set.of("indent", "sort_keys", "ensure_ascii"), (v, a, n, ev) ->
                Serialised.json(v, n.containsKey("indent") ? ((Number) n.get("indent")).intValue() : -1, Values.truthy(n.get("sort_keys"))));
        defWith("tojson", 0, 0, Set.of("indent"), (v, a, n, ev) ->
                Serialised.json(v, n.containsKey("indent") ? ((Number) n.get("indent")).intValue() : -1, true));
        defWith("to_nice_json", 0, 0, Set.of("indent", "sort_keys"), (v, a, n, ev) ->
                Serialised.json(v, ((Number) n.getOrDefault("indent", 4L)).intValue(), true));
        def("from_json", 0, 0, (v, a, n, ev) -> Serialised.fromJson(Values.str(Values.reveal(v))));
        defWith("to_yaml", 0, 0, Set.of("indent", "default_flow_style", "width"), (v, a, n, ev) -> Serialised.yaml(v, 2, false));
        defWith("to_nice_yaml", 0, 0, Set.of("indent", "width", "sort_keys"), (v, a, n, ev) ->
                Serialised.yaml(v, ((Number) n.getOrDefault("indent", 4L)).intValue(), true));
        def("from_yaml", 0, 0, (v, a, n, ev) -> Serialised.fromYaml(Values.str(Values.reveal(v))));
        def("from_yaml_all", 0, 0, (v, a, n, ev) -> Serialised.fromYamlAll(Values.str(Values.reveal(v))));
        // Paths on the controller.
        text("expanduser", 0, 0, (s, a) -> s.startsWith("~") ? System.getProperty("user.home") + s.substring(1) : s);
        text("realpath", 0, 0, (s, a) -> Path.of(s).toAbsolutePath().normalize().toString());
    }

    private static Object length(Object value, List<Object> args, Map<String, Object> named, Evaluation ev) {
        Object v = Values.reveal(value);
        if (v instanceof String s) return (long) s.codePointCount(0, s.length());
        if (v instanceof Collection<?> c) return (long) c.size();
        if (v instanceof Map<?, ?> m) return (long) m.size();
        throw new ValueError("filter 'length' needs a string, list or map, got " + Values.typeName(value));
    }

    private static Object toInt(Object v, Object otherwise) {
        if (v instanceof Boolean b) return b ? 1L : 0L;
        if (v instanceof Number n) return n.longValue();
        if (v instanceof String s) {
            String text = s.strip();
            if (INTEGER.matcher(text).matches()) return Long.parseLong(text);
            if (DECIMAL.matcher(text).matches()) return (long) Double.parseDouble(text);
        }
        return otherwise;
    }

    private static Number number(Object value, String filter) {
        Object v = Values.reveal(value);
        if (v instanceof Number n && !(v instanceof Boolean)) return n;
        if (v instanceof String s && DECIMAL.matcher(s.strip()).matches()) return Double.parseDouble(s.strip());
        throw new ValueError("filter '" + filter + "' needs a number, got " + Values.typeName(value));
    }

    private static String title(String s, List<Object> args) {
        StringBuilder out = new StringBuilder();
        boolean start = true;
        for (char c : s.toCharArray()) {
            out.append(start ? Character.toUpperCase(c) : Character.toLowerCase(c));
            start = !Character.isLetterOrDigit(c);
        }
        return out.toString();
    }

    static List<Object> list(Object value, String filter) {
        Object v = Values.reveal(value);
        if (v instanceof List<?> l) return new ArrayList<>(l);
        if (v instanceof Collection<?> c) return new ArrayList<>(c);
        if (v instanceof Map<?, ?> m) return new ArrayList<>(m.keySet());
        if (v instanceof String s) return new ArrayList<>(s.codePoints().mapToObj(Character::toString).toList());
        throw new ValueError("filter '" + filter + "' needs a list, got " + Values.typeName(value));
    }

    @SuppressWarnings("unchecked")
    private static Map<Object, Object> map(Object value, String filter) {
        if (Values.reveal(value) instanceof Map<?, ?> m) return (Map<Object, Object>) m;
        throw new ValueError("filter '" + filter + "' needs a map, got " + Values.typeName(value));
    }

    private static Map<Object, Object> combine(Map<Object, Object> base, Map<Object, Object> over, boolean recursive) {
        Map<Object, Object> out = new LinkedHashMap<>(base);
        over.forEach((k, v) -> {
            if (recursive && out.get(k) instanceof Map<?, ?> a && v instanceof Map<?, ?> b) {
                out.put(k, combine(map(a, "combine"), map(b, "combine"), true));
            } else {
                out.put(k, v);
            }
        });
        return out;
    }

    private static Object attr(Object item, Object attribute) {
        Object x = attrOrUndefined(item, attribute);
        if (x instanceof Undefined) throw new ValueError("an item has no attribute '" + attribute + "'");
        return x;
    }

    /** {@code attribute='a.b'} walks nested maps, as Jinja's attribute= does. */
    private static Object attrOrUndefined(Object item, Object attribute) {
        Object x = Values.reveal(item);
        for (String part : Values.str(attribute).split("\\.")) {
            if (x instanceof Map<?, ?> m && m.containsKey(part)) {
                x = m.get(part);
            } else if (x instanceof List<?> l && part.matches("\\d+") && Integer.parseInt(part) < l.size()) {
                x = l.get(Integer.parseInt(part));
            } else {
                return new Undefined(Values.str(attribute), 0, () -> null);
            }
        }
        return x;
    }

    private static Object extreme(Object value, Map<String, Object> named, int sign) {
        List<Object> items = list(value, sign < 0 ? "min" : "max");
        if (items.isEmpty()) throw new ValueError("filter '" + (sign < 0 ? "min" : "max") + "' on an empty list");
        Object best = items.get(0);
        Object attribute = named.get("attribute");
        for (Object item : items) {
            Object a = attribute == null ? item : attr(item, attribute);
            Object b = attribute == null ? best : attr(best, attribute);
            if (Values.compare(a, b, sign < 0 ? "min" : "max") * sign > 0) best = item;
        }
        return best;
    }

    private static List<Object> flatten(List<?> items, int levels) {
        List<Object> out = new ArrayList<>();
        for (Object item : items) {
            if (item instanceof List<?> inner && levels > 0) out.addAll(flatten(inner, levels - 1));
            else if (item != null) out.add(item);
        }
        return out;
    }

    private static Object zip(Object value, List<Object> others, boolean longest) {
        List<List<Object>> lists = new ArrayList<>();
        lists.add(list(value, "zip"));
        for (Object o : others) lists.add(list(o, "zip"));
        int size = longest ? lists.stream().mapToInt(List::size).max().orElse(0) : lists.stream().mapToInt(List::size).min().orElse(0);
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            List<Object> row = new ArrayList<>();
            for (List<Object> l : lists) row.add(i < l.size() ? l.get(i) : null);
            out.add(row);
        }
        return out;
    }

    /** select/reject(test, args...) and selectattr/rejectattr(attribute, test, args...); no test means truthy. */
    private static Object select(Object value, List<Object> args, Object attribute, boolean keep) {
        IsTest test = null;
        List<Object> testArgs = List.of();
        if (!args.isEmpty()) {
            String name = Values.str(args.get(0));
            test = IsTest.named(name).orElseThrow(() -> new ValueError("unknown test '" + name + "'"));
            testArgs = args.subList(1, args.size());
        }
        List<Object> out = new ArrayList<>();
        for (Object item : list(value, "select")) {
            Object subject = attribute == null ? item : attrOrUndefined(item, attribute);
            boolean passes;
            if (test == null) {
                passes = !(subject instanceof Undefined) && Values.truthy(subject);
            } else if (subject instanceof Undefined && !test.acceptsUndefined()) {
                passes = false;
            } else {
                passes = test.apply(subject, testArgs);
            }
            if (passes == keep) out.add(item);
        }
        return out;
    }

    private static Pattern regex(Object pattern, Map<String, Object> named) {
        int flags = (Values.truthy(named.get("ignorecase")) ? Pattern.CASE_INSENSITIVE : 0) | (Values.truthy(named.get("multiline")) ? Pattern.MULTILINE : 0);
        if (pattern instanceof Pattern p && flags == 0) return p;
        String text = pattern instanceof Pattern p ? p.pattern() : Values.str(Values.reveal(pattern));
        try {
            return Pattern.compile(text.replace("(?P<", "(?<"), flags);
        } catch (PatternSyntaxException e) {
            throw new ValueError("invalid regular expression: " + e.getDescription());
        }
    }

    /** Python's replacement syntax ({@code \1}, {@code \g<name>}) in Java's ({@code $1}, {@code ${name}}). */
    private static String pythonReplacement(String replacement) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < replacement.length(); i++) {
            char c = replacement.charAt(i);
            if (c == '\\' && i + 1 < replacement.length() && Character.isDigit(replacement.charAt(i + 1))) {
                out.append('$').append(replacement.charAt(++i));
            } else if (c == '\\' && replacement.startsWith("g<", i + 1)) {
                int close = replacement.indexOf('>', i);
                out.append("${").append(replacement, i + 3, close).append('}');
                i = close;
            } else if (c == '\\' && i + 1 < replacement.length()) {
                char next = replacement.charAt(++i);
                out.append(next == 'n' ? "\n" : next == 't' ? "\t" : Matcher.quoteReplacement(String.valueOf(next)));
            } else {
                out.append(Matcher.quoteReplacement(String.valueOf(c)));
            }
        }
        return out.toString();
    }

    private static String digest(String text, String algorithm) {
        String java = switch (algorithm.toLowerCase(Locale.ROOT)) {
            case "md5" -> "MD5";
            case "sha1" -> "SHA-1";
            case "sha224" -> "SHA-224";
            case "sha256" -> "SHA-256";
            case "sha384" -> "SHA-384";
            case "sha512" -> "SHA-512";
            default -> throw new ValueError("unknown hash type '" + algorithm + "' (use md5, sha1, sha256 or sha512)");
        };
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(java).digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(java + " is part of every Java runtime", e);
        }
    }
}
