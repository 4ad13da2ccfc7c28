package dev.rigger.core.transport;

/**
 * The transport itself failed: the host could not be reached, authentication or host key
 * verification failed, the session broke, or a script ran past its timeout. The executor reports
 * {@link Kind#UNREACHABLE} failures as an unreachable host (exit code 4), the rest as a failed task.
 */
public class TransportException extends RuntimeException {

    public enum Kind {
        /** Could not connect, authenticate, or verify the host key; or the session died. */
        UNREACHABLE,
        /** The script did not finish within its timeout. */
        TIMEOUT,
        /** sudo refused: no password configured where one is needed, or a wrong one. */
        BECOME_FAILED
    }

    private final Kind kind;
    private final String host;

    public TransportException(Kind kind, String host, String message, Throwable cause) {
        super(host + ": " + message, cause);
        this.kind = kind;
        this.host = host;
    }

    public TransportException(Kind kind, String host, String message) {
        this(kind, host, message, null);
    }

    public Kind kind() {
        return kind;
    }

    public String host() {
        return host;
    }
}
