package dev.rigger.core.secret;

import java.util.Objects;

/**
 * A value that must never appear in logs, events, diffs or command lines: passwords, keys,
 * tokens. {@link #toString()} is redacted; only {@link #reveal()} gives the value, and only code
 * that hands it to the target over stdin should call it.
 */
public final class Secret {
    public static final String REDACTED = "********";
    private final String value;

    private Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    public static Secret of(String value) {
        return new Secret(value);
    }

    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return REDACTED;
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
