package dev.rigger.modules.system;

import dev.rigger.core.module.Args;
import dev.rigger.core.module.Change;
import dev.rigger.core.module.Module;
import dev.rigger.core.module.ModuleContext;
import dev.rigger.core.module.ModuleException;
import dev.rigger.core.module.ModuleType;
import dev.rigger.core.module.Outcome;
import dev.rigger.core.module.Plan;
import dev.rigger.core.module.Probe;
import dev.rigger.core.module.ModuleArgumentException;
import dev.rigger.core.transport.ExecResult;
import dev.rigger.core.transport.ShellQuote;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A systemd unit: running or not, enabled at boot or not, masked or not.
 *
 * <p>Parameters (Ansible's {@code systemd}; also named {@code systemd_service} and {@code service}):
 * <ul>
 *   <li>{@code name} — the unit; without a type suffix it is a {@code .service}. Required unless the
 *       task only asks for {@code daemon_reload} or {@code daemon_reexec}.</li>
 *   <li>{@code state} — {@code started} and {@code stopped} act only when needed; {@code restarted}
 *       and {@code reloaded} always act (a stopped unit is started), which is what handlers want.</li>
 *   <li>{@code enabled} — start at boot. Static, indirect, generated and transient units count as
 *       enabled: they have nothing to enable.</li>
 *   <li>{@code masked} — linked to /dev/null so nothing can start it.</li>
 *   <li>{@code daemon_reload} — run {@code systemctl daemon-reload} when the unit's files changed on
 *       disk since systemd read them ({@code NeedDaemonReload}); without {@code name}, always.</li>
 *   <li>{@code daemon_reexec} — run {@code systemctl daemon-reexec}; always acts.</li>
 * </ul>
 * The probe is one {@code systemctl show}. A unit that does not exist is an error ("unit x.service
 * not found"), except when the task only masks it. After a start or restart the apply script waits
 * until the unit is active (a {@code Type=simple} unit must stay up for a second, because
 * {@code systemctl start} returns before its program has run) and otherwise fails with the unit's
 * last 20 journal lines.
 *
 * <pre>{@code
 * - name: haproxy runs and starts at boot
 *   systemd:
 *     name: haproxy
 *     state: started
 *     enabled: true
 * }</pre>
 *
 * <pre>{@code
 * Systemd.unit("haproxy").state(Systemd.State.STARTED).enabled(true).build()
 * }</pre>
 */
public record Systemd(String name, State state, Boolean enabled, Boolean masked, boolean daemonReload, boolean daemonReexec)
        implements Module<Systemd.UnitState> {

    private static final Pattern UNIT_NAME = Pattern.compile("[A-Za-z0-9:_.@\\\\-]+");
    private static final Set<String> UNIT_TYPES = Set.of("service", "socket", "device", "mount", "automount", "swap",
            "target", "path", "timer", "slice", "scope");
    /** Unit file states that need no {@code systemctl enable}: enabled already, or nothing to enable. */
    private static final Set<String> ENABLED_OR_UNENABLEABLE = Set.of("enabled", "enabled-runtime", "alias", "static",
            "indirect", "generated", "transient");
    private static final Set<String> RUNNING = Set.of("active", "activating", "reloading");
    /** Polls of 0.2 s a Type=simple unit must stay active after a start (about one second). */
    private static final int SIMPLE_SETTLE_POLLS = 5;

    public enum State { STARTED, STOPPED, RESTARTED, RELOADED }

    public Systemd {
        if (name != null) {
            if (!UNIT_NAME.matcher(name).matches() || name.startsWith("-")) {
                throw new ModuleArgumentException("systemd", "name", "'" + name + "' is not a systemd unit name");
            }
            name = withType(name);
        } else if (state != null || enabled != null || masked != null) {
            throw new ModuleArgumentException("systemd", "name", "a unit name is required with state, enabled or masked");
        } else if (!daemonReload && !daemonReexec) {
            throw new ModuleArgumentException("systemd", "name", "give a unit name, or daemon_reload or daemon_reexec");
        }
    }

    public static Builder unit(String name) {
        return new Builder(name);
    }

    /** {@code systemctl daemon-reload}, as a handler after unit files change. */
    public static Builder daemonReloadOnly() {
        return new Builder(null).daemonReload(true);
    }

    /** {@code cron} → {@code cron.service}; names that already carry a unit type stay as they are. */
    static String withType(String name) {
        int dot = name.lastIndexOf('.');
        if (dot > 0 && UNIT_TYPES.contains(name.substring(dot + 1))) return name;
        return name + ".service";
    }

    @Override
    public String moduleName() {
        return "systemd";
    }

    @Override
    public Probe<UnitState> probe(ModuleContext context) {
        if (name == null) return Probe.none(UnitState.NO_UNIT);
        String script = "if ! command -v systemctl >/dev/null 2>&1; then echo " + UnitState.NO_SYSTEMCTL + "; exit 0; fi\n"
                + "exec systemctl show -p Id,LoadState,ActiveState,SubState,UnitFileState,NeedDaemonReload,CanReload,Type -- "
                + ShellQuote.quote(name) + "\n";
        return Probe.of(script, UnitState::parse);
    }

    @Override
    public Plan plan(UnitState unit, ModuleContext context) {
        List<Change> changes = new ArrayList<>();
        StringBuilder script = new StringBuilder();
        if (name == null) {
            if (daemonReexec) {
                changes.add(Change.of("daemon-reexec"));
                script.append("systemctl daemon-reexec\n");
            }
            if (daemonReload) {
                changes.add(Change.of("daemon-reload"));
                script.append("systemctl daemon-reload\n");
            }
            return Plan.apply(changes, "set -e\n" + script);
        }
        String id = unit.id().isEmpty() ? name : unit.id();
        boolean onlyMasking = state == null && !Boolean.TRUE.equals(enabled);
        if (!unit.exists() && !onlyMasking) throw new ModuleException("unit " + id + " not found");
        boolean isMasked = unit.isMasked();
        boolean willBeMasked = masked != null ? masked : isMasked;
        boolean wantsRunning = state == State.STARTED || state == State.RESTARTED || state == State.RELOADED;
        if (willBeMasked && (wantsRunning || Boolean.TRUE.equals(enabled))) {
            throw new ModuleException("unit " + id + " is masked: it can be neither started nor enabled (set masked: false)");
        }
        if (wantsRunning && (unit.loadState().equals("bad-setting") || unit.loadState().equals("error"))) {
            throw new ModuleException("unit " + id + " cannot be loaded (LoadState=" + unit.loadState()
                    + "); `systemd-analyze verify " + id + "` shows why");
        }

        if (daemonReexec) {
            changes.add(Change.of("daemon-reexec"));
            script.append("systemctl daemon-reexec\n");
        }
        if (daemonReload && unit.needDaemonReload()) {
            changes.add(Change.of("daemon-reload (files of " + id + " changed on disk)"));
            script.append("systemctl daemon-reload\n");
        }

        if (Boolean.TRUE.equals(masked) && !isMasked) {
            changes.add(Change.of("mask " + id));
            script.append("systemctl mask -- \"$unit\"\n");
        } else if (Boolean.FALSE.equals(masked) && isMasked) {
            changes.add(Change.of("unmask " + id));
            script.append(unit.unitFileState().equals("masked-runtime")
                    ? "systemctl unmask --runtime -- \"$unit\"\n" : "systemctl unmask -- \"$unit\"\n");
        }

        if (enabled != null) {
            // Unmasking reveals an enablement state the probe could not see: the script decides.
            boolean unknown = isMasked && !willBeMasked;
            String ufs = unit.unitFileState();
            if (enabled && (unknown || !ENABLED_OR_UNENABLEABLE.contains(ufs))) {
                changes.add(Change.of("enable " + id));
                script.append("systemctl is-enabled --quiet -- \"$unit\" || systemctl enable -- \"$unit\"\n");
            } else if (!enabled && (unknown || ufs.equals("enabled"))) {
                changes.add(Change.of("disable " + id));
                script.append("if [ \"$(systemctl is-enabled -- \"$unit\" 2>/dev/null)\" = enabled ]; then systemctl disable -- \"$unit\"; fi\n");
            } else if (!enabled && ufs.equals("enabled-runtime")) {
                changes.add(Change.of("disable " + id + " (runtime enablement)"));
                script.append("systemctl disable --runtime -- \"$unit\"\n");
            }
        }

        if (state != null) {
            // A unit waiting to be restarted after a crash is not running: started makes it start now and shows why it fails.
            boolean running = RUNNING.contains(unit.activeState()) && !unit.subState().equals("auto-restart");
            int settle = unit.type().equals("simple") || unit.type().equals("idle") ? SIMPLE_SETTLE_POLLS : 0;
            switch (state) {
                case STARTED -> {
                    if (!running) {
                        changes.add(Change.of("start " + id));
                        script.append("if ! systemctl is-active --quiet -- \"$unit\"; then\n")
                                .append("  systemctl start -- \"$unit\" || fail \"systemctl start $unit failed\"\n")
                                .append("  verify_active ").append(settle).append('\n')
                                .append("fi\n");
                    }
                }
                case STOPPED -> {
                    if (running || unit.activeState().equals("deactivating")) {
                        changes.add(Change.of("stop " + id));
                        script.append("systemctl stop -- \"$unit\"\n");
                    }
                }
                case RESTARTED -> {
                    changes.add(Change.of((running ? "restart " : "start ") + id));
                    script.append("systemctl restart -- \"$unit\" || fail \"systemctl restart $unit failed\"\n")
                            .append("verify_active ").append(settle).append('\n');
                }
                case RELOADED -> {
                    if (running) {
                        if (!unit.canReload()) {
                            throw new ModuleException("unit " + id + " cannot reload (it has no ExecReload=); use state: restarted");
                        }
                        changes.add(Change.of("reload " + id));
                        script.append("systemctl reload -- \"$unit\" || fail \"systemctl reload $unit failed\"\n");
                    } else {
                        changes.add(Change.of("start " + id));
                        script.append("systemctl start -- \"$unit\" || fail \"systemctl start $unit failed\"\n")
                                .append("verify_active ").append(settle).append('\n');
                    }
                }
            }
        }
        if (changes.isEmpty()) return Plan.noChange();
        return Plan.apply(changes, preamble(id, unit.type()) + script).interpretedBy(Systemd::outcome);
    }

    /**
     * Variables and the two helpers the apply steps use. {@code verify_active N} waits for a start
     * job's unit to settle: it must be active for N further polls of 0.2 s, or (oneshot) have
     * finished successfully; anything else fails with the unit's journal.
     */
    private static String preamble(String id, String type) {
        return "set -e\n"
                + "unit=" + ShellQuote.quote(id) + "\n"
                + "oneshot=" + (type.equals("oneshot") ? "yes" : "no") + "\n"
                + "fail() {\n"
                + "  printf '%s; last journal lines of %s:\\n' \"$1\" \"$unit\" >&2\n"
                + "  journalctl -u \"$unit\" -n 20 --no-pager >&2 2>&1 || true\n"
                + "  exit 1\n"
                + "}\n"
                + "prop() { systemctl show -p \"$1\" -- \"$unit\" | sed -n \"s/^$1=//p\"; }\n"
                + "verify_active() {\n"
                + "  polls=0; up=0\n"
                + "  while :; do\n"
                + "    active=$(prop ActiveState); sub=$(prop SubState)\n"
                + "    case $active in\n"
                + "      active) up=$((up + 1)); [ \"$up\" -gt \"$1\" ] && return 0 ;;\n"
                + "      activating|reloading|deactivating) [ \"$sub\" = auto-restart ] && break ;;\n"
                + "      inactive) [ \"$oneshot\" = yes ] && [ \"$(prop Result)\" = success ] && return 0; break ;;\n"
                + "      *) break ;;\n"
                + "    esac\n"
                + "    polls=$((polls + 1)); [ \"$polls\" -ge 150 ] && break\n"
                + "    sleep 0.2 2>/dev/null || sleep 1\n"
                + "  done\n"
                + "  fail \"$unit did not stay active (ActiveState=$active SubState=$sub Result=$(prop Result))\"\n"
                + "}\n";
    }

    /** A failed apply reports the script's own explanation (with journal lines), not just "exit 1". */
    static Outcome outcome(ExecResult r) {
        if (r.succeeded()) return Outcome.fromExit(r);
        String err = r.stderr().strip();
        return new Outcome(true, false, err.isEmpty() ? "exit " + r.exitCode() : err, Outcome.standard(r));
    }

    /**
     * What {@code systemctl show} says about the unit.
     *
     * @param id            the unit's real name ({@code sshd} resolves to {@code ssh.service})
     * @param loadState     {@code loaded}, {@code not-found}, {@code masked}, {@code bad-setting}, ...
     * @param activeState   {@code active}, {@code inactive}, {@code failed}, {@code activating}, ...
     * @param unitFileState {@code enabled}, {@code disabled}, {@code static}, {@code masked}, ... or "" without a file
     * @param type          the service type ({@code simple}, {@code notify}, {@code oneshot}, ...), "" for non-services
     */
    public record UnitState(String id, String loadState, String activeState, String subState, String unitFileState,
                            boolean needDaemonReload, boolean canReload, String type) {
        static final String NO_SYSTEMCTL = "rigger-no-systemctl";
        static final UnitState NO_UNIT = new UnitState("", "", "", "", "", false, false, "");

        public boolean exists() {
            return !loadState.equals("not-found");
        }

        public boolean isMasked() {
            return loadState.equals("masked") || unitFileState.startsWith("masked");
        }

        static UnitState parse(ExecResult r) {
            if (r.stdout().strip().equals(NO_SYSTEMCTL)) {
                throw new ModuleException("systemctl not found: this host does not run systemd");
            }
            if (!r.succeeded()) {
                throw new ModuleException("systemctl show failed (exit " + r.exitCode() + "): " + r.stderr().strip());
            }
            Map<String, String> p = new LinkedHashMap<>();
            for (String line : r.stdout().split("\n")) {
                int eq = line.indexOf('=');
                if (eq > 0) p.put(line.substring(0, eq), line.substring(eq + 1).strip());
            }
            if (!p.containsKey("LoadState")) {
                throw new ModuleException("unexpected output of systemctl show: " + r.stdout().strip());
            }
            return new UnitState(p.getOrDefault("Id", ""), p.get("LoadState"), p.getOrDefault("ActiveState", ""),
                    p.getOrDefault("SubState", ""), p.getOrDefault("UnitFileState", ""),
                    "yes".equals(p.get("NeedDaemonReload")), "yes".equals(p.get("CanReload")), p.getOrDefault("Type", ""));
        }
    }

    /** Optional parameters of a unit task. */
    public static final class Builder {
        private final String name;
        private State state;
        private Boolean enabled;
        private Boolean masked;
        private boolean daemonReload;
        private boolean daemonReexec;

        private Builder(String name) {
            this.name = name;
        }

        public Builder state(State value) { this.state = value; return this; }
        public Builder started() { return state(State.STARTED); }
        public Builder stopped() { return state(State.STOPPED); }
        public Builder restarted() { return state(State.RESTARTED); }
        public Builder reloaded() { return state(State.RELOADED); }
        public Builder enabled(boolean value) { this.enabled = value; return this; }
        public Builder masked(boolean value) { this.masked = value; return this; }
        public Builder daemonReload(boolean value) { this.daemonReload = value; return this; }
        public Builder daemonReexec(boolean value) { this.daemonReexec = value; return this; }

        public Systemd build() {
            return new Systemd(name, state, enabled, masked, daemonReload, daemonReexec);
        }
    }

    /** YAML binding: {@code systemd}, {@code systemd_service}, {@code service}. */
    public static final class Type implements ModuleType {
        private static final Set<String> PARAMETERS = Set.of("name", "state", "enabled", "masked", "daemon_reload", "daemon_reexec");

        @Override
        public List<String> names() {
            return List.of("systemd", "systemd_service", "service");
        }

        @Override
        public Set<String> parameters() {
            return PARAMETERS;
        }

        @Override
        public Module<?> create(Args args) {
            args.requireKnown(PARAMETERS);
            String state = args.choice("state", List.of("started", "stopped", "restarted", "reloaded"), "");
            Boolean enabled = args.has("enabled") ? args.bool("enabled", false) : null;
            Boolean masked = args.has("masked") ? args.bool("masked", false) : null;
            String name = args.optionalString("name").orElse(null);
            try {
                return new Systemd(name, state.isEmpty() ? null : State.valueOf(state.toUpperCase(Locale.ROOT)), enabled, masked,
                        args.bool("daemon_reload", false), args.bool("daemon_reexec", false));
            } catch (IllegalArgumentException e) {
                throw args.error(e, "name");
            }
        }
    }
}
