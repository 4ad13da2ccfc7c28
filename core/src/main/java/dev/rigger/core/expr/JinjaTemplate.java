package dev.rigger.core.expr;

import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.secret.Secret;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A Jinja2 template as Ansible renders it: {@code {{ expr }}} in the expression language of
 * {@link Expression}, statements {@code {% if/elif/else/endif %}}, {@code {% for x in xs [if c] %}…
 * {% else %}…{% endfor %}} (with {@code loop.index}, {@code loop.first}, ...), {@code {% set x = e %}},
 * {@code {% raw %}}, comments {@code {# #}}, whitespace control ({@code {%-}, {@code -%}}) and
 * Ansible's {@code trim_blocks} (the newline after a statement or comment tag is dropped).
 *
 * <p>Unlike Ansible, an undefined variable is an error naming the file, line and column, never an
 * empty string. Secrets print for real in {@link Result#content()} and masked in
 * {@link Result#redacted()}. Parse once (errors point at the tag), render per host; thread-safe.
 */
public final class JinjaTemplate {
    /** The rendered text for the host and the same text with every secret masked, for display. */
    public record Result(String content, String redacted) {}

    private static final Pattern FOR = Pattern.compile("for\\s+([A-Za-z_]\\w*(?:\\s*,\\s*[A-Za-z_]\\w*)*)\\s+in\\s+(.+)", Pattern.DOTALL);
    private static final Pattern SET = Pattern.compile("set\\s+([A-Za-z_]\\w*(?:\\s*,\\s*[A-Za-z_]\\w*)*)\\s*=\\s*(.+)", Pattern.DOTALL);
    private static final Pattern WORD = Pattern.compile("^([a-z]+)\\b\\s*(.*)$", Pattern.DOTALL);

    private final String name;
    private final List<Part> parts;
    private final Set<String> bound;

    private JinjaTemplate(String name, List<Part> parts, Set<String> bound) {
        this.name = name;
        this.parts = parts;
        this.bound = bound;
    }

    /**
     * Parses a template; {@code name} is the file for messages (errors read {@code name:line:col}).
     *
     * @throws ExpressionException for a syntax error, located at the tag or inside the expression
     */
    public static JinjaTemplate compile(String name, String text) {
        return compile(text, offset -> position(name, text, offset, 1, 1), name);
    }

    /** A template that is part of a file (a YAML string): {@code at} locates each character of {@code text}. */
    public static JinjaTemplate compile(String text, java.util.function.IntFunction<SourceLocation> at, String name) {
        Parsing p = new Parsing(text, at);
        List<Part> parts = p.body(Set.of());
        return new JinjaTemplate(name, parts, p.bound);
    }

    public Result render(VariableScope variables) {
        Output out = new Output();
        Frame frame = new Frame(variables);
        for (Part part : parts) part.render(frame, out);
        return new Result(out.content.toString(), out.redacted.toString());
    }

    public String name() {
        return name;
    }

    /**
     * The expressions of the template that read only variables from outside it (not loop
     * variables or names set inside it), for a loader's undefined-variable check.
     */
    public List<Expression> expressions() {
        List<Expression> out = new ArrayList<>();
        for (Part part : parts) part.collect(out);
        return out.stream().filter(e -> e.variables().stream().noneMatch(v -> bound.contains(v.name()))).toList();
    }

    // ---- parsing

    private sealed interface Part {
        void render(Frame frame, Output out);

        void collect(List<Expression> out);
    }

    private record Text(String text) implements Part {
        @Override public void render(Frame frame, Output out) {
            out.content.append(text);
            out.redacted.append(text);
        }

        @Override public void collect(List<Expression> out) {}
    }

    private record Print(Expression expression) implements Part {
        @Override public void render(Frame frame, Output out) {
            Object value = expression.evaluate(frame);
            if (value instanceof Secret s) {
                out.content.append(s.reveal());
                out.redacted.append(s);
            } else {
                String text = printed(value);
                out.content.append(text);
                out.redacted.append(text);
            }
        }

        @Override public void collect(List<Expression> out) {
            out.add(expression);
        }
    }

    private record If(List<Expression> conditions, List<List<Part>> branches) implements Part {
        @Override public void render(Frame frame, Output out) {
            for (int i = 0; i < branches.size(); i++) {
                if (i >= conditions.size() || conditions.get(i).test(frame)) {
                    for (Part p : branches.get(i)) p.render(frame, out);
                    return;
                }
            }
        }

        @Override public void collect(List<Expression> out) {
            out.addAll(conditions);
            branches.forEach(b -> b.forEach(p -> p.collect(out)));
        }
    }

    private record For(List<String> targets, Expression items, Expression filter, List<Part> body, List<Part> otherwise,
                       SourceLocation at) implements Part {
        @Override public void render(Frame frame, Output out) {
            Object value = Values.reveal(items.evaluate(frame));
            List<Object> list;
            if (value instanceof Map<?, ?> m) list = new ArrayList<>(m.keySet());
            else if (value instanceof Collection<?> c) list = new ArrayList<>(c);
            else if (value instanceof String s) list = new ArrayList<>(s.codePoints().mapToObj(Character::toString).toList());
            else throw new ExpressionException(at, "'for' needs a list, map or string, got " + Values.typeName(value));
            if (filter != null) {
                List<Object> kept = new ArrayList<>();
                for (Object item : list) {
                    Frame probe = frame.child();
                    bind(probe, item);
                    if (filter.test(probe)) kept.add(item);
                }
                list = kept;
            }
            if (list.isEmpty()) {
                for (Part p : otherwise) p.render(frame, out);
                return;
            }
            for (int i = 0; i < list.size(); i++) {
                Frame inner = frame.child();
                bind(inner, list.get(i));
                Map<String, Object> loop = new LinkedHashMap<>();
                loop.put("index", (long) i + 1);
                loop.put("index0", (long) i);
                loop.put("revindex", (long) (list.size() - i));
                loop.put("revindex0", (long) (list.size() - i - 1));
                loop.put("first", i == 0);
                loop.put("last", i == list.size() - 1);
                loop.put("length", (long) list.size());
                loop.put("previtem", i > 0 ? list.get(i - 1) : null);
                loop.put("nextitem", i + 1 < list.size() ? list.get(i + 1) : null);
                inner.locals.put("loop", loop);
                for (Part p : body) p.render(inner, out);
                // {% set %} inside a loop does not leak out, as in Jinja; loop scope ends here.
            }
        }

        private void bind(Frame frame, Object item) {
            if (targets.size() == 1) {
                frame.locals.put(targets.get(0), item);
                return;
            }
            if (!(Values.reveal(item) instanceof List<?> l) || l.size() != targets.size()) {
                throw new ExpressionException(at, "cannot unpack an item into " + targets.size() + " names");
            }
            for (int i = 0; i < targets.size(); i++) frame.locals.put(targets.get(i), l.get(i));
        }

        @Override public void collect(List<Expression> out) {
            out.add(items);
            if (filter != null) out.add(filter);
            body.forEach(p -> p.collect(out));
            otherwise.forEach(p -> p.collect(out));
        }
    }

    private record Assign(List<String> targets, Expression value, List<Part> block, SourceLocation at) implements Part {
        @Override public void render(Frame frame, Output out) {
            Object v;
            if (value != null) {
                v = value.evaluate(frame);
            } else {
                Output captured = new Output();
                for (Part p : block) p.render(frame, captured);
                String content = captured.content.toString();
                v = content.equals(captured.redacted.toString()) ? content : Secret.of(content);
            }
            if (targets.size() == 1) {
                frame.locals.put(targets.get(0), v);
                return;
            }
            if (!(Values.reveal(v) instanceof List<?> l) || l.size() != targets.size()) {
                throw new ExpressionException(at, "cannot unpack the value into " + targets.size() + " names");
            }
            for (int i = 0; i < targets.size(); i++) frame.locals.put(targets.get(i), l.get(i));
        }

        @Override public void collect(List<Expression> out) {
            if (value != null) out.add(value);
            if (block != null) block.forEach(p -> p.collect(out));
        }
    }

    /** Reads the template text into parts; {@code stop} are the tags that end the current body. */
    private static final class Parsing {
        private final String text;
        private final java.util.function.IntFunction<SourceLocation> at;
        private final Set<String> bound = new HashSet<>();
        private int pos;
        /** Strip leading whitespace of the next text (a {@code -%}} or {@code -}}} before it). */
        private boolean stripNext;
        /** The tag word that ended the last body, and its argument text and offset. */
        private String endWord;
        private String endArgs;
        private int endArgsAt;
        private int endTagAt;
        private int nesting;
        private static final int MAX_DEPTH = 100;

        Parsing(String text, java.util.function.IntFunction<SourceLocation> at) {
            this.text = text;
            this.at = at;
        }

        List<Part> body(Set<String> stop) {
            // Statements nest by recursion; far beyond any real template, stop before the stack does.
            if (++nesting > MAX_DEPTH) throw new ExpressionException(at.apply(endTagAt), "statements nested too deeply (more than " + MAX_DEPTH + " levels)");
            try {
                return bodyParts(stop);
            } finally {
                nesting--;
            }
        }

        private List<Part> bodyParts(Set<String> stop) {
            List<Part> parts = new ArrayList<>();
            while (true) {
                int open = JinjaTags.next(text, pos);
                String literal = text.substring(pos, open < 0 ? text.length() : open);
                boolean stripBefore = open >= 0 && open + 2 < text.length() && text.charAt(open + 2) == '-';
                if (stripNext) literal = literal.stripLeading();
                if (stripBefore) literal = literal.stripTrailing();
                stripNext = false;
                if (!literal.isEmpty()) parts.add(new Text(literal));
                if (open < 0) {
                    if (!stop.isEmpty()) {
                        throw new ExpressionException(at.apply(endTagAt), "missing {% " + String.join(" or ", stop.stream().filter(s -> s.startsWith("end")).toList()) + " %}");
                    }
                    pos = text.length();
                    return parts;
                }
                char kind = text.charAt(open + 1);
                int inner = open + 2 + (stripBefore ? 1 : 0);
                String closer = kind == '{' ? "}}" : kind == '%' ? "%}" : "#}";
                int close = kind == '#' ? text.indexOf("#}", inner) : JinjaTags.closing(text, inner, closer);
                if (close < 0) throw new ExpressionException(at.apply(open), "'" + text.substring(open, open + 2) + "' is never closed with '" + closer + "'");
                boolean stripAfter = close > inner && text.charAt(close - 1) == '-';
                int innerEnd = stripAfter ? close - 1 : close;
                pos = close + 2;
                stripNext = stripAfter;
                if (kind == '#') {
                    trimBlock();
                    continue;
                }
                if (kind == '{') {
                    parts.add(new Print(expression(inner, innerEnd)));
                    continue;
                }
                trimBlock();
                String statement = text.substring(inner, innerEnd).strip();
                int statementAt = inner + (text.substring(inner, innerEnd).length() - text.substring(inner, innerEnd).stripLeading().length());
                Matcher word = WORD.matcher(statement);
                if (!word.matches()) throw new ExpressionException(at.apply(open), "bad statement '{% " + statement + " %}'");
                String w = word.group(1);
                int argsAt = statementAt + word.start(2);
                if (stop.contains(w)) {
                    endWord = w;
                    endArgs = word.group(2);
                    endArgsAt = argsAt;
                    return parts;
                }
                endTagAt = open;
                switch (w) {
                    case "if" -> parts.add(ifStatement(word.group(2), argsAt));
                    case "for" -> parts.add(forStatement(statement, statementAt, open));
                    case "set" -> parts.add(setStatement(statement, statementAt, open));
                    case "raw" -> parts.add(raw(open));
                    default -> throw new ExpressionException(at.apply(open), unsupported(w));
                }
            }
        }

        private static String unsupported(String word) {
            return switch (word) {
                case "elif", "else", "endif", "endfor", "endset", "endraw" -> "'{% " + word + " %}' without its opening statement";
                case "include", "import", "extends", "block", "macro", "call", "from" ->
                        "'{% " + word + " %}' is not supported: Rigger renders one self-contained template (use set, if and for)";
                default -> "unknown statement '{% " + word + " %}' (Rigger knows if, for, set and raw)";
            };
        }

        private Part ifStatement(String condition, int conditionAt) {
            List<Expression> conditions = new ArrayList<>();
            List<List<Part>> branches = new ArrayList<>();
            conditions.add(expression(conditionAt, conditionAt + condition.length()));
            while (true) {
                branches.add(body(Set.of("elif", "else", "endif")));
                switch (endWord) {
                    case "elif" -> conditions.add(expression(endArgsAt, endArgsAt + endArgs.length()));
                    case "else" -> {
                        branches.add(body(Set.of("endif")));
                        return new If(conditions, branches);
                    }
                    default -> {
                        return new If(conditions, branches);
                    }
                }
            }
        }

        private Part forStatement(String statement, int statementAt, int open) {
            Matcher m = FOR.matcher(statement);
            if (!m.matches()) throw new ExpressionException(at.apply(open), "bad for loop: write {% for name in list %}");
            List<String> targets = List.of(m.group(1).split("\\s*,\\s*"));
            bound.addAll(targets);
            bound.add("loop");
            String source = m.group(2);
            int sourceAt = statementAt + m.start(2);
            Expression filter = null;
            int split = topLevelIf(source);
            Expression items;
            if (split >= 0) {
                items = expression(sourceAt, sourceAt + split);
                filter = expression(sourceAt + split + 3, sourceAt + source.length());
            } else {
                items = expression(sourceAt, sourceAt + source.length());
            }
            SourceLocation where = at.apply(open);
            List<Part> body = body(Set.of("else", "endfor"));
            List<Part> otherwise = endWord.equals("else") ? body(Set.of("endfor")) : List.of();
            return new For(targets, items, filter, body, otherwise, where);
        }

        /** {@code for x in xs if cond}: the ' if ' that is not inside brackets or quotes. */
        private static int topLevelIf(String source) {
            int depth = 0;
            char quote = 0;
            for (int i = 0; i < source.length(); i++) {
                char c = source.charAt(i);
                if (quote != 0) {
                    if (c == quote) quote = 0;
                } else if (c == '\'' || c == '"') {
                    quote = c;
                } else if ("([{".indexOf(c) >= 0) {
                    depth++;
                } else if (")]}".indexOf(c) >= 0) {
                    depth--;
                } else if (depth == 0 && source.startsWith(" if ", i)) {
                    // An inline "a if b else c" has an else; a loop filter has none after it.
                    if (!source.substring(i).contains(" else ")) return i + 1;
                }
            }
            return -1;
        }

        private Part setStatement(String statement, int statementAt, int open) {
            Matcher m = SET.matcher(statement);
            if (m.matches()) {
                List<String> targets = List.of(m.group(1).split("\\s*,\\s*"));
                bound.addAll(targets);
                int valueAt = statementAt + m.start(2);
                return new Assign(targets, expression(valueAt, valueAt + m.group(2).length()), null, at.apply(open));
            }
            String target = statement.substring(3).strip();
            if (!target.matches("[A-Za-z_]\\w*")) throw new ExpressionException(at.apply(open), "bad set: write {% set name = value %}");
            bound.add(target);
            return new Assign(List.of(target), null, body(Set.of("endset")), at.apply(open));
        }

        private Part raw(int open) {
            Matcher end = Pattern.compile("\\{%-?\\s*endraw\\s*-?%\\}").matcher(text);
            if (!end.find(pos)) throw new ExpressionException(at.apply(open), "missing {% endraw %}");
            String literal = text.substring(pos, end.start());
            pos = end.end();
            trimBlock();
            return new Text(literal);
        }

        /** Ansible's trim_blocks: the first newline after a statement or comment tag is removed. */
        private void trimBlock() {
            if (text.startsWith("\r\n", pos)) pos += 2;
            else if (text.startsWith("\n", pos)) pos++;
        }

        private Expression expression(int from, int to) {
            return Expression.parse(text.substring(from, to), at.apply(from));
        }
    }

    /** Where an offset of a template file is, counting lines and columns from 1. */
    private static SourceLocation position(String name, String text, int offset, int firstLine, int firstColumn) {
        int line = firstLine;
        int lineStart = 0;
        for (int i = 0; i < offset && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new SourceLocation(name, line, (line == firstLine ? firstColumn - 1 : 0) + offset - lineStart + 1);
    }

    // ---- rendering

    /** Variables of one level of the template: names set here, then the enclosing level. */
    private static final class Frame implements VariableScope {
        private final VariableScope parent;
        final Map<String, Object> locals = new LinkedHashMap<>();

        Frame(VariableScope parent) {
            this.parent = parent;
        }

        Frame child() {
            return new Frame(this);
        }

        @Override public boolean isDefined(String name) {
            return locals.containsKey(name) || parent.isDefined(name);
        }

        @Override public Object get(String name) {
            return locals.containsKey(name) ? locals.get(name) : parent.get(name);
        }

        @Override public Collection<String> names() {
            Set<String> all = new HashSet<>(parent.names());
            all.addAll(locals.keySet());
            return all;
        }
    }

    private static final class Output {
        final StringBuilder content = new StringBuilder();
        final StringBuilder redacted = new StringBuilder();
    }

    /** A value in the output, as Jinja prints it: Python's {@code str}. */
    static String printed(Object value) {
        if (value instanceof String s) return s;
        if (value instanceof Double d && d == Math.rint(d) && !d.isInfinite()) return BigDecimal.valueOf(d).setScale(1).toPlainString();
        if (value instanceof Collection<?> || value instanceof Map<?, ?>) return repr(value);
        return Values.str(value);
    }

    private static String repr(Object value) {
        if (value instanceof String s) return "'" + s + "'";
        if (value instanceof Secret) return Secret.REDACTED;
        if (value instanceof Collection<?> c) return c.stream().map(JinjaTemplate::repr).collect(Collectors.joining(", ", "[", "]"));
        if (value instanceof Map<?, ?> m) {
            return m.entrySet().stream().map(e -> repr(e.getKey()) + ": " + repr(e.getValue())).collect(Collectors.joining(", ", "{", "}"));
        }
        return printed(value);
    }
}
