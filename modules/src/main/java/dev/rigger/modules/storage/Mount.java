package dev.rigger.modules.storage;

import dev.rigger.core.module.Args;
import dev.rigger.core.module.Change;
import dev.rigger.core.module.Module;
import dev.rigger.core.module.ModuleContext;
import dev.rigger.core.module.ModuleException;
import dev.rigger.core.module.ModuleType;
import dev.rigger.core.module.Plan;
import dev.rigger.core.module.Probe;
import dev.rigger.core.module.UnifiedDiff;
import dev.rigger.core.module.ModuleArgumentException;
import dev.rigger.core.transport.ExecResult;
import dev.rigger.core.transport.RemoteFiles;
import dev.rigger.core.transport.ShellQuote;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A mount point: its line in fstab and whether it is mounted, with Ansible's {@code mount} semantics.
 *
 * <p>Parameters (Ansible's {@code mount} / {@code ansible.posix.mount}):
 * <ul>
 *   <li>{@code path} (alias {@code name}) — the mount point (required).</li>
 *   <li>{@code src} — device, {@code UUID=…}, {@code LABEL=…}, or for tmpfs/bind what mount takes;
 *       required for {@code present} and {@code mounted}.</li>
 *   <li>{@code fstype} — required for {@code present} and {@code mounted}.</li>
 *   <li>{@code opts} (default {@code defaults}), {@code dump} (0), {@code passno} (0),
 *       {@code boot} (default true; false adds {@code noauto}).</li>
 *   <li>{@code state} — {@code mounted} (fstab line, directory created, mounted), {@code present}
 *       (fstab line only), {@code unmounted} (unmounted, fstab untouched), {@code absent} (unmounted,
 *       line removed, the mount point removed when empty), {@code remounted} (always remounts).</li>
 *   <li>{@code fstab} — default {@code /etc/fstab}.</li>
 * </ul>
 * The fstab is rewritten whole through a temp file and a rename, so a reader (or a crash) never sees
 * half a file; every other line stays verbatim. The first line for the mount point is the one managed,
 * later lines for it are removed (mount would use the last one, Ansible the first). A mounted
 * filesystem whose source or type differs is unmounted and mounted again; one whose fstab line changed
 * otherwise is remounted with the new options. The mount uses the task's own fields
 * ({@code mount -t FSTYPE -o OPTS SRC PATH}), so it also works with an {@code fstab} other than /etc/fstab.
 *
 * <pre>{@code
 * - name: the shared disk is mounted at boot, after the network
 *   mount:
 *     path: /var/lib/odoo
 *     src: UUID=2fa08de7-1a58-4e0e-897d-baf9d60ebf92
 *     fstype: ocfs2
 *     opts: _netdev,defaults
 *     state: mounted
 * }</pre>
 *
 * <pre>{@code
 * Mount.mounted("/var/lib/odoo", "UUID=2fa08de7-1a58-4e0e-897d-baf9d60ebf92", "ocfs2", "_netdev,defaults").build()
 * }</pre>
 */
public record Mount(String path, String src, String fstype, String opts, int dump, int passno, State state, String fstab)
        implements Module<Mount.Current> {

    public enum State { MOUNTED, PRESENT, UNMOUNTED, ABSENT, REMOUNTED }

    public static final String DEFAULT_FSTAB = "/etc/fstab";

    public Mount {
        if (path == null || !path.startsWith("/") || path.contains("\n")) throw new ModuleArgumentException("mount", "path", "must be an absolute path, got '" + path + "'");
        if (path.length() > 1 && path.endsWith("/")) path = path.substring(0, path.length() - 1);
        if (state == State.MOUNTED || state == State.PRESENT) {
            if (src == null || src.isBlank()) throw new ModuleArgumentException("mount", "src", "required with state " + state.name().toLowerCase(Locale.ROOT));
            if (fstype == null || fstype.isBlank()) throw new ModuleArgumentException("mount", "fstype", "required with state " + state.name().toLowerCase(Locale.ROOT));
        }
        if (opts == null || opts.isBlank()) opts = "defaults";
        for (String field : new String[] {src, fstype, opts}) {
            if (field != null && (field.contains("\n") || field.contains("\t"))) throw new ModuleArgumentException("mount", "src", "fields must be one line without tabs");
        }
        if (opts.contains(" ")) throw new ModuleArgumentException("mount", "opts", "a comma-separated list without blanks, got '" + opts + "'");
        if (fstab == null) fstab = DEFAULT_FSTAB;
        if (!fstab.startsWith("/")) throw new ModuleArgumentException("mount", "fstab", "must be an absolute path");
    }

    /** Mounted now and at boot. */
    public static Builder mounted(String path, String src, String fstype, String opts) {
        return new Builder(path, src, fstype, opts, State.MOUNTED);
    }

    /** Optional parameters of a mount task; {@link #build()} checks them all. */
    public static final class Builder {
        private final String path;
        private final String src;
        private final String fstype;
        private final String opts;
        private State state;
        private int dump;
        private int passno;
        private String fstab;

        private Builder(String path, String src, String fstype, String opts, State state) {
            this.path = path;
            this.src = src;
            this.fstype = fstype;
            this.opts = opts;
            this.state = state;
        }

        public Builder state(State value) { this.state = value; return this; }
        public Builder dump(int value) { this.dump = value; return this; }
        public Builder passno(int value) { this.passno = value; return this; }
        /** The fstab file (default {@value Mount#DEFAULT_FSTAB}). */
        public Builder fstab(String value) { this.fstab = value; return this; }

        /** @throws ModuleArgumentException naming the parameter that cannot work */
        public Mount build() {
            return new Mount(path, src, fstype, opts, dump, passno, state, fstab);
        }
    }

    @Override
    public String moduleName() {
        return "mount";
    }

    /** fstab's escape for blanks and backslashes in a field (getmntent's octal form). */
    static String escape(String field) {
        return field.replace("\\", "\\134").replace(" ", "\\040");
    }

    static String unescape(String field) {
        return field.replace("\\040", " ").replace("\\011", "\t").replace("\\134", "\\");
    }

    String fstabLine() {
        return escape(src) + " " + escape(path) + " " + fstype + " " + opts + " " + dump + " " + passno;
    }

    @Override
    public Probe<Current> probe(ModuleContext context) {
        String script = "p=" + ShellQuote.quote(path) + "\n"
                + "f=" + ShellQuote.quote(fstab) + "\n"
                + "echo '@@live'\n"
                // -r: raw, blanks in fields escaped as \x20, one line per mount; the last one is what is visible.
                + "findmnt -n -r -o SOURCE,FSTYPE --mountpoint \"$p\" 2>/dev/null | tail -n 1\n"
                + "echo '@@dir'\n"
                + "if [ -d \"$p\" ]; then if [ -z \"$(ls -A -- \"$p\" 2>/dev/null)\" ]; then echo empty; else echo full; fi; else echo none; fi\n"
                + "if [ -f \"$f\" ]; then echo '@@fstab'; cat -- \"$f\"; else echo '@@no-fstab'; fi\n";
        return Probe.of(script, Current::parse);
    }

    @Override
    public Plan plan(Current current, ModuleContext context) {
        List<Change> changes = new ArrayList<>();
        StringBuilder script = new StringBuilder("set -eu\np=").append(ShellQuote.quote(path)).append('\n');
        byte[] stdin = null;

        List<String> lines = desiredLines(current.fstabLines());
        boolean fstabChanged = !lines.equals(current.fstabLines());
        if (fstabChanged) {
            String before = current.fstabLines().isEmpty() ? "" : String.join("\n", current.fstabLines()) + "\n";
            String after = lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
            String summary = state == State.ABSENT ? "remove " + path + " from " + fstab : "set " + path + " in " + fstab + ": " + fstabLine();
            changes.add(context.diffMode() ? Change.withDiff(summary, UnifiedDiff.of(fstab, before, after)) : Change.of(summary));
            stdin = after.getBytes(StandardCharsets.UTF_8);
            RemoteFiles write = RemoteFiles.write(fstab, stdin);
            if (!current.fstabExists()) write.mode("0644");
            script.append(write.request().script());
        }

        String mount = "mount -t " + ShellQuote.quote(fstype == null ? "auto" : fstype) + " -o " + ShellQuote.quote(opts) + " "
                + ShellQuote.quote(src == null ? "" : src) + " \"$p\"\n";
        boolean mounted = current.liveSource() != null;
        switch (state) {
            case MOUNTED -> {
                if (!mounted) {
                    if (current.dir().equals("none")) {
                        changes.add(Change.of("create directory " + path));
                        script.append("mkdir -p -- \"$p\"\n");
                    }
                    changes.add(Change.of("mount " + src + " at " + path));
                    script.append(mount);
                } else if (!sameMount(current)) {
                    changes.add(Change.of("mount " + src + " at " + path + " instead of " + current.liveSource() + " (" + current.liveFstype() + ")"));
                    script.append("umount -- \"$p\"\n").append(mount);
                } else if (fstabChanged) {
                    changes.add(Change.of("remount " + path + " with " + opts));
                    script.append("mount -o ").append(ShellQuote.quote("remount," + opts)).append(" \"$p\"\n");
                }
            }
            case REMOUNTED -> {
                if (!mounted) throw new ModuleException(path + " is not mounted, so it cannot be remounted");
                changes.add(Change.of("remount " + path));
                script.append("mount -o remount \"$p\"\n");
            }
            case UNMOUNTED, ABSENT -> {
                if (mounted) {
                    changes.add(Change.of("unmount " + path + " (" + current.liveSource() + ")"));
                    script.append("umount -- \"$p\"\n");
                }
                if (state == State.ABSENT && (current.dir().equals("empty") || mounted)) {
                    changes.add(Change.of("remove the mount point " + path + " if empty"));
                    script.append("rmdir -- \"$p\" 2>/dev/null || true\n");
                }
            }
            case PRESENT -> { }
        }
        if (changes.isEmpty()) return Plan.noChange();
        Plan plan = Plan.apply(changes, script.toString());
        return stdin == null ? plan : plan.withStdin(stdin);
    }

    /**
     * Whether what is mounted is what the task names. A source named by UUID= or LABEL= (or a bind
     * mount, which findmnt shows as {@code device[/dir]}) cannot be compared by name: its type decides.
     */
    private boolean sameMount(Current current) {
        if (fstype != null && !fstype.equals(current.liveFstype())) return false;
        boolean comparable = !src.contains("=") && !opts.matches("(.*,)?r?bind(,.*)?");
        return !comparable || src.equals(current.liveSource());
    }

    /** fstab after this task: the mount point's first line is ours (kept verbatim when equal), later ones go. */
    List<String> desiredLines(List<String> current) {
        if (state == State.UNMOUNTED || state == State.REMOUNTED) return current;
        List<String> out = new ArrayList<>();
        boolean found = false;
        String wanted = state == State.ABSENT ? null : fstabLine();
        for (String line : current) {
            String[] f = fields(line);
            if (f == null || !unescape(f[1]).equals(path)) {
                out.add(line);
            } else if (state != State.ABSENT && !found) {
                found = true;
                out.add(String.join(" ", f).equals(wanted) || String.join(" ", normalizedFields(f)).equals(wanted) ? line : wanted);
            }
        }
        if (state != State.ABSENT && !found) out.add(wanted);
        return out;
    }

    /** The fields of an fstab entry, or null for comments and blank lines. */
    static String[] fields(String line) {
        String t = line.strip();
        if (t.isEmpty() || t.startsWith("#")) return null;
        String[] f = t.split("[ \\t]+");
        return f.length >= 2 ? f : null;
    }

    /** Missing dump and passno count as 0, as mount reads them. */
    private static String[] normalizedFields(String[] f) {
        String[] n = new String[Math.max(6, f.length)];
        for (int i = 0; i < n.length; i++) n[i] = i < f.length ? f[i] : (i < 4 ? "defaults" : "0");
        return n;
    }

    /**
     * The mount point's state.
     *
     * @param liveSource source of what is mounted there, or null when nothing is
     * @param liveFstype its type
     * @param dir        {@code none}, {@code empty} or {@code full}
     */
    public record Current(String liveSource, String liveFstype, String dir, boolean fstabExists, List<String> fstabLines) {
        public Current {
            fstabLines = List.copyOf(fstabLines);
        }

        static Current parse(ExecResult r) {
            if (!r.succeeded()) throw new ModuleException("reading the mount point failed (exit " + r.exitCode() + "): " + r.stderr().strip());
            String[] all = r.stdout().split("\n", -1);
            String source = null;
            String type = null;
            String dir = "none";
            boolean exists = false;
            List<String> lines = new ArrayList<>();
            String section = "";
            for (int i = 0; i < all.length; i++) {
                String line = all[i];
                if (line.equals("@@live") || line.equals("@@dir")) {
                    section = line;
                } else if (line.equals("@@fstab")) {
                    int end = all.length;
                    if (end > i + 1 && all[end - 1].isEmpty()) end--;
                    for (int j = i + 1; j < end; j++) lines.add(all[j]);
                    exists = true;
                    break;
                } else if (section.equals("@@live") && !line.isBlank()) {
                    String[] f = line.split(" ");
                    source = f[0].replace("\\x20", " ");
                    type = f.length > 1 ? f[1] : "";
                } else if (section.equals("@@dir") && !line.isBlank()) {
                    dir = line.strip();
                }
            }
            return new Current(source, type, dir, exists, lines);
        }
    }

    /** YAML binding: {@code mount} (also {@code ansible.posix.mount}'s short name). */
    public static final class Type implements ModuleType {
        private static final Set<String> PARAMETERS = Set.of("path", "name", "src", "fstype", "opts", "dump", "passno", "state", "fstab", "boot");

        @Override
        public List<String> names() {
            return List.of("mount");
        }

        @Override
        public Set<String> parameters() {
            return PARAMETERS;
        }

        @Override
        public Set<String> required() {
            return Set.of("state");
        }

        @Override
        public Module<?> create(Args args) {
            args.requireKnown(PARAMETERS);
            String path = args.optionalString("path").or(() -> args.optionalString("name")).orElseThrow(() -> args.missing("path"));
            State state = State.valueOf(args.choice("state", List.of("mounted", "present", "unmounted", "absent", "remounted"), null)
                    .toUpperCase(Locale.ROOT));
            String opts = args.string("opts", "defaults");
            if (!args.bool("boot", true) && !opts.matches("(.*,)?noauto(,.*)?")) opts = opts.equals("defaults") ? "noauto" : opts + ",noauto";
            try {
                return new Mount(path, args.optionalString("src").orElse(null), args.optionalString("fstype").orElse(null), opts,
                        args.integer("dump", 0), args.integer("passno", 0), state, args.optionalString("fstab").orElse(null));
            } catch (IllegalArgumentException e) {
                throw args.error(e, "path");
            }
        }
    }
}
