package dev.rigger.core.transport;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The bytes a script reads on its stdin. They are opened anew for every exec and streamed to the
 * host from their source, so a large file goes to many hosts without ever being held in memory,
 * neither once nor once per host.
 *
 * <pre>{@code
 * ExecRequest upload = RemoteFiles.write("/srv/app.tar", Stdin.of(Path.of("build/app.tar"))).request();
 * }</pre>
 */
public interface Stdin {

    /** A new stream over all the bytes, from the first; the caller closes it. */
    InputStream open() throws IOException;

    /** How many bytes {@link #open} gives. */
    long size();

    /** The bytes' sha256 in lower-case hex. Sources that are read whole once remember it. */
    default String sha256() {
        MessageDigest digest = sha256Digest();
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = open()) {
            for (int n; (n = in.read(buffer)) > 0; ) digest.update(buffer, 0, n);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + this + ": " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** All the bytes in memory: for small inputs only (scripts' parameters, tests). */
    default byte[] readAll() {
        try (InputStream in = open()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + this + ": " + e.getMessage(), e);
        }
    }

    /** Bytes already in memory (copied, so the caller may reuse its array). */
    static Stdin of(byte[] bytes) {
        return new Bytes(bytes.clone());
    }

    /**
     * A controller file, read from disk at every exec. Its hash is computed once for the life of
     * the process, as long as the file keeps its size, modification time and inode (see
     * {@link LocalFileHashes}): a big unchanged file is not read again just to learn it is unchanged.
     */
    static Stdin of(Path file) throws IOException {
        LocalFileHashes.Key key = LocalFileHashes.key(file);
        return new Streamed(file.toString(), key.size(), () -> {
            try {
                return Files.newInputStream(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, key);
    }

    /**
     * Bytes from a source that can be opened repeatedly, such as a class path resource.
     *
     * @param name   what to call it in messages
     * @param size   how many bytes each opening gives
     * @param opener opens the source; may throw {@link UncheckedIOException}
     */
    static Stdin of(String name, long size, Supplier<InputStream> opener) {
        return new Streamed(name, size, opener, null);
    }

    static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** Bytes in memory. */
    final class Bytes implements Stdin {
        private final byte[] bytes;

        private Bytes(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public InputStream open() {
            return new ByteArrayInputStream(bytes);
        }

        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public String sha256() {
            return HexFormat.of().formatHex(sha256Digest().digest(bytes));
        }

        @Override
        public byte[] readAll() {
            return bytes.clone();
        }

        @Override
        public String toString() {
            // Never the content: it may be a secret.
            return bytes.length + " bytes";
        }
    }

    /** Bytes read from their source at every opening. */
    final class Streamed implements Stdin {
        private final String name;
        private final long size;
        private final Supplier<InputStream> opener;
        private final LocalFileHashes.Key file; // null: not a controller file
        private String sha256; // guarded by this

        private Streamed(String name, long size, Supplier<InputStream> opener, LocalFileHashes.Key file) {
            this.name = Objects.requireNonNull(name, "name");
            this.size = size;
            this.opener = Objects.requireNonNull(opener, "opener");
            this.file = file;
        }

        @Override
        public InputStream open() throws IOException {
            try {
                return opener.get();
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }

        @Override
        public long size() {
            return size;
        }

        /**
         * Computed by the first caller while the others wait: the hosts of a task plan at the same
         * time, and each reading a gigabyte for the same answer would cost more than the copy.
         */
        @Override
        public synchronized String sha256() {
            if (sha256 == null) {
                sha256 = file == null ? Stdin.super.sha256() : LocalFileHashes.sha256(file, Stdin.super::sha256);
            }
            return sha256;
        }

        @Override
        public String toString() {
            return name + " (" + size + " bytes)";
        }
    }
}
