package dev.rigger.core.transport;

import com.jcraft.jsch.AgentIdentityRepository;
import com.jcraft.jsch.AgentProxyException;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.KeyPair;
import com.jcraft.jsch.SSHAgentConnector;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.UnixDomainSocketFactory;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One authenticated SSH session to a host, and the jump host's link it tunnels through, if any.
 * {@link #connect} does the handshake with the settings' keys, password, host key policy, keepalive
 * and connect timeout, retrying with exponential backoff when the connection is refused or closed
 * during the handshake (sshd's {@code MaxStartups} drops bursts of new connections that way), with
 * handshakes in flight bounded by {@link HandshakeGate} so that bursts rarely get dropped at all.
 * Every failure becomes one {@link TransportException} of kind UNREACHABLE whose message names the
 * host, address, port and cause.
 */
final class SshLink {

    private static final Logger LOG = LoggerFactory.getLogger(SshLink.class);
    private static final long FIRST_BACKOFF_MILLIS = 200;

    private final Session session;
    private final SshLink via;

    private SshLink(Session session, SshLink via) {
        this.session = session;
        this.via = via;
    }

    Session session() {
        return session;
    }

    boolean isConnected() {
        return session.isConnected() && (via == null || via.isConnected());
    }

    void close() {
        session.disconnect();
        if (via != null) {
            via.close();
        }
    }

    static SshLink connect(ConnectionSettings settings) {
        SshLink via = settings.jumpHost() == null ? null : connect(settings.jumpHost());
        try {
            return new SshLink(connectWithRetries(settings, via), via);
        } catch (RuntimeException e) {
            if (via != null) {
                via.close();
            }
            throw e;
        }
    }

    private static Session connectWithRetries(ConnectionSettings settings, SshLink via) {
        int attempts = Math.max(1, settings.connectAttempts());
        long backoff = FIRST_BACKOFF_MILLIS;
        for (int attempt = 1; ; attempt++) {
            KnownHostsFile hostKeys = new KnownHostsFile(settings.knownHostsFile(), settings.hostKeyPolicy());
            Session session = newSession(settings, hostKeys, via);
            long start = System.nanoTime();
            try (HandshakeGate.Turn turn = enterGate(settings)) {
                try {
                    session.connect(Math.toIntExact(settings.connectTimeout().toMillis()));
                } catch (JSchException e) {
                    if (isDroppedConnection(e)) turn.dropped();
                    throw e;
                }
                LOG.debug("{}: connected to {} in {} ms (attempt {})", settings.hostName(), where(settings),
                        (System.nanoTime() - start) / 1_000_000, attempt);
                return session;
            } catch (JSchException e) {
                session.disconnect();
                boolean retry = isDroppedConnection(e) && attempt < attempts;
                if (!retry) {
                    String tries = attempt > 1 ? " (" + attempt + " attempts)" : "";
                    throw unreachable(settings, describe(e, settings, hostKeys) + tries, e);
                }
                LOG.debug("{}: {} (attempt {} of {}), retrying in {} ms", settings.hostName(), e.getMessage(),
                        attempt, attempts, backoff);
                // Jittered, so connections dropped together do not all come back together.
                sleep(settings, backoff / 2 + ThreadLocalRandom.current().nextLong(backoff));
                backoff *= 2;
            }
        }
    }

    /** A turn among the handshakes to this sshd (see {@link HandshakeGate}); waiting is not connect time. */
    private static HandshakeGate.Turn enterGate(ConnectionSettings settings) {
        try {
            // One sshd: its MaxStartups counts every user's unauthenticated connections alike.
            String endpoint = settings.address() + ":" + settings.port()
                    + (settings.jumpHost() != null ? " via " + settings.jumpHost().hostName() : "");
            return HandshakeGate.SHARED.enter(endpoint);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable(settings, "interrupted while waiting for a turn to connect", e);
        }
    }

    private static Session newSession(ConnectionSettings settings, KnownHostsFile hostKeys, SshLink via) {
        JSch jsch = new JSch();
        jsch.setInstanceLogger(JschLog.INSTANCE);
        jsch.setHostKeyRepository(hostKeys);
        List<String> methods = new ArrayList<>();
        if (usesAgent(settings)) {
            jsch.setIdentityRepository(agent(settings));
            methods.add("publickey");
        }
        for (Path key : keyFiles(settings)) {
            addKey(jsch, settings, key);
            methods.add("publickey");
        }
        if (settings.password() != null) {
            // JSch answers a keyboard-interactive "Password:" prompt with the password too.
            methods.add("keyboard-interactive");
            methods.add("password");
        }
        if (methods.isEmpty()) {
            throw unreachable(settings, "no private key, ssh-agent (SSH_AUTH_SOCK) or password to log in with", null);
        }
        try {
            Session session = jsch.getSession(settings.user(), settings.address(), settings.port());
            if (settings.password() != null) {
                session.setPassword(settings.password().reveal());
            }
            session.setConfig("PreferredAuthentications", String.join(",", new LinkedHashSet<>(methods)));
            // KnownHostsFile applies the policy itself (accept-new, off); JSch must obey its verdict.
            session.setConfig("StrictHostKeyChecking", "yes");
            session.setServerAliveInterval(Math.toIntExact(settings.keepAlive().toMillis()));
            session.setServerAliveCountMax(settings.keepAliveCountMax());
            session.setDaemonThread(true); // a connection nobody closed must not keep the JVM alive
            if (via != null) {
                session.setProxy(new JumpProxy(via.session()));
            }
            return session;
        } catch (JSchException e) {
            throw unreachable(settings, e.getMessage(), e);
        }
    }

    /**
     * A key file, decrypted up front with the configured passphrase: JSch would otherwise skip an
     * encrypted key it cannot open and report only "Auth fail".
     */
    private static void addKey(JSch jsch, ConnectionSettings settings, Path key) {
        byte[] passphrase = settings.privateKeyPassphrase() == null ? null
                : settings.privateKeyPassphrase().reveal().getBytes(StandardCharsets.UTF_8);
        try {
            KeyPair pair = KeyPair.load(jsch, key.toString());
            try {
                if (pair.isEncrypted() && passphrase == null) {
                    throw unreachable(settings, "private key " + key + " is protected by a passphrase: set "
                            + ConnectionSettings.KEY_PASSPHRASE_ENV + ", or add the key to ssh-agent and name no key", null);
                }
                if (pair.isEncrypted() && !pair.decrypt(passphrase)) {
                    throw unreachable(settings, "the passphrase in " + ConnectionSettings.KEY_PASSPHRASE_ENV + " does not open private key " + key, null);
                }
            } finally {
                pair.dispose();
            }
            jsch.addIdentity(key.toString(), passphrase);
        } catch (JSchException e) {
            throw unreachable(settings, "cannot use private key " + key + ": " + e.getMessage(), e);
        }
    }

    /** ssh-agent's keys, over its Unix socket (Java 16+ sockets; JSch's class for them needs a multi-release jar). */
    private static AgentIdentityRepository agent(ConnectionSettings settings) {
        try {
            return new AgentIdentityRepository(new SSHAgentConnector(new UnixDomainSocketFactory(), settings.agentSocket()));
        } catch (AgentProxyException e) {
            throw unreachable(settings, "cannot use ssh-agent at " + settings.agentSocket() + ": " + e.getMessage(), e);
        }
    }

    /** As OpenSSH: the agent holds the keys unless a key file is named. */
    private static boolean usesAgent(ConnectionSettings settings) {
        return settings.privateKeyFile() == null && settings.agentSocket() != null;
    }

    /** The configured key, or OpenSSH's default keys when no key, agent or password is given. */
    private static List<Path> keyFiles(ConnectionSettings settings) {
        if (settings.privateKeyFile() != null) {
            return List.of(settings.privateKeyFile());
        }
        if (usesAgent(settings) || settings.password() != null) {
            return List.of();
        }
        Path ssh = Path.of(System.getProperty("user.home"), ".ssh");
        return List.of(ssh.resolve("id_ed25519"), ssh.resolve("id_ecdsa"), ssh.resolve("id_rsa")).stream()
                .filter(Files::isReadable).toList();
    }

    /**
     * Refused, or closed/reset before the handshake finished: what an overloaded sshd does. Or
     * accepted but not through the handshake within the connect timeout: the host is up (its sshd
     * took the connection) but starved, as hundreds of hosts starting sessions on a small machine
     * are. Only a TCP connect that times out ("socket is not established") means no host answers,
     * and that is not retried: a dead or cut-off host is reported within the connect timeout.
     */
    private static boolean isDroppedConnection(JSchException e) {
        String message = String.valueOf(e.getMessage());
        return hasCause(e, ConnectException.class)
                || (hasCause(e, SocketTimeoutException.class) && !message.startsWith("timeout: socket is not established"))
                || message.contains("connection is closed by foreign host")
                || message.contains("End of IO Stream Read")
                || (hasCause(e, SocketException.class) && !hasCause(e, NoRouteToHostException.class))
                || message.equals("channel is not opened."); // the jump host could not reach the target (yet)
    }

    private static String describe(JSchException e, ConnectionSettings settings, KnownHostsFile hostKeys) {
        String message = String.valueOf(e.getMessage());
        if (hostKeys.rejection() != null) {
            return hostKeys.rejection();
        }
        if (message.startsWith("Auth fail") || message.startsWith("Auth cancel")) {
            return "authentication failed for user " + settings.user() + " (tried " + credentials(settings) + ")";
        }
        if (hasCause(e, UnknownHostException.class)) {
            return "unknown host name " + settings.address();
        }
        if (hasCause(e, ConnectException.class)) {
            return "connection refused";
        }
        if (hasCause(e, NoRouteToHostException.class)) {
            return "no route to host";
        }
        if (hasCause(e, SocketTimeoutException.class) || message.startsWith("timeout")) {
            return "no answer within " + settings.connectTimeout().toMillis() + " ms";
        }
        if (message.equals("channel is not opened.")) {
            return "the jump host " + settings.jumpHost().hostName() + " could not open a tunnel to it";
        }
        if (isDroppedConnection(e)) {
            return "the connection was closed during the SSH handshake";
        }
        return message;
    }

    private static String credentials(ConnectionSettings settings) {
        List<String> tried = new ArrayList<>();
        if (usesAgent(settings)) {
            tried.add("keys of ssh-agent at " + settings.agentSocket());
        }
        keyFiles(settings).forEach(key -> tried.add("key " + key));
        if (settings.password() != null) {
            tried.add("password");
        }
        return String.join(", ", tried);
    }

    private static TransportException unreachable(ConnectionSettings settings, String reason, Throwable cause) {
        return new TransportException(TransportException.Kind.UNREACHABLE, settings.hostName(),
                "cannot connect to " + where(settings) + ": " + reason, cause);
    }

    private static String where(ConnectionSettings settings) {
        return settings.user() + "@" + settings.address() + ":" + settings.port()
                + (settings.jumpHost() != null ? " via jump host " + settings.jumpHost().hostName() : "");
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static void sleep(ConnectionSettings settings, long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable(settings, "interrupted while waiting to retry", e);
        }
    }
}
