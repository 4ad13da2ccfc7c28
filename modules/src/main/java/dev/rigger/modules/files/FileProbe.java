package dev.rigger.modules.files;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.rigger.core.module.Footprint;
import dev.rigger.core.module.ModuleException;
import dev.rigger.core.module.Probe;
import dev.rigger.core.transport.ExecResult;
import dev.rigger.core.transport.RemoteFiles;
import dev.rigger.core.transport.ShellQuote;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The probe every file module shares: one side-effect-free script that prints what a path is
 * (missing, file, directory, symlink, other), its mode, owner and group, and for a regular file the
 * sha256 of its content and — when asked — the content itself; for a directory tree, the distinct
 * (type, mode, owner, group) combinations inside it. Parsed into a {@link State}. It also prints
 * where the path really is (symlinks resolved), so that batched probes know what it read
 * ({@link #reads}) and plans what they write ({@link State#written}).
 *
 * <p>The output is {@code key=value} lines; anything that may hold arbitrary bytes (content, link
 * targets, resolved paths) travels base64-encoded.
 */
final class FileProbe {
    /** Files up to this size are fetched for diffs; larger ones are compared by hash only. */
    static final int DIFF_LIMIT = 1024 * 1024;

    private final String path;
    private boolean follow;
    private boolean realPath;
    private String intoDirectoryAs;
    private int contentLimit = -1;
    private boolean tree;
    private String linkSource;

    private FileProbe(String path) {
        this.path = path;
    }

    /** Probes the absolute {@code path}; a symlink is reported as a link unless {@link #follow()} is set. */
    static FileProbe of(String path) {
        return new FileProbe(path);
    }

    /** Reports what a symlink points to (a dangling link is still reported as a link). */
    FileProbe follow() {
        this.follow = true;
        return this;
    }

    /** Resolves symlinks in the whole path first and probes the real file, as line edits write it. */
    FileProbe realPath() {
        this.realPath = true;
        return this;
    }

    /** When the path is an existing directory, probes {@code path/name} instead (copy into a directory). */
    FileProbe intoDirectoryAs(String name) {
        this.intoDirectoryAs = name;
        return this;
    }

    /** Fetches the content of a regular file of at most {@code limit} bytes. */
    FileProbe content(int limit) {
        this.contentLimit = limit;
        return this;
    }

    /** For a directory, lists the distinct type/mode/owner/group combinations in its whole tree. */
    FileProbe tree() {
        this.tree = true;
        return this;
    }

    /** Reports whether {@code src} exists (relative to the path's directory) and its device:inode. */
    FileProbe linkSource(String src) {
        this.linkSource = src;
        return this;
    }

    Probe<State> probe() {
        return Probe.of(script(), this::parse).reading(this::reads);
    }

    /**
     * What a result of this probe depends on: the path probed (its tree included, by the prefix
     * rule), the link source, and the user and group databases (it prints owner and group names).
     * "Anything" when the probed path, or the link source, resolved through a symlink on the host:
     * a change to any link on the way, wherever it is, would change what the probe sees.
     */
    Footprint reads(ExecResult result) {
        Map<String, String> values = values(result);
        String probed = decoded(values.get("path"));
        String real = decoded(values.get("real"));
        if (probed == null || real == null) return Footprint.anything();
        Footprint at = Footprint.of(probed);
        boolean asGiven = at.equals(Footprint.of(path))
                || intoDirectoryAs != null && at.equals(Footprint.of(path + "/" + intoDirectoryAs));
        if (!asGiven || !at.equals(Footprint.of(real))) return Footprint.anything();
        Footprint reads = at.plus(Footprint.NAME_DATABASES);
        if (linkSource != null) {
            String source = linkSource.startsWith("/") ? linkSource : ContentWrite.parentOf(probed) + "/" + linkSource;
            Footprint lexical = Footprint.of(source);
            if (!lexical.equals(Footprint.of(decoded(values.get("srcreal"))))) return Footprint.anything();
            reads = reads.plus(lexical);
        }
        return reads;
    }

    private static Map<String, String> values(ExecResult result) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : result.stdout().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && !line.startsWith("tree=")) values.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return values;
    }

    /** A base64 value as UTF-8, or null when missing, empty or not UTF-8. */
    private static String decoded(String base64) {
        if (base64 == null || base64.isEmpty()) return null;
        return text(Base64.getDecoder().decode(base64)).filter(s -> !s.isEmpty()).orElse(null);
    }

    String script() {
        StringBuilder s = new StringBuilder();
        s.append("p=").append(ShellQuote.quote(path)).append('\n');
        s.append("printf 'umask=%s\\n' \"$(umask)\"\n");
        if (intoDirectoryAs != null) {
            s.append("if [ -d \"$p\" ]; then p=\"$p\"/").append(ShellQuote.quote(intoDirectoryAs))
                    .append("; fi\n");
        }
        if (realPath) {
            // The trailing "." keeps $(...) from eating newlines that end the path itself.
            s.append("if r=$(readlink -f -- \"$p\" && echo .); then p=${r%??}; fi\n");
        }
        s.append("printf 'path=%s\\n' \"$(printf '%s' \"$p\" | base64 -w0)\"\n");
        s.append("d=${p%/*}; [ -n \"$d\" ] || d=/\n");
        // Where the path really is, every symlink on the way resolved (the last one only when it
        // is followed): batched probes and writes compare paths by where they really are.
        if (follow) {
            s.append("if r=$(readlink -m -- \"$p\"); then printf 'real=%s\\n' \"$(printf '%s' \"$r\" | base64 -w0)\"; fi\n");
        } else {
            s.append("if r=$(readlink -m -- \"$d\"); then printf 'real=%s\\n' \"$(printf '%s/%s' \"$r\" \"${p##*/}\" | base64 -w0)\"; fi\n");
        }
        s.append("if [ -d \"$d\" ]; then echo parent=dir; else echo parent=missing; fi\n");
        s.append(follow ? "if [ -L \"$p\" ] && [ ! -e \"$p\" ]; then t=link\n" : "if [ -L \"$p\" ]; then t=link\n");
        s.append("elif [ -d \"$p\" ]; then t=directory\n");
        s.append("elif [ -f \"$p\" ]; then t=file\n");
        s.append("elif [ -e \"$p\" ]; then t=other\n");
        s.append("else t=missing; fi\n");
        s.append("echo \"type=$t\"\n");
        s.append("if [ \"$t\" = link ]; then\n");
        s.append("  stat -c 'stat=%a|%U|%G|%u|%g|%s|%d:%i' -- \"$p\" || exit 1\n");
        s.append("  printf 'link=%s\\n' \"$(readlink -- \"$p\" | base64 -w0)\"\n");
        s.append("elif [ \"$t\" != missing ]; then\n");
        s.append("  stat -L -c 'stat=%a|%U|%G|%u|%g|%s|%d:%i' -- \"$p\" || exit 1\n");
        s.append("fi\n");
        s.append("if [ \"$t\" = file ]; then\n");
        s.append("  h=$(").append(RemoteFiles.SHA256).append(" < \"$p\") || exit 1\n");
        s.append("  echo \"sha256=${h%% *}\"\n");
        if (contentLimit >= 0) {
            s.append("  printf 'content='; head -c ").append(contentLimit + 1L).append(" < \"$p\" | base64 -w0; echo\n");
        }
        s.append("fi\n");
        if (tree) {
            s.append("if [ \"$t\" = directory ]; then\n");
            s.append("  find ").append(follow ? "-H " : "").append("\"$p\" -exec stat -c 'tree=%F|%a|%U|%G|%u|%g' {} + | sort -u\n");
            s.append("fi\n");
        }
        if (linkSource != null) {
            s.append("if s=$(cd \"$d\" 2>/dev/null && stat -L -c '%d:%i^%a' -- ").append(ShellQuote.quote(linkSource))
                    .append(" 2>/dev/null); then echo \"src=$s\"; else echo src=missing; fi\n");
            s.append("if r=$(cd \"$d\" 2>/dev/null && readlink -m -- ").append(ShellQuote.quote(linkSource))
                    .append("); then printf 'srcreal=%s\\n' \"$(printf '%s' \"$r\" | base64 -w0)\"; fi\n");
        }
        s.append("exit 0\n");
        return s.toString();
    }

    State parse(ExecResult result) {
        if (!result.succeeded()) {
            String why = result.stderr().strip();
            throw new ModuleException("cannot read " + path + (why.isEmpty() ? " (exit " + result.exitCode() + ")" : ": " + why));
        }
        Map<String, String> values = new LinkedHashMap<>();
        List<TreeEntry> entries = new ArrayList<>();
        for (String line : result.stdout().split("\n")) {
            int eq = line.indexOf('=');
            if (eq < 0) continue;
            String key = line.substring(0, eq);
            String value = line.substring(eq + 1);
            if (key.equals("tree")) entries.add(TreeEntry.parse(value));
            else values.put(key, value);
        }
        String type = values.get("type");
        if (type == null || !values.containsKey("path")) {
            throw new ModuleException("cannot read " + path + ": unexpected probe output: " + result.stdout().strip());
        }
        Kind kind = Kind.valueOf(type.toUpperCase(Locale.ROOT));
        String[] stat = values.containsKey("stat") ? values.get("stat").split("\\|", -1) : null;
        byte[] content = null;
        boolean tooLarge = false;
        if (values.containsKey("content")) {
            content = Base64.getDecoder().decode(values.get("content"));
            if (content.length > contentLimit) {
                content = null;
                tooLarge = true;
            }
        }
        String link = values.containsKey("link") ? stripNewline(name(values.get("link"))) : null;
        String[] source = values.containsKey("src") && !values.get("src").equals("missing") ? values.get("src").split("\\^") : null;
        return new State(
                kind,
                name(values.get("path")),
                "dir".equals(values.get("parent")),
                Integer.parseInt(values.getOrDefault("umask", "022"), 8),
                stat == null ? 0 : Integer.parseInt(stat[0], 8),
                stat == null ? null : stat[1],
                stat == null ? null : stat[2],
                stat == null ? -1 : Integer.parseInt(stat[3]),
                stat == null ? -1 : Integer.parseInt(stat[4]),
                stat == null ? 0 : Long.parseLong(stat[5]),
                stat == null ? null : stat[6],
                link,
                values.get("sha256"),
                content,
                tooLarge,
                List.copyOf(entries),
                source == null ? null : source[0],
                source == null ? 0 : Integer.parseInt(source[1], 8),
                decoded(values.get("real")));
    }

    /** A path or link target; one that is not UTF-8 could not be named again exactly, so it is refused. */
    private String name(String base64) {
        return text(Base64.getDecoder().decode(base64))
                .orElseThrow(() -> new ModuleException("cannot manage " + path + ": it resolves to a name that is not valid UTF-8"));
    }

    private static String stripNewline(String s) {
        return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }

    /** What the path is. */
    enum Kind { MISSING, FILE, DIRECTORY, LINK, OTHER }

    /**
     * What the probe saw.
     *
     * @param path          the path probed in the end (inside the directory, or the real path)
     * @param parentExists  whether the directory that holds {@code path} exists
     * @param umask         the probing shell's umask, to predict the mode of new files
     * @param inode         {@code device:inode}, to tell whether two names are one file
     * @param linkTarget    what a symlink points to, as written in the link
     * @param sha256        of a regular file's content
     * @param content       a regular file's content when asked for and small enough, else null
     * @param tree          distinct attribute combinations in a directory tree, when asked for
     * @param sourceInode   {@code device:inode} of the link source, or null when it does not exist
     * @param sourceMode    the link source's permission bits
     * @param realPath      {@code path} with every symlink on the way resolved, or null when unknown
     */
    record State(Kind kind, String path, boolean parentExists, int umask,
                 int mode, String owner, String group, int uid, int gid, long size, String inode,
                 String linkTarget, String sha256, byte[] content, boolean contentTooLarge,
                 List<TreeEntry> tree, String sourceInode, int sourceMode, String realPath) {

        boolean exists() {
            return kind != Kind.MISSING;
        }

        /**
         * What changing this path (its content, attributes, or what it is) writes: the path as
         * probed and where it really is, or "anything" when that is unknown. A temp file beside it,
         * renamed over it, needs no declaration of its own: nothing can probe its random name, and
         * the directory's listing is covered (a read of the directory overlaps the path).
         */
        Footprint written() {
            return realPath == null ? Footprint.anything() : Footprint.of(path, realPath);
        }

        /** The content as text, when it was fetched and is valid UTF-8 without NUL bytes. */
        Optional<String> text() {
            if (content == null) return Optional.empty();
            return FileProbe.text(content);
        }

        @Override
        public String toString() {
            return "State[" + kind + " " + path + " " + Integer.toOctalString(mode) + " " + owner + ":" + group
                    + (sha256 != null ? " " + sha256.substring(0, Math.min(12, sha256.length())) : "")
                    + (linkTarget != null ? " -> " + linkTarget : "") + "]";
        }
    }

    /** One distinct kind of entry in a directory tree: its type as stat names it, mode, owner, group. */
    record TreeEntry(String type, int mode, String owner, String group, int uid, int gid) {
        static TreeEntry parse(String line) {
            String[] f = line.split("\\|", -1);
            return new TreeEntry(f[0], Integer.parseInt(f[1], 8), f[2], f[3], Integer.parseInt(f[4]), Integer.parseInt(f[5]));
        }

        boolean isLink() {
            return type.equals("symbolic link");
        }

        boolean isDirectory() {
            return type.equals("directory");
        }
    }

    /** {@code bytes} as text when they are valid UTF-8 without NUL bytes (a binary file has no diff). */
    static Optional<String> text(byte[] bytes) {
        for (byte b : bytes) {
            if (b == 0) return Optional.empty();
        }
        try {
            return Optional.of(UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }
}
