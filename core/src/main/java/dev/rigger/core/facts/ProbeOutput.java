package dev.rigger.core.facts;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The facts script's output split into its {@code key=value} lines and its raw sections (see the
 * format at the top of {@code gather-facts.sh}).
 */
final class ProbeOutput {
    static final String HEADER = "@rigger-facts 1";
    private static final String SECTION = "@section ";
    private static final String END = "@end";

    private final Map<String, String> values = new LinkedHashMap<>();
    private final Map<String, List<String>> sections = new LinkedHashMap<>();

    private ProbeOutput() {
    }

    /**
     * @throws FactsException when the header is missing (not our script's output) or the trailer is
     *                        missing (cut short: half a list of interfaces would look like a real one)
     */
    static ProbeOutput parse(String stdout) {
        List<String> lines = stdout.lines().toList();
        int start = lines.indexOf(HEADER);
        if (start < 0) {
            throw new FactsException("not facts output: no '" + HEADER + "' line");
        }
        ProbeOutput out = new ProbeOutput();
        List<String> current = null;
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.equals(END)) {
                return out;
            } else if (line.startsWith(SECTION)) {
                current = out.sections.computeIfAbsent(line.substring(SECTION.length()).trim(), k -> new ArrayList<>());
            } else if (current != null) {
                current.add(line);
            } else {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    out.values.put(line.substring(0, eq), line.substring(eq + 1).trim());
                }
            }
        }
        throw new FactsException("facts output cut short: no '" + END + "' line");
    }

    Map<String, String> values() {
        return values;
    }

    /** A non-blank value. */
    Optional<String> value(String key) {
        return Optional.ofNullable(values.get(key)).filter(v -> !v.isBlank());
    }

    Optional<List<String>> section(String name) {
        return Optional.ofNullable(sections.get(name));
    }
}
