package dev.rigger.modules.system;

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
 * Ansible's {@code wait_for}, on the host: waits until a TCP port accepts connections
 * ({@code state: started}, the default) or stops accepting them ({@code stopped}), or until a file
 * exists ({@code present}, optionally holding a line matching {@code search_regex}, a POSIX
 * extended regex as grep -E reads it) or is gone ({@code absent}). Polls every {@code sleep}
 * seconds after {@code delay}, and fails after {@code timeout} seconds (300) with Ansible's message
 * or {@code msg}. One exec (the whole wait runs on the host), never a change; registers
 * {@code elapsed} in seconds. A bare {@code delay}/{@code timeout} without port or path just waits.
 *
 * <pre>{@code
 * - wait_for: port=5432 delay=2 timeout=60
 * - wait_for:
 *     path: /var/log/app.log
 *     search_regex: "ready"
 * }</pre>
 * <pre>{@code
 * WaitFor.port(5432).delay(2).timeout(60).build()
 * WaitFor.path("/var/log/app.log").searchRegex("ready").build()
 * }</pre>
 *
 * @param host  the host whose port is checked, from the host itself (default 127.0.0.1)
 * @param state {@code started} or {@code stopped} with a port; {@code present} or {@code absent} with a
 *              path ({@code started} means present there); null for the default
 */
public record WaitFor(String host, Integer port, String path, String searchRegex, String state,
                      int delay, int timeout, int sleep, int connectTimeout, String msg) implements Module<Long> {
    private static final List<String> STATES = List.of("started", "stopped", "present", "absent");
    private static final String DEFAULT_HOST = "127.0.0.1";
    private static final int DEFAULT_TIMEOUT = 300;
    private static final int DEFAULT_SLEEP = 1;
    private static final int DEFAULT_CONNECT_TIMEOUT = 5;

    /** @throws ModuleArgumentException naming the parameter that cannot work */
    public WaitFor {
        if (port != null && path != null) throw refused("path", "give port or path, not both");
        if (port != null && (port < 1 || port > 65535)) throw refused("port", "must be 1-65535, got " + port);
        if (path != null && !path.startsWith("/")) throw refused("path", "'" + path + "' must be an absolute path");
        if (state == null) state = path != null ? "present" : "started";
        if (!STATES.contains(state)) throw refused("state", "must be one of " + String.join(", ", STATES) + ", got '" + state + "'");
        if (port != null && !List.of("started", "stopped").contains(state)) throw refused("state", "with a port, state is started or stopped");
        if (path != null && !List.of("started", "present", "absent").contains(state)) throw refused("state", "with a path, state is present or absent");
        // Ansible's started means present for a path.
        if (path != null && state.equals("started")) state = "present";
        if (searchRegex != null && path == null) throw refused("search_regex", "needs a path (reading a port's banner is not supported)");
        nonNegative("delay", delay);
        nonNegative("timeout", timeout);
        nonNegative("sleep", sleep);
        nonNegative("connect_timeout", connectTimeout);
        // Polling without a pause, or a connect that may not take a second, would spin: 1 is the least.
        sleep = Math.max(1, sleep);
        connectTimeout = Math.max(1, connectTimeout);
        if (host == null) host = DEFAULT_HOST;
    }

    private static void nonNegative(String parameter, int value) {
        if (value < 0) throw refused(parameter, "must not be negative, got " + value);
    }

    private static ModuleArgumentException refused(String parameter, String problem) {
        return new ModuleArgumentException("wait_for", parameter, problem);
    }

    /** Until {@code port} on 127.0.0.1 accepts connections ({@code state("stopped")}: until it stops). */
    public static Builder port(int port) {
        return new Builder(port, null);
    }

    /** Until the file {@code path} exists ({@code state("absent")}: until it is gone). */
    public static Builder path(String path) {
        return new Builder(null, path);
    }

    /** Just waits: {@code seconds} (Ansible's bare {@code wait_for: timeout=N}). */
    public static Builder seconds(int seconds) {
        return new Builder(null, null).timeout(seconds);
    }

    /** Optional parameters of a wait_for task; {@link #build()} checks them all. */
    public static final class Builder {
        private final Integer port;
        private final String path;
        private String host;
        private String state;
        private String searchRegex;
        private int delay;
        private int timeout = DEFAULT_TIMEOUT;
        private int sleep = DEFAULT_SLEEP;
        private int connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private String msg;

        private Builder(Integer port, String path) {
            this.port = port;
            this.path = path;
        }

        /** The host whose port is checked, as the managed host reaches it (default 127.0.0.1). */
        public Builder host(String value) { this.host = value; return this; }
        /** {@code started}/{@code stopped} for a port, {@code present}/{@code absent} for a path. */
        public Builder state(String value) { this.state = value; return this; }
        /** A line of the file must match this POSIX extended regex (a path only). */
        public Builder searchRegex(String value) { this.searchRegex = value; return this; }
        /** Seconds before the first check (default 0). */
        public Builder delay(int seconds) { this.delay = seconds; return this; }
        /** Seconds until the task fails (default 300). */
        public Builder timeout(int seconds) { this.timeout = seconds; return this; }
        /** Seconds between checks (default 1). */
        public Builder sleep(int seconds) { this.sleep = seconds; return this; }
        /** Seconds one connection attempt may take (default 5). */
        public Builder connectTimeout(int seconds) { this.connectTimeout = seconds; return this; }
        /** The failure message instead of Ansible's. */
        public Builder msg(String value) { this.msg = value; return this; }

        /** @throws ModuleArgumentException naming the parameter that cannot work */
        public WaitFor build() {
            return new WaitFor(host, port, path, searchRegex, state, delay, timeout, sleep, connectTimeout, msg);
        }
    }

    @Override
    public String moduleName() {
        return "wait_for";
    }

    @Override
    public Probe<Long> probe(ModuleContext context) {
        String check;
        String what;
        if (port != null) {
            // /dev/tcp is bash's; dash (Debian's sh) has none, so the connect runs in bash.
            String connect = "timeout " + connectTimeout + " bash -c 'exec 3<>/dev/tcp/\"$1\"/\"$2\"' _ " + ShellQuote.quote(host) + " " + port + " 2>/dev/null";
            check = state.equals("stopped") ? "! " + connect : connect;
            what = host + ":" + port;
        } else if (path != null) {
            String p = ShellQuote.quote(path);
            check = state.equals("absent") ? "[ ! -e " + p + " ]"
                    : searchRegex != null ? "grep -Eq -- " + ShellQuote.quote(searchRegex) + " " + p + " 2>/dev/null" : "[ -e " + p + " ]";
            what = path;
        } else {
            check = null;
            what = null;
        }
        String failure = msg != null ? msg
                : what == null ? null
                : "Timeout when waiting for " + what + (searchRegex != null ? " to contain " + searchRegex : "");
        // date +%s counts whole seconds: "-ge start+timeout" could give up up to a second early, so
        // the loop gives up only once the clock is past the deadline (never before `timeout`).
        String script = what == null
                ? "start=$(date +%s)\nsleep " + delay + "\nsleep " + timeout + "\necho $(( $(date +%s) - start ))\n"
                : "start=$(date +%s)\n"
                + "sleep " + delay + "\n"
                + "deadline=$(( start + " + timeout + " ))\n"
                + "while :; do\n"
                + "  if " + check + "; then echo $(( $(date +%s) - start )); exit 0; fi\n"
                + "  if [ \"$(date +%s)\" -gt \"$deadline\" ]; then echo " + ShellQuote.quote(failure) + " >&2; exit 3; fi\n"
                + "  sleep " + sleep + "\n"
                + "done\n";
        return Probe.of(script, r -> {
            if (r.exitCode() == 3) throw new ModuleException(r.stderr().strip());
            if (r.exitCode() != 0) throw new ModuleException("wait_for failed (exit " + r.exitCode() + "): " + r.stderr().strip());
            return Long.parseLong(r.stdout().strip());
        });
    }

    @Override
    public Plan plan(Long elapsed, ModuleContext context) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("elapsed", elapsed);
        if (port != null) data.put("port", port.longValue());
        if (path != null) data.put("path", path);
        return Plan.noChange(data);
    }

    /** YAML binding: {@code wait_for}. */
    public static final class Type implements ModuleType {
        @Override public List<String> names() { return List.of("wait_for"); }
        @Override public Set<String> parameters() {
            return Set.of("host", "port", "path", "search_regex", "state", "delay", "timeout", "sleep", "connect_timeout", "msg");
        }

        @Override
        public Module<?> create(Args args) {
            args.requireKnown(parameters());
            Integer port = args.optionalInt("port").orElse(null);
            String path = args.optionalString("path").orElse(null);
            String state = args.choice("state", STATES, port != null || path == null ? "started" : "present");
            try {
                return new WaitFor(args.string("host", DEFAULT_HOST), port, path, args.optionalString("search_regex").orElse(null), state,
                        args.integer("delay", 0), args.integer("timeout", DEFAULT_TIMEOUT), args.integer("sleep", DEFAULT_SLEEP),
                        args.integer("connect_timeout", DEFAULT_CONNECT_TIMEOUT), args.optionalString("msg").orElse(null));
            } catch (IllegalArgumentException e) {
                throw args.error(e, "port");
            }
        }
    }
}
