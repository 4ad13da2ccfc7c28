package dev.rigger.core.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
    /** The watchdogs of the scripts running now, and of those {@link #stopRunning} stopped. */
    private final Set<ExecuteWatchdog> running = ConcurrentHashMap.newKeySet();
    private final Set<ExecuteWatchdog> stopped = ConcurrentHashMap.newKeySet();

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
        running.add(watchdog);
        try {
            execs.incrementAndGet();
            exitCode = executor.execute(command);
        } catch (IOException e) {
            throw new TransportException(TransportException.Kind.UNREACHABLE, hostName(),
                    "cannot run /bin/sh: " + e.getMessage(), e);
        } finally {
            running.remove(watchdog);
            closeQuietly(stdin);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        // Stopped by stopRunning: the script's exit (killed) is its result, not a time-out.
        boolean stoppedHere = stopped.remove(watchdog);
        if (watchdog.killedProcess() && !stoppedHere) {
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

    /** Kills the scripts running now with their whole process trees, as the watchdog does at a time-out. */
    @Override
    public void stopRunning() {
        for (ExecuteWatchdog watchdog : running) {
            stopped.add(watchdog);
            watchdog.destroyProcess();
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
