package dev.rigger.modules.files;

import dev.rigger.core.module.ModuleArgumentException;
import dev.rigger.core.module.Args;
import dev.rigger.core.module.FileMode;
import dev.rigger.core.module.Module;
import dev.rigger.core.module.ModuleContext;
import dev.rigger.core.module.ModuleContext.RenderedTemplate;
import dev.rigger.core.module.ModuleType;
import dev.rigger.core.module.Plan;
import dev.rigger.core.module.Probe;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Renders a Mustache template on the controller with the host's variables (facts, vars,
 * {@code hostvars}, {@code groups}, {@code group_hosts}) and writes the result atomically when its
 * sha256 differs from the file on the host. The template's bytes outside its tags reach the file
 * exactly: CRLF, a missing last newline, bytes that are not UTF-8. Secrets render for real into the file but only as
 * {@code ********} in diffs, events and error messages — also where the host's old file still
 * holds an older secret value.
 *
 * <ul>
 *   <li>{@code src} (required) — template in the role's {@code templates/} folder (then the
 *       playbook's folder, then the class path); see docs/templates.md.</li>
 *   <li>{@code dest} (required) — absolute path. When it ends in {@code /} or is an existing
 *       directory, the file goes inside it, named after {@code src} without {@code .mustache}.</li>
 *   <li>{@code mode}, {@code owner}, {@code group} — as for {@code copy}.</li>
 *   <li>{@code validate} — checker run on the new file before the swap, {@code %s} standing for it:
 *       {@code haproxy -c -f %s}, {@code keepalived -t -f %s}, {@code sshd -t -f %s}. When it fails
 *       the old file stays, no temp file is left, and the task fails with the checker's output.</li>
 *   <li>{@code backup} — keep the replaced file as {@code DEST.PID.DATE@TIME~}.</li>
 *   <li>{@code force} — default true; false renders only when {@code dest} does not exist.</li>
 * </ul>
 *
 * <pre>{@code
 * - name: haproxy config
 *   template:
 *     src: haproxy.cfg.mustache
 *     dest: /etc/haproxy/haproxy.cfg
 *     mode: "0644"
 *     validate: haproxy -c -f %s
 *   notify: reload haproxy
 * }</pre>
 *
 * <pre>{@code
 * TemplateFile cfg = TemplateFile.of("haproxy.cfg.mustache", "/etc/haproxy/haproxy.cfg")
 *         .mode("0644").validate(List.of("haproxy", "-c", "-f", "%s")).build();
 * }</pre>
 *
 * Exec budget: unchanged 1 (the probe), changed 2 (probe, write). Rendering happens on the controller.
 */
public record TemplateFile(String src, String dest, FileAttributes attributes, boolean backup, boolean force,
                       List<String> validate) implements Module<FileProbe.State> {
    private static final String SUFFIX = ".mustache";

    public TemplateFile {
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(dest, "dest");
        if (!dest.startsWith("/")) throw new ModuleArgumentException("template", "dest", "'" + dest + "' must be an absolute path");
        validate = List.copyOf(validate);
    }

    public static Builder of(String src, String dest) {
        return new Builder(src, dest);
    }

    @Override
    public String moduleName() {
        return "template";
    }

    @Override
    public Probe<FileProbe.State> probe(ModuleContext context) {
        FileProbe probe = destination().probe();
        if (context.diffMode()) probe.content(FileProbe.DIFF_LIMIT);
        return probe.probe();
    }

    @Override
    public Plan plan(FileProbe.State state, ModuleContext context) {
        // Bytes that are not UTF-8 (a Latin-1 comment, a stray byte) pass through as they are.
        String source = RawText.decode(context.readLocalFile(src, "templates"));
        RenderedTemplate rendered = context.renderTemplate(src, source);
        return new ContentWrite(RawText.encode(rendered.content()), Redaction.ofRendering(rendered.content(), rendered.redacted()),
                attributes, backup, validate, force, destination().createParents(), false, null)
                .plan(state, context.diffMode());
    }

    /** The file name a template gets inside a directory: its own, without {@code .mustache}. */
    static String fileName(String src) {
        String name = FileArgs.basename(src);
        return name.endsWith(SUFFIX) && name.length() > SUFFIX.length() ? name.substring(0, name.length() - SUFFIX.length()) : name;
    }

    private Destination destination() {
        return Destination.of(dest, fileName(src));
    }

    /** Builds a {@link TemplateFile}; {@code force} defaults to true. */
    public static final class Builder {
        private final String src;
        private final String dest;
        private FileMode mode;
        private String owner;
        private String group;
        private boolean backup;
        private boolean force = true;
        private List<String> validate = List.of();

        private Builder(String src, String dest) {
            this.src = src;
            this.dest = dest;
        }

        public Builder mode(String value) { this.mode = FileMode.parse(value); return this; }
        public Builder owner(String value) { this.owner = value; return this; }
        public Builder group(String value) { this.group = value; return this; }
        public Builder backup(boolean value) { this.backup = value; return this; }
        public Builder force(boolean value) { this.force = value; return this; }
        /** Checker words with {@code %s} for the new file, e.g. {@code List.of("haproxy", "-c", "-f", "%s")}. */
        public Builder validate(List<String> value) { this.validate = value; return this; }

        public TemplateFile build() {
            return new TemplateFile(src, dest, new FileAttributes(mode, owner, group), backup, force, validate);
        }
    }

    /** YAML binding: {@code template}. */
    public static final class Type implements ModuleType {
        @Override
        public List<String> names() {
            return List.of("template");
        }

        @Override
        public Set<String> parameters() {
            return Set.of("src", "dest", "mode", "owner", "group", "backup", "force", "validate");
        }

        @Override
        public Set<String> required() {
            return Set.of("src", "dest");
        }

        @Override
        public Module<?> create(Args args) {
            args.requireKnown(parameters());
            String dest = args.string("dest");
            if (!dest.startsWith("/")) throw args.error("dest", "'dest' must be an absolute path, got '" + dest + "'");
            return new TemplateFile(args.string("src"), dest, FileAttributes.from(args), args.bool("backup", false),
                    args.bool("force", true), FileArgs.validate(args));
        }
    }
}
