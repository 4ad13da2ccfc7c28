package dev.rigger.modules.postgresql;

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
import dev.rigger.core.transport.ShellQuote;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PostgreSQL node's membership in a repmgr replication cluster: {@code repmgr.conf}, the node's
 * registration, the standby's clone, the rejoin of an old primary, and repmgrd (automatic failover).
 *
 * <p>Parameters:
 * <ul>
 *   <li>{@code node_id}, {@code node_name}, {@code conninfo} — this node as repmgr knows it (required);
 *       the conninfo names no password ({@code host=pg1 user=repmgr dbname=repmgr connect_timeout=2}).</li>
 *   <li>{@code role} — {@code primary}, {@code standby} or {@code witness} (required): what the node is
 *       when the cluster is built. After a failover the cluster decides, not this parameter (below).</li>
 *   <li>{@code peers} — the other nodes: conninfo strings, or bare addresses (then this node's conninfo
 *       with that host); this node's own address is skipped, so all nodes can share one list. The current primary is the peer that
 *       answers {@code pg_is_in_recovery() = false} (newest timeline first), never a name in the inventory.</li>
 *   <li>{@code password} — the repmgr user's password (a secret). It goes to the postgres user's
 *       {@code ~/.pgpass} (mode 0600) on stdin; the probe compares a salted SHA-256, never the value.
 *       Omit it when pg_hba trusts the repmgr user.</li>
 *   <li>{@code pg_version} (default 15), {@code cluster} (default {@code main}), {@code data_directory}
 *       (default {@code /var/lib/postgresql/VERSION/CLUSTER}), {@code config_file} (default {@code /etc/repmgr.conf}).</li>
 *   <li>{@code failover} — {@code automatic} (default) or {@code manual}; {@code priority} (100),
 *       {@code location} ({@code default}), {@code reconnect_attempts} (6), {@code reconnect_interval} (10 s),
 *       {@code monitor_interval_secs} (2), {@code event_notification_command},
 *       {@code failover_validation_command} (run on the promotion candidate before it promotes itself;
 *       a non-zero exit aborts the promotion and repmgrd reruns the election) — as in repmgr.conf.</li>
 *   <li>{@code rewind_config_files} — files in the data directory kept across {@code pg_rewind} on a
 *       rejoin (default {@code postgresql.auto.conf}; Debian keeps the others in /etc/postgresql).</li>
 * </ul>
 *
 * <p>The module also owns {@code /etc/default/repmgrd} ({@code REPMGRD_ENABLED=yes},
 * {@code REPMGRD_CONF}) and {@code /etc/sudoers.d/rigger-repmgr}: repmgr and repmgrd run as
 * postgres and must stop and start the server through systemd ({@code pg_ctl} would run it behind
 * systemd's back, and Debian's data directory has no postgresql.conf), so repmgr.conf's
 * {@code service_*_command}s are {@code sudo -n systemctl … postgresql@VERSION-CLUSTER} and exactly those
 * are allowed. promote and follow commands use the full path of this version's repmgr.
 *
 * <p>The probe reads live state, never just the file: this server (running, in recovery, timeline,
 * or {@code pg_controldata} when stopped), its record in {@code repmgr.nodes}, every peer's recovery
 * state and timeline and what each peer's metadata says about this node, and whether repmgrd runs.
 * The plan then:
 * <ul>
 *   <li>primary: {@code primary register}.</li>
 *   <li>standby without {@code PG_VERSION}: stops the server, empties the data directory (only when
 *       it holds no cluster), {@code standby clone} from the current primary, starts,
 *       {@code standby register -F}. A data directory that holds a cluster is never emptied.</li>
 *   <li>rejoin: a node that runs (or is stopped) as a primary while a peer is primary on a newer
 *       timeline is an old primary that came back: it is stopped and rejoined with
 *       {@code node rejoin --force-rewind --config-files=…} (needs {@code wal_log_hints=on}),
 *       not registered again. Two primaries on the same timeline are an error: nobody can tell
 *       which one holds the writes.</li>
 *   <li>never fixing back a failover: a {@code standby} node that repmgr knows as the current primary
 *       (promoted by repmgrd or by hand) stays primary, and a {@code primary} node that now follows
 *       another stays a standby; both are "ok" with a message saying so.</li>
 *   <li>repmgrd is enabled and running (restarted when its configuration changed).</li>
 * </ul>
 * Ansible's community roles template repmgr.conf and re-run {@code register} on every pass, only
 * enable repmgrd, and leave an old primary that boots as a second primary; this module does none of it.
 *
 * <pre>{@code
 * - name: pg2 is a standby of the cluster
 *   repmgr:
 *     node_id: 2
 *     node_name: pg2
 *     role: standby
 *     conninfo: host=10.0.0.12 user=repmgr dbname=repmgr connect_timeout=2
 *     peers: ["host=10.0.0.11 user=repmgr dbname=repmgr connect_timeout=2"]
 *     password: !secret repmgr_password
 *     reconnect_attempts: 3
 *     reconnect_interval: 2
 * }</pre>
 *
 * <pre>{@code
 * Repmgr.node(2, "pg2", Repmgr.Role.STANDBY, "host=10.0.0.12 user=repmgr dbname=repmgr")
 *         .peers(List.of("host=10.0.0.11 user=repmgr dbname=repmgr")).password(Secret.of(pw)).build()
 * }</pre>
 */
public record Repmgr(int nodeId, String nodeName, Role role, String conninfo, List<String> peers, Secret password,
                     int pgVersion, String cluster, String dataDirectory, String configFile, boolean automaticFailover,
                     int priority, String location, int reconnectAttempts, int reconnectInterval, int monitorIntervalSecs,
                     String eventNotificationCommand, String failoverValidationCommand, List<String> rewindConfigFiles)
        implements Module<Repmgr.Current> {

    public enum Role { PRIMARY, STANDBY, WITNESS }

    static final String DEFAULTS_FILE = "/etc/default/repmgrd";
    static final String SUDOERS_FILE = "/etc/sudoers.d/rigger-repmgr";
    private static final Pattern PATH = Pattern.compile("/[A-Za-z0-9/._@+-]*");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Pattern CONNINFO_WORD = Pattern.compile("(\\w+)\\s*=\\s*('(?:[^'\\\\]|\\\\.)*'|\\S+)");

    public Repmgr {
        if (nodeId < 1) throw new ModuleArgumentException("repmgr", "node_id", "must be a positive number, got " + nodeId);
        if (nodeName == null || !NAME.matcher(nodeName).matches()) {
            throw new ModuleArgumentException("repmgr", "node_name", "'" + nodeName + "' must be letters, digits, '.', '_' or '-'");
        }
        if (role == null) throw new ModuleArgumentException("repmgr", "role", "required (primary, standby or witness)");
        requireConninfo("conninfo", conninfo);
        peers = peerConninfos(conninfo, peers == null ? List.of() : peers);
        if (role != Role.PRIMARY && peers.isEmpty()) {
            throw new ModuleArgumentException("repmgr", "peers", "a " + role.name().toLowerCase(Locale.ROOT) + " needs the other nodes to find the primary");
        }
        if (cluster == null) cluster = "main";
        if (!NAME.matcher(cluster).matches()) throw new ModuleArgumentException("repmgr", "cluster", "'" + cluster + "' is not a cluster name");
        if (pgVersion < 9) throw new ModuleArgumentException("repmgr", "pg_version", "'" + pgVersion + "' is not a PostgreSQL major version");
        if (dataDirectory == null) dataDirectory = "/var/lib/postgresql/" + pgVersion + "/" + cluster;
        if (configFile == null) configFile = "/etc/repmgr.conf";
        requirePath("data_directory", dataDirectory);
        requirePath("config_file", configFile);
        if (location == null) location = "default";
        requireLine("location", location);
        if (eventNotificationCommand != null) requireLine("event_notification_command", eventNotificationCommand);
        if (failoverValidationCommand != null) requireLine("failover_validation_command", failoverValidationCommand);
        if (priority < 0) throw new ModuleArgumentException("repmgr", "priority", "must not be negative");
        if (reconnectAttempts < 0 || reconnectInterval < 0 || monitorIntervalSecs < 1) {
            throw new ModuleArgumentException("repmgr", "reconnect_attempts", "reconnect_attempts, reconnect_interval must be >= 0 and monitor_interval_secs >= 1");
        }
        rewindConfigFiles = List.copyOf(rewindConfigFiles == null ? List.of("postgresql.auto.conf") : rewindConfigFiles);
        for (String f : rewindConfigFiles) {
            if (!NAME.matcher(f).matches()) throw new ModuleArgumentException("repmgr", "rewind_config_files", "'" + f + "' is not a file name in the data directory");
        }
    }

    /**
     * Peers as conninfo strings: a bare address becomes this node's conninfo with that host, and
     * this node itself is left out, so every node of a cluster can be given the same list.
     */
    static List<String> peerConninfos(String own, List<String> peers) {
        String ownHost = conninfoValue(own, "host", null);
        List<String> out = new ArrayList<>();
        for (String p : peers) {
            requireConninfo("peers", p);
            String ci = p.contains("=") ? p.strip() : withHost(own, p.strip());
            if (!conninfoValue(ci, "host", "").equals(ownHost) && !out.contains(ci)) out.add(ci);
        }
        return List.copyOf(out);
    }

    private static String withHost(String conninfo, String host) {
        if (!host.matches("[A-Za-z0-9.:_-]+")) throw new ModuleArgumentException("repmgr", "peers", "'" + host + "' is neither a conninfo string nor a host");
        Matcher m = CONNINFO_WORD.matcher(conninfo);
        while (m.find()) {
            if (m.group(1).equals("host")) return conninfo.substring(0, m.start()) + "host=" + host + conninfo.substring(m.end());
        }
        return "host=" + host + " " + conninfo;
    }

    private static void requireConninfo(String param, String value) {
        requireLine(param, value);
        if (value.isBlank()) throw new ModuleArgumentException("repmgr", param, "a conninfo string is required");
        if (value.toLowerCase(Locale.ROOT).matches(".*\\bpassword\\s*=.*")) {
            throw new ModuleArgumentException("repmgr", param, "must not hold a password (it would land in repmgr.conf and argv); use 'password', which goes to ~/.pgpass");
        }
    }

    private static void requirePath(String param, String value) {
        if (!PATH.matcher(value).matches() || value.endsWith("/") || value.contains("/../")) {
            throw new ModuleArgumentException("repmgr", param, "'" + value + "' must be an absolute path of letters, digits and ._@+-");
        }
    }

    private static void requireLine(String param, String value) {
        if (value == null || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0 || value.indexOf('\0') >= 0) {
            throw new ModuleArgumentException("repmgr", param, "must be one line");
        }
    }

    public static Builder node(int nodeId, String nodeName, Role role, String conninfo) {
        return new Builder(nodeId, nodeName, role, conninfo);
    }

    @Override
    public String moduleName() {
        return "repmgr";
    }

    String bindir() {
        return "/usr/lib/postgresql/" + pgVersion + "/bin";
    }

    String service() {
        return "postgresql@" + pgVersion + "-" + cluster;
    }

    /** The user named in a conninfo ({@code user=}), default {@code repmgr}. */
    static String conninfoValue(String conninfo, String key, String fallback) {
        Matcher m = CONNINFO_WORD.matcher(conninfo);
        while (m.find()) {
            if (m.group(1).equals(key)) {
                String v = m.group(2);
                return v.startsWith("'") ? v.substring(1, v.length() - 1).replaceAll("\\\\(.)", "$1") : v;
            }
        }
        return fallback;
    }

    String repmgrUser() {
        return conninfoValue(conninfo, "user", "repmgr");
    }

    // ---------------------------------------------------------------- files

    /** repmgr.conf as this node needs it. Values are single-quoted, quotes doubled (PostgreSQL's config syntax). */
    String configText() {
        String repmgr = bindir() + "/repmgr";
        String sudo = "sudo -n /usr/bin/systemctl ";
        StringBuilder b = new StringBuilder("# Managed by rigger (repmgr module); local edits are overwritten.\n");
        b.append("node_id=").append(nodeId).append('\n');
        b.append("node_name=").append(confQuote(nodeName)).append('\n');
        b.append("conninfo=").append(confQuote(conninfo)).append('\n');
        b.append("data_directory=").append(confQuote(dataDirectory)).append('\n');
        b.append("pg_bindir=").append(confQuote(bindir())).append('\n');
        b.append("failover=").append(confQuote(automaticFailover ? "automatic" : "manual")).append('\n');
        b.append("promote_command=").append(confQuote(repmgr + " standby promote -f " + configFile + " --log-to-file")).append('\n');
        b.append("follow_command=").append(confQuote(repmgr + " standby follow -f " + configFile + " --log-to-file --upstream-node-id=%n")).append('\n');
        b.append("reconnect_attempts=").append(reconnectAttempts).append('\n');
        b.append("reconnect_interval=").append(reconnectInterval).append('\n');
        b.append("monitor_interval_secs=").append(monitorIntervalSecs).append('\n');
        b.append("priority=").append(priority).append('\n');
        b.append("location=").append(confQuote(location)).append('\n');
        if (eventNotificationCommand != null) {
            b.append("event_notification_command=").append(confQuote(eventNotificationCommand)).append('\n');
        }
        if (failoverValidationCommand != null) {
            b.append("failover_validation_command=").append(confQuote(failoverValidationCommand)).append('\n');
        }
        for (String action : List.of("start", "stop", "restart", "reload")) {
            b.append("service_").append(action).append("_command=").append(confQuote(sudo + action + " " + service())).append('\n');
        }
        return b.toString();
    }

    static String confQuote(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    /** Exactly the service commands repmgr.conf names, for the postgres user. */
    String sudoersText() {
        StringBuilder b = new StringBuilder("# Managed by rigger (repmgr module): repmgr and repmgrd run as postgres and drive PostgreSQL through systemd.\n");
        b.append("postgres ALL=(root) NOPASSWD: ");
        List<String> commands = new ArrayList<>();
        for (String action : List.of("start", "stop", "restart", "reload")) commands.add("/usr/bin/systemctl " + action + " " + service());
        b.append(String.join(", ", commands)).append('\n');
        return b.toString();
    }

    /**
     * /etc/default/repmgrd with repmgrd enabled and pointed at our config: the first line (set or
     * commented) of each key is rewritten, later set lines of the key go, everything else stays.
     */
    String defaultsText(String current) {
        List<String> lines = new ArrayList<>(current == null || current.isEmpty() ? List.of() : List.of(current.split("\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) lines.remove(lines.size() - 1);
        setDefault(lines, "REPMGRD_ENABLED", "yes");
        setDefault(lines, "REPMGRD_CONF", "\"" + configFile + "\"");
        // Debian's init script records the pid of the process it starts (--make-pidfile), but repmgrd
        // forks itself into the background by default: stop then misses it and a restart runs two.
        setDefault(lines, "REPMGRD_OPTS", "\"--daemonize=false\"");
        return String.join("\n", lines) + "\n";
    }

    private static void setDefault(List<String> lines, String key, String value) {
        Pattern set = Pattern.compile("\\s*" + key + "=.*");
        Pattern commented = Pattern.compile("\\s*#\\s*" + key + "=.*");
        String wanted = key + "=" + value;
        int first = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (set.matcher(lines.get(i)).matches()) {
                if (first < 0) {
                    first = i;
                    lines.set(i, wanted);
                } else {
                    lines.remove(i--);
                }
            }
        }
        if (first >= 0) return;
        for (int i = 0; i < lines.size(); i++) {
            if (commented.matcher(lines.get(i)).matches()) {
                lines.set(i, wanted);
                return;
            }
        }
        lines.add(wanted);
    }

    /** The repmgr user's line in ~/.pgpass: any host, port and database, with ':' and '\' escaped. */
    String pgpassLine() {
        return pgpassPrefix() + password.reveal().replace("\\", "\\\\").replace(":", "\\:") + "\n";
    }

    String pgpassPrefix() {
        return "*:*:*:" + repmgrUser() + ":";
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- probe

    /** SQL: recovery state and the current timeline (a primary's from its WAL position, which moves at promotion). */
    private static final String STATUS_SQL = "select pg_is_in_recovery()::text || '|' || case when pg_is_in_recovery() "
            + "then (select timeline_id from pg_control_checkpoint()) "
            + "else ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int end";

    private String nodeSql() {
        return "select type || '|' || active::text || '|' || coalesce(upstream_node_id::text, '') from repmgr.nodes where node_id = " + nodeId;
    }

    @Override
    public Probe<Current> probe(ModuleContext context) {
        byte[] saltBytes = new byte[12];
        new SecureRandom().nextBytes(saltBytes);
        String salt = HexFormat.of().formatHex(saltBytes);
        // From root's home, commands run as postgres would warn that they cannot enter it.
        StringBuilder s = new StringBuilder("cd /\n");
        s.append("bin=").append(ShellQuote.quote(bindir())).append('\n')
                .append("data=").append(ShellQuote.quote(dataDirectory)).append('\n')
                .append("cfg=").append(ShellQuote.quote(configFile)).append('\n')
                .append("svc=").append(ShellQuote.quote(service())).append('\n')
                .append("db=").append(ShellQuote.quote(conninfoValue(conninfo, "dbname", "repmgr"))).append('\n')
                .append("if [ ! -x \"$bin/repmgr\" ] || [ ! -x \"$bin/psql\" ]; then echo missing; exit 0; fi\n")
                .append("b64() { if [ -f \"$1\" ]; then printf '%s\\t' \"$2\"; base64 -w0 < \"$1\"; echo; fi; }\n")
                .append("asp() { runuser -u postgres -- env PGCONNECT_TIMEOUT=$timeout \"$@\"; }\n")
                // This node's row in repmgr.nodes, asked only where the table exists (else PostgreSQL logs an error).
                .append("record() { [ \"$(asp \"$bin/psql\" -XAtq -d \"$1\" -c \"select to_regclass('repmgr.nodes') is not null\" 2>/dev/null)\" = t ] && ")
                .append("asp \"$bin/psql\" -XAtq -d \"$1\" -c ").append(ShellQuote.quote(nodeSql())).append(" 2>/dev/null; }\n")
                .append("b64 \"$cfg\" conf\n")
                .append("b64 ").append(DEFAULTS_FILE).append(" defaults\n")
                .append("b64 ").append(SUDOERS_FILE).append(" sudoers\n")
                .append("command -v sudo >/dev/null 2>&1 && echo sudo\n")
                .append("home=$(getent passwd postgres | cut -d: -f6)\n")
                .append("if [ -z \"$home\" ]; then echo missing; exit 0; fi\n");
        if (password != null) {
            s.append("salt=").append(salt).append('\n')
                    .append("pp=\"$home/.pgpass\"\n")
                    .append("if [ -f \"$pp\" ]; then\n")
                    .append("  h=$({ printf '%s\\n' \"$salt\"; awk -v p=").append(ShellQuote.quote(pgpassPrefix()))
                    .append(" 'index($0, p) == 1' \"$pp\"; } | sha256sum | cut -d' ' -f1)\n")
                    .append("  printf 'pgpass\\t%s\\t%s\\t%s\\n' \"$salt\" \"$h\" \"$(stat -c '%a:%U' \"$pp\")\"\n")
                    .append("fi\n");
        }
        s.append("[ -f \"$data/PG_VERSION\" ] && echo pgdata\n")
                .append("[ -f \"$data/standby.signal\" ] && echo standby-signal\n")
                .append("printf 'service\\t%s\\n' \"$(systemctl show -p ActiveState --value \"$svc\" 2>/dev/null)\"\n")
                // The local server gets time to answer on a loaded host; peers get 3 s.
                .append("timeout=15\n")
                .append("if st=$(asp \"$bin/psql\" -XAtq -d postgres -c ").append(ShellQuote.quote(STATUS_SQL)).append(" 2>/dev/null); then\n")
                .append("  printf 'local\\t%s\\n' \"$st\"\n")
                // No table (not registered yet) prints nothing; a failed query says so, never "not registered".
                .append("  if me=$(record \"$db\"); then printf 'me\\t%s\\n' \"$me\"; ")
                .append("elif [ \"$(asp \"$bin/psql\" -XAtq -d \"$db\" -c \"select to_regclass('repmgr.nodes') is not null\" 2>/dev/null)\" != f ]; then echo me-unknown; fi\n")
                .append("elif [ -f \"$data/PG_VERSION\" ]; then\n")
                .append("  printf 'control\\t%s\\n' \"$(\"$bin/pg_controldata\" \"$data\" 2>/dev/null | sed -n \"s/^Latest checkpoint's TimeLineID: *//p\")\"\n")
                .append("fi\n")
                .append("timeout=3\n");
        for (int i = 0; i < peers.size(); i++) {
            String ci = ShellQuote.quote(peers.get(i));
            s.append("if st=$(asp \"$bin/psql\" -XAtq -d ").append(ci).append(" -c ").append(ShellQuote.quote(STATUS_SQL)).append(" 2>&1); then\n")
                    .append("  printf 'peer\\t").append(i).append("\\tup\\t%s\\n' \"$st\"\n")
                    .append("  me=$(record ").append(ci).append(") && printf 'peer-me\\t").append(i).append("\\t%s\\n' \"$me\"\n")
                    .append("else\n")
                    .append("  printf 'peer\\t").append(i).append("\\tdown\\t%s\\n' \"$(printf '%s' \"$st\" | tr '\\t\\n' '  ' | cut -c1-200)\"\n")
                    .append("fi\n");
        }
        s.append("pgrep -x repmgrd >/dev/null && echo repmgrd-running\n")
                .append("[ \"$(systemctl is-enabled repmgrd 2>/dev/null)\" = enabled ] && echo repmgrd-enabled\n")
                .append("exit 0\n");
        return Probe.of(s.toString(), r -> Current.parse(r, peers.size()));
    }

    // ---------------------------------------------------------------- plan

    /** What the node must do about its membership, decided from live state. */
    enum Action { NONE, REGISTER_PRIMARY, REGISTER_STANDBY, REGISTER_WITNESS, START, CLONE, REJOIN }

    /** The decision and why; {@code primary} is the conninfo of the current primary where one is involved. */
    record Decision(Action action, String primary, String note) {}

    Decision decide(Current c) {
        Optional<Integer> primaryPeer = currentPrimaryPeer(c);
        String primary = primaryPeer.map(peers::get).orElse(null);
        int primaryTimeline = primaryPeer.map(i -> c.peers().get(i).timeline()).orElse(0);
        if (role == Role.WITNESS) {
            if (c.local() == null) throw new ModuleException("the witness's own PostgreSQL is not running (" + service() + ")");
            if (primary == null) throw new ModuleException("no primary among the peers: " + peerSummary(c));
            NodeRecord me = c.peerMe().get(primaryPeer.get());
            return me != null && me.type().equals("witness") && me.active()
                    ? new Decision(Action.NONE, primary, null) : new Decision(Action.REGISTER_WITNESS, primary, null);
        }
        if (!c.hasData()) {
            if (role == Role.PRIMARY) {
                throw new ModuleException("no PostgreSQL cluster in " + dataDirectory + " (no PG_VERSION): a primary needs an initialised cluster");
            }
            if (primary == null && c.peers().stream().noneMatch(p -> !p.up() && p.error().contains("password"))) {
                throw new ModuleException("cannot clone: no primary among the peers: " + peerSummary(c));
            }
            return new Decision(Action.CLONE, primary, null);
        }
        Server local = c.local();
        boolean localIsPrimary = local != null ? !local.inRecovery() : !c.standbySignal();
        int localTimeline = local != null ? local.timeline() : c.controlTimeline();
        if (localIsPrimary && primary != null) {
            if (primaryTimeline > localTimeline) {
                return new Decision(Action.REJOIN, primary, "old primary (timeline " + localTimeline + ") while " + host(primary)
                        + " is primary on timeline " + primaryTimeline);
            }
            throw new ModuleException("two primaries: this node (timeline " + localTimeline + ") and " + host(primary) + " (timeline "
                    + primaryTimeline + "); refusing to choose which one holds the writes");
        }
        if (local == null) {
            if (!c.standbySignal() && role == Role.STANDBY) {
                throw new ModuleException("PostgreSQL is stopped and was a primary (no standby.signal), and no peer is primary: "
                        + "starting it would make it the primary; start it or promote a node by hand (" + peerSummary(c) + ")");
            }
            return new Decision(Action.START, primary, null);
        }
        NodeRecord me = c.me();
        if (localIsPrimary) {
            boolean registered = me != null && me.type().equals("primary") && me.active();
            if (role == Role.PRIMARY) return new Decision(registered ? Action.NONE : Action.REGISTER_PRIMARY, null, null);
            if (registered) {
                return new Decision(Action.NONE, null, nodeName + " is the current primary (promoted after a failover or switchover); not demoted");
            }
            throw new ModuleException("PostgreSQL in " + dataDirectory + " runs as a primary that repmgr does not know; a standby is cloned "
                    + "only into an empty data directory: empty it (its data would be lost) or use role: primary");
        }
        boolean registered = me != null && me.type().equals("standby") && me.active();
        String note = role == Role.PRIMARY
                ? nodeName + " is a standby now (a peer was promoted and this node rejoined it); not promoted back" : null;
        return new Decision(registered ? Action.NONE : Action.REGISTER_STANDBY, primary, registered ? note : null);
    }

    /** The peer that is primary: not in recovery, the newest timeline when (wrongly) several are. */
    static Optional<Integer> currentPrimaryPeer(Current c) {
        Integer best = null;
        for (int i = 0; i < c.peers().size(); i++) {
            PeerState p = c.peers().get(i);
            if (p.up() && !p.inRecovery() && (best == null || p.timeline() > c.peers().get(best).timeline())) best = i;
        }
        return Optional.ofNullable(best);
    }

    private String peerSummary(Current c) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < peers.size(); i++) {
            PeerState p = c.peers().get(i);
            parts.add(host(peers.get(i)) + ": " + (!p.up() ? "unreachable (" + p.error() + ")" : p.inRecovery() ? "standby" : "primary"));
        }
        return String.join("; ", parts);
    }

    static String host(String conninfo) {
        return conninfoValue(conninfo, "host", conninfo);
    }

    @Override
    public Plan plan(Current c, ModuleContext context) {
        if (c.missing()) {
            throw new ModuleException("repmgr for PostgreSQL " + pgVersion + " is not installed (" + bindir()
                    + "/repmgr; Debian package postgresql-" + pgVersion + "-repmgr)");
        }
        if (!c.sudo()) throw new ModuleException("sudo is not installed: repmgr drives PostgreSQL through `sudo -n systemctl` (install sudo)");
        List<Change> changes = new ArrayList<>();
        ByteArrayOutputStream stdin = new ByteArrayOutputStream();
        StringBuilder s = new StringBuilder(preamble());

        String conf = configText();
        boolean confChanged = !conf.equals(c.conf());
        if (confChanged) {
            changes.add(fileChange(context, configFile, c.conf(), conf));
            stage(s, stdin, conf, configFile, "0644", "root:postgres");
        }
        String defaults = defaultsText(c.defaults());
        boolean defaultsChanged = !defaults.equals(c.defaults());
        if (defaultsChanged) {
            changes.add(fileChange(context, DEFAULTS_FILE, c.defaults(), defaults));
            stage(s, stdin, defaults, DEFAULTS_FILE, "0644", "root:root");
        }
        String sudoers = sudoersText();
        if (!sudoers.equals(c.sudoers())) {
            changes.add(fileChange(context, SUDOERS_FILE, c.sudoers(), sudoers));
            stage(s, stdin, sudoers, SUDOERS_FILE, "0440", "root:root");
            s.append("visudo -cqf \"$new\" >/dev/null || fail 'visudo refused the sudoers drop-in'\n");
        }
        if (password != null) {
            boolean same = c.pgpassSalt() != null && sha256(c.pgpassSalt() + "\n" + pgpassLine()).equals(c.pgpassHash());
            if (!same || !"600:postgres".equals(c.pgpassOwner())) {
                changes.add(Change.of("set the password of " + repmgrUser() + " in ~postgres/.pgpass"));
                byte[] line = pgpassLine().getBytes(StandardCharsets.UTF_8);
                stdin.writeBytes(line);
                s.append("home=$(getent passwd postgres | cut -d: -f6)\n")
                        .append("pp=\"$home/.pgpass\"; new=$(mktemp \"$pp.XXXXXX\")\n")
                        .append("if [ -f \"$pp\" ]; then awk -v p=").append(ShellQuote.quote(pgpassPrefix())).append(" 'index($0, p) != 1' \"$pp\" > \"$new\"; fi\n")
                        .append("head -c ").append(line.length).append(" >> \"$new\"\n")
                        .append("chown postgres:postgres \"$new\"; chmod 0600 \"$new\"; mv -f \"$new\" \"$pp\"\n");
            }
        }
        s.append("commit_files\n");

        Decision d = decide(c);
        switch (d.action()) {
            case NONE -> { }
            case REGISTER_PRIMARY -> {
                changes.add(Change.of("register " + nodeName + " as primary"));
                s.append("retry asp \"$bin/repmgr\" -f \"$cfg\" primary register -F || fail 'primary register failed'\n");
            }
            case REGISTER_STANDBY -> {
                changes.add(Change.of("register " + nodeName + " as standby"));
                s.append("retry asp \"$bin/repmgr\" -f \"$cfg\" standby register -F || fail 'standby register failed'\n");
            }
            case REGISTER_WITNESS -> {
                changes.add(Change.of("register " + nodeName + " as witness of " + host(d.primary())));
                s.append("retry asp \"$bin/repmgr\" -f \"$cfg\" -d ").append(ShellQuote.quote(d.primary()))
                        .append(" witness register -F || fail 'witness register failed'\n");
            }
            case START -> {
                changes.add(Change.of("start " + service()));
                s.append("systemctl start \"$svc\" || fail \"systemctl start $svc failed\"\n")
                        .append("wait_ready\n");
                if (c.standbySignal()) {
                    s.append("retry asp \"$bin/repmgr\" -f \"$cfg\" standby register -F >/dev/null || fail 'standby register failed'\n");
                } else {
                    s.append("retry asp \"$bin/repmgr\" -f \"$cfg\" primary register -F >/dev/null || fail 'primary register failed'\n");
                }
            }
            case CLONE -> {
                changes.add(Change.of("clone " + nodeName + " from the current primary"
                        + (d.primary() != null ? " (" + host(d.primary()) + ")" : "") + " and register it as standby"));
                s.append(findPrimary())
                        .append("[ -f \"$data/PG_VERSION\" ] && fail \"$data holds a cluster now (PG_VERSION): not cloning over it\"\n")
                        .append("systemctl stop \"$svc\"\n")
                        .append("if [ -f \"$data/postmaster.pid\" ] && asp \"$bin/pg_ctl\" status -D \"$data\" >/dev/null 2>&1; then fail \"a server still runs in $data\"; fi\n")
                        .append("mkdir -p \"$data\"; chown postgres:postgres \"$data\"; chmod 0700 \"$data\"\n")
                        .append("find \"$data\" -mindepth 1 -maxdepth 1 -exec rm -rf -- {} +\n")
                        .append("out=$(asp \"$bin/repmgr\" -f \"$cfg\" -d \"$primary\" standby clone --fast-checkpoint 2>&1) || fail \"standby clone failed: $out\"\n")
                        .append("systemctl start \"$svc\" || fail \"systemctl start $svc failed\"\n")
                        .append("wait_ready\n")
                        .append("retry asp \"$bin/repmgr\" -f \"$cfg\" standby register -F >/dev/null || fail 'standby register failed'\n")
                        .append("echo \"cloned from $primary\"\n");
            }
            case REJOIN -> {
                changes.add(Change.of("rejoin " + nodeName + " as standby of " + host(d.primary()) + " with pg_rewind (" + d.note() + ")"));
                s.append(findPrimary())
                        .append("if st=$(asp \"$bin/psql\" -XAtq -d postgres -c 'select pg_is_in_recovery()' 2>/dev/null) && [ \"$st\" = t ]; then\n")
                        .append("  fail 'this node is in recovery now: not rejoining'\n")
                        .append("fi\n")
                        .append("systemctl stop \"$svc\"\n")
                        .append("out=$(asp \"$bin/repmgr\" -f \"$cfg\" -d \"$primary\" node rejoin --force-rewind")
                        .append(rewindConfigFiles.isEmpty() ? "" : " --config-files=" + ShellQuote.quote(String.join(",", rewindConfigFiles)))
                        .append(" 2>&1) || fail \"node rejoin failed: $out\"\n")
                        .append("wait_ready\n")
                        .append("echo \"rejoined $primary\"\n");
            }
        }

        boolean restartRepmgrd = c.repmgrdRunning() && (confChanged || defaultsChanged || d.action() == Action.REJOIN);
        if (!c.repmgrdEnabled()) {
            changes.add(Change.of("enable repmgrd"));
            s.append("systemctl enable repmgrd >/dev/null 2>&1 || fail 'systemctl enable repmgrd failed'\n");
        }
        if (restartRepmgrd) {
            changes.add(Change.of("restart repmgrd (configuration changed)"));
            s.append("restart_repmgrd\n");
        } else if (!c.repmgrdRunning()) {
            changes.add(Change.of("start repmgrd"));
            s.append("restart_repmgrd\n");
        }
        if (changes.isEmpty()) return d.note() == null ? Plan.noChange() : Plan.noChange(Map.of("msg", d.note()));
        return Plan.apply(changes, s.toString()).withStdin(stdin.toByteArray()).interpretedBy(Repmgr::outcome);
    }

    private static Change fileChange(ModuleContext context, String path, String before, String after) {
        String summary = (before == null ? "create " : "update ") + path;
        return context.diffMode() ? Change.withDiff(summary, UnifiedDiff.of(path, before == null ? "" : before, after)) : Change.of(summary);
    }

    /** Reads the file's new content from stdin beside the target; {@code commit_files} renames them all at once. */
    private static void stage(StringBuilder s, ByteArrayOutputStream stdin, String content, String path, String mode, String owner) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        stdin.writeBytes(bytes);
        s.append("target=").append(ShellQuote.quote(path)).append("; new=$(mktemp \"$target.rigger.XXXXXX\")\n")
                .append("head -c ").append(bytes.length).append(" > \"$new\"; chmod ").append(mode).append(" \"$new\"; chown ")
                .append(owner).append(" \"$new\"\n")
                .append("staged=\"$staged $new:$target\"\n");
    }

    private String preamble() {
        return "set -u\n"
                + "cd /\n"
                + "bin=" + ShellQuote.quote(bindir()) + "\n"
                + "data=" + ShellQuote.quote(dataDirectory) + "\n"
                + "cfg=" + ShellQuote.quote(configFile) + "\n"
                + "svc=" + ShellQuote.quote(service()) + "\n"
                + "staged=''\n"
                + "fail() { printf '%s\\n' \"$1\" >&2; for f in $staged; do rm -f -- \"${f%%:*}\"; done; exit 1; }\n"
                + "asp() { runuser -u postgres -- env PGCONNECT_TIMEOUT=3 \"$@\"; }\n"
                // Registration connects to this node and the primary with repmgr.conf's connect_timeout,
                // kept short for repmgrd's failure detection: on a loaded host a login can take
                // longer, so a registration gets three tries.
                + "retry() { for i in 1 2 3; do \"$@\" && return 0; sleep 2; done; return 1; }\n"
                + "commit_files() { for f in $staged; do mv -f -- \"${f%%:*}\" \"${f#*:}\"; done; staged=''; }\n"
                // The server accepts connections (a standby too) within 60 s, or the journal says why not.
                + "wait_ready() {\n"
                + "  i=0; until asp \"$bin/pg_isready\" -q; do i=$((i + 1)); [ $i -ge 120 ] && fail \"$svc is not accepting connections: $(journalctl -u \"$svc\" -n 10 --no-pager 2>&1)\"; sleep 0.5; done\n"
                + "}\n"
                // A repmgrd that forked away from an older init script's pid file is stopped too.
                // repmgrd exits when its first login to the local server times out (a loaded host;
                // connect_timeout is short for failure detection), and the init script does not
                // restart it: it counts as up once it has registered its pid with the repmgr
                // extension, and is started again (5 tries) when it exits before that. One that is
                // still trying after 20 s is left to it.
                + "restart_repmgrd() {\n"
                + "  systemctl stop repmgrd\n"
                + "  pkill -u postgres -f -- \"repmgrd --config-file $cfg\" 2>/dev/null; sleep 0.2\n"
                + "  for try in 1 2 3 4 5; do\n"
                + "    systemctl start repmgrd || fail 'systemctl start repmgrd failed'\n"
                + "    i=0\n"
                + "    while pid=$(pgrep -x repmgrd | head -n 1) && [ -n \"$pid\" ]; do\n"
                + "      [ \"$(asp \"$bin/psql\" -XAtq -d repmgr -c 'select repmgr.get_repmgrd_pid()' 2>/dev/null)\" = \"$pid\" ] && return 0\n"
                + "      i=$((i + 1)); [ $i -ge 40 ] && return 0; sleep 0.5\n"
                + "    done\n"
                + "    systemctl stop repmgrd\n"
                + "  done\n"
                + "  fail \"repmgrd did not stay up: $(journalctl -u repmgrd -n 10 --no-pager 2>&1)\"\n"
                + "}\n";
    }

    /** Shell that sets {@code $primary} to the peer that is primary now (the apply may run long after the probe). */
    private String findPrimary() {
        StringBuilder s = new StringBuilder("primary=''; best=-1\n");
        for (String p : peers) {
            s.append("if st=$(asp \"$bin/psql\" -XAtq -d ").append(ShellQuote.quote(p)).append(" -c ").append(ShellQuote.quote(STATUS_SQL))
                    .append(" 2>/dev/null); then\n")
                    .append("  tl=${st#*|}; if [ \"${st%%|*}\" = false ] && [ \"$tl\" -gt \"$best\" ]; then best=$tl; primary=")
                    .append(ShellQuote.quote(p)).append("; fi\n")
                    .append("fi\n");
        }
        return s.append("[ -n \"$primary\" ] || fail 'no peer answers as primary now'\n").toString();
    }

    /** A failed apply reports the script's own explanation (repmgr's output included). */
    static Outcome outcome(ExecResult r) {
        if (r.succeeded()) return new Outcome(false, true, r.stdout().strip(), Outcome.standard(r));
        String err = r.stderr().strip();
        return new Outcome(true, false, err.isEmpty() ? "exit " + r.exitCode() : err, Outcome.standard(r));
    }

    // ---------------------------------------------------------------- state

    /** A running server: recovery state and current timeline. */
    public record Server(boolean inRecovery, int timeline) {}

    /** A row of {@code repmgr.nodes}. */
    public record NodeRecord(String type, boolean active, Integer upstream) {
        static NodeRecord parse(String text) {
            String[] f = text.strip().split("\\|", -1);
            if (f.length < 3 || f[0].isEmpty()) return null;
            return new NodeRecord(f[0], f[1].equals("true") || f[1].equals("t"), f[2].isEmpty() ? null : Integer.valueOf(f[2]));
        }
    }

    /** A peer as seen from this node: reachable or why not, recovery state, timeline. */
    public record PeerState(boolean up, boolean inRecovery, int timeline, String error) {}

    /**
     * Live state of this node and its peers.
     *
     * @param missing         repmgr or the postgres user is not installed
     * @param conf            repmgr.conf's text, or null
     * @param pgpassSalt      the salt the probe hashed the repmgr user's ~/.pgpass lines with (null: no file)
     * @param local           the running server, or null when it does not answer
     * @param controlTimeline the stopped cluster's timeline from pg_controldata (0 when unknown)
     * @param me              this node's record in its own repmgr.nodes, or null
     * @param peerMe          this node's record as each peer's repmgr.nodes has it (null entries: none or unreachable)
     */
    public record Current(boolean missing, String conf, String defaults, String sudoers, boolean sudo, String pgpassSalt,
                          String pgpassHash, String pgpassOwner, boolean hasData, boolean standbySignal, String service,
                          Server local, int controlTimeline, NodeRecord me, List<PeerState> peers, List<NodeRecord> peerMe,
                          boolean repmgrdRunning, boolean repmgrdEnabled) {

        public Current {
            peers = List.copyOf(peers);
            peerMe = java.util.Collections.unmodifiableList(new ArrayList<>(peerMe));
        }

        static Current parse(ExecResult r, int peerCount) {
            if (!r.succeeded()) throw new ModuleException("reading the repmgr state failed (exit " + r.exitCode() + "): " + r.stderr().strip());
            String conf = null, defaults = null, sudoers = null, salt = null, hash = null, owner = null, service = "";
            boolean missing = false, sudo = false, hasData = false, signal = false, running = false, enabled = false, meUnknown = false;
            Server local = null;
            int control = 0;
            NodeRecord me = null;
            List<PeerState> peers = new ArrayList<>();
            List<NodeRecord> peerMe = new ArrayList<>();
            for (int i = 0; i < peerCount; i++) {
                peers.add(new PeerState(false, false, 0, "not probed"));
                peerMe.add(null);
            }
            for (String line : r.stdout().split("\n")) {
                String[] f = line.split("\t", -1);
                switch (f[0]) {
                    case "missing" -> missing = true;
                    case "conf" -> conf = decode(f[1]);
                    case "defaults" -> defaults = decode(f[1]);
                    case "sudoers" -> sudoers = decode(f[1]);
                    case "sudo" -> sudo = true;
                    case "pgpass" -> { salt = f[1]; hash = f[2]; owner = f[3]; }
                    case "pgdata" -> hasData = true;
                    case "standby-signal" -> signal = true;
                    case "service" -> service = f[1];
                    case "local" -> local = server(f[1]);
                    case "me" -> me = NodeRecord.parse(f[1]);
                    case "me-unknown" -> meUnknown = true;
                    case "control" -> control = f[1].strip().isEmpty() ? 0 : Integer.parseInt(f[1].strip());
                    case "peer" -> {
                        int i = Integer.parseInt(f[1]);
                        if (f[2].equals("up")) {
                            Server p = server(f[3]);
                            peers.set(i, new PeerState(true, p.inRecovery(), p.timeline(), ""));
                        } else {
                            peers.set(i, new PeerState(false, false, 0, f.length > 3 ? f[3].strip() : ""));
                        }
                    }
                    case "peer-me" -> peerMe.set(Integer.parseInt(f[1]), NodeRecord.parse(f[2]));
                    case "repmgrd-running" -> running = true;
                    case "repmgrd-enabled" -> enabled = true;
                    default -> { }
                }
            }
            if (meUnknown && local != null) {
                throw new ModuleException("PostgreSQL answers but this node's row in repmgr.nodes could not be read (timeout?); not guessing its registration");
            }
            return new Current(missing, conf, defaults, sudoers, sudo, salt, hash, owner, hasData, signal, service, local, control, me,
                    peers, peerMe, running, enabled);
        }

        private static Server server(String text) {
            String[] f = text.strip().split("\\|");
            if (f.length != 2) throw new ModuleException("unexpected PostgreSQL status: " + text);
            return new Server(f[0].equals("true"), Integer.parseInt(f[1]));
        }

        private static String decode(String b64) {
            return new String(Base64.getDecoder().decode(b64.strip()), StandardCharsets.UTF_8);
        }
    }

    // ---------------------------------------------------------------- builder and YAML

    /** Optional parameters. */
    public static final class Builder {
        private final int nodeId;
        private final String nodeName;
        private final Role role;
        private final String conninfo;
        private List<String> peers = List.of();
        private Secret password;
        private int pgVersion = 15;
        private String cluster;
        private String dataDirectory;
        private String configFile;
        private boolean automaticFailover = true;
        private int priority = 100;
        private String location;
        private int reconnectAttempts = 6;
        private int reconnectInterval = 10;
        private int monitorIntervalSecs = 2;
        private String eventNotificationCommand;
        private String failoverValidationCommand;
        private List<String> rewindConfigFiles;

        private Builder(int nodeId, String nodeName, Role role, String conninfo) {
            this.nodeId = nodeId;
            this.nodeName = nodeName;
            this.role = role;
            this.conninfo = conninfo;
        }

        public Builder peers(List<String> value) { this.peers = value; return this; }
        public Builder password(Secret value) { this.password = value; return this; }
        public Builder pgVersion(int value) { this.pgVersion = value; return this; }
        public Builder cluster(String value) { this.cluster = value; return this; }
        public Builder dataDirectory(String value) { this.dataDirectory = value; return this; }
        public Builder configFile(String value) { this.configFile = value; return this; }
        public Builder automaticFailover(boolean value) { this.automaticFailover = value; return this; }
        public Builder priority(int value) { this.priority = value; return this; }
        public Builder location(String value) { this.location = value; return this; }
        public Builder reconnectAttempts(int value) { this.reconnectAttempts = value; return this; }
        public Builder reconnectInterval(int value) { this.reconnectInterval = value; return this; }
        public Builder monitorIntervalSecs(int value) { this.monitorIntervalSecs = value; return this; }
        public Builder eventNotificationCommand(String value) { this.eventNotificationCommand = value; return this; }
        /** A command repmgrd runs on the promotion candidate before promoting it; a non-zero exit aborts the promotion. */
        public Builder failoverValidationCommand(String value) { this.failoverValidationCommand = value; return this; }
        public Builder rewindConfigFiles(List<String> value) { this.rewindConfigFiles = value; return this; }

        public Repmgr build() {
            return new Repmgr(nodeId, nodeName, role, conninfo, peers, password, pgVersion, cluster, dataDirectory, configFile,
                    automaticFailover, priority, location, reconnectAttempts, reconnectInterval, monitorIntervalSecs,
                    eventNotificationCommand, failoverValidationCommand, rewindConfigFiles);
        }
    }

    /** YAML binding: {@code repmgr}. */
    public static final class Type implements ModuleType {
        private static final Set<String> PARAMETERS = Set.of("node_id", "node_name", "role", "conninfo", "peers", "password",
                "pg_version", "cluster", "data_directory", "config_file", "failover", "priority", "location", "reconnect_attempts",
                "reconnect_interval", "monitor_interval_secs", "event_notification_command", "failover_validation_command",
                "rewind_config_files");

        @Override
        public List<String> names() {
            return List.of("repmgr");
        }

        @Override
        public Set<String> parameters() {
            return PARAMETERS;
        }

        @Override
        public Set<String> required() {
            return Set.of("node_id", "node_name", "role", "conninfo");
        }

        @Override
        public Module<?> create(Args args) {
            args.requireKnown(PARAMETERS);
            Role role = Role.valueOf(args.choice("role", List.of("primary", "standby", "witness"), null).toUpperCase(Locale.ROOT));
            int nodeId = args.optionalInt("node_id").orElseThrow(() -> args.missing("node_id"));
            Builder b = node(nodeId, args.string("node_name"), role, args.string("conninfo"))
                    .peers(args.stringList("peers"))
                    .pgVersion(args.integer("pg_version", 15))
                    .automaticFailover(args.choice("failover", List.of("automatic", "manual"), "automatic").equals("automatic"))
                    .priority(args.integer("priority", 100))
                    .reconnectAttempts(args.integer("reconnect_attempts", 6))
                    .reconnectInterval(args.integer("reconnect_interval", 10))
                    .monitorIntervalSecs(args.integer("monitor_interval_secs", 2));
            args.secret("password").ifPresent(b::password);
            args.optionalString("cluster").ifPresent(b::cluster);
            args.optionalString("data_directory").ifPresent(b::dataDirectory);
            args.optionalString("config_file").ifPresent(b::configFile);
            args.optionalString("location").ifPresent(b::location);
            args.optionalString("event_notification_command").ifPresent(b::eventNotificationCommand);
            args.optionalString("failover_validation_command").ifPresent(b::failoverValidationCommand);
            if (args.has("rewind_config_files")) b.rewindConfigFiles(args.stringList("rewind_config_files"));
            try {
                return b.build();
            } catch (IllegalArgumentException e) {
                throw args.error(e, "node_name");
            }
        }
    }
}
