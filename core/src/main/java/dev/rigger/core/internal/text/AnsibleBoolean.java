package dev.rigger.core.internal.text;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** Ansible's boolean() for connection variables: true/false, yes/no, on/off, 1/0, y/n, t/f in any case. */
public final class AnsibleBoolean {
    private static final Set<String> TRUE_WORDS = Set.of("y", "yes", "on", "1", "true", "t");
    private static final Set<String> FALSE_WORDS = Set.of("n", "no", "off", "0", "false", "f");

    private AnsibleBoolean() {}

    /** The value as a boolean, or empty when it is none of the words above. */
    public static Optional<Boolean> of(Object value) {
        if (value instanceof Boolean b) return Optional.of(b);
        String word = String.valueOf(value).strip().toLowerCase(Locale.ROOT);
        if (TRUE_WORDS.contains(word)) return Optional.of(true);
        if (FALSE_WORDS.contains(word)) return Optional.of(false);
        return Optional.empty();
    }
}
