package dev.rigger.core.transport;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.jcraft.jsch.HostKey;
import com.jcraft.jsch.HostKeyRepository;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.UserInfo;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Host key verification against an OpenSSH known_hosts file, by {@link HostKeyPolicy}. Matching
 * (including hashed entries) is JSch's; what this class adds is the policy and a safe way to add
 * keys: under {@link HostKeyPolicy#ACCEPT_NEW} many connections may meet new hosts at once, so an
 * unknown key is appended under a JVM-wide monitor plus an OS file lock, after re-reading the file,
 * with one append of a whole line. A changed key is always refused.
 *
 * <p>JSch asks {@link #check} during the handshake; when it refuses, {@link #rejection()} explains
 * why for the error message.
 */
final class KnownHostsFile implements HostKeyRepository {

    private static final ConcurrentMap<Path, Object> APPEND_LOCKS = new ConcurrentHashMap<>();

    private final Path file;
    private final HostKeyPolicy policy;
    private volatile String rejection;

    KnownHostsFile(Path file, HostKeyPolicy policy) {
        this.file = file.toAbsolutePath().normalize();
        this.policy = policy;
    }

    /** Why the last check refused the key, or null. */
    String rejection() {
        return rejection;
    }

    @Override
    public int check(String host, byte[] key) {
        if (policy == HostKeyPolicy.OFF) {
            return OK;
        }
        int verdict = read().check(host, key);
        if (verdict == NOT_INCLUDED && policy == HostKeyPolicy.ACCEPT_NEW) {
            verdict = appendIfStillUnknown(host, key);
        }
        if (verdict != OK) {
            rejection = describe(verdict, host, key);
        }
        return verdict;
    }

    @Override
    public void add(HostKey hostkey, UserInfo ui) {
        // JSch only adds keys for StrictHostKeyChecking=no/ask, which Rigger never sets.
        throw new UnsupportedOperationException("keys are added by check() under ACCEPT_NEW");
    }

    @Override
    public void remove(String host, String type) {
        throw new UnsupportedOperationException("Rigger never removes known host keys");
    }

    @Override
    public void remove(String host, String type, byte[] key) {
        throw new UnsupportedOperationException("Rigger never removes known host keys");
    }

    @Override
    public String getKnownHostsRepositoryID() {
        return file.toString();
    }

    @Override
    public HostKey[] getHostKey() {
        return read().getHostKey();
    }

    /** Used by JSch to prefer the key types already known for the host during negotiation. */
    @Override
    public HostKey[] getHostKey(String host, String type) {
        return read().getHostKey(host, type);
    }

    private int appendIfStillUnknown(String host, byte[] key) {
        synchronized (APPEND_LOCKS.computeIfAbsent(file, f -> new Object())) {
            try {
                createParent();
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
                        FileLock lock = channel.lock()) {
                    // Read through this channel only: closing any other descriptor of the file
                    // would drop this process's lock (POSIX record locks).
                    ByteBuffer content = ByteBuffer.allocate(Math.toIntExact(channel.size()));
                    while (content.hasRemaining()) {
                        if (channel.read(content, content.position()) < 0) {
                            break;
                        }
                    }
                    // Another process or connection may have added this host meanwhile.
                    int verdict = repository(content.array()).check(host, key);
                    if (verdict != NOT_INCLUDED) {
                        return verdict;
                    }
                    HostKey entry = new HostKey(host, key);
                    String line = entry.getHost() + " " + entry.getType() + " " + entry.getKey() + "\n";
                    byte[] existing = content.array();
                    if (existing.length > 0 && existing[existing.length - 1] != '\n') {
                        line = "\n" + line;
                    }
                    channel.write(ByteBuffer.wrap(line.getBytes(UTF_8)), existing.length);
                    return OK;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot add the host key of " + host + " to " + file, e);
            } catch (JSchException e) {
                throw new IllegalStateException("unreadable host key from " + host, e);
            }
        }
    }

    private void createParent() throws IOException {
        Path dir = file.getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
    }

    /** A fresh view of the file: other connections and processes may have changed it. */
    private HostKeyRepository read() {
        try {
            return repository(Files.exists(file) ? Files.readAllBytes(file) : new byte[0]);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read known hosts file " + file, e);
        }
    }

    private HostKeyRepository repository(byte[] content) {
        JSch jsch = new JSch();
        try {
            jsch.setKnownHosts(new ByteArrayInputStream(content));
        } catch (JSchException e) {
            throw new IllegalStateException("cannot parse known hosts file " + file, e);
        }
        return jsch.getHostKeyRepository();
    }

    private String describe(int verdict, String host, byte[] key) {
        String offered;
        try {
            HostKey hostKey = new HostKey(host, key);
            offered = hostKey.getType() + " " + hostKey.getFingerPrint(new JSch());
        } catch (JSchException e) {
            offered = "an unreadable key";
        }
        if (verdict == CHANGED) {
            return "host key of " + host + " has CHANGED (it offered " + offered + ", which does not match " + file
                    + "); possible man-in-the-middle: if the host was re-installed, remove its old entry";
        }
        return "host key of " + host + " is unknown (" + offered + " is not in " + file + "); to trust it, run: "
                + keyscan(host) + " >> " + file;
    }

    /** The ssh-keyscan command that prints the entry for {@code host}, as JSch names it ({@code [addr]:port} off port 22). */
    static String keyscan(String host) {
        String address = host;
        String port = "22";
        if (host.startsWith("[") && host.contains("]:")) {
            address = host.substring(1, host.lastIndexOf("]:"));
            port = host.substring(host.lastIndexOf("]:") + 2);
        }
        return "ssh-keyscan -p " + port + " " + address;
    }
}
