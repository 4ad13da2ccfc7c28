package dev.rigger.core.loader;

import dev.rigger.core.error.InputException;
import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.executor.Attributes;
import dev.rigger.core.executor.Condition;
import dev.rigger.core.expr.Expression;
import dev.rigger.core.render.ExpressionCondition;
import dev.rigger.core.render.ScalarPositions;
import dev.rigger.core.render.TemplatedEnvironment;
import dev.rigger.core.render.TemplatedString;
import dev.rigger.core.render.ValueTemplate;
import dev.rigger.core.internal.yaml.YamlMapping;
import dev.rigger.core.internal.yaml.YamlNode;
import dev.rigger.core.internal.yaml.YamlScalar;
import dev.rigger.core.internal.yaml.YamlSequence;
import dev.rigger.core.internal.text.NearNames;
import dev.rigger.core.transport.BecomeMethod;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads the keywords plays, blocks, roles and tasks share: the inherited attributes ({@code when},
 * {@code tags}, {@code become}, {@code become_user}, {@code vars}, {@code check_mode},
 * {@code ignore_errors}, {@code no_log}, {@code environment}) and the value shapes Ansible accepts for them (a condition may be a
 * string, a boolean or a list of them; tags a list or a comma-separated string).
 */
final class Keywords {
    static final Set<String> INHERITED = sorted(List.of("when", "tags", "become", "become_user", "become_method", "vars", "check_mode", "ignore_errors", "no_log", "environment"));
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private Keywords() {}

    /**
     * Keyword sets are sorted: "expected one of" lists and "did you mean" choices between equally
     * near names must not depend on hash order.
     */
    static Set<String> sorted(Collection<String> names) {
        return Collections.unmodifiableSortedSet(new TreeSet<>(names));
    }

    /** {@code become_method}: sudo or su, as Ansible's; any other method is refused with the ones Rigger has. */
    static BecomeMethod becomeMethod(YamlMapping m) {
        YamlScalar method = m.optional("become_method").map(YamlNode::asScalar).orElse(null);
        if (method == null) return null;
        return BecomeMethod.of(method.text()).orElseThrow(() -> new InputException(method.location(),
                BecomeMethod.notSupported("become_method", method.text()),
                NearNames.closest(method.text(), BecomeMethod.keywords()).orElse(null)));
    }

    /** The inherited keywords of {@code m}; variables and expressions go to {@code symbols}. */
    static Attributes attributes(YamlMapping m, Symbols symbols) {
        BecomeMethod becomeMethod = becomeMethod(m);
        List<Condition> when = m.optional("when").map(n -> conditions(n, symbols)).orElse(List.of());
        Set<String> tags = m.optional("tags").map(Keywords::tags).orElse(Set.of());
        Boolean become = m.optionalBool("become").orElse(null);
        String becomeUser = m.optionalString("become_user").orElse(null);
        Map<String, Object> vars = m.optional("vars").map(n -> vars(n, symbols)).orElse(Map.of());
        Boolean checkMode = m.optionalBool("check_mode").orElse(null);
        Boolean ignoreErrors = m.optionalBool("ignore_errors").orElse(null);
        Boolean noLog = m.optionalBool("no_log").orElse(null);
        return new Attributes(when, tags, become, becomeUser, vars, checkMode, ignoreErrors, null, noLog, environment(m, symbols), becomeMethod);
    }

    /**
     * {@code environment}: a mapping of names to (templated) values, or one expression that yields
     * such a mapping; null when absent. Literal names are checked here, computed ones when rendered.
     */
    static TemplatedEnvironment environment(YamlMapping m, Symbols symbols) {
        YamlNode node = m.optional("environment").orElse(null);
        if (node == null) return null;
        if (node instanceof YamlMapping env) {
            for (YamlMapping.Entry e : env.entries()) {
                if (!IDENTIFIER.matcher(e.key()).matches()) {
                    throw new InputException(e.keyLocation(), "environment variable name '" + e.key() + "' is not a shell variable name (letters, digits, underscores)");
                }
            }
        } else if (!(node instanceof YamlScalar scalar && TemplatedString.isTemplated(scalar.text()))) {
            throw new InputException(node.location(), "environment must be a mapping of variable names to values, or an expression that gives one");
        }
        ValueTemplate template = ValueTemplate.compile(node);
        template.collect(symbols.expressions);
        return new TemplatedEnvironment(template, node.location());
    }

    /** A condition, or a list of them that must all hold; a boolean is a constant condition. */
    static List<Condition> conditions(YamlNode node, Symbols symbols) {
        List<Condition> out = new ArrayList<>();
        List<YamlNode> items = node instanceof YamlSequence s ? s.items() : List.of(node);
        for (YamlNode item : items) {
            YamlScalar scalar = item.asScalar();
            if (scalar.isNull()) throw new InputException(scalar.location(), "expected a condition, got null");
            // yes/no/on/off are booleans here, so they must not be read as variable names.
            String text = scalar.value() instanceof Boolean b ? b.toString() : scalar.text();
            Expression e = Expression.parse(text, ScalarPositions.of(scalar, 0));
            symbols.expressions.add(e);
            out.add(Condition.of(new ExpressionCondition(e)));
        }
        return List.copyOf(out);
    }

    /** Several conditions that must all hold, as one (for {@code changed_when}/{@code failed_when}). */
    static Condition allOf(List<Condition> conditions) {
        if (conditions.size() == 1) return conditions.get(0);
        return new Condition() {
            @Override
            public boolean test(Map<String, Object> vars) {
                return conditions.stream().allMatch(c -> c.test(vars));
            }

            @Override
            public String text() {
                return String.join(" and ", conditions.stream().map(Condition::text).toList());
            }
        };
    }

    static Set<String> tags(YamlNode node) {
        Set<String> out = new LinkedHashSet<>();
        for (String tag : strings(node)) {
            for (String part : tag.split(",")) {
                if (!part.isBlank()) out.add(part.strip());
            }
        }
        return out;
    }

    /** A single value or a list of single values, as text. */
    static List<String> strings(YamlNode node) {
        List<String> out = new ArrayList<>();
        for (YamlNode item : node instanceof YamlSequence s ? s.items() : List.of(node)) {
            YamlScalar scalar = item.asScalar();
            if (scalar.isNull()) throw new InputException(scalar.location(), "expected a name, got null");
            out.add(scalar.text());
        }
        return out;
    }

    /**
     * A {@code vars:} mapping as plain Java. Names must be identifiers (expressions could not refer
     * to others); templated values are parsed now so their mistakes are load-time errors.
     */
    static Map<String, Object> vars(YamlNode node, Symbols symbols) {
        YamlMapping m = node.asMapping();
        Map<String, Object> out = new LinkedHashMap<>();
        for (YamlMapping.Entry e : m.entries()) {
            requireIdentifier(e.key(), e.keyLocation(), "variable name");
            ValueTemplate.compile(e.value()).collect(symbols.expressions);
            symbols.variables.add(e.key());
            out.put(e.key(), e.value().toJava());
        }
        return out;
    }

    static String identifier(YamlMapping m, String key, String what) {
        String value = m.requireString(key);
        requireIdentifier(value, m.require(key).location(), what);
        return value;
    }

    static void requireIdentifier(String name, SourceLocation at, String what) {
        if (!IDENTIFIER.matcher(name).matches()) {
            throw new InputException(at, "invalid " + what + " '" + name + "': use letters, digits and underscores, not starting with a digit");
        }
    }
}
