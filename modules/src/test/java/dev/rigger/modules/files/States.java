package dev.rigger.modules.files;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.rigger.core.transport.Stdin;
import java.util.List;

/** Probe states for plan tests, as the probe would report them. */
final class States {
    static final int UMASK = 022;

    private States() {}

    static FileProbe.State missing(String path) {
        return new FileProbe.State(FileProbe.Kind.MISSING, path, true, UMASK, 0, null, null, -1, -1, 0, null, null, null,
                null, false, List.of(), null, 0, path);
    }

    static FileProbe.State missingWithoutParent(String path) {
        return new FileProbe.State(FileProbe.Kind.MISSING, path, false, UMASK, 0, null, null, -1, -1, 0, null, null, null,
                null, false, List.of(), null, 0, path);
    }

    /** A root-owned 0644 file with {@code content} (fetched, as in diff mode or for line edits). */
    static FileProbe.State file(String path, String content) {
        return file(path, content.getBytes(UTF_8), 0644, "root", 0, "root", 0);
    }

    static FileProbe.State file(String path, byte[] content, int mode, String owner, int uid, String group, int gid) {
        return new FileProbe.State(FileProbe.Kind.FILE, path, true, UMASK, mode, owner, group, uid, gid, content.length,
                "2049:100", null, Stdin.of(content).sha256(), content, false, List.of(), null, 0, path);
    }

    /** The same file as the probe reports it outside diff mode: hash, no content. */
    static FileProbe.State fileWithoutContent(String path, String content) {
        byte[] b = content.getBytes(UTF_8);
        return new FileProbe.State(FileProbe.Kind.FILE, path, true, UMASK, 0644, "root", "root", 0, 0, b.length,
                "2049:100", null, Stdin.of(b).sha256(), null, false, List.of(), null, 0, path);
    }

    static FileProbe.State directory(String path) {
        return directory(path, 0755, List.of());
    }

    static FileProbe.State directory(String path, int mode, List<FileProbe.TreeEntry> tree) {
        return new FileProbe.State(FileProbe.Kind.DIRECTORY, path, true, UMASK, mode, "root", "root", 0, 0, 4096,
                "2049:7", null, null, null, false, tree, null, 0, path);
    }

    static FileProbe.State link(String path, String target) {
        return new FileProbe.State(FileProbe.Kind.LINK, path, true, UMASK, 0777, "root", "root", 0, 0, target.length(),
                "2049:9", target, null, null, false, List.of(), null, 0, path);
    }

    /** {@code state} with the link source probed: existing ({@code inode}) or not (null). */
    static FileProbe.State withSource(FileProbe.State s, String inode, int mode) {
        return new FileProbe.State(s.kind(), s.path(), s.parentExists(), s.umask(), s.mode(), s.owner(), s.group(),
                s.uid(), s.gid(), s.size(), s.inode(), s.linkTarget(), s.sha256(), s.content(), s.contentTooLarge(), s.tree(), inode, mode, s.realPath());
    }
}
