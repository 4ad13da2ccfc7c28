package dev.rigger.modules.files;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Regular expressions as Ansible's line modules read them (Python's {@code re}), run on Java's
 * engine. The syntax both share passes through; the differences that show up in real config
 * edits are translated: {@code (?P<name>…)} and {@code (?P=name)} named groups (names with
 * underscores too), {@code \Z}, a brace that is no repetition ({@code server {}) as a literal,
 * {@code {,n}}. Lines keep their {@code \n} and only {@code \n} ends a line, so {@code $} and
 * {@code .} behave as in Python. Replacement templates use Python's {@code \1} / {@code \g<name>}.
 */
final class PythonRegex {
    private static final Pattern QUANTIFIER = Pattern.compile("\\{(\\d*)(,\\d*)?}");
    private static final Pattern JAVA_GROUP_NAME = Pattern.compile("[a-zA-Z][a-zA-Z0-9]*");

    private final Pattern pattern;
    private final Map<String, String> groupNames;

    private PythonRegex(Pattern pattern, Map<String, String> groupNames) {
        this.pattern = pattern;
        this.groupNames = groupNames;
    }

    /** @throws IllegalArgumentException naming the expression when it does not compile */
    static PythonRegex compile(String regex) {
        Map<String, String> names = new HashMap<>();
        String java = translate(regex, names);
        try {
            return new PythonRegex(Pattern.compile(java, Pattern.UNIX_LINES), Map.copyOf(names));
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("invalid regular expression '" + regex + "': " + e.getDescription());
        }
    }

    /** Python's {@code re.search}: the first match anywhere in {@code text}, or null. */
    Matcher search(String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? m : null;
    }

    /** Whether the expression itself turns on multi-line mode ({@code (?m)} at its start), as blockinfile checks. */
    static boolean isMultiline(String regex) {
        return regex.matches("(?s)\\(\\?[a-zA-Z]*m[a-zA-Z]*\\).*");
    }

    /** Python's {@code match.expand(template)}: {@code \1}, {@code \g<1>}, {@code \g<name>} and escapes like {@code \n}. */
    String expand(Matcher m, String template) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c != '\\' || i + 1 == template.length()) {
                out.append(c);
                i++;
                continue;
            }
            char e = template.charAt(i + 1);
            if (e == 'g' && i + 2 < template.length() && template.charAt(i + 2) == '<') {
                int close = template.indexOf('>', i + 3);
                if (close < 0) throw new IllegalArgumentException("missing > in group reference: " + template);
                out.append(group(m, template.substring(i + 3, close)));
                i = close + 1;
            } else if (e >= '1' && e <= '9') {
                int end = i + 2;
                if (end < template.length() && Character.isDigit(template.charAt(end))) end++;
                out.append(group(m, template.substring(i + 1, end)));
                i = end;
            } else {
                switch (e) {
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case 'r' -> out.append('\r');
                    case 'f' -> out.append('\f');
                    case 'v' -> out.append('\u000b');
                    case 'a' -> out.append('\u0007');
                    case '\\' -> out.append('\\');
                    default -> out.append('\\').append(e);
                }
                i += 2;
            }
        }
        return out.toString();
    }

    private String group(Matcher m, String ref) {
        String value;
        try {
            value = ref.chars().allMatch(Character::isDigit) ? m.group(Integer.parseInt(ref)) : m.group(groupNames.getOrDefault(ref, ref));
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            throw new IllegalArgumentException("the line refers to group " + ref + ", which the regexp does not have");
        }
        return value == null ? "" : value; // an unmatched group expands to nothing, as in Python 3.5+
    }

    private static String translate(String regex, Map<String, String> names) {
        StringBuilder out = new StringBuilder();
        boolean inClass = false;
        int i = 0;
        while (i < regex.length()) {
            char c = regex.charAt(i);
            if (c == '\\' && i + 1 < regex.length()) {
                char e = regex.charAt(i + 1);
                out.append(e == 'Z' ? "\\z" : regex.substring(i, i + 2));
                i += 2;
            } else if (inClass) {
                if (c == ']') inClass = false;
                // Java reads [ and && inside a class as nesting and intersection; Python as plain characters.
                out.append(c == '[' ? "\\[" : c == '&' ? "\\&" : String.valueOf(c));
                i++;
            } else if (c == '[') {
                inClass = true;
                out.append(c);
                i++;
                // A ] right after [ or [^ is a literal in both.
                if (i < regex.length() && regex.charAt(i) == '^') out.append(regex.charAt(i++));
                if (i < regex.length() && regex.charAt(i) == ']') {
                    out.append("\\]");
                    i++;
                }
            } else if (regex.startsWith("(?P<", i)) {
                int close = regex.indexOf('>', i);
                if (close < 0) throw new IllegalArgumentException("invalid regular expression '" + regex + "': unterminated group name");
                String name = regex.substring(i + 4, close);
                String javaName = JAVA_GROUP_NAME.matcher(name).matches() ? name : "pyGroup" + names.size();
                names.put(name, javaName);
                out.append("(?<").append(javaName).append('>');
                i = close + 1;
            } else if (regex.startsWith("(?P=", i)) {
                int close = regex.indexOf(')', i);
                if (close < 0) throw new IllegalArgumentException("invalid regular expression '" + regex + "': unterminated group reference");
                String name = regex.substring(i + 4, close);
                out.append("\\k<").append(names.getOrDefault(name, name)).append('>');
                i = close + 1;
            } else if (c == '{') {
                Matcher q = QUANTIFIER.matcher(regex).region(i, regex.length());
                boolean repetition = q.lookingAt() && !(q.group(1).isEmpty() && q.group(2) == null) && out.length() > 0;
                if (repetition) {
                    out.append('{').append(q.group(1).isEmpty() ? "0" : q.group(1)).append(q.group(2) == null ? "" : q.group(2)).append('}');
                    i = q.end();
                } else {
                    out.append("\\{");
                    i++;
                }
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
