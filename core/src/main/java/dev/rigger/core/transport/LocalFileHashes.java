package dev.rigger.core.transport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The sha256 of controller files, remembered for the life of the process by path, size,
 * modification time and inode, the way {@code rsync} and {@code make} trust a file to be unchanged.
 * A long-lived controller (a service, a test suite, a play with the same file in several tasks)
 * then reads a big unchanged file once, not at every task that compares it with a host's.
 */
final class LocalFileHashes {

    private static final Map<Key, String> KNOWN = new ConcurrentHashMap<>();

    private LocalFileHashes() {
    }

    /** What identifies one version of a file; {@code inode} is null where the file system has none. */
    record Key(Path path, long size, FileTime modified, Object inode) {}

    static Key key(Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        return new Key(file.toAbsolutePath().normalize(), a.size(), a.lastModifiedTime(), a.fileKey());
    }

    /**
     * The known hash of this version of the file, or {@code compute}'s. It is remembered only
     * when the file still has the same key after being read: a file rewritten while it was hashed
     * must not leave a wrong hash under its old key.
     */
    static String sha256(Key key, Supplier<String> compute) {
        String known = KNOWN.get(key);
        if (known != null) return known;
        String sha256 = compute.get();
        try {
            if (key(key.path()).equals(key)) KNOWN.put(key, sha256);
        } catch (IOException e) {
            // Gone or unreadable now: nothing to remember; the write that follows reports it.
        }
        return sha256;
    }
}
