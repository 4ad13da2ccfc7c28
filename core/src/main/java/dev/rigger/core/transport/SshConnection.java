package dev.rigger.core.transport;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSchException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Connection} over one persistent SSH session (JSch) per host. Each exec is one
 * {@code exec} channel on that session; channels from several threads share the session.
 *
 * <p>If the session has dropped (host rebooted, keepalive failed), the next exec reconnects once,
 * transparently: nothing of its script has run yet. A session lost while a script runs is reported
 * as UNREACHABLE, never retried, because the script may have done part of its work.
 */
final class SshConnection implements Connection {

    private static final Logger LOG = LoggerFactory.getLogger(SshConnection.class);
    /**
     * Below OpenSSH's default MaxSessions (10), which also counts channels sshd has not reaped yet:
     * more concurrent channels would mostly be refused.
     */
    private static final int MAX_CHANNELS = 8;
    private static final long FIRST_CHANNEL_RETRY_MILLIS = 5;
    private static final long LAST_CHANNEL_RETRY_MILLIS = 1280;
    /** Extra wait beyond the target's own TERM + KILL before the channel is dropped from here. */
    private static final Duration DEADLINE_GRACE = Duration.ofSeconds(5);
    /** How long a channel that closed without exit status waits to see whether its session went down. */
    private static final Duration LOST_SESSION_GRACE = Duration.ofSeconds(1);
    /** Exit code for a script killed by a signal: sshd then reports no exit status (OpenSSH's ssh says 255 too). */
    private static final int KILLED_BY_SIGNAL = 255;
    /** One SSH packet's worth (JSch's default maximum): a big copy needs no more in flight from here. */
    private static final int STDIN_BUFFER = 32 * 1024;

    private final ConnectionSettings settings;
    private final Semaphore channels = new Semaphore(MAX_CHANNELS, true);
    private final AtomicLong execs = new AtomicLong();
    private final Set<Run> running = ConcurrentHashMap.newKeySet();
    private SshLink link; // guarded by this
    private boolean closed; // guarded by this

    private SshConnection(ConnectionSettings settings) {
        this.settings = settings;
    }

    /** Connects now, so an unreachable host is reported at open rather than at the first exec. */
    public static SshConnection open(ConnectionSettings settings) {
        SshConnection connection = new SshConnection(settings);
        connection.link();
        return connection;
    }

    @Override
    public String hostName() {
        return settings.hostName();
    }

    @Override
    public ExecResult exec(ExecRequest request) {
        Duration timeout = request.timeout() != null ? request.timeout() : settings.commandTimeout();
        RemoteShell.Invocation invocation = RemoteShell.prepare(request, settings.user(), settings.becomePassword(), timeout);
        channels.acquireUninterruptibly();
        try {
            Run run = start(invocation.commandLine());
            run.tag = invocation.tag();
            running.add(run);
            try {
                execs.incrementAndGet();
                ExecResult result = run.finish(invocation, timeout);
                LOG.debug("{}: exec took {} ms, exit {}", hostName(), result.duration().toMillis(), result.exitCode());
                return result;
            } finally {
                running.remove(run);
            }
        } finally {
            channels.release();
        }
    }

    /**
     * Stops the running scripts from a new channel, by their tags (see {@link RemoteShell}).
     * Closing their channels would not do: without a terminal sshd signals nothing, and a
     * {@code sleep} would go on running. Not counted in the channel limit: the running scripts may
     * hold all of it, and sshd allows a few more.
     */
    @Override
    public void stopRunning() {
        List<String> tags = running.stream().map(r -> r.tag).toList();
        if (tags.isEmpty()) return;
        try {
            Run kill = new Run(link(), RemoteShell.stopCommand(tags));
            kill.open();
            kill.stdin.close();
            if (!kill.done.await(settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)) kill.channel.disconnect();
        } catch (JSchException | IOException | TransportException e) {
            LOG.debug("{}: cannot stop the running scripts: {}", hostName(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public long execCount() {
        return execs.get();
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (link != null) {
            link.close();
            link = null;
        }
    }

    /**
     * Opens a channel running {@code commandLine}. sshd refuses channels beyond MaxSessions until
     * it has reaped finished ones: then wait briefly and ask again. A channel that cannot be opened
     * for another reason means the session died unnoticed: reconnect once; nothing has run yet.
     */
    private Run start(String commandLine) {
        SshLink current = link();
        boolean reconnected = false;
        long pause = FIRST_CHANNEL_RETRY_MILLIS;
        while (true) {
            Run run = new Run(current, commandLine);
            try {
                run.open();
                return run;
            } catch (JSchException e) {
                if (run.refusedBySshd() && pause <= LAST_CHANNEL_RETRY_MILLIS) {
                    LOG.debug("{}: sshd refused a channel, asking again in {} ms", hostName(), pause);
                    sleep(pause);
                    pause *= 2;
                } else if (!run.refusedBySshd() && !reconnected) {
                    LOG.debug("{}: session unusable ({}), reconnecting", hostName(), e.getMessage());
                    current = relink(current);
                    reconnected = true;
                } else {
                    throw new TransportException(TransportException.Kind.UNREACHABLE, hostName(),
                            "cannot start a command on " + settings.address() + ":" + settings.port() + ": "
                                    + (run.refusedBySshd() ? "sshd keeps refusing new channels (MaxSessions?)" : e.getMessage()),
                            e);
                }
            }
        }
    }

    private synchronized SshLink link() {
        if (closed) {
            throw new IllegalStateException(hostName() + ": connection is closed");
        }
        if (link == null || !link.isConnected()) {
            if (link != null) {
                LOG.debug("{}: session dropped, reconnecting", hostName());
                link.close();
            }
            link = null;
            link = SshLink.connect(settings);
        }
        return link;
    }

    private synchronized SshLink relink(SshLink broken) {
        if (link == broken) {
            broken.close();
            link = null;
        }
        return link();
    }

    private void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransportException(TransportException.Kind.UNREACHABLE, hostName(), "interrupted", e);
        }
    }

    /** One script on one channel. */
    private final class Run {
        private final SshLink via;
        private final String commandLine;
        private final Capture stdout = new Capture(null);
        private final CountDownLatch done = new CountDownLatch(1);
        private final Capture stderr = new Capture(done);
        private ChannelExec channel;
        private OutputStream stdin;
        private long started;
        private volatile String tag;

        Run(SshLink via, String commandLine) {
            this.via = via;
            this.commandLine = commandLine;
        }

        void open() throws JSchException {
            // Timed from here: the target's own time limit starts soon after, never before.
            started = System.nanoTime();
            channel = (ChannelExec) via.session().openChannel("exec");
            channel.setCommand(commandLine);
            channel.setOutputStream(stdout);
            channel.setExtOutputStream(stderr);
            try {
                stdin = channel.getOutputStream();
            } catch (IOException e) {
                throw new JSchException("cannot attach stdin: " + e.getMessage(), e);
            }
            channel.connect(Math.toIntExact(settings.connectTimeout().toMillis()));
        }

        /**
         * A channel closed without an exit status: either the script was killed by a signal, or
         * the session was lost. JSch closes the channels of a lost session before it marks the
         * session disconnected, so give it a moment before calling the session alive.
         */
        private boolean sessionStaysUp() {
            long until = System.nanoTime() + LOST_SESSION_GRACE.toNanos();
            while (via.session().isConnected()) {
                if (System.nanoTime() > until) return true;
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return via.session().isConnected();
                }
            }
            return false;
        }

        /**
         * sshd answered the open with a refusal while the session is fine. JSch keeps the refusal's
         * reason code (always positive) as the channel's exit status; a lost session leaves -1.
         */
        boolean refusedBySshd() {
            return channel != null && channel.isClosed() && channel.getExitStatus() > 0 && via.session().isConnected();
        }

        /**
         * Streams stdin to the channel: JSch blocks each write until sshd's window has room, so at
         * most one buffer of it is in memory here. A local file that cannot be read is no fault of
         * the host: the channel is dropped and the exec fails; a file write on the host, which
         * checks the sha256 of what it received, then keeps the old file.
         */
        private void sendStdin(RemoteShell.Invocation invocation) {
            InputStream from;
            try {
                from = invocation.openStdin();
            } catch (IOException e) {
                channel.disconnect();
                throw new UncheckedIOException("cannot read the input for " + hostName() + ": " + e.getMessage(), e);
            }
            byte[] buffer = new byte[STDIN_BUFFER];
            try (InputStream in = from; OutputStream out = stdin) {
                while (true) {
                    int n;
                    try {
                        n = in.read(buffer);
                    } catch (IOException e) {
                        channel.disconnect();
                        throw new UncheckedIOException("cannot read the input for " + hostName() + ": " + e.getMessage(), e);
                    }
                    if (n < 0) break;
                    out.write(buffer, 0, n);
                }
            } catch (IOException e) {
                // The command stopped reading early (e.g. sudo refused) or the session broke; the
                // exit status, or its absence, tells which.
                LOG.debug("{}: stdin not fully sent: {}", hostName(), e.getMessage());
            }
        }

        ExecResult finish(RemoteShell.Invocation invocation, Duration timeout) {
            // The target stops the script itself at the limit (see RemoteShell); this deadline only
            // covers a target that cannot even do that.
            Duration deadline = timeout.plus(RemoteShell.KILL_AFTER).plus(DEADLINE_GRACE);
            try {
                sendStdin(invocation);
                long left = deadline.toNanos() - (System.nanoTime() - started);
                if (!done.await(Math.max(0, left), TimeUnit.NANOSECONDS)) {
                    channel.disconnect();
                    throw new TransportException(TransportException.Kind.TIMEOUT, hostName(), "script did not finish within "
                            + timeout.toMillis() + " ms and the target did not stop it; its channel was closed");
                }
            } catch (InterruptedException e) {
                channel.disconnect();
                Thread.currentThread().interrupt();
                throw new TransportException(TransportException.Kind.TIMEOUT, hostName(), "interrupted while waiting", e);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            int exitCode = channel.getExitStatus();
            if (exitCode < 0) {
                if (!sessionStaysUp()) {
                    throw new TransportException(TransportException.Kind.UNREACHABLE, hostName(),
                            "connection to " + settings.address() + ":" + settings.port()
                                    + " was lost while a script ran; it may have partly run");
                }
                exitCode = KILLED_BY_SIGNAL;
            }
            return RemoteShell.finish(invocation, hostName(), exitCode, stdout.toByteArray(), stderr.toByteArray(), took);
        }
    }

    /**
     * Collects a channel's output. JSch's session thread writes into it and closes it when the
     * channel closes (stderr, after the exit status has arrived), which is what releases the
     * waiting exec: no polling.
     */
    private static final class Capture extends BoundedOutput {
        private final CountDownLatch onClose;

        Capture(CountDownLatch onClose) {
            this.onClose = onClose;
        }

        @Override
        public void close() {
            if (onClose != null) {
                onClose.countDown();
            }
        }
    }
}
