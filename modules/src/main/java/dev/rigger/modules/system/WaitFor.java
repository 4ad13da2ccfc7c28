package dev.rigger.modules.system;

import dev.rigger.core.module.Args;
import dev.rigger.core.module.Module;
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
 * new WaitFor("127.0.0.1", 5432, null, null, "started", 2, 60, 1, 5, null)
 * }</pre>
 */
public record WaitFor(String host, Integer port, String path, String searchRegex, String state,
                      int delay, int timeout, int sleep, int connectTimeout, String msg) implements Module<Long> {

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
            check = "false";
            what = null;
        }
        String failure = msg != null ? msg
                : what == null ? null
                : "Timeout when waiting for " + what + (searchRegex != null ? " to contain " + searchRegex : "");
        String script = "start=$(date +%s)\n"
                + "sleep " + delay + "\n"
                + "deadline=$(( start + " + timeout + " ))\n"
                + "while :; do\n"
                + "  if " + check + "; then echo $(( $(date +%s) - start )); exit 0; fi\n"
                + "  if [ \"$(date +%s)\" -ge \"$deadline\" ]; then "
                + (failure == null ? "echo $(( $(date +%s) - start )); exit 0" : "echo " + ShellQuote.quote(failure) + " >&2; exit 3") + "; fi\n"
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

    public static final class Type implements ModuleType {
        private static final List<String> STATES = List.of("started", "stopped", "present", "absent");

        @Override public List<String> names() { return List.of("wait_for"); }
        @Override public Set<String> parameters() {
            return Set.of("host", "port", "path", "search_regex", "state", "delay", "timeout", "sleep", "connect_timeout", "msg");
        }

        @Override
        public Module<?> create(Args args) {
            args.requireKnown(parameters());
            Integer port = args.optionalInt("port").orElse(null);
            String path = args.optionalString("path").orElse(null);
            if (port != null && path != null) throw args.error("path", "give port or path, not both");
            if (port != null && (port < 1 || port > 65535)) throw args.error("port", "port must be 1-65535, got " + port);
            if (path != null && !path.startsWith("/")) throw args.error("path", "'" + path + "' must be an absolute path");
            String state = args.choice("state", STATES, port != null || path == null ? "started" : "present");
            if (port != null && !List.of("started", "stopped").contains(state)) throw args.error("state", "with a port, state is started or stopped");
            if (path != null && !List.of("started", "present", "absent").contains(state)) throw args.error("state", "with a path, state is present or absent");
            String regex = args.optionalString("search_regex").orElse(null);
            if (regex != null && path == null) throw args.error("search_regex", "search_regex needs a path (reading a port's banner is not supported)");
            return new WaitFor(args.string("host", "127.0.0.1"), port, path, regex, state.equals("started") && path != null ? "present" : state,
                    nonNegative(args, "delay", 0), nonNegative(args, "timeout", 300), Math.max(1, nonNegative(args, "sleep", 1)),
                    Math.max(1, nonNegative(args, "connect_timeout", 5)), args.optionalString("msg").orElse(null));
        }

        private static int nonNegative(Args args, String name, int fallback) {
            int value = args.integer(name, fallback);
            if (value < 0) throw args.error(name, "'" + name + "' must not be negative");
            return value;
        }
    }
}
