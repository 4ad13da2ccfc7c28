package dev.rigger.core.internal.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a line into words as Python's {@code shlex.split} does (POSIX mode), which is how Ansible
 * reads command lines ({@code command: ...}), {@code key=value} arguments, INI host lines and ssh
 * argument strings: quotes group and are removed, a backslash escapes outside single quotes (inside
 * double quotes only {@code \"} and {@code \\}), and nothing is ever expanded. With comments on
 * ({@code shlex.split(line, comments=True)}, for INI lines) {@code #} starts a comment even inside a
 * word, so {@code pass=abc#1} is {@code pass=abc}, exactly as under Ansible.
 */
public final class ShellWords {

    /** One word and the 1-based column where it starts in the line. */
    public record Word(String text, int column) {}

    private ShellWords() {}

    /** {@code shlex.split(line)}: the words of a command line; {@code #} is an ordinary character. */
    public static List<String> split(String line) {
        return words(line, false).stream().map(Word::text).toList();
    }

    /** {@code shlex.split(line, comments=True)} with the column of each word, for INI lines. */
    public static List<Word> splitWithComments(String line) {
        return words(line, true);
    }

    /** @throws IllegalArgumentException with Python's wording for an unclosed quote or a trailing backslash */
    private static List<Word> words(String line, boolean comments) {
        List<Word> words = new ArrayList<>();
        StringBuilder word = null;
        int start = 0;
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (comments && c == '#') break;
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
