package dev.rigger.core.transport;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Builds the script that writes a file on a target atomically. The content streams in on the
 * script's stdin (raw, see {@code RemoteShell}), lands in a temp file created in the target's own
 * directory (so the final {@code mv} is a rename on one filesystem), must have the sha256 the
 * controller computed (a connection lost mid-transfer ends the input early, and that part must
 * never become the file), gets its mode and owner, and only then replaces the target. On any
 * failure the trap removes the temp file and the old target stays untouched. A temp file that a
 * killed write could not remove (SIGKILL, power cut) is named after its target, and the next
 * write of that target removes it.
 *
 * <p>{@link #validate} runs a checker (such as {@code visudo -cf %s}) on the temp file before the
 * swap; when it refuses, the script exits {@link #VALIDATION_FAILED} with the checker's output on
 * stderr and the target is untouched. {@link #backup} keeps the replaced file next to it.
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

    /**
     * A shell command printing the sha256 of its stdin in hex as the first word of its output:
     * OpenSSL's where it is installed (it uses the CPU's SHA instructions, about a seventh of the
     * CPU time of coreutils' {@code sha256sum} on a big file, which is what a big copy's host
     * spends most on), {@code sha256sum} otherwise. A missing {@code openssl} has read nothing,
     * so {@code sha256sum} then reads all of it.
     */
    public static final String SHA256 = "{ openssl dgst -sha256 -r 2>/dev/null || sha256sum; }";
    /** Exit status of the write script when the validate command refused the new content. */
    public static final int VALIDATION_FAILED = 86;
    /** Exit status of the write script when the bytes that arrived are not the ones sent. */
    public static final int INCOMPLETE = 87;
    /** Bytes of the target's name kept in the temp file's: room left in a 255-byte name for its own prefix and suffix. */
    private static final int MAX_TEMP_BASE = 200;

    private static final Pattern OCTAL_MODE = Pattern.compile("[0-7]{3,4}");

    private final String path;
    private final Stdin content;
    private String mode;
    private String owner;
    private String group;
    private List<String> validate;
    private boolean backup;

    private RemoteFiles(String path, Stdin content) {
        this.path = path;
        this.content = content;
    }

    /** Starts a write of {@code content} to the absolute {@code path}. */
    public static RemoteFiles write(String path, byte[] content) {
        return write(path, Stdin.of(Objects.requireNonNull(content, "content")));
    }

    /** Starts a write of {@code content}, streamed from its source, to the absolute {@code path}. */
    public static RemoteFiles write(String path, Stdin content) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(content, "content");
        if (!path.startsWith("/") || path.endsWith("/")) {
            throw new IllegalArgumentException("need an absolute file path, not a directory: " + path);
        }
        return new RemoteFiles(path, content);
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

    /**
     * Runs {@code command} (a program and its arguments, not a shell line) on the temp file before
     * it replaces the target; {@code %s} in any argument stands for the temp file's path and
     * {@code %%} for a plain {@code %}.
     */
    public RemoteFiles validate(List<String> command) {
        if (command.isEmpty() || command.stream().noneMatch(word -> word.contains("%s"))) {
            throw new IllegalArgumentException("a validate command needs %s where the file goes: " + command);
        }
        this.validate = List.copyOf(command);
        return this;
    }

    /**
     * Keeps a copy of the file being replaced as {@code PATH.PID.YYYY-MM-DD@HH:MM:SS~} (Ansible's
     * naming) and prints {@code backup_file=COPY} on stdout. Nothing is kept when there was no file.
     */
    public RemoteFiles backup() {
        this.backup = true;
        return this;
    }

    /** The request: exit 0 when the file is in place, non-zero with a message on stderr otherwise. */
    public ExecRequest request() {
        StringBuilder s = new StringBuilder();
        s.append("set -eu\n");
        s.append("target=").append(ShellQuote.quote(path)).append('\n');
        String prefix = tempPrefix();
        s.append("rm -f -- ").append(ShellQuote.quote(prefix)).append("????????\n"); // a killed write's leftover
        s.append("tmp=$(mktemp ").append(ShellQuote.quote(prefix)).append("XXXXXXXX)\n");
        s.append("trap 'rm -f -- \"$tmp\"' EXIT\n");
        // PIPE too: a lost connection must not kill the script before its EXIT trap has run.
        s.append("trap 'exit 129' HUP INT TERM PIPE\n");
        // Hashed as it arrives, not read back afterwards: a big file costs one pass on the host,
        // overlapped with the transfer. If tee fails (disk full), one more byte makes the sum
        // mismatch, so the failure cannot pass for a complete file.
        s.append("sum=$({ tee -- \"$tmp\" || printf x; } | ").append(SHA256).append(")\n");
        s.append("if [ \"${sum%% *}\" != ").append(content.sha256()).append(" ]; then\n");
        s.append("  echo \"received $(wc -c < \"$tmp\") of ").append(content.size())
                .append(" bytes or other bytes than sent (sha256 mismatch); the file was not changed\" >&2\n");
        s.append("  exit ").append(INCOMPLETE).append('\n');
        s.append("fi\n");
        if (mode == null || owner == null || group == null) {
            s.append("if [ -e \"$target\" ]; then\n");
            if (mode == null) {
                s.append("  chmod \"$(stat -L -c %a -- \"$target\")\" -- \"$tmp\"\n");
            }
            if (owner == null || group == null) {
                // Only root can give a file away; anyone else's new file is simply theirs.
                s.append("  if [ \"$(id -u)\" = 0 ]; then chown \"$(stat -L -c %u:%g -- \"$target\")\" -- \"$tmp\"; fi\n");
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
        if (validate != null) {
            // The checker's chatter is only worth showing when it refuses.
            s.append("rc=0\n");
            s.append("out=$(").append(validateCommand()).append(" 2>&1) || rc=$?\n");
            s.append("if [ \"$rc\" -ne 0 ]; then\n");
            s.append("  printf '%s\\n' \"$out\" >&2\n");
            s.append("  printf 'validation command exited %s\\n' \"$rc\" >&2\n");
            s.append("  exit ").append(VALIDATION_FAILED).append('\n');
            s.append("fi\n");
        }
        if (backup) {
            s.append("if [ -e \"$target\" ] || [ -L \"$target\" ]; then\n");
            s.append("  backup=\"$target.$$.$(date +%Y-%m-%d@%H:%M:%S)~\"\n");
            s.append("  cp -pP -- \"$target\" \"$backup\"\n");
            s.append("  printf 'backup_file=%s\\n' \"$backup\"\n");
            s.append("fi\n");
        }
        s.append("mv -f -- \"$tmp\" \"$target\"\n");
        s.append("trap - EXIT\n");
        return ExecRequest.of(s.toString()).withStdin(content);
    }

    /**
     * {@code DIR/.NAME.rigger-}: hidden, in the target's directory, and named after the target, so
     * that a leftover is recognisably this target's and no other write's temp file is touched.
     */
    private String tempPrefix() {
        int slash = path.lastIndexOf('/');
        String name = path.substring(slash + 1);
        // Names are limited in bytes: a 255-byte name of 3-byte characters is 85 chars long.
        while (name.getBytes(UTF_8).length > MAX_TEMP_BASE) {
            name = name.substring(0, name.offsetByCodePoints(name.length(), -1));
        }
        return path.substring(0, slash + 1) + "." + name + ".rigger-";
    }

    /**
     * Each word quoted, with every {@code %s} replaced by the temp file's path and {@code %%} by a
     * plain {@code %}, as Ansible's {@code validate % path} does.
     */
    private String validateCommand() {
        StringBuilder line = new StringBuilder();
        for (String word : validate) {
            if (line.length() > 0) line.append(' ');
            StringBuilder literal = new StringBuilder();
            boolean wrote = false;
            for (int i = 0; i < word.length(); i++) {
                char c = word.charAt(i);
                char next = i + 1 < word.length() ? word.charAt(i + 1) : 0;
                if (c == '%' && next == 's') {
                    if (literal.length() > 0) line.append(ShellQuote.quote(literal.toString()));
                    literal.setLength(0);
                    line.append("\"$tmp\"");
                    wrote = true;
                    i++;
                } else if (c == '%' && next == '%') {
                    literal.append('%');
                    i++;
                } else {
                    literal.append(c);
                }
            }
            if (literal.length() > 0 || !wrote) line.append(ShellQuote.quote(literal.toString()));
        }
        return line.toString();
    }
}
