package dev.rigger.core.secret;

import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * A value that must never appear in logs, events, diffs or command lines: passwords, keys,
 * tokens. {@link #toString()} is redacted; only {@link #reveal()} gives the value, and only code
 * that hands it to the target over stdin should call it.
 */
public final class Secret {
    public static final String REDACTED = "********";
    private final String value;
    /** The secret texts inside {@link #value}, for text composed around secrets; otherwise the value itself. */
    private final Set<String> texts;

    private Secret(String value, Set<String> texts) {
        this.value = Objects.requireNonNull(value, "value");
        this.texts = texts;
    }

    public static Secret of(String value) {
        return new Secret(value, Set.of(value));
    }

    /**
     * Text built around secrets, such as {@code postgres://app:PASSWORD@db1/app}: a secret as a
     * whole, but when it is masked in output only the secrets inside it need to go, so the rest of
     * the text stays readable ({@code postgres://app:********@db1/app}).
     */
    public static Secret composed(String value, Collection<Secret> parts) {
        Set<String> texts = new LinkedHashSet<>();
        for (Secret part : parts) {
            if (value.contains(part.value)) texts.addAll(part.texts);
            else texts.add(value); // a part that does not show in the text as it is: mask the whole
        }
        return new Secret(value, Set.copyOf(texts));
    }

    public String reveal() {
        return value;
    }

    /** The texts output must mask for this secret: its value, or the secrets it was composed of. */
    public Set<String> texts() {
        return texts;
    }

    /**
     * {@code ********} for a secret; for text composed around secrets, the text with each of them
     * masked ({@code postgres://app:********@db1/app}), so messages stay readable.
     */
    @Override
    public String toString() {
        String shown = value;
        // Longest first: a secret that contains another is masked whole.
        for (String text : texts.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList()) {
            shown = shown.replace(text, REDACTED);
        }
        return shown;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret other && other.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
