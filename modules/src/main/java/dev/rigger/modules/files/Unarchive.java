package dev.rigger.modules.files;

import dev.rigger.core.module.Args;
import dev.rigger.core.module.Change;
import dev.rigger.core.module.Module;
import dev.rigger.core.module.ModuleArgumentException;
import dev.rigger.core.module.ModuleContext;
import dev.rigger.core.module.ModuleException;
import dev.rigger.core.module.ModuleType;
import dev.rigger.core.module.Plan;
import dev.rigger.core.module.Probe;
import dev.rigger.core.transport.ExecResult;
import dev.rigger.core.transport.ShellQuote;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Ansible's {@code unarchive} with {@code remote_src: yes}: unpacks a tar archive that is already
 * on the host (gzip, bzip2, xz and zstd compression as GNU tar detects them) into an existing
 * directory. Idempotent as Ansible's: GNU tar compares the archive with the directory
 * ({@code tar --diff}) and the archive is unpacked only when something differs or is missing;
 * {@code creates} skips the task when that path exists.
 *
 * <ul>
 *   <li>{@code src} (required), {@code dest} (required, an existing directory) — absolute paths on the host.</li>
 *   <li>{@code remote_src} — must be true: an archive on the controller goes to the host with
 *       {@code copy} first (the task is refused with that advice).</li>
 *   <li>{@code creates} — a path; when it exists nothing is done.</li>
 *   <li>{@code extra_opts} — more tar options, such as {@code --strip-components=1}, used for the
 *       comparison and the unpacking.</li>
 * </ul>
 * Zip archives, {@code owner}/{@code group}/{@code mode} and {@code list_files} are refused with the alternative.
 *
 * <pre>{@code
 * - unarchive:
 *     src: /tmp/app-1.0.tar.gz
 *     dest: /opt/app
 *     remote_src: yes
 *     extra_opts: [--strip-components=1]
 * }</pre>
 * <pre>{@code
 * Unarchive.of("/tmp/app-1.0.tar.gz", "/opt/app").extraOpts("--strip-components=1").build()
 * }</pre>
 *
 * Exec budget: unchanged 1 (the probe), changed 2 (probe, unpack).
 */
public record Unarchive(String src, String dest, String creates, List<String> extraOpts) implements Module<Unarchive.State> {

    /** @throws ModuleArgumentException naming the parameter that cannot work */
    public Unarchive {
        if (src != null && src.contains("://")) throw refused("src", "is a URL; unarchive does not download: fetch '" + src + "' with get_url first");
        if (src == null || !src.startsWith("/")) throw refused("src", "'" + src + "' must be an absolute path on the host");
        if (src.toLowerCase(Locale.ROOT).endsWith(".zip")) {
            throw refused("src", "zip archives are not supported: use a tar archive, or command: unzip -o ARCHIVE -d DEST with creates:");
        }
        if (dest == null || !dest.startsWith("/")) throw refused("dest", "'" + dest + "' must be an absolute path");
        extraOpts = extraOpts == null ? List.of() : List.copyOf(extraOpts);
    }

    private static ModuleArgumentException refused(String parameter, String problem) {
        return new ModuleArgumentException("unarchive", parameter, problem);
    }

    /** Unpacks the tar archive {@code src}, on the host, into the existing directory {@code dest}. */
    public static Builder of(String src, String dest) {
        return new Builder(src, dest);
    }

    /** Optional parameters of an unarchive task; {@link #build()} checks them all. */
    public static final class Builder {
        private final String src;
        private final String dest;
        private String creates;
        private List<String> extraOpts = List.of();

        private Builder(String src, String dest) {
            this.src = src;
            this.dest = dest;
        }

        /** Nothing is done when this path exists. */
        public Builder creates(String path) { this.creates = path; return this; }
        /** More tar options, for the comparison and the unpacking ({@code --strip-components=1}). */
        public Builder extraOpts(String... options) { this.extraOpts = List.of(options); return this; }

        /** @throws ModuleArgumentException naming the parameter that cannot work */
        public Unarchive build() {
            return new Unarchive(src, dest, creates, extraOpts);
        }
    }

    /** What the probe found. */
    public enum State { CREATES_EXISTS, NO_SRC, NO_DEST, SAME, DIFFERS }

    @Override
    public String moduleName() {
        return "unarchive";
    }

    private String options() {
        return extraOpts.isEmpty() ? "" : " " + ShellQuote.quoteAll(extraOpts);
    }

    @Override
    public Probe<State> probe(ModuleContext context) {
        StringBuilder s = new StringBuilder();
        if (creates != null) s.append("if [ -e ").append(ShellQuote.quote(creates)).append(" ]; then echo creates; exit 0; fi\n");
        s.append("s=").append(ShellQuote.quote(src)).append("; d=").append(ShellQuote.quote(dest)).append('\n');
        s.append("[ -f \"$s\" ] || { echo nosrc; exit 0; }\n");
        s.append("[ -d \"$d\" ] || { echo nodest; exit 0; }\n");
        // tar exits 0 when every member is in dest as the archive has it, 1 when something differs or is
        // missing. A member that --strip-components reduces to nothing is reported as "tar: : Cannot
        // stat", which is no difference.
        s.append("if out=$(LC_ALL=C tar --diff -f \"$s\" -C \"$d\"").append(options()).append(" 2>&1); then echo same\n");
        s.append("elif [ -z \"$(printf '%s\\n' \"$out\" | grep -v -e '^tar: : ' -e '^tar: Exiting with failure status')\" ]; then echo same\n");
        s.append("else echo differs; fi\n");
        return Probe.of(s.toString(), Unarchive::parse);
    }

    static State parse(ExecResult r) {
        if (r.exitCode() != 0) throw new ModuleException("unarchive probe failed (exit " + r.exitCode() + "): " + r.stderr().strip());
        return switch (r.stdout().strip()) {
            case "creates" -> State.CREATES_EXISTS;
            case "nosrc" -> State.NO_SRC;
            case "nodest" -> State.NO_DEST;
            case "same" -> State.SAME;
            case "differs" -> State.DIFFERS;
            default -> throw new ModuleException("unarchive probe printed something unexpected: " + r.stdout().strip());
        };
    }

    @Override
    public Plan plan(State state, ModuleContext context) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("src", src);
        data.put("dest", dest);
        switch (state) {
            case NO_SRC -> throw new ModuleException("Source '" + src + "' does not exist");
            case NO_DEST -> throw new ModuleException("Destination '" + dest + "' is not a directory");
            case CREATES_EXISTS -> {
                data.put("msg", "skipped, since " + creates + " exists");
                return Plan.noChange(data);
            }
            case SAME -> {
                return Plan.noChange(data);
            }
            default -> {
                return Plan.apply(Change.of("unpack " + src + " into " + dest),
                        "tar -x -f " + ShellQuote.quote(src) + " -C " + ShellQuote.quote(dest) + options() + "\n");
            }
        }
    }

    /** YAML binding: {@code unarchive}. */
    public static final class Type implements ModuleType {
        @Override public List<String> names() { return List.of("unarchive"); }
        @Override public Set<String> parameters() {
            return Set.of("src", "dest", "remote_src", "creates", "extra_opts", "owner", "group", "mode", "list_files", "copy");
        }
        @Override public Set<String> required() { return Set.of("src", "dest"); }

        @Override
        public Module<?> create(Args args) {
            args.requireKnown(parameters());
            for (String name : List.of("owner", "group", "mode")) {
                if (args.has(name)) throw args.error(name, name + ": not supported; set it afterwards with a file task (recurse: yes)");
            }
            if (args.has("list_files")) throw args.error("list_files", "list_files: not supported (use command: tar -tf ARCHIVE)");
            boolean remote = args.bool("remote_src", args.has("copy") && !args.bool("copy", true));
            if (!remote) {
                throw args.error("remote_src", "remote_src: an archive on the controller is not supported: copy the archive to the host first (copy:), then unarchive it with remote_src: yes");
            }
            try {
                return new Unarchive(args.string("src"), args.string("dest"), args.optionalString("creates").orElse(null),
                        args.has("extra_opts") ? args.stringList("extra_opts") : List.of());
            } catch (IllegalArgumentException e) {
                throw args.error(e, "src");
            }
        }
    }
}
