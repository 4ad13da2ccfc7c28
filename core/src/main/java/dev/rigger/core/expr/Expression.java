package dev.rigger.core.expr;

import dev.rigger.core.error.SourceLocation;

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
