package dev.rigger.modules.command;

import dev.rigger.core.module.Args;
import dev.rigger.core.module.Change;
import dev.rigger.core.module.Module;
import dev.rigger.core.module.ModuleArgumentException;
import dev.rigger.core.module.ModuleContext;
import dev.rigger.core.module.ModuleType;
import dev.rigger.core.module.Outcome;
import dev.rigger.core.module.Plan;
import dev.rigger.core.module.Probe;
import dev.rigger.core.internal.text.ShellWords;
import dev.rigger.core.transport.ExecResult;
import dev.rigger.core.transport.ShellQuote;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs a command: as an argument vector ({@code command}, no shell interpretation) or as shell code
 * ({@code shell}, through {@code sh -c}). A command always reports changed unless a guard says it
 * has nothing to do: {@code creates} (skip when the path exists) or {@code removes} (skip when it
 * does not). With a guard the probe checks it (1 exec) and the command runs only when needed
 * (1 more); without a guard there is nothing to probe and the command costs exactly 1 exec. In
 * check mode a command without guards is skipped, as Ansible does: nobody can know what it would do.
 *
 * <p>Parameters: {@code cmd} (free form: {@code command: systemctl is-active x}), {@code argv}
 * (list, instead of cmd), {@code chdir}, {@code creates}, {@code removes}, {@code stdin} (fed to
 * the command), {@code executable} (shell only; default {@code /bin/sh}), {@code stdin_add_newline}.
 * Ansible's {@code strip_empty_ends} is always on; {@code expand_argument_vars} is false for
 * {@code command} and true for {@code shell} (other values are refused, as is the removed {@code warn}).
 * Registered result:
 * {@code rc}, {@code stdout}, {@code stderr}, {@code stdout_lines}, {@code stderr_lines}, {@code cmd}.
 *
 * <pre>{@code
 * - name: initialise the cluster once
 *   command: repmgr -f /etc/repmgr.conf primary register
 *   args:
 *     creates: /var/lib/postgresql/.repmgr-registered
 *
 * - shell: pg_lsclusters | grep -q online
 *   register: pg
 *   changed_when: false
 * }</pre>
 * <pre>{@code
 * Command.of("repmgr", "-f", "/etc/repmgr.conf", "primary", "register")
 *         .creates("/var/lib/postgresql/.repmgr-registered").build()
 * Command.shell("pg_lsclusters | grep -q online").build()
 * }</pre>
 *
 * @param argv       the command as words ({@code command}); null for shell code
 * @param shellCode  shell code ({@code shell}); null for an argument vector
 * @param shell      true for the {@code shell} form
 * @param executable the shell for {@code shell} (default /bin/sh)
 */
public record Command(List<String> argv, String shellCode, boolean shell, String executable,
                      String chdir, String creates, String removes, String stdin) implements Module<Command.Guard> {

    /** @throws ModuleArgumentException naming the parameter that cannot work */
    public Command {
        String module = shell ? "shell" : "command";
        if (shell && (shellCode == null || shellCode.isBlank())) throw new ModuleArgumentException(module, "cmd", "the shell code must not be empty");
        if (!shell && (argv == null || argv.isEmpty())) throw new ModuleArgumentException(module, "argv", "the command needs at least one word");
        if (!shell && executable != null) throw new ModuleArgumentException(module, "executable", "only applies to the shell module");
        guardPath(module, "creates", creates, chdir);
        guardPath(module, "removes", removes, chdir);
        argv = argv == null ? null : List.copyOf(argv);
    }

    /**
     * A guard path is looked up on the host in {@code chdir}, so a relative one needs
     * {@code chdir}; otherwise it would depend on the login folder.
     */
    private static void guardPath(String module, String parameter, String path, String chdir) {
        if (path == null || path.startsWith("/") || chdir != null) return;
        throw new ModuleArgumentException(module, parameter, path.isBlank() ? "must not be empty"
                : "'" + path + "' must be an absolute path (or set chdir: a relative path is looked up there)");
    }

    /** Runs {@code words} without a shell. */
    public static Builder of(String... words) {
        return new Builder(List.of(words), null, false);
    }

    /** Runs shell code through {@code sh -c}. */
    public static Builder shell(String code) {
        return new Builder(null, code, true);
    }

    /** Optional parameters of a command; {@link #build()} checks them all. */
    public static final class Builder {
        private final List<String> argv;
        private final String shellCode;
        private final boolean shell;
        private String executable;
        private String chdir;
        private String creates;
        private String removes;
        private String stdin;

        private Builder(List<String> argv, String shellCode, boolean shell) {
            this.argv = argv;
            this.shellCode = shellCode;
            this.shell = shell;
        }

        public Builder creates(String path) { this.creates = path; return this; }
        public Builder removes(String path) { this.removes = path; return this; }
        public Builder chdir(String dir) { this.chdir = dir; return this; }
        public Builder stdin(String text) { this.stdin = text; return this; }
        /** The shell for {@link #shell(String)} (default /bin/sh). */
        public Builder executable(String path) { this.executable = path; return this; }

        /** @throws ModuleArgumentException naming the parameter that cannot work */
        public Command build() {
            return new Command(argv, shellCode, shell, executable, chdir, creates, removes, stdin);
        }
    }

    private static final String GUARD_SKIPPED = "rigger-guard-skipped";

    /** Whether the guard paths exist on the host. */
    public record Guard(boolean createsExists, boolean removesExists) {}

    @Override
    public String moduleName() {
        return shell ? "shell" : "command";
    }

    @Override
    public boolean supportsCheckMode() {
        return creates != null || removes != null;
    }

    @Override
    public Probe<Guard> probe(ModuleContext context) {
        if (creates == null && removes == null) return Probe.none(new Guard(false, true));
        StringBuilder script = new StringBuilder();
        if (chdir != null) script.append("cd ").append(ShellQuote.quote(chdir)).append(" 2>/dev/null || true\n");
        script.append("if [ -e ").append(ShellQuote.quote(creates != null ? creates : "/nonexistent/rigger-guard"))
                .append(" ]; then echo creates=yes; else echo creates=no; fi\n");
        script.append("if [ -e ").append(ShellQuote.quote(removes != null ? removes : "/")).append(" ]; then echo removes=yes; else echo removes=no; fi\n");
        return Probe.of(script.toString(), Command::parseGuard);
    }

    static Guard parseGuard(ExecResult r) {
        String out = r.stdout();
        return new Guard(out.contains("creates=yes"), out.contains("removes=yes"));
    }

    @Override
    public Plan plan(Guard guard, ModuleContext context) {
        if (creates != null && guard.createsExists()) {
            return Plan.noChange(Map.of("msg", "skipped, since " + creates + " exists", "rc", 0, "cmd", display()));
        }
        if (removes != null && !guard.removesExists()) {
            return Plan.noChange(Map.of("msg", "skipped, since " + removes + " does not exist", "rc", 0, "cmd", display()));
        }
        Plan plan = Plan.apply(Change.of("run: " + display()), script()).interpretedBy(this::outcome);
        return stdin != null ? plan.withStdin(stdin.getBytes(StandardCharsets.UTF_8)) : plan;
    }

    /** The apply script: the guard re-checked, then the command with stdin fed through. */
    String script() {
        StringBuilder s = new StringBuilder();
        if (chdir != null) s.append("cd ").append(ShellQuote.quote(chdir)).append(" || exit 1\n");
        // The guard may have changed since the probe (another host, another run): check it again.
        if (creates != null) s.append("[ -e ").append(ShellQuote.quote(creates)).append(" ] && { echo ").append(GUARD_SKIPPED).append(" >&2; exit 0; }\n");
        if (removes != null) s.append("[ -e ").append(ShellQuote.quote(removes)).append(" ] || { echo ").append(GUARD_SKIPPED).append(" >&2; exit 0; }\n");
        String run = shell
                ? ShellQuote.quote(executable != null ? executable : "/bin/sh") + " -c " + ShellQuote.quote(shellCode)
                : ShellQuote.quoteAll(argv);
        // Without stdin the command must not read the script stream: give it /dev/null.
        s.append("exec ").append(run).append(stdin == null ? " </dev/null" : "").append('\n');
        return s.toString();
    }

    private Outcome outcome(ExecResult r) {
        Map<String, Object> data = new LinkedHashMap<>(Outcome.standard(stripEmptyEnds(r)));
        data.put("cmd", display());
        if (r.succeeded() && r.stderr().contains(GUARD_SKIPPED)) return new Outcome(false, false, "skipped by its guard", data);
        if (r.succeeded()) return new Outcome(false, true, "", data);
        String err = r.stderr().isBlank() ? r.stdout().strip() : r.stderr().strip();
        return new Outcome(true, true, "non-zero return code " + r.exitCode() + (err.isEmpty() ? "" : ": " + err), data);
    }

    /** Ansible's {@code strip_empty_ends} (always on here): trailing line ends go from stdout and stderr. */
    private static ExecResult stripEmptyEnds(ExecResult r) {
        return new ExecResult(r.exitCode(), r.stdout().replaceFirst("[\\r\\n]+$", ""), r.stderr().replaceFirst("[\\r\\n]+$", ""),
                r.duration());
    }

    private String display() {
        return shell ? shellCode : String.join(" ", argv);
    }

    /** YAML: {@code command} (argument vector) and {@code shell} (shell code). */
    public static final class Type implements ModuleType {
        private static final Set<String> PARAMETERS = Set.of("cmd", "argv", "chdir", "creates", "removes", "stdin", "executable",
                "_raw_params", "free_form", "warn", "strip_empty_ends", "stdin_add_newline", "expand_argument_vars");

        @Override public List<String> names() { return List.of("command"); }
        @Override public Set<String> parameters() { return PARAMETERS; }
        @Override public String freeForm() { return "cmd"; }

        @Override
        public Module<?> create(Args args) {
            return bind(args, false);
        }

        static Command bind(Args args, boolean shell) {
            args.requireKnown(PARAMETERS);
            refuseWhatRiggerDoesNotDo(args, shell);
            String cmd = args.optionalString("cmd").or(() -> args.optionalString("_raw_params")).orElse(null);
            List<String> argv = args.stringList("argv");
            if (shell) {
                if (cmd == null) throw args.missing("cmd");
                return new Command(null, cmd, true, args.optionalString("executable").orElse(null), args.optionalString("chdir").orElse(null),
                        args.optionalString("creates").orElse(null), args.optionalString("removes").orElse(null), stdin(args));
            }
            if (args.has("executable")) throw args.error("executable", "'executable' only applies to the shell module");
            if (cmd != null && !argv.isEmpty()) throw args.error("argv", "give either the command string or 'argv', not both");
            List<String> words;
            try {
                words = cmd != null ? ShellWords.split(cmd) : argv;
            } catch (IllegalArgumentException e) {
                throw args.error("cmd", e.getMessage());
            }
            if (words.isEmpty()) throw args.missing("cmd");
            return new Command(words, null, false, null, args.optionalString("chdir").orElse(null),
                    args.optionalString("creates").orElse(null), args.optionalString("removes").orElse(null), stdin(args));
        }

        /**
         * Ansible parameters that would change nothing here are accepted only with the value that
         * describes what Rigger does anyway; any other value is refused rather than ignored.
         */
        private static void refuseWhatRiggerDoesNotDo(Args args, boolean shell) {
            if (args.has("warn")) {
                throw args.error("warn", "'warn' was removed in Ansible 2.14 and has no effect; remove it");
            }
            if (!args.bool("strip_empty_ends", true)) {
                throw args.error("strip_empty_ends", "only strip_empty_ends: true is supported (trailing line ends are always"
                        + " removed from stdout and stderr)");
            }
            // command runs its words without a shell, so nothing expands $VARS; shell's sh always does.
            if (args.has("expand_argument_vars") && args.bool("expand_argument_vars", shell) != shell) {
                throw args.error("expand_argument_vars", shell
                        ? "the shell always expands variables; expand_argument_vars: false is not supported with shell"
                        : "command never expands variables in its arguments; use shell for $VARS, or drop expand_argument_vars");
            }
        }

        private static String stdin(Args args) {
            String s = args.optionalString("stdin").orElse(null);
            if (s == null) return null;
            return args.bool("stdin_add_newline", true) && !s.endsWith("\n") ? s + "\n" : s;
        }
    }

    /** YAML {@code shell}: the same module, the command run through {@code sh -c}. */
    public static final class ShellType implements ModuleType {
        @Override public List<String> names() { return List.of("shell"); }
        @Override public Set<String> parameters() { return Type.PARAMETERS; }
        @Override public String freeForm() { return "cmd"; }

        @Override
        public Module<?> create(Args args) {
            return Type.bind(args, true);
        }
    }
}
