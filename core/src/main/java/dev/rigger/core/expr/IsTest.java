package dev.rigger.core.expr;

import dev.rigger.core.expr.Values.ValueError;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** The Jinja tests ({@code value is name(args)}) that conditions need. Names are the enum names in lower case. */
enum IsTest {
    DEFINED(0, 0) {
        @Override boolean apply(Object value, List<Object> args) {
            return !(value instanceof Undefined);
        }
    },
    UNDEFINED(0, 0) {
        @Override boolean apply(Object value, List<Object> args) {
            return value instanceof Undefined;
        }
    },
    NONE(0, 0) {
        @Override boolean apply(Object value, List<Object> args) {
            return value == null;
        }
    },
    CHANGED(0, 0) {
        @Override boolean apply(Object value, List<Object> args) {
            return Values.truthy(result(value, this).get("changed"));
        }
    },
    FAILED(0, 0) {
        @Override boolean apply(Object value, List<Object> args) {
            return failed(result(value, this));
        }
    },
    SUCCEEDED(0, 0) {
        @Override boolean apply(Object value, List<Object> args) {
            return !failed(result(value, this));
        }
    },
    SUCCESS(0, 0) {
        @Override boolean apply(Object value, List<Object> args) {
            return !failed(result(value, this));
        }
    },
    SKIPPED(0, 0) {
        @Override boolean apply(Object value, List<Object> args) {
            return Values.truthy(result(value, this).get("skipped"));
        }
    },
    STRING(0, 0) {
        @Override boolean apply(Object value, List<Object> args) {
            return Values.reveal(value) instanceof String;
        }
    },
    NUMBER(0, 0) {
        @Override boolean apply(Object value, List<Object> args) {
            return value instanceof Number;
        }
    },
    INTEGER(0, 0) {
        @Override boolean apply(Object value, List<Object> args) {
            return value instanceof Number n && Values.isIntegral(n);
        }
    },
    MAPPING(0, 0) {
        @Override boolean apply(Object value, List<Object> args) {
            return value instanceof Map<?, ?>;
        }
    },
    SEQUENCE(0, 0) {
        @Override boolean apply(Object value, List<Object> args) {
            return value instanceof List<?> || Values.reveal(value) instanceof String || value instanceof Map<?, ?>;
        }
    },
    ITERABLE(0, 0) {
        @Override boolean apply(Object value, List<Object> args) {
            return value instanceof List<?> || Values.reveal(value) instanceof String || value instanceof Map<?, ?>;
        }
    },
    BOOLEAN(0, 0) {
        @Override boolean apply(Object value, List<Object> args) {
            return value instanceof Boolean;
        }
    },
    TRUTHY(0, 0) {
        @Override boolean apply(Object value, List<Object> args) {
            return Values.truthy(value);
        }
    },
    FALSY(0, 0) {
        @Override boolean apply(Object value, List<Object> args) {
            return !Values.truthy(value);
        }
    },
    EQUALTO(1, 1) {
        @Override boolean apply(Object value, List<Object> args) {
            return Values.equal(value, args.get(0));
        }
    },
    EQ(1, 1) {
        @Override boolean apply(Object value, List<Object> args) {
            return Values.equal(value, args.get(0));
        }
    },
    NE(1, 1) {
        @Override boolean apply(Object value, List<Object> args) {
            return !Values.equal(value, args.get(0));
        }
    },
    IN(1, 1) {
        @Override boolean apply(Object value, List<Object> args) {
            return Values.contains(args.get(0), value);
        }
    },
    CONTAINS(1, 1) {
        @Override boolean apply(Object value, List<Object> args) {
            return Values.contains(value, args.get(0));
        }
    },
    EVEN(0, 0) {
        @Override boolean apply(Object value, List<Object> args) {
            return Values.reveal(value) instanceof Number n && n.longValue() % 2 == 0;
        }
    },
    ODD(0, 0) {
        @Override boolean apply(Object value, List<Object> args) {
            return Values.reveal(value) instanceof Number n && n.longValue() % 2 != 0;
        }
    },
    DIVISIBLEBY(1, 1) {
        @Override boolean apply(Object value, List<Object> args) {
            return Values.reveal(value) instanceof Number n && args.get(0) instanceof Number d && d.longValue() != 0 && n.longValue() % d.longValue() == 0;
        }
    },
    /** Ansible's {@code subset}/{@code superset} of lists. */
    SUBSET(1, 1) {
        @Override boolean apply(Object value, List<Object> args) {
            return Filter.list(value, "subset").stream().allMatch(x -> Values.contains(args.get(0), x));
        }
    },
    SUPERSET(1, 1) {
        @Override boolean apply(Object value, List<Object> args) {
            return Filter.list(args.get(0), "superset").stream().allMatch(x -> Values.contains(value, x));
        }
    },
    /** On the controller: a path that exists, is a file, is a directory. */
    EXISTS(0, 0) {
        @Override boolean apply(Object value, List<Object> args) {
            return java.nio.file.Files.exists(java.nio.file.Path.of(Values.str(Values.reveal(value))));
        }
    },
    FILE(0, 0) {
        @Override boolean apply(Object value, List<Object> args) {
            return java.nio.file.Files.isRegularFile(java.nio.file.Path.of(Values.str(Values.reveal(value))));
        }
    },
    DIRECTORY(0, 0) {
        @Override boolean apply(Object value, List<Object> args) {
            return java.nio.file.Files.isDirectory(java.nio.file.Path.of(Values.str(Values.reveal(value))));
        }
    },
    ABS(0, 0) {
        @Override boolean apply(Object value, List<Object> args) {
            return Values.str(Values.reveal(value)).startsWith("/");
        }
    },
    /** Python's {@code re.match}: the pattern must match at the start of the value. */
    MATCH(1, 1) {
        @Override boolean apply(Object value, List<Object> args) {
            return matcher(value, args.get(0), this).lookingAt();
        }
    },
    /** Python's {@code re.search}: the pattern may match anywhere in the value. */
    SEARCH(1, 1) {
        @Override boolean apply(Object value, List<Object> args) {
            return matcher(value, args.get(0), this).find();
        }
    },
    /** {@code version('15', '>=')}; the operator defaults to equality, as in Ansible. */
    VERSION(1, 2) {
        @Override boolean apply(Object value, List<Object> args) {
            return compareVersion(value, args);
        }
    },
    /** The old name of {@code version}. */
    VERSION_COMPARE(1, 2) {
        @Override boolean apply(Object value, List<Object> args) {
            return compareVersion(value, args);
        }
    };

    private static boolean compareVersion(Object value, List<Object> args) {
            String operator = args.size() > 1 ? Values.str(args.get(1)) : "==";
            int c = compareVersions(Values.str(Values.reveal(value)), Values.str(Values.reveal(args.get(0))));
            return switch (operator) {
                case "<", "lt" -> c < 0;
                case "<=", "le" -> c <= 0;
                case ">", "gt" -> c > 0;
                case ">=", "ge" -> c >= 0;
                case "==", "=", "eq" -> c == 0;
                case "!=", "<>", "ne" -> c != 0;
                default -> throw new ValueError(unknownVersionOperator(operator));
            };
    }

    static final Set<String> VERSION_OPERATORS =
            Set.of("<", "lt", "<=", "le", ">", "gt", ">=", "ge", "==", "=", "eq", "!=", "<>", "ne");
    private static final Pattern VERSION_PART = Pattern.compile("\\d+|[A-Za-z]+");

    final int minArgs;
    final int maxArgs;

    IsTest(int minArgs, int maxArgs) {
        this.minArgs = minArgs;
        this.maxArgs = maxArgs;
    }

    String testName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Only {@code defined} and {@code undefined} may look at an undefined value. */
    boolean acceptsUndefined() {
        return this == DEFINED || this == UNDEFINED;
    }

    abstract boolean apply(Object value, List<Object> args);

    static Optional<IsTest> named(String name) {
        return Arrays.stream(values()).filter(t -> t.testName().equals(name)).findFirst();
    }

    static List<String> names() {
        return Arrays.stream(values()).map(IsTest::testName).toList();
    }

    static String unknownVersionOperator(String operator) {
        return "unknown version operator '" + operator + "' (use one of < <= > >= == !=)";
    }

    private static Map<?, ?> result(Object value, IsTest test) {
        if (value instanceof Map<?, ?> map) return map;
        throw new ValueError("test '" + test.testName() + "' needs a registered task result (a map), got "
                + Values.typeName(value));
    }

    /** A result failed if it says so; a result with only a return code failed if that code is not 0. */
    private static boolean failed(Map<?, ?> result) {
        if (result.containsKey("failed")) return Values.truthy(result.get("failed"));
        return result.get("rc") instanceof Number rc && !Values.equal(rc, 0L);
    }

    /** The pattern is pre-compiled by the parser when it is a literal; otherwise compiled here. */
    private static Matcher matcher(Object value, Object pattern, IsTest test) {
        if (!(Values.reveal(value) instanceof String text)) {
            throw new ValueError("test '" + test.testName() + "' needs a string, got " + Values.typeName(value));
        }
        if (pattern instanceof Pattern compiled) return compiled.matcher(text);
        try {
            return Pattern.compile(Values.str(Values.reveal(pattern))).matcher(text);
        } catch (PatternSyntaxException e) {
            throw new ValueError("invalid regular expression: " + e.getDescription());
        }
    }

    /**
     * Loose version order, like Ansible's default: split into runs of digits and of letters;
     * digits compare as numbers, letters as text, a number sorts after text, and a missing part
     * counts as 0 against a number ("15" equals "15.0") and sorts first against text.
     */
    static int compareVersions(String a, String b) {
        List<Object> x = versionParts(a);
        List<Object> y = versionParts(b);
        for (int i = 0; i < Math.max(x.size(), y.size()); i++) {
            Object p = i < x.size() ? x.get(i) : null;
            Object q = i < y.size() ? y.get(i) : null;
            int c = comparePart(p, q);
            if (c != 0) return c;
        }
        return 0;
    }

    private static int comparePart(Object p, Object q) {
        if (p == null) return q instanceof BigInteger n ? BigInteger.ZERO.compareTo(n) : -1;
        if (q == null) return -comparePart(q, p);
        if (p instanceof BigInteger m && q instanceof BigInteger n) return m.compareTo(n);
        if (p instanceof String s && q instanceof String t) return s.compareTo(t);
        return p instanceof BigInteger ? 1 : -1;
    }

    private static List<Object> versionParts(String version) {
        List<Object> parts = new ArrayList<>();
        Matcher m = VERSION_PART.matcher(version);
        while (m.find()) {
            String part = m.group();
            parts.add(Character.isDigit(part.charAt(0)) ? new BigInteger(part) : part);
        }
        return parts;
    }
}
