package dev.rigger.core.expr;

import dev.rigger.core.internal.text.NearNames;
import dev.rigger.core.expr.Lexer.Kind;
import dev.rigger.core.expr.Lexer.Token;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Recursive-descent parser, one method per precedence level (lowest first):
 * <pre>
 * expression := or ['if' or ['else' expression]]
 * or         := and ('or' and)*
 * and        := not ('and' not)*
 * not        := 'not' not | comparison
 * comparison := sum [('==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'not' 'in') sum]
 * sum        := concat (('+' | '-') concat)*
 * concat     := product ('~' product)*
 * product    := power (('*' | '/' | '//' | '%') power)*
 * power      := unary ['**' unary]
 * unary      := '-' unary | postfix
 * postfix    := primary ('|' NAME [args] | 'is' ['not'] NAME [args])*
 * primary    := atom ('.' NAME [args] | '[' index ']' )*
 * atom       := STRING | NUMBER | true | false | none | NAME [args] | '(' expression ')' | list | map
 * args       := '(' [expression | NAME '=' expression] (',' ...)* ')'
 * </pre>
 * The levels between comparison and unary are Jinja's own (its {@code ~} binds tighter than {@code +}).
 * <pre>
 * </pre>
 * As in Jinja, filters and tests bind tighter than comparisons: {@code x | length > 0} compares the length.
 */
final class Parser {

    /** Builds the located error for a problem at an offset in the expression text. */
    interface ErrorSink {
        ExpressionException at(int offset, String detail, String suggestion);

        default ExpressionException at(int offset, String detail) {
            return at(offset, detail, null);
        }
    }

    private static final Set<String> COMPARISONS = Set.of("==", "!=", "<", "<=", ">", ">=");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "not", "in", "is", "if", "else");
    /**
     * Brackets, 'not' and '-' may nest this deep. Far beyond any real expression, and far below the
     * depth where the recursion (here and when evaluating) would overflow the thread's stack.
     */
    private static final int MAX_DEPTH = 100;

    private final String text;
    private final ErrorSink errors;
    private final List<Token> tokens;
    private int pos;
    private int depth;

    Parser(String text, int start, int end, ErrorSink errors) {
        this.text = text;
        this.errors = errors;
        this.tokens = new Lexer(text, start, end, errors).tokens();
    }

    Node parse() {
        if (peek().kind() == Kind.END) throw errors.at(peek().start(), "the expression is empty");
        Node node = expression();
        Token rest = peek();
        if (rest.kind() != Kind.END) {
            String hint = rest.is("=") ? "; use '==' to compare" : "";
            throw errors.at(rest.start(), "unexpected " + rest.describe() + hint);
        }
        return node;
    }

    /** Jinja's inline if; without 'else' the value is '' when the condition fails (Jinja's undefined, which prints nothing). */
    private Node expression() {
        enter();
        Node value = or();
        if (!accept("if")) return leave(value);
        Node condition = or();
        Node otherwise = accept("else") ? expression() : new Node.Literal("");
        return leave(new Node.Conditional(condition, value, otherwise));
    }

    private void enter() {
        if (++depth > MAX_DEPTH) throw errors.at(peek().start(), "the expression is nested too deeply (more than " + MAX_DEPTH + " levels)");
    }

    private Node leave(Node node) {
        depth--;
        return node;
    }

    private Node or() {
        Node left = and();
        while (accept("or")) left = new Node.Or(left, and());
        return left;
    }

    private Node and() {
        Node left = not();
        while (accept("and")) left = new Node.And(left, not());
        return left;
    }

    private Node not() {
        if (!accept("not")) return comparison();
        enter();
        return leave(new Node.Not(not()));
    }

    private Node comparison() {
        Node left = sum();
        Token operator = peek();
        String op = comparisonOperator();
        if (op == null) return left;
        Node comparison = new Node.Comparison(left, op, sum(), operator.start());
        if (comparisonOperator() != null) {
            throw errors.at(previous().start(), "chained comparisons are not supported; join them with 'and'");
        }
        return comparison;
    }

    /** Consumes and returns a comparison operator, or returns null and consumes nothing. */
    private String comparisonOperator() {
        Token t = peek();
        if (t.kind() == Kind.OPERATOR && COMPARISONS.contains(t.text())) {
            pos++;
            return t.text();
        }
        if (t.is("in")) {
            pos++;
            return "in";
        }
        if (t.is("not") && tokens.get(pos + 1).is("in")) {
            pos += 2;
            return "not in";
        }
        return null;
    }

    private Node sum() {
        Node left = concat();
        while (peek().is("+") || peek().is("-")) {
            Token op = tokens.get(pos++);
            left = new Node.Arithmetic(left, op.text(), concat(), op.start());
        }
        return left;
    }

    private Node concat() {
        Node left = product();
        while (peek().is("~")) {
            Token op = tokens.get(pos++);
            left = new Node.Arithmetic(left, "~", product(), op.start());
        }
        return left;
    }

    private Node product() {
        Node left = power();
        while (peek().is("*") || peek().is("/") || peek().is("//") || peek().is("%")) {
            Token op = tokens.get(pos++);
            left = new Node.Arithmetic(left, op.text(), power(), op.start());
        }
        return left;
    }

    private Node power() {
        Node left = unary();
        if (!peek().is("**")) return left;
        Token op = tokens.get(pos++);
        return new Node.Arithmetic(left, "**", unary(), op.start());
    }

    private Node unary() {
        Token t = peek();
        if (accept("-")) {
            enter();
            Node operand = leave(unary());
            if (operand instanceof Node.Literal l && l.value() instanceof Number n) {
                return new Node.Literal(n instanceof Long v ? (Object) (-v) : (Object) (-n.doubleValue()));
            }
            return new Node.Arithmetic(new Node.Literal(0L), "-", operand, t.start());
        }
        if (accept("+")) {
            enter();
            return leave(unary());
        }
        return postfix();
    }

    private Node postfix() {
        Node node = primary();
        while (true) {
            if (accept("|")) {
                node = filter(node);
            } else if (accept("is")) {
                node = test(node);
            } else {
                return node;
            }
        }
    }

    private Node filter(Node target) {
        Token name = name("a filter name");
        Filter filter = Filter.named(name.text()).orElseThrow(() -> errors.at(name.start(),
                "unknown filter '" + name.text() + "'", NearNames.closest(name.text(), Filter.names()).orElse(null)));
        Arguments args = arguments();
        checkArity("filter '" + filter.filterName() + "'", args.positional().size(), filter.minArgs, filter.maxArgs, name);
        checkKeywords("filter '" + filter.filterName() + "'", args, filter.keywords, name);
        if (filter.regexArgument() && !args.positional().isEmpty()) args.positional().set(0, precompiled(args.positional().get(0), name));
        return new Node.FilterCall(target, filter, args.positional(), args.named(), name.start());
    }

    private Node test(Node target) {
        boolean negated = accept("not");
        Token name = name("a test name");
        IsTest test = IsTest.named(name.text()).orElseThrow(() -> errors.at(name.start(),
                "unknown test '" + name.text() + "'", NearNames.closest(name.text(), IsTest.names()).orElse(null)));
        Arguments arguments = arguments();
        List<Node> args = arguments.positional();
        checkArity("test '" + test.testName() + "'", args.size(), test.minArgs, test.maxArgs, name);
        checkKeywords("test '" + test.testName() + "'", arguments, Set.of("ignorecase", "multiline"), name);
        if (test == IsTest.MATCH || test == IsTest.SEARCH) args.set(0, precompiled(args.get(0), name));
        if ((test == IsTest.VERSION || test == IsTest.VERSION_COMPARE) && args.size() > 1 && args.get(1) instanceof Node.Literal op
                && !IsTest.VERSION_OPERATORS.contains(Values.str(op.value()))) {
            throw errors.at(name.start(), IsTest.unknownVersionOperator(Values.str(op.value())));
        }
        return new Node.TestCall(target, test, negated, args, arguments.named(), name.start());
    }

    /** A literal regular expression is compiled once here, so a bad one is reported at load time. */
    private Node precompiled(Node pattern, Token testName) {
        if (!(pattern instanceof Node.Literal literal && literal.value() instanceof String regex)) return pattern;
        try {
            return new Node.Literal(Pattern.compile(regex));
        } catch (PatternSyntaxException e) {
            throw errors.at(testName.start(), "invalid regular expression: " + e.getDescription());
        }
    }

    /** Positional and keyword ({@code name=value}) arguments of a call, filter or test. */
    record Arguments(List<Node> positional, Map<String, Node> named) {}

    /** Optional {@code (a, b, key=c)} after a filter, test, function or method name. */
    private Arguments arguments() {
        Arguments args = new Arguments(new ArrayList<>(), new LinkedHashMap<>());
        if (!accept("(")) return args;
        while (!accept(")")) {
            if (peek().kind() == Kind.NAME && tokens.get(pos + 1).is("=")) {
                Token key = tokens.get(pos);
                pos += 2;
                args.named().put(key.text(), expression());
            } else {
                if (!args.named().isEmpty()) throw errors.at(peek().start(), "a positional argument cannot follow a keyword argument");
                args.positional().add(expression());
            }
            if (!accept(",")) {
                expect(")", "')' to close the argument list");
                break;
            }
        }
        return args;
    }

    private void checkKeywords(String what, Arguments args, Set<String> allowed, Token name) {
        for (String key : args.named().keySet()) {
            if (!allowed.contains(key)) {
                String problem = what + " has no keyword argument '" + key + "'";
                throw errors.at(name.start(), allowed.isEmpty() ? problem : problem + " (it has " + String.join(", ", new TreeSet<>(allowed)) + ")",
                        NearNames.closest(key, allowed).orElse(null));
            }
        }
    }

    private void checkArity(String what, int given, int min, int max, Token name) {
        if (given >= min && given <= max) return;
        String expected = min == max ? (min == 0 ? "no arguments" : min == 1 ? "1 argument" : min + " arguments")
                : min + " or " + max + " arguments";
        throw errors.at(name.start(), what + " takes " + expected + ", got " + given);
    }

    private Node primary() {
        Token first = peek();
        Node node = atom();
        while (true) {
            Token t = peek();
            String targetPath = text.substring(first.start(), t.start()).strip();
            if (accept(".")) {
                Token name = peek().kind() == Kind.NUMBER && peek().value() instanceof Long ? tokens.get(pos++) : name("a name");
                if (peek().is("(")) {
                    Methods.Method method = Methods.named(name.text()).orElseThrow(() -> errors.at(name.start(),
                            "unknown method '" + name.text() + "'", NearNames.closest(name.text(), Methods.names()).orElse(null)));
                    Arguments args = arguments();
                    checkArity("method '" + name.text() + "'", args.positional().size(), method.minArgs(), method.maxArgs(), name);
                    checkKeywords("method '" + name.text() + "'", args, Set.of(), name);
                    node = new Node.MethodCall(node, method, args.positional(), name.start());
                } else if (name.kind() == Kind.NUMBER) {
                    // Jinja's x.0 is x[0].
                    node = new Node.Index(node, new Node.Literal(name.value()), source(first, previous()), targetPath, first.start(), t.start());
                } else {
                    node = new Node.Attribute(node, name.text(), source(first, previous()), targetPath, first.start());
                }
            } else if (accept("[")) {
                Node from = peek().is(":") ? null : expression();
                if (accept(":")) {
                    Node to = peek().is("]") ? null : expression();
                    expect("]", "']' to close '['");
                    node = new Node.Slice(node, from, to, t.start());
                } else {
                    expect("]", "']' to close '['");
                    node = new Node.Index(node, from, source(first, previous()), targetPath, first.start(), t.start());
                }
            } else {
                return node;
            }
        }
    }

    private Node atom() {
        Token t = peek();
        if (t.kind() == Kind.STRING || t.kind() == Kind.NUMBER) {
            pos++;
            return new Node.Literal(t.value());
        }
        if (t.kind() == Kind.NAME && !KEYWORDS.contains(t.text())) {
            pos++;
            if (peek().is("(")) return call(t);
            return switch (t.text()) {
                case "true", "True" -> new Node.Literal(true);
                case "false", "False" -> new Node.Literal(false);
                case "none", "None" -> new Node.Literal(null);
                default -> new Node.Variable(t.text(), t.start());
            };
        }
        if (accept("(")) {
            if (accept(")")) return new Node.ListLiteral(List.of());
            Node inner = expression();
            if (!peek().is(",")) {
                expect(")", "')' to close '('");
                return inner;
            }
            // A tuple, as in '%s-%s' % (a, b): a list here.
            List<Node> items = new ArrayList<>(List.of(inner));
            while (accept(",") && !peek().is(")")) items.add(expression());
            expect(")", "')' to close the tuple");
            return new Node.ListLiteral(items);
        }
        if (accept("[")) {
            List<Node> items = new ArrayList<>();
            while (!accept("]")) {
                items.add(expression());
                if (!accept(",")) {
                    expect("]", "']' to close the list");
                    break;
                }
            }
            return new Node.ListLiteral(items);
        }
        if (accept("{")) {
            List<Node> keys = new ArrayList<>();
            List<Node> values = new ArrayList<>();
            while (!accept("}")) {
                keys.add(expression());
                expect(":", "':' after a map key");
                values.add(expression());
                if (!accept(",")) {
                    expect("}", "'}' to close the map");
                    break;
                }
            }
            return new Node.MapLiteral(keys, values);
        }
        String after = pos > 0 ? " after " + previous().describe() : "";
        String found = t.kind() == Kind.END ? "" : ", found " + t.describe();
        throw errors.at(t.start(), "expected a value" + after + found);
    }

    /** A global function: {@code lookup('file', 'x')}, {@code query(...)}, {@code range(3)}. */
    private Node call(Token name) {
        Functions.Function function = Functions.named(name.text()).orElseThrow(() -> errors.at(name.start(),
                "unknown function '" + name.text() + "'", NearNames.closest(name.text(), Functions.names()).orElse(null)));
        Arguments args = arguments();
        checkArity("function '" + name.text() + "'", args.positional().size(), function.minArgs(), function.maxArgs(), name);
        if (function.checksLookup() && args.positional().get(0) instanceof Node.Literal l && l.value() instanceof String lookup
                && Lookups.named(lookup).isEmpty()) {
            throw errors.at(name.start(), "unknown lookup '" + lookup + "'", NearNames.closest(lookup, Lookups.names()).orElse(null));
        }
        return new Node.FunctionCall(function, args.positional(), args.named(), name.start());
    }

    private Token name(String what) {
        Token t = peek();
        if (t.kind() != Kind.NAME) throw errors.at(t.start(), "expected " + what + " after " + previous().describe());
        pos++;
        return t;
    }

    private void expect(String operator, String what) {
        Token t = peek();
        if (!t.is(operator)) throw errors.at(t.start(), "expected " + what + ", found " + t.describe());
        pos++;
    }

    private boolean accept(String operatorOrKeyword) {
        if (!peek().is(operatorOrKeyword)) return false;
        pos++;
        return true;
    }

    private Token peek() {
        return tokens.get(pos);
    }

    private Token previous() {
        return tokens.get(pos - 1);
    }

    private String source(Token from, Token to) {
        return text.substring(from.start(), to.end());
    }
}
