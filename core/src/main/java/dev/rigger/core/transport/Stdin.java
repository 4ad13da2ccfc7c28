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

    /** A controller file, read from disk at every exec; its hash is computed once. */
    static Stdin of(Path file) throws IOException {
        return new Streamed(file.toString(), Files.size(file), () -> {
            try {
                return Files.newInputStream(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /**
     * Bytes from a source that can be opened repeatedly, such as a class path resource.
     *
     * @param name   what to call it in messages
     * @param size   how many bytes each opening gives
     * @param opener opens the source; may throw {@link UncheckedIOException}
     */
    static Stdin of(String name, long size, Supplier<InputStream> opener) {
        return new Streamed(name, size, opener);
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
        private volatile String sha256;

        private Streamed(String name, long size, Supplier<InputStream> opener) {
            this.name = Objects.requireNonNull(name, "name");
            this.size = size;
            this.opener = Objects.requireNonNull(opener, "opener");
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

        @Override
        public String sha256() {
            String known = sha256;
            if (known == null) {
                known = Stdin.super.sha256();
                sha256 = known;
            }
            return known;
        }

        @Override
        public String toString() {
            return name + " (" + size + " bytes)";
        }
    }
}
