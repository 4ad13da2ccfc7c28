package dev.rigger.core.transport;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Builds the script that writes a file on a target atomically. The content travels on the
 * script's stdin (base64 in the payload, see {@link RemoteShell}), lands in a temp file created in
 * the target's own directory (so the final {@code mv} is a rename on one filesystem), gets its mode
 * and owner, and only then replaces the target. On any failure the trap removes the temp file and
 * the old target stays untouched.
 *
 * <p>Unset attributes keep those of the file being replaced: its mode, and its owner and group when
 * the script runs as root. A new file without a mode gets {@code 0666} minus the umask, as
 * {@code cp} would give it. A symlink at the path is replaced by the file, not followed.
 *
 * <pre>{@code
 * ExecRequest write = RemoteFiles.write("/etc/app.conf", bytes).mode("0640").owner("root").group("app")
 *         .request().asRoot();
 * }</pre>
 */
public final class RemoteFiles {

    private static final Pattern OCTAL_MODE = Pattern.compile("[0-7]{3,4}");

    private final String path;
    private final byte[] content;
    private String mode;
    private String owner;
    private String group;

    private RemoteFiles(String path, byte[] content) {
        this.path = path;
        this.content = content;
    }

    /** Starts a write of {@code content} to the absolute {@code path}. */
    public static RemoteFiles write(String path, byte[] content) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(content, "content");
        if (!path.startsWith("/") || path.endsWith("/")) {
            throw new IllegalArgumentException("need an absolute file path, not a directory: " + path);
        }
        return new RemoteFiles(path, content.clone());
    }

    /** Octal mode such as {@code 0644}. */
    public RemoteFiles mode(String octal) {
        if (!OCTAL_MODE.matcher(octal).matches()) {
            throw new IllegalArgumentException("mode must be octal like 0644, not " + octal);
        }
        this.mode = octal;
        return this;
    }

    public RemoteFiles owner(String user) {
        this.owner = Objects.requireNonNull(user, "owner");
        return this;
    }

    public RemoteFiles group(String name) {
        this.group = Objects.requireNonNull(name, "group");
        return this;
    }

    /** The request: exit 0 when the file is in place, non-zero with a message on stderr otherwise. */
    public ExecRequest request() {
        StringBuilder s = new StringBuilder();
        s.append("set -eu\n");
        s.append("target=").append(ShellQuote.quote(path)).append('\n');
        s.append("tmp=$(mktemp \"$(dirname -- \"$target\")/.rigger-upload.XXXXXXXX\")\n");
        s.append("trap 'rm -f -- \"$tmp\"' EXIT\n");
        s.append("trap 'exit 129' HUP INT TERM\n");
        s.append("cat > \"$tmp\"\n");
        if (mode == null || owner == null || group == null) {
            s.append("if [ -e \"$target\" ]; then\n");
            if (mode == null) {
                s.append("  chmod \"$(stat -c %a -- \"$target\")\" -- \"$tmp\"\n");
            }
            if (owner == null || group == null) {
                // Only root can give a file away; anyone else's new file is simply theirs.
                s.append("  if [ \"$(id -u)\" = 0 ]; then chown \"$(stat -c %u:%g -- \"$target\")\" -- \"$tmp\"; fi\n");
            }
            if (mode == null) {
                s.append("else\n");
                s.append("  chmod \"$(printf '%o' $((0666 & ~$(umask))))\" -- \"$tmp\"\n");
            }
            s.append("fi\n");
        }
        if (mode != null) {
            s.append("chmod ").append(mode).append(" -- \"$tmp\"\n");
        }
        if (owner != null) {
            s.append("chown ").append(ShellQuote.quote(group == null ? owner : owner + ":" + group))
                    .append(" -- \"$tmp\"\n");
        } else if (group != null) {
            s.append("chgrp ").append(ShellQuote.quote(group)).append(" -- \"$tmp\"\n");
        }
        s.append("mv -f -- \"$tmp\" \"$target\"\n");
        s.append("trap - EXIT\n");
        return ExecRequest.of(s.toString()).withStdin(content);
    }
}
