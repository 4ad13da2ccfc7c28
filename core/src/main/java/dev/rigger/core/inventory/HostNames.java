package dev.rigger.core.inventory;

import dev.rigger.core.error.InputException;
import dev.rigger.core.error.SourceLocation;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a host entry of an inventory file into host names and an optional port, as Ansible does:
 * {@code web[01:03].example.com} → web01..web03, {@code db-[a:c]}, stepped {@code [1:9:2]},
 * {@code host:2222}, {@code [fe80::1]:2222}. Ansible silently yields no hosts for a backwards range
 * like {@code [10:01]}; that is always a typo, so it is an error here.
 */
final class HostNames {
    /** Far more hosts than one line of an inventory names in practice. */
    private static final int MAX_HOSTS = 100_000;
    /** Python's string.ascii_letters: Ansible's alphabetic ranges run through this sequence. */
    private static final String LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private static final Pattern BRACKETED_IPV6_PORT = Pattern.compile("\\[([0-9a-fA-F:.]+)\\]:(\\d+)");

    record Expanded(List<String> names, Integer port) {}

    private HostNames() {}

    static Expanded expand(String pattern, SourceLocation at) {
        String text = pattern.strip();
        if (text.isEmpty()) throw new InputException(at, "empty host name");
        if (text.indexOf('\0') >= 0) throw new InputException(at, "host name contains a NUL character");
        Matcher ipv6 = BRACKETED_IPV6_PORT.matcher(text);
        if (ipv6.matches()) return new Expanded(List.of(ipv6.group(1)), port(ipv6.group(2), pattern, at));
        List<Integer> colons = colonsOutsideBrackets(text);
        if (colons.size() > 1) return new Expanded(List.of(text), null); // a bare IPv6 address
        Integer port = null;
        if (colons.size() == 1) {
            int colon = colons.get(0);
            String portText = text.substring(colon + 1);
            if (portText.isEmpty()) {
                throw new InputException(at, "host '" + pattern + "' ends in ':' (a port number must follow it)");
            }
            port = port(portText, pattern, at);
            text = text.substring(0, colon);
        }
        List<String> names = new ArrayList<>();
        expandRanges(text, pattern, at, names);
        return new Expanded(names, port);
    }

    private static List<Integer> colonsOutsideBrackets(String text) {
        List<Integer> out = new ArrayList<>();
        int depth = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '[') depth++;
            else if (c == ']') depth = Math.max(0, depth - 1);
            else if (c == ':' && depth == 0) out.add(i);
        }
        return out;
    }

    private static int port(String text, String pattern, SourceLocation at) {
        if (!text.matches("\\d{1,5}") || Integer.parseInt(text) < 1 || Integer.parseInt(text) > 65535) {
            throw new InputException(at, "invalid port '" + text + "' in host '" + pattern + "' (expected 1-65535)");
        }
        return Integer.parseInt(text);
    }

    /** Expands the first [..] range, then recurses for any range left in the tail. */
    private static void expandRanges(String name, String pattern, SourceLocation at, List<String> out) {
        int open = name.indexOf('[');
        if (open < 0) {
            if (out.size() == MAX_HOSTS) throw tooMany(pattern, at);
            out.add(name);
            return;
        }
        int close = name.indexOf(']', open);
        if (close < 0) throw badRange(pattern, at, "missing ']'");
        String head = name.substring(0, open);
        String tail = name.substring(close + 1);
        String[] bounds = name.substring(open + 1, close).split(":", -1);
        if (bounds.length != 2 && bounds.length != 3) throw badRange(pattern, at, "expected [begin:end] or [begin:end:step]");
        String begin = bounds[0].isEmpty() ? "0" : bounds[0];
        String end = bounds[1];
        if (end.isEmpty()) throw badRange(pattern, at, "missing end value");
        int step = bounds.length == 3 ? step(bounds[2], pattern, at) : 1;
        for (String value : sequence(begin, end, step, pattern, at)) {
            expandRanges(head + value + tail, pattern, at, out);
        }
    }

    private static List<String> sequence(String begin, String end, int step, String pattern, SourceLocation at) {
        List<String> values = new ArrayList<>();
        boolean letters = begin.length() == 1 && end.length() == 1 && LETTERS.indexOf(begin) >= 0 && LETTERS.indexOf(end) >= 0;
        if (letters) {
            int from = LETTERS.indexOf(begin);
            int to = LETTERS.indexOf(end);
            if (from > to) throw badRange(pattern, at, "begin '" + begin + "' is after end '" + end + "'");
            for (int i = from; i <= to; i += step) values.add(String.valueOf(LETTERS.charAt(i)));
            return values;
        }
        if (!begin.matches("\\d{1,9}") || !end.matches("\\d{1,9}")) {
            throw badRange(pattern, at, "bounds '" + begin + "' and '" + end + "' must be two numbers or two single letters");
        }
        // A leading zero on the begin value asks for zero-padded names of that width.
        int width = begin.startsWith("0") && begin.length() > 1 ? begin.length() : 0;
        if (width > 0 && end.length() != width) {
            throw badRange(pattern, at, "'" + begin + "' and '" + end + "' must have the same number of digits");
        }
        int from = Integer.parseInt(begin);
        int to = Integer.parseInt(end);
        if (from > to) throw badRange(pattern, at, "begin '" + begin + "' is after end '" + end + "'");
        if ((to - from) / step >= MAX_HOSTS) throw tooMany(pattern, at);
        for (long i = from; i <= to; i += step) {
            String digits = Long.toString(i);
            values.add(digits.length() < width ? "0".repeat(width - digits.length()) + digits : digits);
        }
        return values;
    }

    private static int step(String text, String pattern, SourceLocation at) {
        if (!text.matches("\\d{1,9}") || Integer.parseInt(text) == 0) {
            throw badRange(pattern, at, "step '" + text + "' must be a positive integer");
        }
        return Integer.parseInt(text);
    }

    /** A typo such as {@code [1:999999999]} would otherwise fill the memory before any message. */
    private static InputException tooMany(String pattern, SourceLocation at) {
        return badRange(pattern, at, "it names more than " + MAX_HOSTS + " hosts");
    }

    private static InputException badRange(String pattern, SourceLocation at, String why) {
        return new InputException(at, "invalid host range in '" + pattern + "': " + why);
    }
}
