package dev.rigger.core.module;

import java.util.Optional;

/**
 * One thing a plan would change: a human line ("install redis-server 5:7.0.15-1") and, for file
 * content, a unified diff with secrets already redacted.
 */
public record Change(String summary, String diff) {

    public static Change of(String summary) {
        return new Change(summary, null);
    }

    public static Change withDiff(String summary, String diff) {
        return new Change(summary, diff);
    }

    public Optional<String> unifiedDiff() {
        return Optional.ofNullable(diff);
    }
}
