package dev.rigger.modules.system;

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
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A kernel parameter: its live value and its line in a sysctl configuration file, so it survives a reboot.
 *
 * <p>Parameters (Ansible's {@code sysctl}):
 * <ul>
 *   <li>{@code name} — the key, dotted ({@code net.ipv4.ip_nonlocal_bind}) or with slashes (required).</li>
 *   <li>{@code value} — required with {@code state: present}. YAML booleans become 1 and 0. Compared
 *       with runs of blanks collapsed, as the kernel prints multi-value keys with tabs.</li>
 *   <li>{@code state} — {@code present} (default) or {@code absent} (removes the key's lines from the
 *       file; the live value stays).</li>
 *   <li>{@code sysctl_file} — default {@code /etc/sysctl.conf}, as Ansible. (A file in /etc/sysctl.d
 *       named below {@code 99-sysctl.conf} would be overridden at boot by a conflicting line in
 *       /etc/sysctl.conf.) A symlink is followed, so Debian's {@code 99-sysctl.conf} stays a link.</li>
 *   <li>{@code reload} (default true) / {@code sysctl_set} (default false) — when either is true the live
 *       value is set with {@code sysctl -w} whenever it differs, independently of the file, so both the
 *       live and the persisted value are idempotent. With both false only the file is managed.</li>
 * </ul>
 * The file keeps every other line verbatim: the key's first line is rewritten as {@code name=value},
 * later lines for the same key are removed. A key the kernel does not let this host write (in a
 * container, {@code /proc/sys} is read-only but for what the lab or runtime made writable) fails the
 * task with a message saying so, before anything changes.
 *
 * <pre>{@code
 * - name: HAProxy may bind the VIP before keepalived moves it here
 *   sysctl:
 *     name: net.ipv4.ip_nonlocal_bind
 *     value: "1"
 * }</pre>
 *
 * <pre>{@code
 * Sysctl.set("net.ipv4.ip_nonlocal_bind", "1").build()
 * }</pre>
 */
public record Sysctl(String name, String value, boolean present, String sysctlFile, boolean live) implements Module<Sysctl.Current> {

    public static final String DEFAULT_FILE = "/etc/sysctl.conf";
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_*:@+][A-Za-z0-9_.*:@+/-]*");

    public Sysctl {
        if (name == null || !KEY.matcher(name).matches() || name.contains("..") || name.contains("//")) {
            throw new ModuleArgumentException("sysctl", "name", "'" + name + "' is not a sysctl key");
        }
        if (present) {
            if (value == null) throw new ModuleArgumentException("sysctl", "value", "required with state: present");
            value = normalize(value);
            if (value.indexOf('\n') >= 0 || value.isEmpty()) throw new ModuleArgumentException("sysctl", "value", "must be one non-empty line");
        }
        if (sysctlFile == null) sysctlFile = DEFAULT_FILE;
        if (!sysctlFile.startsWith("/") || sysctlFile.endsWith("/")) {
            throw new ModuleArgumentException("sysctl", "sysctl_file", "must be an absolute file path, got '" + sysctlFile + "'");
        }
    }

    /** The value live and in {@value #DEFAULT_FILE}. */
    public static Builder set(String name, String value) {
        return new Builder(name, value, true);
    }

    /** Optional parameters of a sysctl task; {@link #build()} checks them all. */
    public static final class Builder {
        private final String name;
        private final String value;
        private final boolean present;
        private String sysctlFile;
        private boolean live = true;

        private Builder(String name, String value, boolean present) {
            this.name = name;
            this.value = value;
            this.present = present;
        }

        /** The file the key is kept in (default {@value Sysctl#DEFAULT_FILE}). */
        public Builder sysctlFile(String path) { this.sysctlFile = path; return this; }
        /** Whether the live value is set too (Ansible's {@code reload}; default true). */
        public Builder live(boolean value) { this.live = value; return this; }

        /** @throws ModuleArgumentException naming the parameter that cannot work */
        public Sysctl build() {
            return new Sysctl(name, value, present, sysctlFile, live);
        }
    }

    /** Blanks collapsed: {@code "32768\t60999"} (as the kernel prints it) equals {@code "32768 60999"}. */
    static String normalize(String value) {
        return value.strip().replaceAll("[ \\t]+", " ");
    }

    /**
     * The key's path below /proc/sys, which is what identifies it: as sysctl.d(5) says, when the first
     * separator is a dot, dots and slashes swap ({@code net.ipv4.conf.eth0/100.rp_filter} is
     * {@code net/ipv4/conf/eth0.100/rp_filter}); when it is a slash, the key already is the path.
     */
    static String procPath(String key) {
        int dot = key.indexOf('.');
        int slash = key.indexOf('/');
        if (dot < 0 || (slash >= 0 && slash < dot)) return key;
        StringBuilder b = new StringBuilder(key.length());
        for (char c : key.toCharArray()) b.append(c == '.' ? '/' : c == '/' ? '.' : c);
        return b.toString();
    }

    @Override
    public String moduleName() {
        return "sysctl";
    }

    @Override
    public Probe<Current> probe(ModuleContext context) {
        String script = "proc=" + ShellQuote.quote("/proc/sys/" + procPath(name)) + "\n"
                + "file=" + ShellQuote.quote(sysctlFile) + "\n"
                + "printf 'uid\\t%s\\n' \"$(id -u)\"\n"
                + "if [ -f \"$proc\" ]; then\n"
                + "  printf 'live\\t%s\\n' \"$(tr '\\n' ' ' < \"$proc\")\"\n"
                + "  if [ -w \"$proc\" ]; then echo writable; fi\n"
                + "fi\n"
                + "real=$(readlink -f -- \"$file\" 2>/dev/null) || real=$file\n"
                + "printf 'file\\t%s\\n' \"${real:-$file}\"\n"
                + "if [ -f \"$real\" ]; then echo content; cat -- \"$real\"; fi\n";
        return Probe.of(script, Current::parse);
    }

    @Override
    public Plan plan(Current current, ModuleContext context) {
        List<Change> changes = new ArrayList<>();
        StringBuilder script = new StringBuilder("set -eu\n");
        if (present && live && !value.equals(current.live())) {
            String proc = "/proc/sys/" + procPath(name);
            if (current.live() == null) {
                throw new ModuleException("sysctl " + name + " does not exist on this host (no " + proc + "; is its kernel module loaded?)");
            }
            if (!current.writable()) {
                throw new ModuleException(current.root()
                        ? "sysctl " + name + " is read-only here: " + proc + " is not writable (/proc/sys is mounted read-only, "
                          + "as in a container; only keys the container runtime made writable can be set)"
                        : "sysctl " + name + " can only be set by root: run the task with become: true");
            }
            changes.add(Change.of("set " + name + " live: " + current.live() + " → " + value));
            script.append("sysctl -q -w ").append(ShellQuote.quote(name + "=" + value)).append('\n')
                    .append("now=$(tr -s ' \\t\\n' '   ' < ").append(ShellQuote.quote(proc)).append("); now=${now% }\n")
                    .append("if [ \"$now\" != ").append(ShellQuote.quote(value)).append(" ]; then\n")
                    .append("  printf 'the kernel reports %s = %s after setting %s; write the value as the kernel prints it\\n' ")
                    .append(ShellQuote.quote(name)).append(" \"$now\" ").append(ShellQuote.quote(value)).append(" >&2\n")
                    .append("  exit 1\n")
                    .append("fi\n");
        }
        List<String> lines = desiredLines(current.lines());
        if (!lines.equals(current.lines())) {
            String before = current.lines().isEmpty() ? "" : String.join("\n", current.lines()) + "\n";
            String after = lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
            String summary = present ? "set " + name + "=" + value + " in " + current.file() : "remove " + name + " from " + current.file();
            changes.add(context.diffMode() ? Change.withDiff(summary, UnifiedDiff.of(current.file(), before, after)) : Change.of(summary));
            RemoteFiles write = RemoteFiles.write(current.file(), after.getBytes(StandardCharsets.UTF_8));
            if (!current.fileExists()) write.mode("0644");
            script.append(write.request().script());
            return Plan.apply(changes, script.toString()).withStdin(after.getBytes(StandardCharsets.UTF_8));
        }
        if (changes.isEmpty()) return Plan.noChange();
        return Plan.apply(changes, script.toString());
    }

    /**
     * The file's lines after this task: the key's first line holds the value (rewritten only if the
     * value differs), its later lines go; all other lines stay verbatim. Absent removes every line of the key.
     */
    List<String> desiredLines(List<String> current) {
        List<String> out = new ArrayList<>();
        boolean found = false;
        String path = procPath(name);
        for (String line : current) {
            String[] kv = keyValue(line);
            if (kv == null || !procPath(kv[0]).equals(path)) {
                out.add(line);
            } else if (present && !found) {
                found = true;
                out.add(normalize(kv[1]).equals(value) ? line : name + "=" + value);
            }
        }
        if (present && !found) out.add(name + "=" + value);
        return out;
    }

    /** {@code [key, value]} of a setting line (without a {@code -} prefix), or null for comments and blanks. */
    static String[] keyValue(String line) {
        String t = line.strip();
        if (t.isEmpty() || t.startsWith("#") || t.startsWith(";")) return null;
        int eq = t.indexOf('=');
        if (eq < 0) return null;
        String k = t.substring(0, eq).strip();
        if (k.startsWith("-")) k = k.substring(1).strip();
        return new String[] {k, t.substring(eq + 1).strip()};
    }

    /**
     * The key's live value and the configuration file.
     *
     * @param live     the live value normalised, or null when the key does not exist
     * @param writable whether this user may write the key now
     * @param root     whether the probe ran as root
     * @param file     the configuration file with symlinks resolved
     * @param lines    the file's lines (none when missing)
     */
    public record Current(String live, boolean writable, boolean root, String file, boolean fileExists, List<String> lines) {
        public Current {
            lines = List.copyOf(lines);
        }

        static Current parse(ExecResult r) {
            if (!r.succeeded()) throw new ModuleException("reading the sysctl failed (exit " + r.exitCode() + "): " + r.stderr().strip());
            String live = null;
            boolean writable = false;
            boolean root = false;
            String file = null;
            boolean exists = false;
            List<String> lines = new ArrayList<>();
            String[] all = r.stdout().split("\n", -1);
            for (int i = 0; i < all.length; i++) {
                String line = all[i];
                if (line.equals("content")) {
                    exists = true;
                    for (int j = i + 1; j < all.length; j++) {
                        if (j == all.length - 1 && all[j].isEmpty()) break;
                        lines.add(all[j]);
                    }
                    break;
                }
                String[] f = line.split("\t", 2);
                switch (f[0]) {
                    case "uid" -> root = f.length > 1 && f[1].strip().equals("0");
                    case "live" -> live = normalize(f.length > 1 ? f[1] : "");
                    case "writable" -> writable = true;
                    case "file" -> file = f[1];
                    default -> { }
                }
            }
            if (file == null) throw new ModuleException("unexpected probe output: " + r.stdout().strip());
            return new Current(live, writable, root, file, exists, lines);
        }
    }

    /** YAML binding: {@code sysctl}. */
    public static final class Type implements ModuleType {
        private static final Set<String> PARAMETERS = Set.of("name", "value", "state", "sysctl_file", "sysctl_set", "reload");

        @Override
        public List<String> names() {
            return List.of("sysctl");
        }

        @Override
        public Set<String> parameters() {
            return PARAMETERS;
        }

        @Override
        public Set<String> required() {
            return Set.of("name");
        }

        @Override
        public Module<?> create(Args args) {
            args.requireKnown(PARAMETERS);
            boolean present = args.choice("state", List.of("present", "absent"), "present").equals("present");
            Object raw = args.raw("value");
            String value = raw instanceof Boolean b ? (b ? "1" : "0") : args.optionalString("value").orElse(null);
            boolean live = args.bool("sysctl_set", false) || args.bool("reload", true);
            try {
                return new Sysctl(args.string("name"), value, present, args.optionalString("sysctl_file").orElse(null), live);
            } catch (IllegalArgumentException e) {
                throw args.error(e, "name");
            }
        }
    }
}
