package dev.rigger.core.expr;

import dev.rigger.core.error.NearNames;
import dev.rigger.core.expr.Lexer.Kind;
import dev.rigger.core.expr.Lexer.Token;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Recursive-descent parser, one method per precedence level (lowest first):
 * <pre>
 * or         := and ('or' and)*
 * and        := not ('and' not)*
 * not        := 'not' not | comparison
 * comparison := postfix [('==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'not' 'in') postfix]
 * postfix    := primary ('|' NAME [args] | 'is' ['not'] NAME [args])*
 * primary    := atom ('.' NAME | '[' or ']')*
 * atom       := STRING | ['-'] NUMBER | true | false | none | NAME | '(' or ')' | list | map
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
    private static final Set<String> KEYWORDS = Set.of("and", "or", "not", "in", "is");

    private final String text;
    private final ErrorSink errors;
    private final List<Token> tokens;
    private int pos;

    Parser(String text, int start, int end, ErrorSink errors) {
        this.text = text;
        this.errors = errors;
        this.tokens = new Lexer(text, start, end, errors).tokens();
    }

    Node parse() {
        if (peek().kind() == Kind.END) throw errors.at(peek().start(), "the expression is empty");
        Node node = or();
        Token rest = peek();
        if (rest.kind() != Kind.END) {
            String hint = rest.is("=") ? "; use '==' to compare" : "";
            throw errors.at(rest.start(), "unexpected " + rest.describe() + hint);
        }
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
        return accept("not") ? new Node.Not(not()) : comparison();
    }

    private Node comparison() {
        Node left = postfix();
        Token operator = peek();
        String op = comparisonOperator();
        if (op == null) return left;
        Node comparison = new Node.Comparison(left, op, postfix(), operator.start());
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
        List<Node> args = arguments();
        checkArity("filter '" + filter.filterName() + "'", args.size(), filter.minArgs, filter.maxArgs, name);
        return new Node.FilterCall(target, filter, args, name.start());
    }

    private Node test(Node target) {
        boolean negated = accept("not");
        Token name = name("a test name");
        IsTest test = IsTest.named(name.text()).orElseThrow(() -> errors.at(name.start(),
                "unknown test '" + name.text() + "'", NearNames.closest(name.text(), IsTest.names()).orElse(null)));
        List<Node> args = arguments();
        checkArity("test '" + test.testName() + "'", args.size(), test.minArgs, test.maxArgs, name);
        if (test == IsTest.MATCH || test == IsTest.SEARCH) args.set(0, precompiled(args.get(0), name));
        if (test == IsTest.VERSION && args.size() > 1 && args.get(1) instanceof Node.Literal op
                && !IsTest.VERSION_OPERATORS.contains(Values.str(op.value()))) {
            throw errors.at(name.start(), IsTest.unknownVersionOperator(Values.str(op.value())));
        }
        return new Node.TestCall(target, test, negated, args, name.start());
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

    /** Optional {@code (a, b)} after a filter or test name. */
    private List<Node> arguments() {
        List<Node> args = new ArrayList<>();
        if (!accept("(")) return args;
        while (!accept(")")) {
            if (peek().kind() == Kind.NAME && tokens.get(pos + 1).is("=")) {
                throw errors.at(peek().start(), "keyword arguments are not supported");
            }
            args.add(or());
            if (!accept(",")) {
                expect(")", "')' to close the argument list");
                break;
            }
        }
        return args;
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
                Token name = name("a name");
                node = new Node.Attribute(node, name.text(), source(first, previous()), targetPath, first.start());
            } else if (accept("[")) {
                Node index = or();
                expect("]", "']' to close '['");
                node = new Node.Index(node, index, source(first, previous()), targetPath, first.start(), t.start());
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
        if (t.is("-") && tokens.get(pos + 1).kind() == Kind.NUMBER) {
            pos += 2;
            Object n = tokens.get(pos - 1).value();
            return new Node.Literal(n instanceof Long l ? (Object) (-l) : (Object) (-(Double) n));
        }
        if (t.kind() == Kind.NAME && !KEYWORDS.contains(t.text())) {
            pos++;
            return switch (t.text()) {
                case "true", "True" -> new Node.Literal(true);
                case "false", "False" -> new Node.Literal(false);
                case "none", "None" -> new Node.Literal(null);
                default -> new Node.Variable(t.text(), t.start());
            };
        }
        if (accept("(")) {
            Node inner = or();
            expect(")", "')' to close '('");
            return inner;
        }
        if (accept("[")) {
            List<Node> items = new ArrayList<>();
            while (!accept("]")) {
                items.add(or());
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
                keys.add(or());
                expect(":", "':' after a map key");
                values.add(or());
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
