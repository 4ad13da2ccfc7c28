package dev.rigger.modules.postgresql;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rigger.core.internal.text.NearNames;
import dev.rigger.core.module.Args;
import dev.rigger.core.module.Change;
import dev.rigger.core.module.Module;
import dev.rigger.core.module.ModuleContext;
import dev.rigger.core.module.ModuleException;
import dev.rigger.core.module.ModuleType;
import dev.rigger.core.module.Outcome;
import dev.rigger.core.module.Plan;
import dev.rigger.core.module.Probe;
import dev.rigger.core.module.UnifiedDiff;
import dev.rigger.core.module.ModuleArgumentException;
import dev.rigger.core.secret.Secret;
import dev.rigger.core.transport.ExecResult;
import dev.rigger.core.transport.RemoteFiles;
import dev.rigger.core.transport.ShellQuote;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Server settings in a file of their own under the server's {@code conf.d}, applied with a reload,
 * with the settings that need a restart reported instead of pretended applied.
 *
 * <p>Parameters:
 * <ul>
 *   <li>{@code settings} — a mapping of setting names to values ({@code wal_level: replica},
 *       {@code shared_buffers: 256MB}, {@code hot_standby: true}); YAML booleans become on/off.
 *       The file holds exactly these, so a setting removed from the mapping leaves the file.</li>
 *   <li>{@code file} — default {@code conf.d/rigger.conf}, relative to the directory of the server's
 *       {@code config_file} (Debian: {@code /etc/postgresql/15/main/conf.d/rigger.conf}); an absolute
 *       path is taken as is. postgresql.conf must include it: Debian's has {@code include_dir = 'conf.d'};
 *       when the server does not read the file, the task puts the old one back and says so.</li>
 *   <li>{@code port} — the server's port (default 5432).</li>
 * </ul>
 *
 * <p>State is the file <em>and</em> the live server. The probe reads the file, each setting's live
 * value, type, unit and allowed values from {@code pg_settings}, and where each comes from in
 * {@code pg_file_settings}. Names PostgreSQL does not know fail the task before anything changes,
 * with the nearest known name (names with a dot are extension settings and pass), and so do values
 * that do not fit the setting's type. Live values are compared in the server's units
 * ({@code 128MB} equals a {@code shared_buffers} of 16384 × 8kB). A file that is right but not yet
 * loaded is reloaded; a setting that a later file overrides ({@code ALTER SYSTEM} writes
 * {@code postgresql.auto.conf}, read last) fails the task naming that file and line, because no
 * reload can make the desired value win.
 *
 * <p><b>Restarts are reported, not pretended.</b> Settings like {@code wal_level} or
 * {@code shared_preload_libraries} take effect only at server start. After the reload, PostgreSQL
 * flags them {@code pending_restart}; the task returns {@code restart_required}: the names of every
 * setting of the server pending a restart ({@code SELECT name FROM pg_settings WHERE pending_restart}),
 * on changed and unchanged runs alike, so a role can notify a restart handler exactly when one is
 * pending (and never on a re-run after the restart):
 *
 * <pre>{@code
 * - name: replication settings
 *   postgresql_conf:
 *     settings:
 *       listen_addresses: "*"
 *       wal_level: replica
 *       max_wal_senders: 10
 *       wal_log_hints: true
 *   register: pg_conf
 *
 * - name: a restart is pending
 *   debug:
 *     msg: "PostgreSQL needs a restart for {{ pg_conf.restart_required }}"
 *   changed_when: pg_conf.restart_required | length > 0
 *   notify: restart postgresql
 * }</pre>
 *
 * <pre>{@code
 * PostgresqlConf.of(Map.of("wal_level", "replica")).build()
 * }</pre>
 *
 * <p>Execs: unchanged 1 (the probe), changed 2 (write, check, reload and wait, read back).
 */
public record PostgresqlConf(Map<String, String> settings, String file, int port) implements Module<PostgresqlConf.Current> {

    public static final String DEFAULT_FILE = "conf.d/rigger.conf";

    /** These settings in {@value #DEFAULT_FILE} of the cluster on port 5432. */
    public static Builder of(Map<String, String> settings) {
        return new Builder(settings);
    }

    /** Optional parameters of a postgresql_conf task; {@link #build()} checks them all. */
    public static final class Builder {
        private final Map<String, String> settings;
        private String file;
        private int port = PostgresqlUser.DEFAULT_PORT;

        private Builder(Map<String, String> settings) {
            this.settings = settings;
        }

        /** The file, relative to the cluster's configuration folder (default {@value PostgresqlConf#DEFAULT_FILE}). */
        public Builder file(String value) { this.file = value; return this; }
        public Builder port(int value) { this.port = value; return this; }

        /** @throws ModuleArgumentException naming the parameter that cannot work */
        public PostgresqlConf build() {
            return new PostgresqlConf(settings, file, port);
        }
    }
    static final String HEADER = "# Managed by Rigger (postgresql_conf): changes made here are replaced on the next run.\n";
    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]*(\\.[a-z_][a-z0-9_]*)*");
    private static final Pattern NUMBER = Pattern.compile("\\s*([-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?)\\s*([A-Za-z]*)\\s*");
    private static final Map<String, Double> MEMORY = Map.of("B", 1.0, "kB", 1024.0, "MB", 1024.0 * 1024, "GB", 1024.0 * 1024 * 1024,
            "TB", 1024.0 * 1024 * 1024 * 1024);
    private static final Map<String, Double> TIME = Map.of("us", 0.001, "ms", 1.0, "s", 1000.0, "min", 60_000.0, "h", 3_600_000.0,
            "d", 86_400_000.0);
    private static final Set<String> TRUE = Set.of("on", "true", "yes", "1", "t", "y");
    private static final Set<String> FALSE = Set.of("off", "false", "no", "0", "f", "n");

    public PostgresqlConf {
        Map<String, String> copy = new LinkedHashMap<>();
        settings.forEach((k, v) -> {
            String name = k.toLowerCase(Locale.ROOT);
            if (!NAME.matcher(name).matches()) throw new ModuleArgumentException("postgresql_conf", "settings", "'" + k + "' is not a setting name");
            if (v == null || v.indexOf('\n') >= 0 || v.indexOf('\0') >= 0) throw new ModuleArgumentException("postgresql_conf", "settings", "" + k + " needs a one-line value");
            copy.put(name, v);
        });
        settings = java.util.Collections.unmodifiableMap(copy);
        if (file == null) file = DEFAULT_FILE;
        if (file.isEmpty() || file.endsWith("/") || !file.endsWith(".conf")) {
            throw new ModuleArgumentException("postgresql_conf", "file", "must name a .conf file (include_dir reads only those), got '" + file + "'");
        }
        if (port < 1 || port > 65535) throw new ModuleArgumentException("postgresql_conf", "port", "must be 1 to 65535, got " + port);
    }

    @Override
    public String moduleName() {
        return "postgresql_conf";
    }

    @Override
    public Probe<Current> probe(ModuleContext context) {
        String path = file.startsWith("/") ? Psql.literal(file)
                : "regexp_replace(current_setting('config_file'), '[^/]*$', '') || " + Psql.literal(file);
        String names = "ARRAY[" + String.join(", ", settings.keySet().stream().map(Psql::literal).toList()) + "]::text[]";
        String sql = "SELECT json_build_object('file', p, 'exists', (pg_stat_file(p, true)).size IS NOT NULL, "
                + "'content', pg_read_file(p, 0, coalesce((pg_stat_file(p, true)).size, 0), true), "
                + "'settings', (SELECT json_agg(json_build_object('name', name, 'setting', setting, 'unit', unit, 'vartype', vartype, "
                + "'enumvals', enumvals, 'context', context, 'pending_restart', pending_restart)) FROM pg_settings WHERE name = ANY(" + names + ")), "
                + "'sources', (SELECT json_agg(json_build_object('name', name, 'sourcefile', sourcefile, 'sourceline', sourceline) ORDER BY seqno) "
                + "FROM pg_file_settings WHERE name = ANY(" + names + ")), "
                + "'known', (SELECT json_agg(name) FROM pg_settings), "
                + "'pending_restart', (SELECT coalesce(json_agg(name ORDER BY name), '[]') FROM pg_settings WHERE pending_restart)) "
                + "FROM (SELECT " + path + " AS p) s";
        return Probe.of(Psql.prelude(port) + Psql.run(sql), Current::parse);
    }

    @Override
    public Plan plan(Current current, ModuleContext context) {
        for (Map.Entry<String, String> e : settings.entrySet()) validate(e.getKey(), e.getValue(), current);
        String content = content();
        List<String> notLive = new ArrayList<>();
        for (Map.Entry<String, String> e : settings.entrySet()) {
            Setting live = current.settings().get(e.getKey());
            if (live == null || live.pendingRestart() || matches(live, e.getValue())) continue;
            String winner = current.winners().get(e.getKey());
            if (content.equals(current.content()) && winner != null && !winner.startsWith(current.file() + ":")) {
                throw new ModuleException("setting " + e.getKey() + " is " + live.setting() + (live.unit() == null ? "" : " (" + live.unit() + ")")
                        + " on the server, not " + e.getValue() + ": " + winner + " sets it after " + current.file()
                        + (winner.contains("postgresql.auto.conf") ? " (ALTER SYSTEM wrote it; undo with ALTER SYSTEM RESET " + e.getKey() + ")" : ""));
            }
            notLive.add(e.getKey());
        }
        Map<String, Object> data = Map.of("restart_required", current.pendingRestart());
        boolean write = !content.equals(current.content());
        if (!write && notLive.isEmpty()) return Plan.noChange(data);

        List<String> restart = settings.keySet().stream().filter(n -> {
            Setting s = current.settings().get(n);
            return s != null && s.context().equals("postmaster") && !s.pendingRestart() && !matches(s, settings.get(n));
        }).toList();
        String needs = restart.isEmpty() ? "" : " (" + String.join(", ", restart) + " then need" + (restart.size() == 1 ? "s" : "") + " a restart)";
        Change change;
        if (write) {
            String summary = "write " + settings.size() + " setting" + (settings.size() == 1 ? "" : "s") + " to " + current.file() + " and reload" + needs;
            change = context.diffMode()
                    ? Change.withDiff(summary, UnifiedDiff.of(current.file(), current.content() == null ? "" : current.content(), content))
                    : Change.of(summary);
        } else {
            change = Change.of("reload: " + String.join(", ", notLive) + " differ" + (notLive.size() == 1 ? "s" : "")
                    + " between " + current.file() + " and the server" + needs);
        }
        StringBuilder script = new StringBuilder(Psql.prelude(port));
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        if (write) script.append(writeAndCheck(current, bytes));
        script.append(Psql.reloadAndWait());
        script.append(Psql.run("SELECT json_build_object('settings', (SELECT json_agg(json_build_object('name', name, 'setting', setting, 'unit', unit, "
                + "'vartype', vartype, 'context', context, 'pending_restart', pending_restart, 'source', sourcefile || ':' || sourceline)) "
                + "FROM pg_settings WHERE name = ANY(ARRAY[" + String.join(", ", settings.keySet().stream().map(Psql::literal).toList()) + "]::text[])), "
                + "'pending_restart', (SELECT coalesce(json_agg(name ORDER BY name), '[]') FROM pg_settings WHERE pending_restart))"));
        Plan plan = Plan.apply(change, script.toString()).interpretedBy(this::interpret);
        return write ? plan.withStdin(bytes) : plan;
    }

    /** Writes the file; when the server does not read it (no include_dir) or cannot parse it, the old one comes back. */
    private String writeAndCheck(Current current, byte[] bytes) {
        String target = ShellQuote.quote(current.file());
        RemoteFiles write = RemoteFiles.write(current.file(), bytes);
        if (!current.exists()) write.mode("0644").owner("postgres").group("postgres");
        String restore = current.exists() ? "  cp -p -- \"$prev\" " + target + "\n" : "  rm -f -- " + target + "\n";
        return "prev=$(mktemp)\n"
                + (current.exists() ? "cp -p -- " + target + " \"$prev\"\n" : "")
                + write.request().script()
                // pg_file_settings parses the files as they are now. "setting could not be applied" is
                // its word for values that wait for a restart as well as for bad ones (caught by the plan).
                + "problems=$(" + Psql.run("SELECT coalesce(string_agg(sourcefile || ':' || sourceline || ': ' || name || ': ' || error, E'\\n'), '') "
                        + "FROM pg_file_settings WHERE sourcefile = " + Psql.literal(current.file())
                        + " AND error IS NOT NULL AND error <> 'setting could not be applied'").strip() + "\n)\n"
                + "read=$(" + Psql.run("SELECT count(*) FROM pg_file_settings WHERE sourcefile = " + Psql.literal(current.file())).strip() + "\n)\n"
                // An empty file has nothing for pg_file_settings to list, so only a non-empty one proves it is read.
                + "if [ -n \"$problems\" ]" + (settings.isEmpty() ? "" : " || [ \"$read\" = 0 ]") + "; then\n"
                + restore
                + "  rm -f -- \"$prev\"\n"
                + "  if [ -n \"$problems\" ]; then printf 'PostgreSQL refuses the new file; the old one is back:\\n%s\\n' \"$problems\" >&2\n"
                + "  else printf 'PostgreSQL does not read %s (is include_dir for its directory in postgresql.conf?); the old file is back\\n' " + target + " >&2; fi\n"
                + "  exit 1\n"
                + "fi\n"
                + "rm -f -- \"$prev\"\n";
    }

    /** After the reload: every setting has the desired value or waits for a restart; {@code restart_required} lists what waits. */
    Outcome interpret(ExecResult r) {
        Outcome base = Outcome.fromExit(r);
        if (base.failed()) return base;
        JsonNode root = Psql.json(r, "reading the settings after the reload");
        Map<String, Setting> live = Current.settingsOf(root.get("settings"));
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, String> e : settings.entrySet()) {
            Setting s = live.get(e.getKey());
            if (s != null && !s.pendingRestart() && !matches(s, e.getValue())) {
                wrong.add(e.getKey() + " is " + s.setting() + (s.unit() == null ? "" : " (" + s.unit() + ")") + ", not " + e.getValue()
                        + (s.source() == null ? "" : ", from " + s.source()));
            }
        }
        Map<String, Object> data = new LinkedHashMap<>(base.data());
        data.put("restart_required", strings(root.get("pending_restart")));
        if (!wrong.isEmpty()) {
            return new Outcome(true, true, "PostgreSQL did not take the settings after the reload (see its log): " + String.join("; ", wrong), data);
        }
        return new Outcome(false, true, "", data);
    }

    /** The file as this task writes it. */
    String content() {
        StringBuilder b = new StringBuilder(HEADER);
        settings.forEach((k, v) -> b.append(k).append(" = '").append(v.replace("'", "''")).append("'\n"));
        return b.toString();
    }

    /** A known name (or an extension's dotted one) and a value of the setting's type, else a clear error before anything changes. */
    static void validate(String name, String value, Current current) {
        Setting s = current.settings().get(name);
        if (s == null) {
            if (name.contains(".")) return;
            throw new ModuleException("PostgreSQL has no setting '" + name + "'"
                    + NearNames.closest(name, current.known()).map(n -> "; did you mean '" + n + "'?").orElse(""));
        }
        String v = value.strip();
        switch (s.vartype()) {
            case "bool" -> {
                if (!TRUE.contains(v.toLowerCase(Locale.ROOT)) && !FALSE.contains(v.toLowerCase(Locale.ROOT))) {
                    throw new ModuleException("setting " + name + " is on or off, not '" + value + "'");
                }
            }
            case "enum" -> {
                if (s.enumvals().stream().noneMatch(e -> e.equalsIgnoreCase(v))) {
                    throw new ModuleException("setting " + name + " is one of " + String.join(", ", s.enumvals()) + ", not '" + value + "'");
                }
            }
            case "integer", "real" -> {
                if (toBase(v, s.unit()) == null) {
                    throw new ModuleException("setting " + name + " is a number" + (s.unit() == null ? "" : " in " + s.unit() + " or with a unit")
                            + ", not '" + value + "'");
                }
            }
            default -> { }
        }
    }

    /** Whether the live setting equals {@code desired} as PostgreSQL would read it. */
    static boolean matches(Setting s, String desired) {
        String v = desired.strip();
        return switch (s.vartype()) {
            case "bool" -> TRUE.contains(v.toLowerCase(Locale.ROOT)) == TRUE.contains(s.setting().toLowerCase(Locale.ROOT));
            case "enum" -> v.equalsIgnoreCase(s.setting());
            case "integer", "real" -> {
                Double want = toBase(v, s.unit());
                if (want == null) yield false;
                double have = Double.parseDouble(s.setting());
                yield s.vartype().equals("integer") ? Math.round(want) == Math.round(have) : Math.abs(want - have) <= 1e-9 * Math.max(1, Math.abs(have));
            }
            default -> desired.equals(s.setting());
        };
    }

    /**
     * {@code value} in the setting's own unit ({@code unit} from pg_settings: {@code 8kB}, {@code ms},
     * {@code min}, or null), or null when it is no number or has a unit of the wrong kind.
     */
    static Double toBase(String value, String unit) {
        Matcher m = NUMBER.matcher(value);
        if (!m.matches()) return null;
        double number = Double.parseDouble(m.group(1));
        String suffix = m.group(2);
        if (suffix.isEmpty()) return number;
        if (unit == null) return null;
        Matcher u = Pattern.compile("(\\d*)(\\w+)").matcher(unit);
        if (!u.matches()) return null;
        double scale = u.group(1).isEmpty() ? 1 : Double.parseDouble(u.group(1));
        Map<String, Double> kind = MEMORY.containsKey(u.group(2)) ? MEMORY : TIME.containsKey(u.group(2)) ? TIME : null;
        if (kind == null || !kind.containsKey(suffix)) return null;
        return number * kind.get(suffix) / (scale * kind.get(u.group(2)));
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null) array.forEach(n -> out.add(n.asText()));
        return List.copyOf(out);
    }

    /** A setting as pg_settings has it. {@code source} ({@code file:line}) is read only after an apply. */
    public record Setting(String name, String setting, String unit, String vartype, List<String> enumvals, String context,
                          boolean pendingRestart, String source) {}

    /**
     * What the probe read.
     *
     * @param file           the settings file's absolute path
     * @param content        its content, or null when it does not exist
     * @param settings       the desired settings PostgreSQL knows, by name
     * @param winners        per desired setting, the {@code file:line} that sets it last (the one that counts)
     * @param known          every setting name, for suggestions
     * @param pendingRestart every setting of the server waiting for a restart
     */
    public record Current(String file, boolean exists, String content, Map<String, Setting> settings, Map<String, String> winners,
                          List<String> known, List<String> pendingRestart) {

        static Current parse(ExecResult r) {
            JsonNode root = Psql.json(r, "reading the server's settings");
            Map<String, String> winners = new HashMap<>();
            JsonNode sources = root.get("sources");
            if (sources != null) sources.forEach(n -> winners.put(n.path("name").asText(), Psql.text(n, "sourcefile") + ":" + n.path("sourceline").asText()));
            return new Current(Psql.text(root, "file"), root.path("exists").asBoolean(), Psql.text(root, "content"),
                    settingsOf(root.get("settings")), winners, strings(root.get("known")), strings(root.get("pending_restart")));
        }

        static Map<String, Setting> settingsOf(JsonNode array) {
            Map<String, Setting> out = new LinkedHashMap<>();
            if (array == null) return out;
            for (JsonNode n : array) {
                List<String> enumvals = n.has("enumvals") ? strings(n.get("enumvals")) : List.of();
                out.put(n.path("name").asText(), new Setting(n.path("name").asText(), Psql.text(n, "setting"), Psql.text(n, "unit"),
                        Psql.text(n, "vartype"), enumvals, Psql.text(n, "context"), n.path("pending_restart").asBoolean(), Psql.text(n, "source")));
            }
            return out;
        }
    }

    /** YAML binding: {@code postgresql_conf}. */
    public static final class Type implements ModuleType {
        private static final Set<String> PARAMETERS = Set.of("settings", "file", "port");

        @Override
        public List<String> names() {
            return List.of("postgresql_conf");
        }

        @Override
        public Set<String> parameters() {
            return PARAMETERS;
        }

        @Override
        public Set<String> required() {
            return Set.of("settings");
        }

        @Override
        public Module<?> create(Args args) {
            args.requireKnown(PARAMETERS);
            Map<String, String> settings = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : args.map("settings").entrySet()) {
                Object v = e.getValue();
                if (v instanceof Map || v instanceof List) throw args.error("settings", "settings: " + e.getKey() + " must be a single value");
                if (v == null) throw args.error("settings", "settings: " + e.getKey() + " has no value");
                // The file shows in diffs and is readable by every local user: no place for a secret.
                if (v instanceof Secret) throw args.error("settings", "settings: " + e.getKey() + " is a secret; settings files are shown in diffs");
                settings.put(e.getKey(), v instanceof Boolean b ? (b ? "on" : "off") : String.valueOf(v));
            }
            try {
                return new PostgresqlConf(settings, args.optionalString("file").orElse(null), args.integer("port", PostgresqlUser.DEFAULT_PORT));
            } catch (IllegalArgumentException e) {
                throw args.error(e, "settings");
            }
        }
    }
}
