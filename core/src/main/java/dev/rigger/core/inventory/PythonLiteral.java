package dev.rigger.core.inventory;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an INI inventory value as Ansible does, with Python's {@code ast.literal_eval}: numbers,
 * {@code True}/{@code False}/{@code None}, quoted strings, lists, tuples (as lists) and dicts become
 * values; anything else stays the string it was. So {@code port=22} is the integer 22,
 * {@code enabled=true} is the string "true" (Python spells it True), and {@code mode=0644} is the
 * string "0644" (a leading zero is not a Python 3 integer).
 *
 * <p>Sets and complex numbers, which Ansible would reject or turn into odd strings, stay strings.
 */
final class PythonLiteral {
    private final String text;
    private int pos;

    private PythonLiteral(String text) {
        this.text = text;
    }

    /** The literal's value, or {@code value} itself when it is not a Python literal. */
    static Object parse(String value) {
        // literal_eval strips leading spaces and tabs before parsing.
        PythonLiteral p = new PythonLiteral(value.replaceFirst("^[ \t]+", ""));
        try {
            return p.topLevel();
        } catch (NotALiteral e) {
            return value;
        }
    }

    private static final class NotALiteral extends RuntimeException {
        NotALiteral() {
            super(null, null, false, false);
        }
    }

    /** A bare {@code 1, 2} is a tuple in Python, so {@code ports=80,443} is a list. */
    private Object topLevel() {
        Object first = expression();
        if (!peekIs(',')) {
            expectEnd();
            return first;
        }
        List<Object> items = new ArrayList<>();
        items.add(first);
        while (accept(',')) {
            if (atEnd()) break;
            items.add(expression());
        }
        expectEnd();
        return Collections.unmodifiableList(items);
    }

    private Object expression() {
        skipSpace();
        if (atEnd()) throw new NotALiteral();
        char c = text.charAt(pos);
        if (c == '-' || c == '+') {
            pos++;
            skipSpace();
            Object n = number();
            if (c == '+') return n;
            if (n instanceof Double d) return -d;
            return narrow(((n instanceof BigInteger b) ? b : BigInteger.valueOf(((Number) n).longValue())).negate());
        }
        if (c == '[') {
            pos++;
            return Collections.unmodifiableList(sequence(']'));
        }
        if (c == '(') return parenthesized();
        if (c == '{') return dict();
        if (Character.isDigit(c) || c == '.' && pos + 1 < text.length() && Character.isDigit(text.charAt(pos + 1))) {
            return number();
        }
        if (text.startsWith("...", pos)) {
            pos += 3;
            return "...";
        }
        if (Character.isLetter(c) || c == '_') return nameOrString();
        if (c == '\'' || c == '"') return strings();
        throw new NotALiteral();
    }

    /** Items up to {@code close}; a trailing comma is allowed. Python lists may hold None. */
    private List<Object> sequence(char close) {
        List<Object> items = new ArrayList<>();
        while (true) {
            skipSpace();
            if (accept(close)) return items;
            items.add(expression());
            skipSpace();
            if (accept(close)) return items;
            if (!accept(',')) throw new NotALiteral();
        }
    }

    private Object parenthesized() {
        pos++;
        skipSpace();
        if (accept(')')) return List.of();
        Object first = expression();
        skipSpace();
        if (accept(')')) return first; // (x) is just x
        if (!accept(',')) throw new NotALiteral();
        List<Object> items = new ArrayList<>();
        items.add(first);
        items.addAll(sequence(')'));
        return Collections.unmodifiableList(items);
    }

    private Map<String, Object> dict() {
        pos++;
        Map<String, Object> out = new LinkedHashMap<>();
        while (true) {
            skipSpace();
            if (accept('}')) return Collections.unmodifiableMap(out);
            Object key = expression();
            skipSpace();
            if (!accept(':')) throw new NotALiteral(); // {a, b} is a set: not supported
            if (key instanceof List || key instanceof Map) throw new NotALiteral(); // unhashable in Python
            out.put(pythonStr(key), expression());
            skipSpace();
            if (accept('}')) return Collections.unmodifiableMap(out);
            if (!accept(',')) throw new NotALiteral();
        }
    }

    /** Dict keys become strings here; print them as Python's str() would. */
    private static String pythonStr(Object key) {
        if (key == null) return "None";
        if (key instanceof Boolean b) return b ? "True" : "False";
        return key.toString();
    }

    private Object nameOrString() {
        int start = pos;
        while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) pos++;
        String name = text.substring(start, pos);
        if (pos < text.length() && (text.charAt(pos) == '\'' || text.charAt(pos) == '"')
                && name.toLowerCase(Locale.ROOT).matches("r|u|b|br|rb")) {
            pos = start;
            return strings();
        }
        return switch (name) {
            case "True" -> Boolean.TRUE;
            case "False" -> Boolean.FALSE;
            case "None" -> null;
            default -> throw new NotALiteral();
        };
    }

    /** One or more adjacent string literals, concatenated as Python does. */
    private String strings() {
        StringBuilder out = new StringBuilder();
        do {
            out.append(string());
            skipSpace();
        } while (pos < text.length() && startsString());
        return out.toString();
    }

    private boolean startsString() {
        int p = pos;
        while (p < text.length() && p - pos < 2 && "rRuUbB".indexOf(text.charAt(p)) >= 0) p++;
        return p < text.length() && (text.charAt(p) == '\'' || text.charAt(p) == '"');
    }

    private String string() {
        boolean raw = false;
        while ("rRuUbB".indexOf(text.charAt(pos)) >= 0) {
            raw |= Character.toLowerCase(text.charAt(pos)) == 'r';
            pos++;
        }
        char q = text.charAt(pos);
        String quote = text.startsWith(String.valueOf(q).repeat(3), pos) ? String.valueOf(q).repeat(3) : String.valueOf(q);
        pos += quote.length();
        StringBuilder out = new StringBuilder();
        while (true) {
            if (pos >= text.length()) throw new NotALiteral();
            if (text.startsWith(quote, pos)) {
                pos += quote.length();
                return out.toString();
            }
            char c = text.charAt(pos++);
            if (c == '\n' && quote.length() == 1) throw new NotALiteral();
            if (c != '\\') {
                out.append(c);
            } else if (pos >= text.length()) {
                throw new NotALiteral();
            } else if (raw) {
                out.append(c).append(text.charAt(pos++));
            } else {
                escape(out);
            }
        }
    }

    private void escape(StringBuilder out) {
        char e = text.charAt(pos++);
        switch (e) {
            case '\n' -> { }
            case '\\', '\'', '"' -> out.append(e);
            case 'a' -> out.append('\u0007');
            case 'b' -> out.append('\b');
            case 'f' -> out.append('\f');
            case 'n' -> out.append('\n');
            case 'r' -> out.append('\r');
            case 't' -> out.append('\t');
            case 'v' -> out.append('\u000b');
            case 'x' -> out.appendCodePoint(hex(2));
            case 'u' -> out.appendCodePoint(hex(4));
            case 'U' -> out.appendCodePoint(hex(8));
            default -> {
                if (e >= '0' && e <= '7') {
                    int start = pos - 1;
                    while (pos < text.length() && pos - start < 3 && text.charAt(pos) >= '0' && text.charAt(pos) <= '7') pos++;
                    out.append((char) Integer.parseInt(text.substring(start, pos), 8));
                } else {
                    out.append('\\').append(e); // Python keeps unknown escapes as written
                }
            }
        }
    }

    private int hex(int digits) {
        if (pos + digits > text.length()) throw new NotALiteral();
        String h = text.substring(pos, pos + digits);
        if (!h.matches("[0-9a-fA-F]+")) throw new NotALiteral();
        pos += digits;
        int cp = Integer.parseInt(h, 16);
        if (!Character.isValidCodePoint(cp)) throw new NotALiteral();
        return cp;
    }

    private static final Pattern NUMBER = Pattern.compile(
            "0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+"
            + "|(?:\\d(?:_?\\d)*)?\\.\\d(?:_?\\d)*(?:[eE][-+]?\\d(?:_?\\d)*)?"
            + "|\\d(?:_?\\d)*\\.(?:[eE][-+]?\\d(?:_?\\d)*)?"
            + "|\\d(?:_?\\d)*[eE][-+]?\\d(?:_?\\d)*"
            + "|[1-9](?:_?\\d)*|0(?:_?0)*");

    private Object number() {
        Matcher m = NUMBER.matcher(text).region(pos, text.length());
        if (!m.lookingAt()) throw new NotALiteral();
        pos = m.end();
        // 1abc, 0644 or 1j are not plain numbers to Python (a name, a syntax error, a complex).
        if (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
            throw new NotALiteral();
        }
        String n = m.group().replace("_", "");
        String lower = n.toLowerCase(Locale.ROOT);
        if (lower.startsWith("0x")) return narrow(new BigInteger(n.substring(2), 16));
        if (lower.startsWith("0o")) return narrow(new BigInteger(n.substring(2), 8));
        if (lower.startsWith("0b")) return narrow(new BigInteger(n.substring(2), 2));
        if (lower.contains(".") || lower.contains("e")) return Double.parseDouble(n);
        return narrow(new BigInteger(n));
    }

    private static Number narrow(BigInteger v) {
        if (v.bitLength() < 32) return v.intValue();
        if (v.bitLength() < 64) return v.longValue();
        return v;
    }

    /** Whitespace and Python comments between tokens. */
    private void skipSpace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '#') {
                int nl = text.indexOf('\n', pos);
                pos = nl < 0 ? text.length() : nl;
            } else if (Character.isWhitespace(c)) {
                pos++;
            } else {
                return;
            }
        }
    }

    private boolean peekIs(char c) {
        skipSpace();
        return pos < text.length() && text.charAt(pos) == c;
    }

    private boolean accept(char c) {
        if (peekIs(c)) {
            pos++;
            return true;
        }
        return false;
    }

    private boolean atEnd() {
        skipSpace();
        return pos >= text.length();
    }

    private void expectEnd() {
        if (!atEnd()) throw new NotALiteral();
    }
}
