package dev.rigger.modules.files;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.rigger.core.module.ModuleArgumentException;
import dev.rigger.core.module.Args;
import dev.rigger.core.module.FileMode;
import dev.rigger.core.module.Module;
import dev.rigger.core.module.ModuleContext;
import dev.rigger.core.module.ModuleType;
import dev.rigger.core.module.Plan;
import dev.rigger.core.module.Probe;
import dev.rigger.core.secret.Secret;
import dev.rigger.core.transport.Stdin;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Puts a file on the host: a controller file ({@code src}) or literal {@code content}, written
 * atomically, compared by sha256 so an identical file costs one exec and no transfer. A changed
 * file streams to the host raw, in one exec, without being held in the controller's memory (a
 * 1 GiB file to 10 hosts needs no more heap than a small one); the host checks its sha256 before
 * the rename, so a transfer cut short never becomes the file.
 *
 * <ul>
 *   <li>{@code dest} (required) — absolute path. When it ends in {@code /} or is an existing
 *       directory, the file goes inside it under the name of {@code src} ({@code /} also creates
 *       the directory when missing). Otherwise its directory must exist.</li>
 *   <li>{@code src} — a controller file: the role's {@code files/} folder, then the playbook's
 *       folder, then the class path. Exactly one of {@code src} and {@code content}.</li>
 *   <li>{@code content} — the text to write; from a secret variable it is never shown in diffs.</li>
 *   <li>{@code mode} — quoted octal ({@code "0640"}) or symbolic ({@code "u=rw,g=r,o="}); without
 *       it a replaced file keeps its mode and a new one gets {@code 0666} minus the umask.</li>
 *   <li>{@code owner}, {@code group} — names or numeric ids; without them a replaced file keeps its own.</li>
 *   <li>{@code backup} — keep the replaced file as {@code DEST.PID.DATE@TIME~} (registered as {@code backup_file}).</li>
 *   <li>{@code force} — default true; false writes only when {@code dest} does not exist.</li>
 *   <li>{@code validate} — a checker run on the new file before it replaces the old, {@code %s}
 *       standing for it: {@code visudo -cf %s}. If it fails, the old file stays and the task fails
 *       with the checker's output.</li>
 * </ul>
 *
 * <pre>{@code
 * - name: sudo rights for deploy
 *   copy:
 *     src: deploy.sudoers
 *     dest: /etc/sudoers.d/deploy
 *     mode: "0440"
 *     validate: visudo -cf %s
 * }</pre>
 *
 * <pre>{@code
 * CopyFile motd = CopyFile.content("/etc/motd", "managed by rigger\n").mode("0644").build();
 * }</pre>
 *
 * Exec budget: unchanged 1 (the probe), changed 2 (probe, write).
 *
 * @param src           controller file name, or null
 * @param content       literal content, or null
 * @param secretContent literal content that must never be shown, or null
 */
public record CopyFile(String src, String content, Secret secretContent, String dest, FileAttributes attributes,
                       boolean backup, boolean force, List<String> validate) implements Module<FileProbe.State> {

    public CopyFile {
        Objects.requireNonNull(dest, "dest");
        int sources = (src != null ? 1 : 0) + (content != null ? 1 : 0) + (secretContent != null ? 1 : 0);
        if (sources != 1) throw new IllegalArgumentException("copy needs exactly one of src and content");
        if (!dest.startsWith("/")) throw new ModuleArgumentException("copy", "dest", "'" + dest + "' must be an absolute path");
        validate = List.copyOf(validate);
        destination(src, dest); // rejects a directory dest for content early
    }

    /** Copies the controller file {@code src} to {@code dest}. */
    public static Builder src(String dest, String src) {
        return new Builder(dest).src(src);
    }

    /** Writes {@code content} to {@code dest}. */
    public static Builder content(String dest, String content) {
        return new Builder(dest).content(content);
    }

    /** Writes a secret to {@code dest}; diffs never show it. */
    public static Builder content(String dest, Secret content) {
        return new Builder(dest).content(content);
    }

    @Override
    public String moduleName() {
        return "copy";
    }

    @Override
    public Probe<FileProbe.State> probe(ModuleContext context) {
        FileProbe probe = destination(src, dest).probe();
        if (context.diffMode()) probe.content(FileProbe.DIFF_LIMIT);
        return probe.probe();
    }

    @Override
    public Plan plan(FileProbe.State state, ModuleContext context) {
        Stdin bytes;
        Redaction redaction;
        if (src != null) {
            // Streamed from the file at the write, never held in memory: it may be gigabytes.
            bytes = context.localFile(src, "files");
            redaction = Redaction.none();
        } else if (secretContent != null) {
            bytes = Stdin.of(secretContent.reveal().getBytes(UTF_8));
            redaction = Redaction.hidden();
        } else {
            bytes = Stdin.of(content.getBytes(UTF_8));
            redaction = Redaction.none();
        }
        boolean createParents = destination(src, dest).createParents();
        return new ContentWrite(bytes, redaction, attributes, backup, validate, force, createParents, false, null)
                .plan(state, context.diffMode());
    }

    private static Destination destination(String src, String dest) {
        return Destination.of(dest, src == null ? null : FileArgs.basename(src));
    }

    /** Builds a {@link CopyFile}; {@code force} defaults to true. */
    public static final class Builder {
        private final String dest;
        private String src;
        private String content;
        private Secret secretContent;
        private FileMode mode;
        private String owner;
        private String group;
        private boolean backup;
        private boolean force = true;
        private List<String> validate = List.of();

        private Builder(String dest) {
            this.dest = dest;
        }

        public Builder src(String value) { this.src = value; return this; }
        public Builder content(String value) { this.content = value; return this; }
        public Builder content(Secret value) { this.secretContent = value; return this; }
        public Builder mode(String value) { this.mode = FileMode.parse(value); return this; }
        public Builder owner(String value) { this.owner = value; return this; }
        public Builder group(String value) { this.group = value; return this; }
        public Builder backup(boolean value) { this.backup = value; return this; }
        public Builder force(boolean value) { this.force = value; return this; }
        /** Checker words with {@code %s} for the new file, e.g. {@code List.of("visudo", "-cf", "%s")}. */
        public Builder validate(List<String> value) { this.validate = value; return this; }

        public CopyFile build() {
            return new CopyFile(src, content, secretContent, dest, new FileAttributes(mode, owner, group),
                    backup, force, validate);
        }
    }

    /** YAML binding: {@code copy} / {@code copy_file}. */
    public static final class Type implements ModuleType {
        @Override
        public List<String> names() {
            return List.of("copy", "copy_file");
        }

        @Override
        public Set<String> parameters() {
            return Set.of("src", "content", "dest", "mode", "owner", "group", "backup", "force", "validate");
        }

        @Override
        public Set<String> required() {
            return Set.of("dest");
        }

        @Override
        public Module<?> create(Args args) {
            args.requireKnown(parameters());
            String dest = args.string("dest");
            if (!dest.startsWith("/")) throw args.error("dest", "'dest' must be an absolute path, got '" + dest + "'");
            boolean hasSrc = args.has("src");
            if (hasSrc == args.has("content")) {
                throw hasSrc ? args.error("content", "content: give either 'src' or 'content', not both")
                        : args.error("dest", "content: needs 'content' or 'src' (a controller file)");
            }
            if (!hasSrc && dest.endsWith("/")) {
                throw args.error("dest", "'dest' ends in / (a directory), but 'content' has no file name; give the file's full path");
            }
            String content = null;
            Secret secret = null;
            if (args.has("content")) {
                if (FileArgs.isSecret(args, "content")) secret = args.secret("content").orElseThrow();
                else content = args.string("content");
            }
            return new CopyFile(args.optionalString("src").orElse(null), content, secret, dest, FileAttributes.from(args),
                    args.bool("backup", false), args.bool("force", true), FileArgs.validate(args));
        }
    }
}
