package dev.rigger.core.transport;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The one quoting function for every value placed into a shell command. Rigger never builds a
 * command by concatenating unquoted input: file names, user names, package names, template values
 * all pass through {@link #quote(String)} first.
 *
 * <p>POSIX single quotes make every byte literal except the single quote itself, which is written
 * as {@code '\''} (close, escaped quote, reopen). NUL cannot travel in a shell word at all, so it is
 * rejected rather than silently truncating the value.
 */
public final class ShellQuote {

    private ShellQuote() {
    }

    /** {@code value} as one shell word that expands to exactly {@code value}. */
    public static String quote(String value) {
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a shell word cannot contain NUL");
        }
        return "'" + value.replace("'", "'\\''") + "'";
    }

    /** Each value quoted, separated by single spaces: an argument list for a command. */
    public static String quoteAll(List<String> values) {
        return values.stream().map(ShellQuote::quote).collect(Collectors.joining(" "));
    }
}
