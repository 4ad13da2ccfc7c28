package dev.rigger.core.loader;

import dev.rigger.core.error.InputException;
import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.module.ModuleType;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.regex.Pattern;

/**
 * Ansible's one-line module arguments: {@code apt: name=nginx state=present}, or for a module with a
 * free-form parameter {@code command: ./configure --prefix=/opt chdir=/src}, where {@code key=value}
 * words naming one of the module's parameters are taken out and the rest, quotes kept, is the free
 * form. Words split on blanks, except inside quotes and inside {@code {{ }}}.
 */
final class FreeFormArgs {
    private static final Pattern KEY_VALUE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*=.*", Pattern.DOTALL);

    /**
     * One argument; {@code keyStart} and {@code valueStart} are offsets in the text (for the free
     * form, both are where its first word starts).
     */
    record Arg(String key, String value, int keyStart, int valueStart) {}

    private record Word(String text, int start) {}

    private FreeFormArgs() {}

    /**
     * @param module the module's name as written, for messages
     * @param at     where a character of {@code text} is in its file
     */
    static List<Arg> parse(String text, String module, ModuleType type, IntFunction<SourceLocation> at) {
        List<Arg> args = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        // The free form keeps the text's own blanks between its words (a multi-line `shell: |`
        // script keeps its lines); where key=value words were taken out, the blanks before the
        // first of them stay (a parameter on a line of its own leaves that line break).
        StringBuilder rest = new StringBuilder();
        int restStart = -1;
        int restEnd = -1;
        String gap = null;
        for (Word word : split(text, at)) {
            boolean keyValue = KEY_VALUE.matcher(word.text).matches();
            String key = keyValue ? word.text.substring(0, word.text.indexOf('=')) : null;
            boolean taken = keyValue && (type.freeForm() == null || type.parameters().contains(key) && !key.equals(type.freeForm()));
            if (taken) {
                if (!seen.add(key)) throw new InputException(at.apply(word.start), module + ": parameter '" + key + "' given twice");
                String raw = word.text.substring(key.length() + 1);
                String value = unquote(raw);
                int valueStart = word.start + key.length() + 1 + (value.equals(raw) ? 0 : 1);
                args.add(new Arg(key, value, word.start, valueStart));
                if (restStart >= 0 && gap == null) gap = text.substring(restEnd, word.start);
            } else if (type.freeForm() != null) {
                if (restStart < 0) {
                    restStart = word.start;
                } else {
                    rest.append(gap != null ? gap : text.substring(restEnd, word.start));
                }
                rest.append(word.text);
                restEnd = word.start + word.text.length();
                gap = null;
            } else {
                throw new InputException(at.apply(word.start), module + ": expected key=value arguments, got '" + word.text
                        + "' (" + module + " takes no free-form text)");
            }
        }
        if (restStart >= 0) args.add(new Arg(type.freeForm(), rest.toString(), restStart, restStart));
        return args;
    }

    /** The words of key=value text (quotes group words and are removed around a whole value). */
    static List<String> words(String text, IntFunction<SourceLocation> at) {
        return split(text, at).stream().map(w -> {
            int eq = w.text.indexOf('=');
            return KEY_VALUE.matcher(w.text).matches() ? w.text.substring(0, eq + 1) + unquote(w.text.substring(eq + 1)) : unquote(w.text);
        }).toList();
    }

    private static List<Word> split(String text, IntFunction<SourceLocation> at) {
        List<Word> words = new ArrayList<>();
        int start = -1;
        char quote = 0;
        int braces = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (start < 0) {
                if (Character.isWhitespace(c)) continue;
                start = i;
            }
            if (quote != 0) {
                if (c == '\\' && quote == '"') i++;
                else if (c == quote) quote = 0;
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (text.startsWith("{{", i)) {
                braces++;
                i++;
            } else if (text.startsWith("}}", i) && braces > 0) {
                braces--;
                i++;
            } else if (Character.isWhitespace(c) && braces == 0) {
                words.add(new Word(text.substring(start, i), start));
                start = -1;
            }
        }
        if (quote != 0) throw new InputException(at.apply(start), "unterminated " + quote + " quote in arguments");
        if (start >= 0) words.add(new Word(text.substring(start), start));
        return words;
    }

    /** {@code "a b"} → {@code a b}: quotes around a whole value only group words. */
    private static String unquote(String value) {
        if (value.length() >= 2 && (value.charAt(0) == '"' || value.charAt(0) == '\'') && value.charAt(value.length() - 1) == value.charAt(0)) {
            String inner = value.substring(1, value.length() - 1);
            return value.charAt(0) == '"' ? inner.replace("\\\"", "\"").replace("\\\\", "\\") : inner;
        }
        return value;
    }
}
