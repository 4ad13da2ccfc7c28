package dev.rigger.modules.apt;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One line of apt's one-line sources format:
 * {@code deb [arch=amd64 signed-by=/etc/apt/keyrings/pgdg.asc] http://apt.postgresql.org/pub/repos/apt bookworm-pgdg main}.
 * Two entries are the same repository when they are equal after collapsing whitespace, sorting the
 * options and dropping a trailing slash from the URI.
 *
 * @param options in the order written; values as written
 */
record SourcesEntry(String type, Map<String, String> options, String uri, String suite, List<String> components) {

    private static final Pattern TYPE = Pattern.compile("deb|deb-src");
    private static final Pattern WORD = Pattern.compile("[^\\s\\[\\]#]+");
    private static final Pattern URI = Pattern.compile("[a-z][a-z0-9+.-]*:[^\\s\\[\\]]+");

    SourcesEntry {
        options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
        components = List.copyOf(components);
        if (!TYPE.matcher(type).matches()) throw new IllegalArgumentException("the type must be deb or deb-src, got '" + type + "'");
        if (!URI.matcher(uri).matches()) throw new IllegalArgumentException("'" + uri + "' is not a repository URL (like http://deb.example.org/debian)");
        if (!WORD.matcher(suite).matches()) throw new IllegalArgumentException("'" + suite + "' is not a suite");
        for (String c : components) {
            if (!WORD.matcher(c).matches()) throw new IllegalArgumentException("'" + c + "' is not a component");
        }
        if (suite.endsWith("/") && !components.isEmpty()) {
            throw new IllegalArgumentException("a flat repository (suite '" + suite + "' ends with /) takes no components");
        }
        if (!suite.endsWith("/") && components.isEmpty()) {
            throw new IllegalArgumentException("suite '" + suite + "' needs at least one component (e.g. main)");
        }
        options.forEach((k, v) -> {
            if (!WORD.matcher(k).matches() || !WORD.matcher(v).matches()) {
                throw new IllegalArgumentException("option '" + k + "=" + v + "' holds a space, bracket or #");
            }
        });
    }

    /** Parses an enabled line; empty for blank lines, comments and anything apt would not read as a source. */
    static Optional<SourcesEntry> tryParse(String line) {
        try {
            String s = line.strip();
            if (s.isEmpty() || s.startsWith("#")) return Optional.empty();
            return Optional.of(parse(s));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Parses one line; a trailing {@code # comment} is ignored. */
    static SourcesEntry parse(String line) {
        String s = line.strip();
        int hash = s.indexOf('#');
        if (hash >= 0) s = s.substring(0, hash).strip();
        List<String> words = new ArrayList<>();
        Map<String, String> options = new LinkedHashMap<>();
        int i = 0;
        while (i < s.length()) {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
            if (i >= s.length()) break;
            if (s.charAt(i) == '[' && words.size() == 1) {
                int close = s.indexOf(']', i);
                if (close < 0) throw new IllegalArgumentException("the options '[' of '" + line.strip() + "' are not closed with ']'");
                for (String opt : s.substring(i + 1, close).trim().split("\\s+")) {
                    if (opt.isEmpty()) continue;
                    int eq = opt.indexOf('=');
                    if (eq <= 0) throw new IllegalArgumentException("option '" + opt + "' is not key=value");
                    options.put(opt.substring(0, eq), opt.substring(eq + 1));
                }
                i = close + 1;
                continue;
            }
            int j = i;
            while (j < s.length() && !Character.isWhitespace(s.charAt(j))) j++;
            words.add(s.substring(i, j));
            i = j;
        }
        if (words.size() < 3) throw new IllegalArgumentException("'" + line.strip() + "' is not 'deb [options] URL suite [components]'");
        return new SourcesEntry(words.get(0), options, words.get(1), words.get(2), words.subList(3, words.size()));
    }

    /** The line as apt's one-line format writes it. */
    String line() {
        StringBuilder b = new StringBuilder(type);
        if (!options.isEmpty()) {
            b.append(" [");
            List<String> opts = new ArrayList<>();
            options.forEach((k, v) -> opts.add(k + "=" + v));
            b.append(String.join(" ", opts)).append(']');
        }
        b.append(' ').append(uri).append(' ').append(suite);
        for (String c : components) b.append(' ').append(c);
        return b.toString();
    }

    /** The key two lines are compared by. */
    String identity() {
        String u = uri.endsWith("/") && !uri.endsWith(":/") ? uri.substring(0, uri.length() - 1) : uri;
        return type + " " + new TreeMap<>(options) + " " + u + " " + suite + " " + String.join(" ", components);
    }

    Optional<String> signedBy() {
        return Optional.ofNullable(options.get("signed-by"));
    }

    SourcesEntry withOption(String key, String value) {
        Map<String, String> o = new LinkedHashMap<>(options);
        o.put(key, value);
        return new SourcesEntry(type, o, uri, suite, components);
    }

    /**
     * The list file name Ansible's apt_repository derives from a URL: scheme and credentials dropped,
     * every run of other characters than letters and digits turned into one underscore
     * ({@code http://apt.postgresql.org/pub/repos/apt} → {@code apt_postgresql_org_pub_repos_apt}).
     */
    static String filenameFor(String uri) {
        String s = uri.replaceFirst("^\\w+://", "");
        int at = s.indexOf('@');
        if (at >= 0) s = s.substring(at + 1);
        return String.join("_", s.replaceAll("[^a-zA-Z0-9]", " ").trim().split("\\s+"));
    }
}
