package dev.rigger.core.transport;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One script to run on a host.
 *
 * @param script     POSIX shell text; it is parsed completely before it runs and its own stdin is
 *                   {@code /dev/null} unless {@code input} is given, so commands inside it cannot
 *                   swallow the rest of the script
 * @param input      bytes the script reads on its stdin, streamed from their source; or {@code null}
 * @param becomeUser run as this user ({@code "root"} for plain become), or {@code null} to run as
 *                   the connecting user
 * @param timeout    how long the script may run before the transport gives up, or {@code null}
 *                   for the connection's default
 * @param becomeMethod how to become {@code becomeUser}: sudo unless said otherwise
 */
public record ExecRequest(String script, Stdin input, String becomeUser, Duration timeout, BecomeMethod becomeMethod) {

    public ExecRequest {
        Objects.requireNonNull(script, "script");
        if (becomeMethod == null) becomeMethod = BecomeMethod.SUDO;
    }

    public static ExecRequest of(String script) {
        return new ExecRequest(script, null, null, null, null);
    }

    public ExecRequest withStdin(byte[] bytes) {
        return withStdin(bytes == null ? null : Stdin.of(bytes));
    }

    public ExecRequest withStdin(Stdin source) {
        return new ExecRequest(script, source, becomeUser, timeout, becomeMethod);
    }

    /** The stdin bytes in memory, or null: for small inputs and tests. */
    public byte[] stdin() {
        return input == null ? null : input.readAll();
    }

    /** Runs the script as root through sudo. */
    public ExecRequest asRoot() {
        return as("root");
    }

    /** Runs the script as {@code user} through sudo. */
    public ExecRequest as(String user) {
        return as(user, BecomeMethod.SUDO);
    }

    public ExecRequest as(String user, BecomeMethod method) {
        return new ExecRequest(script, input, user, timeout, method);
    }

    public ExecRequest withTimeout(Duration limit) {
        return new ExecRequest(script, input, becomeUser, limit, becomeMethod);
    }

    public Optional<String> become() {
        return Optional.ofNullable(becomeUser);
    }
}
