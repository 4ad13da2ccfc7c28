package dev.rigger.core.transport;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One script to run on a host.
 *
 * @param script     POSIX shell text; it is parsed completely before it runs and its own stdin is
 *                   {@code /dev/null} unless {@code stdin} is given, so commands inside it cannot
 *                   swallow the rest of the script
 * @param stdin      bytes the script reads on its stdin, or {@code null}
 * @param becomeUser run as this user through sudo ({@code "root"} for plain become), or
 *                   {@code null} to run as the connecting user
 * @param timeout    how long the script may run before the transport gives up, or {@code null}
 *                   for the connection's default
 */
public record ExecRequest(String script, byte[] stdin, String becomeUser, Duration timeout) {

    public ExecRequest {
        Objects.requireNonNull(script, "script");
    }

    public static ExecRequest of(String script) {
        return new ExecRequest(script, null, null, null);
    }

    public ExecRequest withStdin(byte[] bytes) {
        return new ExecRequest(script, bytes, becomeUser, timeout);
    }

    /** Runs the script as root through sudo. */
    public ExecRequest asRoot() {
        return as("root");
    }

    public ExecRequest as(String user) {
        return new ExecRequest(script, stdin, user, timeout);
    }

    public ExecRequest withTimeout(Duration limit) {
        return new ExecRequest(script, stdin, becomeUser, limit);
    }

    public Optional<String> become() {
        return Optional.ofNullable(becomeUser);
    }
}
