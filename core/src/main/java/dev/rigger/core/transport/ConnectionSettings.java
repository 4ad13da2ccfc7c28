package dev.rigger.core.transport;

import dev.rigger.core.secret.Secret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Everything needed to open a {@link Connection} to one host. Built from inventory variables
 * ({@code ansible_host}, {@code ansible_port}, ...) or directly in Java with {@link #builder(String)}.
 *
 * @param hostName        the inventory name, used in messages and events
 * @param type            {@link Type#SSH} or {@link Type#LOCAL}
 * @param address         DNS name or IP to connect to (defaults to the host name)
 * @param port            SSH port
 * @param user            login user
 * @param privateKeyFile  private key (ed25519, ECDSA or RSA; OpenSSH or PEM format), or null
 * @param privateKeyPassphrase passphrase of an encrypted private key, or null
 * @param agentSocket     ssh-agent's socket ({@code SSH_AUTH_SOCK}), used when no key is named; or null
 * @param password        login password, or null
 * @param becomePassword  become password (sudo's or su's) sent on stdin, or null for none
 * @param hostKeyPolicy   how the host key is verified
 * @param knownHostsFile  known_hosts to verify against (and to add to under ACCEPT_NEW)
 * @param jumpHost        a host to tunnel through (ProxyJump), or null
 * @param connectTimeout  limit for TCP connect + SSH handshake
 * @param commandTimeout  default limit for one script
 * @param keepAlive       how long the server may stay silent before a keepalive is sent ({@code ServerAliveInterval})
 * @param keepAliveCountMax keepalives left unanswered before the session counts as lost
 *                        ({@code ServerAliveCountMax}): a silent network is detected after
 *                        about {@code keepAlive * (keepAliveCountMax + 1)}
 * @param connectAttempts how often a refused or reset connection is tried (sshd MaxStartups)
 */
public record ConnectionSettings(
        String hostName,
        Type type,
        String address,
        int port,
        String user,
        Path privateKeyFile,
        Secret privateKeyPassphrase,
        Path agentSocket,
        Secret password,
        Secret becomePassword,
        HostKeyPolicy hostKeyPolicy,
        Path knownHostsFile,
        ConnectionSettings jumpHost,
        Duration connectTimeout,
        Duration commandTimeout,
        Duration keepAlive,
        int keepAliveCountMax,
        int connectAttempts) {

    public enum Type { SSH, LOCAL }

    public ConnectionSettings {
        Objects.requireNonNull(hostName, "hostName");
        Objects.requireNonNull(type, "type");
    }

    @Override
    public String toString() {
        // Secrets are records' components too: keep them out of any accidental log line.
        return "ConnectionSettings[" + hostName + " " + type + " " + user + "@" + address + ":" + port
                + (jumpHost != null ? " via " + jumpHost.hostName() : "") + "]";
    }

    /** The environment variable holding the passphrase of an encrypted private key: no prompt, ever. */
    public static final String KEY_PASSPHRASE_ENV = "RIGGER_SSH_KEY_PASSPHRASE";

    /** The agent socket {@code SSH_AUTH_SOCK} names in {@code env}, or null. */
    public static Path agentSocketOf(Map<String, String> env) {
        String socket = env.get("SSH_AUTH_SOCK");
        return socket == null || socket.isBlank() ? null : Path.of(socket);
    }

    /** The key passphrase {@value #KEY_PASSPHRASE_ENV} holds in {@code env}, or null. */
    public static Secret keyPassphraseOf(Map<String, String> env) {
        String passphrase = env.get(KEY_PASSPHRASE_ENV);
        return passphrase == null ? null : Secret.of(passphrase);
    }

    public static Builder builder(String hostName) {
        return new Builder(hostName);
    }

    public Builder toBuilder() {
        Builder b = new Builder(hostName);
        b.type = type; b.address = address; b.port = port; b.user = user;
        b.privateKeyFile = privateKeyFile; b.privateKeyPassphrase = privateKeyPassphrase; b.agentSocket = agentSocket;
        b.password = password; b.becomePassword = becomePassword;
        b.hostKeyPolicy = hostKeyPolicy; b.knownHostsFile = knownHostsFile; b.jumpHost = jumpHost;
        b.connectTimeout = connectTimeout; b.commandTimeout = commandTimeout; b.keepAlive = keepAlive;
        b.keepAliveCountMax = keepAliveCountMax;
        b.connectAttempts = connectAttempts;
        return b;
    }

    /**
     * Fluent builder with defaults that work: SSH on port 22 as the local user, strict host keys,
     * the ssh-agent and key passphrase of this process's environment.
     */
    public static final class Builder {
        private final String hostName;
        private Type type = Type.SSH;
        private String address;
        private int port = 22;
        private String user = System.getProperty("user.name");
        private Path privateKeyFile;
        private Secret privateKeyPassphrase = keyPassphraseOf(System.getenv());
        private Path agentSocket = agentSocketOf(System.getenv());
        private Secret password;
        private Secret becomePassword;
        private HostKeyPolicy hostKeyPolicy = HostKeyPolicy.STRICT;
        private Path knownHostsFile = Path.of(System.getProperty("user.home"), ".ssh", "known_hosts");
        private ConnectionSettings jumpHost;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration commandTimeout = Duration.ofMinutes(30);
        // A partitioned host is found lost within 5 s * (3 + 1) = 20 s, well inside the 30 s a
        // run should wait at most; sshd answers each keepalive, so a busy host never trips it.
        private Duration keepAlive = Duration.ofSeconds(5);
        private int keepAliveCountMax = 3;
        private int connectAttempts = 5;

        private Builder(String hostName) {
            this.hostName = hostName;
            this.address = hostName;
        }

        public Builder type(Type value) { this.type = value; return this; }
        public Builder local() { return type(Type.LOCAL); }
        public Builder address(String value) { this.address = value; return this; }
        public Builder port(int value) { this.port = value; return this; }
        public Builder user(String value) { this.user = value; return this; }
        public Builder privateKeyFile(Path value) { this.privateKeyFile = value; return this; }
        public Builder privateKeyPassphrase(Secret value) { this.privateKeyPassphrase = value; return this; }
        public Builder agentSocket(Path value) { this.agentSocket = value; return this; }
        public Builder password(Secret value) { this.password = value; return this; }
        public Builder becomePassword(Secret value) { this.becomePassword = value; return this; }
        public Builder hostKeyPolicy(HostKeyPolicy value) { this.hostKeyPolicy = value; return this; }
        public Builder knownHostsFile(Path value) { this.knownHostsFile = value; return this; }
        public Builder jumpHost(ConnectionSettings value) { this.jumpHost = value; return this; }
        public Builder connectTimeout(Duration value) { this.connectTimeout = value; return this; }
        public Builder commandTimeout(Duration value) { this.commandTimeout = value; return this; }
        public Builder keepAlive(Duration value) { this.keepAlive = value; return this; }
        public Builder keepAliveCountMax(int value) { this.keepAliveCountMax = value; return this; }
        public Builder connectAttempts(int value) { this.connectAttempts = value; return this; }

        public ConnectionSettings build() {
            return new ConnectionSettings(hostName, type, address, port, user, privateKeyFile, privateKeyPassphrase, agentSocket, password,
                    becomePassword, hostKeyPolicy, knownHostsFile, jumpHost, connectTimeout, commandTimeout,
                    keepAlive, keepAliveCountMax, connectAttempts);
        }
    }
}
