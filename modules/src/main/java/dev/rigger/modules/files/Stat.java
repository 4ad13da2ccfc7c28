package dev.rigger.modules.files;

import dev.rigger.core.module.Args;
import dev.rigger.core.module.Module;
import dev.rigger.core.module.ModuleArgumentException;
import dev.rigger.core.module.ModuleContext;
import dev.rigger.core.module.ModuleException;
import dev.rigger.core.module.ModuleType;
import dev.rigger.core.module.Plan;
import dev.rigger.core.module.Probe;
import dev.rigger.core.transport.ShellQuote;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Ansible's {@code stat}: reads what a path is, for later {@code when:}s. One exec, never a change.
 * Registers {@code stat} with Ansible's keys: {@code exists}, and for an existing path {@code path},
 * {@code isdir}, {@code isreg}, {@code islnk}, {@code mode} ({@code "0644"}), {@code uid},
 * {@code gid}, {@code pw_name}, {@code gr_name}, {@code size}, {@code mtime}, {@code lnk_source}
 * (links), and {@code checksum} (sha1 of a regular file, unless {@code get_checksum: false}).
 * {@code follow: true} describes what a link points to.
 *
 * <pre>{@code
 * - stat: path=/etc/app.conf
 *   register: conf
 * - debug: msg="config exists"
 *   when: conf.stat.exists and conf.stat.isreg
 * }</pre>
 * <pre>{@code
 * Task.named("conf").module(Stat.of("/etc/app.conf").build()).register("conf").build();
 * }</pre>
 */
public record Stat(String path, boolean checksum, boolean follow) implements Module<Map<String, Object>> {

    /** What is at {@code path}; a regular file's sha1 is read unless {@code checksum(false)}. */
    public static Builder of(String path) {
        return new Builder(path);
    }

    /** Optional parameters of a stat task. */
    public static final class Builder {
        private final String path;
        private boolean checksum = true;
        private boolean follow;

        private Builder(String path) {
            this.path = path;
        }

        /** Ansible's {@code get_checksum} (default true). */
        public Builder checksum(boolean value) { this.checksum = value; return this; }
        /** Whether a symlink is followed (default false: the link itself is described). */
        public Builder follow(boolean value) { this.follow = value; return this; }

        public Stat build() {
            return new Stat(path, checksum, follow);
        }
    }

    @Override
    public String moduleName() {
        return "stat";
    }

    /** Prints {@code missing}, or one line of stat's fields, the link target and the sha1 of a regular file. */
    @Override
    public Probe<Map<String, Object>> probe(ModuleContext context) {
        String p = ShellQuote.quote(path);
        String script = "p=" + p + "\n"
                + "if [ ! -e \"$p\" ] && [ ! -L \"$p\" ]; then echo missing; exit 0; fi\n"
                + "stat " + (follow ? "-L " : "") + "-c '%F|%a|%u|%g|%U|%G|%s|%Y' -- \"$p\"\n"
                + "readlink -- \"$p\" || echo\n"
                + (checksum ? "if [ -f \"$p\" ] && [ -r \"$p\" ]; then sha1sum < \"$p\" | cut -d' ' -f1; else echo; fi\n" : "echo\n");
        return Probe.of(script, r -> {
            if (r.exitCode() != 0) throw new ModuleException("stat " + path + " failed: " + r.stderr().strip());
            return parse(r.stdout());
        });
    }

    /** The probe's output as Ansible's stat result. */
    Map<String, Object> parse(String out) {
        Map<String, Object> stat = new LinkedHashMap<>();
        List<String> lines = out.lines().toList();
        if (lines.isEmpty() || lines.get(0).equals("missing")) {
            stat.put("exists", false);
            return stat;
        }
        String[] f = lines.get(0).split("\\|", -1);
        stat.put("exists", true);
        stat.put("path", path);
        stat.put("isdir", f[0].equals("directory"));
        stat.put("isreg", f[0].startsWith("regular"));
        stat.put("islnk", f[0].equals("symbolic link"));
        stat.put("mode", String.format("%04o", Integer.parseInt(f[1], 8)));
        stat.put("uid", Long.parseLong(f[2]));
        stat.put("gid", Long.parseLong(f[3]));
        stat.put("pw_name", f[4]);
        stat.put("gr_name", f[5]);
        stat.put("size", Long.parseLong(f[6]));
        stat.put("mtime", Long.parseLong(f[7]));
        String link = lines.size() > 1 ? lines.get(1) : "";
        if (!link.isEmpty()) stat.put("lnk_source", link);
        String sha1 = lines.size() > 2 ? lines.get(2) : "";
        if (!sha1.isEmpty()) stat.put("checksum", sha1);
        return stat;
    }

    @Override
    public Plan plan(Map<String, Object> state, ModuleContext context) {
        return Plan.noChange(Map.of("stat", state));
    }

    public static final class Type implements ModuleType {
        @Override public List<String> names() { return List.of("stat"); }
        @Override public Set<String> parameters() { return Set.of("path", "get_checksum", "checksum_algorithm", "follow", "get_mime", "get_attributes"); }
        @Override public Set<String> required() { return Set.of("path"); }

        @Override
        public Module<?> create(Args args) {
            args.requireKnown(parameters());
            String path = args.string("path");
            if (!path.startsWith("/")) throw new ModuleArgumentException("stat", "path", "'" + path + "' must be an absolute path");
            String algorithm = args.string("checksum_algorithm", "sha1");
            if (!algorithm.equals("sha1")) throw args.error("checksum_algorithm", "only sha1 (the default) is supported, got '" + algorithm + "'");
            return new Stat(path, args.bool("get_checksum", true), args.bool("follow", false));
        }
    }
}
