package dev.rigger.core.expr;

import dev.rigger.core.expr.Values.ValueError;
import java.util.IllegalFormatException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Python's string formatting as templates use it: {@code '%s-%d' % (a, b)}, {@code '{}:{}'.format(a, b)}. */
final class PythonFormat {
    private static final Pattern PERCENT = Pattern.compile("%([-+ 0#]*)(\\d*)(?:\\.(\\d+))?([sdifrx%])");
    private static final Pattern BRACES = Pattern.compile("\\{(\\d*)(?::([^}]*))?\\}|\\{\\{|\\}\\}");

    /** Widths, precisions and positions beyond this are refused: a typo, and a huge one would exhaust memory. */
    private static final int MAX_FIELD = 10_000;

    private PythonFormat() {}

    /** {@code format % args}: args is one value or a list of them (Python's tuple). */
    static String percent(String format, Object args) {
        List<?> values = args instanceof List<?> l ? l : List.of(args == null ? "None" : args);
        Matcher m = PERCENT.matcher(format);
        StringBuilder out = new StringBuilder();
        int next = 0;
        while (m.find()) {
            String conversion = m.group(4);
            String text;
            if (conversion.equals("%")) {
                text = "%";
            } else {
                if (next >= values.size()) throw new ValueError("not enough arguments for format string");
                text = convert(Values.reveal(values.get(next++)), m.group(1), m.group(2), m.group(3), conversion);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(text));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** {@code format.format(args)} with {@code {}}, {@code {0}} and simple specs such as {@code {:02d}}. */
    static String braces(String format, List<Object> args) {
        Matcher m = BRACES.matcher(format);
        StringBuilder out = new StringBuilder();
        int next = 0;
        while (m.find()) {
            String text;
            if (m.group().equals("{{")) {
                text = "{";
            } else if (m.group().equals("}}")) {
                text = "}";
            } else {
                int index = m.group(1).isEmpty() ? next++ : bounded(m.group(1));
                if (index >= args.size()) throw new ValueError("format needs an argument at position " + index);
                Object value = Values.reveal(args.get(index));
                String spec = m.group(2);
                Matcher s = spec == null ? null : Pattern.compile("([-+ 0#]*)(\\d*)(?:\\.(\\d+))?([sdfx]?)").matcher(spec);
                text = s != null && s.matches() ? convert(value, s.group(1), s.group(2), s.group(3), s.group(4).isEmpty() ? "s" : s.group(4))
                        : Values.str(value);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(text));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String convert(Object value, String flags, String width, String precision, String conversion) {
        if (!width.isEmpty()) bounded(width);
        if (precision != null) bounded(precision);
        String javaFlags = flags.replace("#", "");
        String spec = "%" + javaFlags + width + (precision != null ? "." + precision : "");
        try {
            return switch (conversion) {
                case "d", "i" -> String.format(Locale.ROOT, spec + "d", number(value).longValue());
                case "f" -> String.format(Locale.ROOT, "%" + javaFlags + width + "." + (precision != null ? precision : "6") + "f", number(value).doubleValue());
                case "x" -> String.format(Locale.ROOT, spec + "x", number(value).longValue());
                default -> String.format(Locale.ROOT, "%" + javaFlags.replace("0", "") + width + "s", Values.str(value));
            };
        } catch (IllegalFormatException e) {
            // Flags Java refuses for a conversion, such as '% s' or '%+s'.
            throw new ValueError("unsupported format '%" + flags + width + (precision != null ? "." + precision : "") + conversion + "'");
        }
    }

    private static int bounded(String digits) {
        if (digits.length() > 5 || Integer.parseInt(digits) > MAX_FIELD) {
            throw new ValueError("format field " + digits + " is larger than " + MAX_FIELD);
        }
        return Integer.parseInt(digits);
    }

    private static Number number(Object value) {
        if (value instanceof Number n) return n;
        if (value instanceof String s) {
            try {
                return Double.parseDouble(s.strip());
            } catch (NumberFormatException e) {
                // falls through to the error below
            }
        }
        throw new ValueError("a number is required for the format, got " + Values.typeName(value));
    }
}
