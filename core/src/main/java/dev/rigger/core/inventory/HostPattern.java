package dev.rigger.core.inventory;

import dev.rigger.core.error.InputException;
import dev.rigger.core.internal.text.NearNames;
import dev.rigger.core.error.SourceLocation;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A host pattern as in a play's {@code hosts:} or {@code --limit}, with Ansible's meaning:
 *
 * <ul>
 *   <li>a host or group name; {@code all} or {@code *} for every host; globs such as {@code web*};
 *       a regular expression after {@code ~} ({@code ~web\d+}, matched from the start of the name)
 *   <li>terms joined with {@code :} or {@code ,}: plain terms are a union, {@code &term} intersects,
 *       {@code !term} excludes. Ansible applies all unions first, then intersections, then
 *       exclusions, whatever the written order, and so does this class.
 *   <li>a subscript picks hosts of a term by position: {@code web[0]}, {@code web[-1]},
 *       {@code web[1:3]} (inclusive), {@code web[2:]}
 * </ul>
 *
 * Terms that match nothing are reported in {@link Selection#unmatched()} with a "did you mean",
 * not thrown: Ansible only warns about them, so the caller decides whether they are fatal.
 *
 * <pre>{@code
 * HostPattern.Selection s = HostPattern.parse("webservers:&staging:!web3").select(inventory);
 * s.requireAllMatched();
 * }</pre>
 */
public final class HostPattern {
    /** A pattern term: characters other than whitespace and ':[]', or whole [..] groups. */
    private static final Pattern TERM = Pattern.compile("(?:[^\\s:\\[\\]]|\\[[^\\]]*\\])+");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F]*:[0-9a-fA-F:]*:[0-9a-fA-F.]*");
    private static final Pattern SUBSCRIPT = Pattern.compile("^(.+)\\[(?:(-?[0-9]+)|([0-9]+):([0-9]*))\\]$");

    private final String text;
    private final List<String> terms;
    private final SourceLocation at;

    private HostPattern(String text, List<String> terms, SourceLocation at) {
        this.text = text;
        this.terms = terms;
        this.at = at;
    }

    public static HostPattern parse(String text) {
        return parse(text, SourceLocation.unknown("host pattern '" + text + "'"));
    }

    /** @param at where the pattern was written, for error messages */
    public static HostPattern parse(String text, SourceLocation at) {
        return parse(List.of(text), at);
    }

    /** The YAML list form of {@code hosts:}; each item may itself hold several terms. */
    public static HostPattern parse(List<String> patterns, SourceLocation at) {
        List<String> terms = new ArrayList<>();
        for (String p : patterns) terms.addAll(split(p));
        if (terms.isEmpty()) throw new InputException(at, "empty host pattern");
        return new HostPattern(String.join(":", patterns), ordered(terms), at);
    }

    public String text() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }

    private static List<String> split(String pattern) {
        String p = pattern.strip();
        if (p.contains(",")) {
            List<String> out = new ArrayList<>();
            for (String part : p.split(",")) {
                if (!part.isBlank()) out.add(part.strip());
            }
            return out;
        }
        if (IPV6.matcher(p).matches()) return List.of(p); // fe80::1 is one host, not three terms
        List<String> out = new ArrayList<>();
        Matcher m = TERM.matcher(p);
        while (m.find()) out.add(m.group());
        return out;
    }

    /** Unions first, then intersections, then exclusions; only {@code &} or {@code !} terms start from all. */
    private static List<String> ordered(List<String> terms) {
        List<String> regular = new ArrayList<>();
        List<String> intersections = new ArrayList<>();
        List<String> exclusions = new ArrayList<>();
        for (String t : terms) {
            if (t.startsWith("&")) intersections.add(t);
            else if (t.startsWith("!")) exclusions.add(t);
            else regular.add(t);
        }
        if (regular.isEmpty()) regular.add(Inventory.ALL);
        List<String> out = new ArrayList<>(regular);
        out.addAll(intersections);
        out.addAll(exclusions);
        return List.copyOf(out);
    }

    /** A term that matched no host or group. */
    public record Unmatched(String term, Optional<String> suggestion, String pattern, SourceLocation at) {
        public InputException toException() {
            String where = pattern.equals(term) ? "" : " in host pattern '" + pattern + "'";
            return new InputException(at, "no host or group matches '" + term + "'" + where, suggestion.orElse(null));
        }
    }

    /** The hosts a pattern selects, in inventory order within each term, and the terms that matched nothing. */
    public record Selection(List<String> hosts, List<Unmatched> unmatched) {
        public Selection {
            hosts = List.copyOf(hosts);
            unmatched = List.copyOf(unmatched);
        }

        public boolean allMatched() {
            return unmatched.isEmpty();
        }

        /** @throws InputException for the first term that matched nothing */
        public Selection requireAllMatched() {
            if (!unmatched.isEmpty()) throw unmatched.get(0).toException();
            return this;
        }
    }

    /**
     * Evaluates the pattern against an inventory. {@code localhost} (or 127.0.0.1, ::1) selects the
     * implicit local host when the inventory does not declare it, as in Ansible.
     *
     * @throws InputException for an invalid regular expression or a subscript past the last host
     */
    public Selection select(Inventory inventory) {
        Set<String> hosts = new LinkedHashSet<>();
        List<Unmatched> unmatched = new ArrayList<>();
        for (String term : terms) {
            if (inventory.host(term).isPresent()) {
                hosts.add(term);
                continue;
            }
            char op = term.charAt(0);
            String body = op == '&' || op == '!' ? term.substring(1) : term;
            List<String> matched = matchOne(inventory, term, body, unmatched);
            if (op == '!') matched.forEach(hosts::remove);
            else if (op == '&') hosts.retainAll(Set.copyOf(matched));
            else hosts.addAll(matched);
        }
        return new Selection(List.copyOf(hosts), unmatched);
    }

    private List<String> matchOne(Inventory inventory, String term, String body, List<Unmatched> unmatched) {
        Matcher sub = body.startsWith("~") ? null : SUBSCRIPT.matcher(body);
        String expr = sub != null && sub.matches() ? sub.group(1) : body;
        Set<String> found = new LinkedHashSet<>();
        List<String> groups = matching(inventory.groups().keySet(), expr);
        for (String g : groups) found.addAll(inventory.hostsOf(g));
        // Host names are tried when no group matched, and always for globs and regexes.
        if (groups.isEmpty() || expr.startsWith("~") || expr.matches(".*[.?*\\[].*")) {
            found.addAll(matching(inventory.hosts().stream().map(Host::name).toList(), expr));
        }
        if (found.isEmpty() && inventory.isImplicitLocalhost(expr)) found.add(expr);
        if (found.isEmpty() && groups.isEmpty() && !expr.equals(Inventory.ALL)) {
            unmatched.add(new Unmatched(term, suggestion(inventory, expr), text, at));
        }
        List<String> list = new ArrayList<>(found);
        return sub != null && sub.matches() ? subscript(list, sub, expr) : list;
    }

    private static Optional<String> suggestion(Inventory inventory, String expr) {
        if (expr.startsWith("~") || expr.matches(".*[?*\\[].*")) return Optional.empty();
        List<String> names = new ArrayList<>(inventory.groups().keySet());
        inventory.hosts().forEach(h -> names.add(h.name()));
        return NearNames.closest(expr, names);
    }

    private List<String> subscript(List<String> hosts, Matcher sub, String expr) {
        if (sub.group(2) != null) {
            int index = Integer.parseInt(sub.group(2));
            int i = index < 0 ? hosts.size() + index : index;
            if (i < 0 || i >= hosts.size()) {
                throw new InputException(at, "no host at index " + index + " of '" + expr + "' (it has " + hosts.size() + ")");
            }
            return List.of(hosts.get(i));
        }
        // Like a Python slice, a range past the end is cut short rather than an error.
        int from = Math.min(Integer.parseInt(sub.group(3)), hosts.size());
        int to = sub.group(4).isEmpty() ? hosts.size() : Math.min(Integer.parseInt(sub.group(4)) + 1, hosts.size());
        return from >= to ? List.of() : hosts.subList(from, to);
    }

    private List<String> matching(Iterable<String> names, String expr) {
        Pattern p = compile(expr);
        boolean regex = expr.startsWith("~");
        List<String> out = new ArrayList<>();
        for (String name : names) {
            Matcher m = p.matcher(name);
            if (regex ? m.lookingAt() : m.matches()) out.add(name);
        }
        return out;
    }

    private Pattern compile(String expr) {
        if (!expr.startsWith("~")) return Pattern.compile(glob(expr));
        try {
            return Pattern.compile(expr.substring(1));
        } catch (PatternSyntaxException e) {
            throw new InputException(at, "invalid regular expression '" + expr.substring(1) + "' in host pattern: "
                    + e.getDescription());
        }
    }

    /** Python's fnmatch.translate: {@code *}, {@code ?}, {@code [seq]}, {@code [!seq]}; the rest literal. */
    private static String glob(String glob) {
        StringBuilder re = new StringBuilder();
        int n = glob.length();
        for (int i = 0; i < n; i++) {
            char c = glob.charAt(i);
            if (c == '*') {
                re.append(".*");
            } else if (c == '?') {
                re.append('.');
            } else if (c == '[') {
                int j = i + 1;
                if (j < n && glob.charAt(j) == '!') j++;
                if (j < n && glob.charAt(j) == ']') j++;
                while (j < n && glob.charAt(j) != ']') j++;
                if (j >= n) {
                    re.append("\\[");
                } else {
                    String set = glob.substring(i + 1, j).replace("\\", "\\\\").replace("[", "\\[").replace("&", "\\&");
                    re.append('[').append(set.startsWith("!") ? "^" + set.substring(1) : set).append(']');
                    i = j;
                }
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return re.toString();
    }
}
