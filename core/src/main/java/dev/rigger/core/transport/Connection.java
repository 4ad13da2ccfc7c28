package dev.rigger.core.transport;

/**
 * A live channel to one host that runs POSIX shell scripts. Implementations keep one session open
 * for the whole run and are safe to use from several threads at once.
 *
 * <p>Every script travels on the remote shell's stdin ({@code sh -s}), never in argv, so neither
 * its length nor its content (which may hold secrets) is limited or visible in {@code ps}.
 */
public interface Connection extends AutoCloseable {

    /** The host's name as the inventory knows it (not necessarily its address). */
    String hostName();

    /**
     * Runs one script and waits for it to finish. A non-zero exit is a normal result, not an
     * exception; exceptions mean the transport failed (see {@link TransportException}).
     */
    ExecResult exec(ExecRequest request);

    default ExecResult exec(String script) {
        return exec(ExecRequest.of(script));
    }

    /**
     * Stops every script running on this connection now, with all its processes on the host, as
     * an interrupted controller must leave nothing running behind; their execs then end with the
     * scripts' exit. Scripts started later run as usual. Transports that cannot do this do nothing.
     */
    default void stopRunning() {
    }

    /** How many scripts this connection has run so far (the exec budget counts these). */
    long execCount();

    @Override
    void close();
}
