package dev.rigger.core.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.PumpStreamHandler;

/**
 * Runs scripts on this machine ({@code connection: local}) with the same protocol as SSH: the
 * {@code RemoteShell} command line goes to {@code /bin/sh -c}, the payload to its stdin. Each exec
 * is its own process, so the connection is safe to share between threads.
 */
public final class LocalConnection implements Connection {

    private final ConnectionSettings settings;
    private final String loginUser = System.getProperty("user.name");
    private final AtomicLong execs = new AtomicLong();

    public LocalConnection(ConnectionSettings settings) {
        this.settings = settings;
    }

    @Override
    public String hostName() {
        return settings.hostName();
    }

    @Override
    public ExecResult exec(ExecRequest request) {
        Duration timeout = request.timeout() != null ? request.timeout() : settings.commandTimeout();
        // No limit inside the command: the watchdog below kills the whole local process tree itself.
        RemoteShell.Invocation invocation = RemoteShell.prepare(request, loginUser, settings.becomePassword(), null);
        CommandLine command = new CommandLine("/bin/sh").addArgument("-c").addArgument(invocation.commandLine(), false);
        BoundedOutput stdout = new BoundedOutput();
        BoundedOutput stderr = new BoundedOutput();
        ExecuteWatchdog watchdog = ExecuteWatchdog.builder().setTimeout(timeout).get();
        TreeKillingExecutor executor = new TreeKillingExecutor();
        InputStream stdin;
        try {
            stdin = invocation.openStdin();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the input for " + hostName() + ": " + e.getMessage(), e);
        }
        executor.setStreamHandler(new PumpStreamHandler(stdout, stderr, stdin));
        executor.setWatchdog(watchdog);
        executor.setExitValues(null); // a non-zero exit is a result, not an exception
        long start = System.nanoTime();
        int exitCode;
        try {
            execs.incrementAndGet();
            exitCode = executor.execute(command);
        } catch (IOException e) {
            throw new TransportException(TransportException.Kind.UNREACHABLE, hostName(),
                    "cannot run /bin/sh: " + e.getMessage(), e);
        } finally {
            closeQuietly(stdin);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        if (watchdog.killedProcess()) {
            throw new TransportException(TransportException.Kind.TIMEOUT, hostName(),
                    "script did not finish within " + timeout.toMillis() + " ms and was killed");
        }
        return RemoteShell.finish(invocation, hostName(), exitCode, stdout.toByteArray(), stderr.toByteArray(), took);
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // Only read from; nothing was lost.
        }
    }

    @Override
    public long execCount() {
        return execs.get();
    }

    @Override
    public void close() {
        // Nothing is held between execs.
    }
}
