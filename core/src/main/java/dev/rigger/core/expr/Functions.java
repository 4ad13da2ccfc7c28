package dev.rigger.core.expr;

import dev.rigger.core.expr.Values.ValueError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Global functions: {@code lookup}/{@code query}/{@code q} (see {@link Lookups}), {@code range}, {@code dict}. */
final class Functions {
    @FunctionalInterface
    interface Body {
        Object apply(List<Object> args, Map<String, Object> named, Evaluation ev);
    }

    /** @param checksLookup the first argument names a lookup, checked at load time when literal */
    record Function(String name, int minArgs, int maxArgs, boolean checksLookup, Body body) {
        Object apply(List<Object> args, Map<String, Object> named, Evaluation ev) {
            return body.apply(args, named, ev);
        }
    }

    private static final Map<String, Function> ALL = new TreeMap<>();

    private Functions() {}

    static Optional<Function> named(String name) {
        return Optional.ofNullable(ALL.get(name));
    }

    static List<String> names() {
        return List.copyOf(ALL.keySet());
    }

    static {
        ALL.put("lookup", new Function("lookup", 1, Integer.MAX_VALUE, true, (a, n, ev) -> Lookups.run(a, n, ev, false)));
        ALL.put("query", new Function("query", 1, Integer.MAX_VALUE, true, (a, n, ev) -> Lookups.run(a, n, ev, true)));
        ALL.put("q", new Function("q", 1, Integer.MAX_VALUE, true, (a, n, ev) -> Lookups.run(a, n, ev, true)));
        ALL.put("range", new Function("range", 1, 3, false, (a, n, ev) -> {
            long start = a.size() > 1 ? integer(a.get(0)) : 0;
            long stop = integer(a.get(a.size() > 1 ? 1 : 0));
            long step = a.size() > 2 ? integer(a.get(2)) : 1;
            if (step == 0) throw new ValueError("range: step must not be 0");
            List<Object> out = new ArrayList<>();
            for (long i = start; step > 0 ? i < stop : i > stop; i += step) out.add(i);
            return out;
        }));
        ALL.put("dict", new Function("dict", 0, 0, false, (a, n, ev) -> new LinkedHashMap<>(n)));
    }

    private static long integer(Object value) {
        if (Values.reveal(value) instanceof Number n && Values.isIntegral(n)) return n.longValue();
        throw new ValueError("range needs integers, got " + Values.typeName(value));
    }
}
