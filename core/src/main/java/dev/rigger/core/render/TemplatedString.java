package dev.rigger.core.render;

import dev.rigger.core.error.InputException;
import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.expr.Expression;
import dev.rigger.core.expr.JinjaTags;
import dev.rigger.core.expr.JinjaTemplate;
import dev.rigger.core.expr.VariableScope;
import dev.rigger.core.secret.Secret;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

/**
 * A string holding {@code {{ expr }}} parts, parsed once (so a bad expression is a load-time error)
 * and rendered per host. A string that is exactly one {@code {{ expr }}} renders to the
 * expression's value with its type (a list stays a list, a port an integer), as Ansible's native
 * types do; anything else renders to text. A string with Jinja statements or comments
 * ({@code {% if %}}, {@code {# #}}) is rendered as a whole by {@link JinjaTemplate}, to text.
 */
public final class TemplatedString {
    private final String text;
    /** Literal strings and expressions, in order. */
    private final List<Object> parts;

    private TemplatedString(String text, List<Object> parts) {
        this.text = text;
        this.parts = List.copyOf(parts);
    }

    public static boolean isTemplated(String text) {
        return text.contains("{{") || text.contains("{%") || text.contains("{#");
    }

    /** @param at where a character of {@code text} is in its file */
    public static TemplatedString parse(String text, IntFunction<SourceLocation> at) {
        List<Object> parts = new ArrayList<>();
        if (text.contains("{%") || text.contains("{#")) {
            parts.add(JinjaTemplate.compile(text, at, at.apply(0).file()));
            return new TemplatedString(text, parts);
        }
        int i = 0;
        while (i < text.length()) {
            int open = JinjaTags.next(text, i);
            if (open < 0) {
                parts.add(text.substring(i));
                break;
            }
            if (open > i) parts.add(text.substring(i, open));
            int close = JinjaTags.closing(text, open + 2, "}}");
            if (close < 0) throw new InputException(at.apply(open), "'{{' is never closed with '}}'");
            parts.add(Expression.parse(text.substring(open + 2, close), at.apply(open + 2)));
            i = close + 2;
        }
        return new TemplatedString(text, parts);
    }

    public List<Expression> expressions() {
        if (parts.size() == 1 && parts.get(0) instanceof JinjaTemplate t) return t.expressions();
        return parts.stream().filter(Expression.class::isInstance).map(Expression.class::cast).toList();
    }

    public Object render(VariableScope variables) {
        if (parts.size() == 1 && parts.get(0) instanceof JinjaTemplate t) {
            JinjaTemplate.Result r = t.render(variables);
            // Rendered differently when masked: a secret is inside, so the whole text is one (masked whole).
            return r.content().equals(r.redacted()) ? r.content() : Secret.of(r.content());
        }
        if (parts.size() == 1 && parts.get(0) instanceof Expression only) return only.evaluate(variables);
        StringBuilder out = new StringBuilder();
        List<Secret> secrets = new ArrayList<>();
        for (Object part : parts) {
            if (part instanceof Expression e) {
                Object value = e.evaluate(variables);
                if (value instanceof Secret s) secrets.add(s);
                out.append(text(value));
            } else {
                out.append((String) part);
            }
        }
        // A string built from a secret is a secret: it must stay out of logs and diffs too.
        return secrets.isEmpty() ? out.toString() : Secret.composed(out.toString(), secrets);
    }

    /** A value inside text, as Ansible prints it: Python's {@code str}, with none as the empty string. */
    private static String text(Object value) {
        if (value == null) return "";
        if (value instanceof Secret s) return s.reveal();
        if (value instanceof String s) return s;
        return repr(value);
    }

    private static String repr(Object value) {
        if (value == null) return "None";
        if (value instanceof Boolean b) return b ? "True" : "False";
        if (value instanceof String s) return "'" + s + "'";
        if (value instanceof Secret) return Secret.REDACTED;
        if (value instanceof Collection<?> c) return c.stream().map(TemplatedString::repr).collect(Collectors.joining(", ", "[", "]"));
        if (value instanceof Map<?, ?> m) {
            return m.entrySet().stream().map(e -> repr(e.getKey()) + ": " + repr(e.getValue()))
                    .collect(Collectors.joining(", ", "{", "}"));
        }
        return value.toString();
    }

    @Override
    public String toString() {
        return text;
    }
}
