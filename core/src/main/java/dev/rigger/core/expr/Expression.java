package dev.rigger.core.expr;

import dev.rigger.core.error.SourceLocation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A condition as written in {@code when:}, {@code until:}, {@code changed_when:} or
 * {@code failed_when:}: a small subset of Jinja2 expressions, described in docs/expressions.md.
 * Parse once when the playbook is loaded, so syntax errors surface before any host is contacted;
 * then evaluate per host. Immutable and thread-safe.
 *
 * <pre>{@code
 * Expression e = Expression.parse("result.rc == 0 and 'active' in result.stdout", at);
 * boolean run = e.test(Map.of("result", Map.of("rc", 0, "stdout", "active (running)")));
 * }</pre>
 */
public final class Expression {
    private final String text;
    private final SourceLocation location;
    private final Node root;

    private Expression(String text, SourceLocation location) {
        this.text = text;
        this.location = location;
        // Ansible accepts (and warns about) a when: wrapped in {{ }}; so do we, silently.
        String trimmed = text.strip();
        int start = text.indexOf(trimmed);
        int end = start + trimmed.length();
        boolean wrapped = trimmed.length() >= 4 && trimmed.startsWith("{{") && trimmed.endsWith("}}");
        this.root = wrapped
                ? new Parser(text, start + 2, end - 2, this::syntaxError).parse()
                : new Parser(text, start, end, this::syntaxError).parse();
    }

    /**
     * Parses {@code text}; {@code at} is where its first character is in the input file, so
     * errors can point at the column inside the expression.
     *
     * @throws ExpressionException for a syntax error, e.g.
     *         {@code play.yml:12:15: bad expression 'x ==': expected a value after '=='}
     */
    public static Expression parse(String text, SourceLocation at) {
        return new Expression(Objects.requireNonNull(text, "text"), Objects.requireNonNull(at, "at"));
    }

    public String text() {
        return text;
    }

    public SourceLocation location() {
        return location;
    }

    /**
     * The value of the expression (Jinja semantics: {@code a or b} returns {@code a} or {@code b}).
     *
     * @throws UndefinedVariableException when a variable the result depends on is not defined
     * @throws ExpressionException        when values do not fit an operation (e.g. {@code 'a' < 1})
     */
    public Object evaluate(VariableScope variables) {
        return new Evaluation(variables, this).value(root);
    }

    public Object evaluate(Map<String, ?> variables) {
        return evaluate(VariableScope.of(variables));
    }

    /** Whether the condition holds, by Jinja truthiness (none, false, 0, '' and empty lists/maps are false). */
    public boolean test(VariableScope variables) {
        return Values.truthy(evaluate(variables));
    }

    public boolean test(Map<String, ?> variables) {
        return test(VariableScope.of(variables));
    }

    /** A variable the expression reads: its root name ({@code result} in {@code result.rc}) and where. */
    public record VariableUse(String name, SourceLocation location, boolean guarded) {}

    /**
     * The root variables the expression reads, in order, so a loader can check names before
     * anything runs. A use is {@code guarded} when it sits under a test or filter that accepts
     * undefined values ({@code x is defined}, {@code x | default(1)}): it may rightly be undefined.
     */
    public List<VariableUse> variables() {
        List<VariableUse> out = new ArrayList<>();
        collect(root, false, out);
        return out;
    }

    private void collect(Node node, boolean guarded, List<VariableUse> out) {
        if (node instanceof Node.Variable v) {
            out.add(new VariableUse(v.name(), locate(v.start()), guarded));
        } else if (node instanceof Node.Attribute a) {
            collect(a.target(), guarded, out);
        } else if (node instanceof Node.Index i) {
            collect(i.target(), guarded, out);
            collect(i.index(), false, out);
        } else if (node instanceof Node.FilterCall f) {
            collect(f.target(), guarded || f.filter().acceptsUndefined(), out);
            f.args().forEach(arg -> collect(arg, false, out));
            f.named().values().forEach(arg -> collect(arg, false, out));
        } else if (node instanceof Node.TestCall t) {
            collect(t.target(), guarded || t.test().acceptsUndefined(), out);
            t.args().forEach(arg -> collect(arg, false, out));
        } else if (node instanceof Node.Not n) {
            collect(n.operand(), guarded, out);
        } else if (node instanceof Node.And a) {
            collect(a.left(), guarded, out);
            collect(a.right(), guarded, out);
        } else if (node instanceof Node.Or o) {
            collect(o.left(), guarded, out);
            collect(o.right(), guarded, out);
        } else if (node instanceof Node.Comparison c) {
            collect(c.left(), guarded, out);
            collect(c.right(), guarded, out);
        } else if (node instanceof Node.Conditional c) {
            collect(c.condition(), guarded, out);
            collect(c.value(), guarded, out);
            collect(c.otherwise(), guarded, out);
        } else if (node instanceof Node.Arithmetic a) {
            collect(a.left(), guarded, out);
            collect(a.right(), guarded, out);
        } else if (node instanceof Node.Slice s) {
            collect(s.target(), guarded, out);
            if (s.from() != null) collect(s.from(), false, out);
            if (s.to() != null) collect(s.to(), false, out);
        } else if (node instanceof Node.MethodCall m) {
            collect(m.target(), guarded, out);
            m.args().forEach(arg -> collect(arg, false, out));
        } else if (node instanceof Node.FunctionCall f) {
            f.args().forEach(arg -> collect(arg, false, out));
            f.named().values().forEach(arg -> collect(arg, false, out));
        } else if (node instanceof Node.ListLiteral l) {
            l.items().forEach(item -> collect(item, guarded, out));
        } else if (node instanceof Node.MapLiteral m) {
            m.keys().forEach(key -> collect(key, guarded, out));
            m.values().forEach(value -> collect(value, guarded, out));
        }
    }

    /**
     * Where an offset of the text is in the input file. Past a line break only the line is
     * known: the YAML loader strips a block scalar's indentation, so columns would be wrong.
     */
    SourceLocation locate(int offset) {
        if (location.line() <= 0) return location;
        int newlines = (int) text.substring(0, offset).chars().filter(c -> c == '\n').count();
        if (newlines > 0) return new SourceLocation(location.file(), location.line() + newlines, 0);
        return new SourceLocation(location.file(), location.line(), location.column() > 0 ? location.column() + offset : 0);
    }

    private ExpressionException syntaxError(int offset, String detail, String suggestion) {
        String shown = text.strip().replace('\n', ' ');
        return new ExpressionException(locate(offset), "bad expression '" + shown + "': " + detail, suggestion);
    }

    @Override
    public String toString() {
        return text;
    }
}
