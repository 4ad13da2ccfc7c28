package dev.rigger.core.inventory;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a line into words as Python's {@code shlex.split(line, comments=True)} does, which is how
 * Ansible reads INI host lines and ssh argument strings: quotes group and are removed, a backslash
 * escapes outside single quotes, and {@code #} starts a comment even inside a word (so
 * {@code pass=abc#1} is {@code pass=abc}, exactly as under Ansible).
 */
final class ShellWords {

    /** One word and the 1-based column where it starts in the line. */
    record Word(String text, int column) {}

    private ShellWords() {}

    /** @throws IllegalArgumentException with Python's wording for an unclosed quote or a trailing backslash */
    static List<Word> split(String line) {
        List<Word> words = new ArrayList<>();
        StringBuilder word = null;
        int start = 0;
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == '#') break;
            if (Character.isWhitespace(c)) {
                if (word != null) words.add(new Word(word.toString(), start + 1));
                word = null;
                i++;
                continue;
            }
            if (word == null) {
                word = new StringBuilder();
                start = i;
            }
            if (c == '\'' || c == '"') {
                int close = c == '\'' ? line.indexOf('\'', i + 1) : closingDoubleQuote(line, i + 1);
                if (close < 0) throw new IllegalArgumentException("No closing quotation");
                word.append(c == '\'' ? line.substring(i + 1, close) : unescapeDoubleQuoted(line.substring(i + 1, close)));
                i = close + 1;
            } else if (c == '\\') {
                if (i + 1 >= line.length()) throw new IllegalArgumentException("No escaped character");
                word.append(line.charAt(i + 1));
                i += 2;
            } else {
                word.append(c);
                i++;
            }
        }
        if (word != null) words.add(new Word(word.toString(), start + 1));
        return words;
    }

    private static int closingDoubleQuote(String line, int from) {
        for (int i = from; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\') i++;
            else if (c == '"') return i;
        }
        return -1;
    }

    /** Inside double quotes a backslash only escapes another backslash or a double quote. */
    private static String unescapeDoubleQuoted(String body) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '\\' && i + 1 < body.length() && (body.charAt(i + 1) == '\\' || body.charAt(i + 1) == '"')) {
                out.append(body.charAt(++i));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
