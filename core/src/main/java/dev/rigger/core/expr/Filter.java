package dev.rigger.core.expr;

import dev.rigger.core.expr.Values.ValueError;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** The filters ({@code value | name(args)}) that conditions need. Names are the enum names in lower case. */
enum Filter {
    /** Ansible's {@code bool}: true for true, 1 and the strings yes/on/1/true (any case). */
    BOOL(0, 0) {
        @Override Object apply(Object value, List<Object> args) {
            Object v = Values.reveal(value);
            if (v instanceof Boolean b) return b;
            if (v instanceof String s) return List.of("yes", "on", "1", "true").contains(s.strip().toLowerCase(Locale.ROOT));
            return v instanceof Number && Values.equal(v, 1L);
        }
    },
    /** Jinja's {@code int}: the integer part, or 0 when the value is not a number. */
    INT(0, 0) {
        @Override Object apply(Object value, List<Object> args) {
            Object v = Values.reveal(value);
            if (v instanceof Boolean b) return b ? 1L : 0L;
            if (v instanceof Number n) return n.longValue();
            if (v instanceof String s) {
                String text = s.strip();
                if (INTEGER.matcher(text).matches()) return Long.parseLong(text);
                if (DECIMAL.matcher(text).matches()) return (long) Double.parseDouble(text);
            }
            return 0L;
        }
    },
    LENGTH(0, 0) {
        @Override Object apply(Object value, List<Object> args) {
            Object v = Values.reveal(value);
            if (v instanceof String s) return (long) s.codePointCount(0, s.length());
            if (v instanceof Collection<?> c) return (long) c.size();
            if (v instanceof Map<?, ?> m) return (long) m.size();
            throw new ValueError("filter 'length' needs a string, list or map, got " + Values.typeName(value));
        }
    },
    LOWER(0, 0) {
        @Override Object apply(Object value, List<Object> args) {
            return Values.mapText(value, s -> s.toLowerCase(Locale.ROOT));
        }
    },
    UPPER(0, 0) {
        @Override Object apply(Object value, List<Object> args) {
            return Values.mapText(value, s -> s.toUpperCase(Locale.ROOT));
        }
    },
    TRIM(0, 0) {
        @Override Object apply(Object value, List<Object> args) {
            return Values.mapText(value, String::strip);
        }
    },
    /** {@code default(v)} replaces an undefined value; {@code default(v, true)} also a false-like one. */
    DEFAULT(1, 2) {
        @Override Object apply(Object value, List<Object> args) {
            boolean alsoFalsy = args.size() > 1 && Values.truthy(args.get(1));
            return value instanceof Undefined || (alsoFalsy && !Values.truthy(value)) ? args.get(0) : value;
        }
    },
    STRING(0, 0) {
        @Override Object apply(Object value, List<Object> args) {
            return Values.mapText(value, s -> s);
        }
    };

    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    final int minArgs;
    final int maxArgs;

    Filter(int minArgs, int maxArgs) {
        this.minArgs = minArgs;
        this.maxArgs = maxArgs;
    }

    String filterName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Only {@code default} may look at an undefined value; every other filter needs a real one. */
    boolean acceptsUndefined() {
        return this == DEFAULT;
    }

    abstract Object apply(Object value, List<Object> args);

    static Optional<Filter> named(String name) {
        return Arrays.stream(values()).filter(f -> f.filterName().equals(name)).findFirst();
    }

    static List<String> names() {
        return Arrays.stream(values()).map(Filter::filterName).toList();
    }
}
