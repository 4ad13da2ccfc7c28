package dev.rigger.core.expr;

import java.util.ArrayList;
import java.util.List;

/** Splits expression text into tokens, keeping each token's offset so errors can point at it. */
final class Lexer {

    enum Kind { NAME, STRING, NUMBER, OPERATOR, END }

    /** {@code value} is the decoded string or number for STRING and NUMBER tokens. */
    record Token(Kind kind, String text, Object value, int start, int end) {
        boolean is(String word) {
            return (kind == Kind.OPERATOR || kind == Kind.NAME) && text.equals(word);
        }

        String describe() {
            return kind == Kind.END ? "the end of the expression" : "'" + text + "'";
        }
    }

    /** Two-character operators first, so that "<=" is not read as "<" then "=". */
    private static final List<String> OPERATORS =
            List.of("==", "!=", "<=", ">=", "<", ">", "=", "(", ")", "[", "]", "{", "}", ",", ".", ":", "|", "-",
                    "~", "+", "**", "*", "//", "/", "%");

    private final String text;
    private final int end;
    private final Parser.ErrorSink errors;
    private int pos;

    /** Tokenizes {@code text} between {@code start} and {@code end} (the part inside any {@code {{ }}}). */
    Lexer(String text, int start, int end, Parser.ErrorSink errors) {
        this.text = text;
        this.pos = start;
        this.end = end;
        this.errors = errors;
    }

    List<Token> tokens() {
        List<Token> tokens = new ArrayList<>();
        while (true) {
            while (pos < end && Character.isWhitespace(text.charAt(pos))) pos++;
            if (pos >= end) {
                tokens.add(new Token(Kind.END, "", null, end, end));
                return tokens;
            }
            tokens.add(next());
        }
    }

    private Token next() {
        int start = pos;
        char c = text.charAt(pos);
        if (c == '\'' || c == '"') return string(c);
        if (isDigit(c)) return number();
        if (Character.isLetter(c) || c == '_') {
            while (pos < end && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) pos++;
            return new Token(Kind.NAME, text.substring(start, pos), null, start, pos);
        }
        if (text.startsWith("{{", pos)) {
            throw errors.at(pos, "'{{ }}' may only wrap the whole expression");
        }
        for (String op : OPERATORS) {
            if (text.startsWith(op, pos) && pos + op.length() <= end) {
                if (op.equals("|") && text.startsWith("||", pos)) throw errors.at(pos, "use 'or' instead of '||'");
                pos += op.length();
                return new Token(Kind.OPERATOR, op, null, start, pos);
            }
        }
        // Hints for operators from other languages; users of C, Java or shell write these by habit.
        if (c == '&') throw errors.at(pos, "use 'and' instead of '" + (text.startsWith("&&", pos) ? "&&" : "&") + "'");
        if (c == '!') throw errors.at(pos, "use 'not' instead of '!'");
        throw errors.at(pos, "unexpected character '" + c + "'");
    }

    private Token string(char quote) {
        int start = pos++;
        StringBuilder value = new StringBuilder();
        while (pos < end && text.charAt(pos) != quote) {
            char c = text.charAt(pos++);
            if (c == '\\' && pos < end) {
                char escaped = text.charAt(pos++);
                switch (escaped) {
                    case 'n' -> value.append('\n');
                    case 't' -> value.append('\t');
                    case '\\', '\'', '"' -> value.append(escaped);
                    // Like Python, an unknown escape keeps its backslash, so '^\d+$' stays a regex.
                    default -> value.append('\\').append(escaped);
                }
            } else {
                value.append(c);
            }
        }
        if (pos >= end) throw errors.at(start, "unterminated string");
        pos++;
        return new Token(Kind.STRING, text.substring(start, pos), value.toString(), start, pos);
    }

    private Token number() {
        int start = pos;
        while (pos < end && isDigit(text.charAt(pos))) pos++;
        boolean fraction = pos + 1 < end && text.charAt(pos) == '.' && isDigit(text.charAt(pos + 1));
        if (fraction) {
            pos++;
            while (pos < end && isDigit(text.charAt(pos))) pos++;
        }
        String digits = text.substring(start, pos);
        try {
            Object value = fraction ? (Object) Double.parseDouble(digits) : (Object) Long.parseLong(digits);
            return new Token(Kind.NUMBER, digits, value, start, pos);
        } catch (NumberFormatException e) {
            throw errors.at(start, "number too large");
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
