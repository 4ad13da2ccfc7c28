package dev.rigger.modules.redis;

import static dev.rigger.modules.redis.RedisCli.DIGEST_FUNCTION;
import static dev.rigger.modules.redis.RedisCli.SECTION;
import static dev.rigger.modules.redis.RedisCli.digest;
import static dev.rigger.modules.redis.RedisCli.redisQuote;

import dev.rigger.core.module.Args;
import dev.rigger.core.module.Change;
import dev.rigger.core.module.Module;
import dev.rigger.core.module.ModuleContext;
import dev.rigger.core.module.ModuleException;
import dev.rigger.core.module.ModuleType;
import dev.rigger.core.module.Plan;
import dev.rigger.core.module.Probe;
import dev.rigger.core.module.ModuleArgumentException;
import dev.rigger.core.secret.Secret;
import dev.rigger.core.transport.ExecResult;
import dev.rigger.core.transport.ShellQuote;
import dev.rigger.modules.redis.RedisCli.Endpoint;
import dev.rigger.modules.redis.RedisCli.SentinelAnswer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Redis server's place in a main/replica cluster, and its passwords, set <em>live</em>:
 * {@code REPLICAOF}, {@code CONFIG SET}, then {@code CONFIG REWRITE} so redis.conf holds what runs.
 * redis.conf is never templated: Redis and Sentinel rewrite it themselves after a failover, and a
 * template put back over it is exactly how DavidWittman/ansible-redis#22 and #114 point replicas
 * back at a dead main.
 *
 * <p>Which node is the main is a question for the live cluster, not the inventory:
 * <ol>
 *   <li>when {@code sentinels} are given and any of them answers, the main is what they say
 *       ({@code SENTINEL GET-MASTER-ADDR-BY-NAME master_name}; loopback answers, such as Debian's
 *       default {@code mymaster 127.0.0.1}, do not count; if they disagree, the highest config-epoch
 *       and then the most votes win, and a tie fails the task: a failover is under way);</li>
 *   <li>else a node that is a main with replicas connected stays the main, and a replica whose
 *       link to its main is up keeps following it;</li>
 *   <li>only otherwise (a fresh node, or a broken link with nobody to ask) {@code main_host} and
 *       {@code main_port} from the inventory decide. They bootstrap the cluster; after that they
 *       are never used to demote a node or to re-point a replica that the cluster placed.</li>
 * </ol>
 * This node is the main when that address is one of its own (as {@code hostname -I} lists them)
 * on its {@code port}; it is then made a main ({@code REPLICAOF NO ONE}) if it is not one; every
 * other node replicates from that address.
 *
 * <p>Parameters:
 * <ul>
 *   <li>{@code main_host} (required), {@code main_port} (default 6379) — the bootstrap main; an IP
 *       address, as Sentinel and INFO report addresses.</li>
 *   <li>{@code port} — this node's Redis port (default 6379); the module talks to 127.0.0.1 on it.</li>
 *   <li>{@code master_name}, {@code sentinels} — the Sentinel monitor name and the Sentinels to ask
 *       (addresses {@code "ip"} or {@code "ip:port"}, default port 26379, or host mappings with
 *       {@code ansible_host} as {@code "{{ group_hosts.sentinels }}"} gives them). Sentinels need a
 *       name; a name without Sentinels is ignored.</li>
 *   <li>{@code requirepass}, {@code masterauth} — secrets; set both on every node (the same value)
 *       so an old main can rejoin as a replica. Left as they are when not given (or empty). Printable ASCII
 *       without blanks, quotes or backslashes (Sentinel's sentinel.conf cannot hold more).</li>
 *   <li>{@code config} — other settings, name → value ({@code bind}, {@code protected-mode},
 *       {@code maxmemory}, ...), applied the same way ({@code CONFIG SET}, then {@code CONFIG
 *       REWRITE}). Compared with {@code CONFIG GET}: blanks collapsed, case ignored, and memory sizes
 *       ({@code 256mb}) in bytes. Settings Redis cannot change at run time fail with Redis's message.</li>
 * </ul>
 * The probe (one exec) reads {@code INFO replication}, {@code INFO server}, the live passwords as
 * sha256 digests, the {@code config} settings, redis.conf's {@code replicaof} and password lines, and
 * asks the Sentinels. The apply script (one exec) gets the passwords on stdin; redis-cli
 * authenticates with {@code REDISCLI_AUTH} and reads its commands on stdin, so no password is ever
 * in an argv. Before {@code REPLICAOF} it checks that the replication state is still what the probe
 * saw, and stops if a failover happened in between.
 *
 * <pre>{@code
 * - name: redis follows the cluster's main
 *   redis_replica:
 *     main_host: "{{ hostvars[groups.redis[0]].ansible_host }}"
 *     master_name: mymaster
 *     sentinels: "{{ group_hosts.redis_sentinel }}"
 *     requirepass: "{{ redis_password }}"
 *     masterauth: "{{ redis_password }}"
 *     config:
 *       bind: "0.0.0.0"
 *       maxmemory: 256mb
 * }</pre>
 *
 * <pre>{@code
 * RedisReplica.main("10.0.0.11").masterName("mymaster").sentinels(List.of("10.0.0.12", "10.0.0.13"))
 *         .requirepass(password).masterauth(password).config("bind", "0.0.0.0").build()
 * }</pre>
 */
public record RedisReplica(Endpoint bootstrapMain, int port, String masterName, List<Endpoint> sentinels,
                           Secret requirepass, Secret masterauth, Map<String, String> config)
        implements Module<RedisReplica.Current> {

    private static final Pattern CONFIG_NAME = Pattern.compile("[a-z][a-z0-9-]*");
    /** Settings this module owns through its own parameters, or that must not be set behind Sentinel's back. */
    private static final Set<String> NOT_IN_CONFIG = Set.of("requirepass", "masterauth", "replicaof", "slaveof", "port");
    private static final Pattern MEMORY = Pattern.compile("(\\d+)\\s*(b|k|kb|m|mb|g|gb)?", Pattern.CASE_INSENSITIVE);

    public RedisReplica {
        if (bootstrapMain == null) throw new ModuleArgumentException("redis_replica", "main_host", "required");
        if (port < 1 || port > 65535) throw new ModuleArgumentException("redis_replica", "port", "" + port + " is out of range");
        sentinels = List.copyOf(sentinels);
        // master_name alone is fine: a role may name the monitor for a cluster that has no Sentinels (yet).
        if (masterName == null && !sentinels.isEmpty()) {
            throw new ModuleArgumentException("redis_replica", "master_name", "required with sentinels (the monitor to ask about)");
        }
        RedisCli.checkPassword(requirepass, "requirepass");
        RedisCli.checkPassword(masterauth, "masterauth");
        config = new LinkedHashMap<>(config);
        for (var e : config.entrySet()) {
            if (!CONFIG_NAME.matcher(e.getKey()).matches() || NOT_IN_CONFIG.contains(e.getKey())) {
                throw new ModuleArgumentException("redis_replica", "config", "'" + e.getKey() + "' cannot be set here"
                        + (NOT_IN_CONFIG.contains(e.getKey()) ? " (the module manages it, or it needs a restart)" : ""));
            }
            if (e.getValue() == null || e.getValue().indexOf('\n') >= 0) {
                throw new ModuleArgumentException("redis_replica", "config", "the value of '" + e.getKey() + "' must be one line");
            }
        }
        config = Collections.unmodifiableMap(config);
    }

    public static Builder main(String host) {
        return new Builder(host);
    }

    @Override
    public String moduleName() {
        return "redis_replica";
    }

    /**
     * Shell: {@code cli ARGS} runs redis-cli against the local server with a time limit, logging in
     * with REDISCLI_AUTH when it is set; the warning redis-cli prints when the server has no
     * password yet (a fresh node) is dropped.
     */
    private String cliFunction() {
        return "cli() { timeout " + RedisCli.TIMEOUT_SECONDS + " redis-cli -h 127.0.0.1 -p " + port + " \"$@\" 2>&1 | grep -v '^AUTH failed'; }\n";
    }

    @Override
    public Probe<Current> probe(ModuleContext context) {
        StringBuilder s = new StringBuilder();
        s.append("if ! command -v redis-cli >/dev/null 2>&1; then echo 'redis-cli is not installed'; exit 3; fi\n");
        if (requirepass != null) s.append("REDISCLI_AUTH=").append(ShellQuote.quote(requirepass.reveal())).append("; export REDISCLI_AUTH\n");
        else s.append("unset REDISCLI_AUTH\n");
        s.append(cliFunction()).append(DIGEST_FUNCTION)
                .append("echo '" + SECTION + "info'\ncli INFO replication; cli INFO server | grep -E '^(config_file|tcp_port|redis_version):'\n")
                .append("echo '" + SECTION + "addresses'\nhostname -I 2>/dev/null | tr ' ' '\\n' | grep .\n")
                .append("echo '" + SECTION + "live'\n")
                .append("for k in requirepass masterauth; do printf '%s %s\\n' \"$k\" \"$(digest \"$(cli CONFIG GET \"$k\" | sed -n 2p)\")\"; done\n");
        for (String key : config.keySet()) {
            s.append("printf 'config %s\\n' ").append(ShellQuote.quote(key)).append("; cli CONFIG GET ").append(ShellQuote.quote(key)).append(" | sed -n 2p\n");
        }
        // The file as Redis will read it at its next start (last occurrence wins; CONFIG REWRITE quotes strings).
        s.append("echo '" + SECTION + "file'\n")
                .append("file=$(cli INFO server | tr -d '\\r' | sed -n 's/^config_file://p')\n")
                .append("if [ -n \"$file\" ] && [ -r \"$file\" ]; then\n")
                .append("  value() { sed -n \"s/^[[:space:]]*$1[[:space:]]\\{1,\\}//p\" \"$file\" | tail -n 1 | sed -e 's/^\"\\(.*\\)\"$/\\1/'; }\n")
                .append("  printf 'replicaof %s\\n' \"$(value '\\(replicaof\\|slaveof\\)')\"\n")
                .append("  for k in requirepass masterauth; do printf '%s %s\\n' \"$k\" \"$(digest \"$(value \"$k\")\")\"; done\n")
                .append("else echo unreadable; fi\n");
        if (!sentinels.isEmpty()) s.append(RedisCli.askSentinels(sentinels, masterName));
        return Probe.of(s.toString(), Current::parse);
    }

    @Override
    public Plan plan(Current current, ModuleContext context) {
        if (current.configFile().isEmpty()) {
            throw new ModuleException("Redis runs without a config file: CONFIG REWRITE could not keep any change across a restart");
        }
        if (!current.fileReadable()) throw new ModuleException(current.configFile() + " is not readable: run the task with become: true");
        Endpoint main = desiredMain(current);
        boolean self = main == null || (current.addresses().contains(main.host()) && main.port() == port);
        List<Change> changes = new ArrayList<>();
        List<String> commands = new ArrayList<>();

        config.forEach((key, value) -> {
            String live = current.config().get(key);
            if (live == null || !sameSetting(value, live)) {
                changes.add(Change.of("set " + key + " " + value + (live == null ? "" : " (was " + (live.isEmpty() ? "\"\"" : live) + ")")));
                commands.add("run " + ShellQuote.quote("CONFIG SET " + redisQuote(key) + " " + redisQuote(value)) + " " + ShellQuote.quote("set " + key));
            }
        });
        boolean setRequirepass = requirepass != null && !digest(requirepass).equals(current.liveRequirepass());
        boolean setMasterauth = masterauth != null && !digest(masterauth).equals(current.liveMasterauth());
        // printf is a shell builtin: the password goes from the script's stdin to redis-cli's stdin, never into an argv.
        if (setRequirepass) {
            changes.add(Change.of("set requirepass " + Secret.REDACTED));
            commands.add("run \"$(printf 'CONFIG SET requirepass \"%s\"' \"$REDISCLI_AUTH\")\" 'set requirepass'");
        }
        if (setMasterauth) {
            changes.add(Change.of("set masterauth " + Secret.REDACTED));
            commands.add("run \"$(printf 'CONFIG SET masterauth \"%s\"' \"$masterauth\")\" 'set masterauth'");
        }

        boolean replicationChanges = false;
        if (self && current.isReplica()) {
            changes.add(Change.of("promote to main (REPLICAOF NO ONE; it was a replica of " + current.replicaOf() + ")"));
            commands.add(guard(current));
            commands.add("run 'REPLICAOF NO ONE' 'promote'");
            replicationChanges = true;
        } else if (!self && !main.equals(current.replicaOf())) {
            changes.add(Change.of("replicate from " + main + (current.isReplica() ? " (was " + current.replicaOf() + ")"
                    : " (was a main with " + current.connectedReplicas() + " replicas)")));
            commands.add(guard(current));
            commands.add("run " + ShellQuote.quote("REPLICAOF " + main.host() + " " + main.port()) + " 'replicate'");
            replicationChanges = true;
        }

        Endpoint fileMain = self ? null : main;
        boolean fileStale = !Objects.equals(fileMain, current.fileReplicaOf())
                || (requirepass != null && !digest(requirepass).equals(current.fileRequirepass()))
                || (masterauth != null && !digest(masterauth).equals(current.fileMasterauth()));
        if (changes.isEmpty() && !fileStale) return Plan.noChange();
        if (changes.isEmpty()) changes.add(Change.of("persist the running configuration to " + current.configFile() + " (CONFIG REWRITE)"));
        commands.add("run 'CONFIG REWRITE' 'persist to " + current.configFile().replace("'", "") + "'");

        StringBuilder script = new StringBuilder("set -u\n");
        StringBuilder stdin = new StringBuilder();
        // Line 1: the password to log in with (the one being set, or the one already set); line 2: masterauth.
        script.append("IFS= read -r REDISCLI_AUTH || true\n")
                .append("if [ -n \"$REDISCLI_AUTH\" ]; then export REDISCLI_AUTH; else unset REDISCLI_AUTH; fi\n")
                .append("IFS= read -r masterauth || true\n");
        stdin.append(requirepass == null ? "" : requirepass.reveal()).append('\n')
                .append(setMasterauth ? masterauth.reveal() : "").append('\n');
        script.append(cliFunction())
                .append("run() {\n")
                .append("  out=$(printf '%s\\n' \"$1\" | timeout 10 redis-cli -h 127.0.0.1 -p ").append(port).append(" 2>&1 | grep -v '^AUTH failed')\n")
                .append("  case $out in OK*) ;; *) printf '%s: %s\\n' \"$2\" \"$out\" >&2; exit 1;; esac\n")
                .append("}\n");
        commands.forEach(c -> script.append(c).append('\n'));
        return Plan.apply(changes, script.toString()).withStdin(stdin.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Who the main is: Sentinels first, then the live replication state, the inventory last (see
     * the class doc). Null when this node is the live main that nobody else can overrule.
     */
    Endpoint desiredMain(Current current) {
        Optional<Endpoint> perSentinels = RedisCli.mainPerSentinels(current.sentinels(), masterName);
        if (perSentinels.isPresent()) return perSentinels.get();
        if (!current.isReplica() && current.connectedReplicas() > 0) return null;
        if (current.isReplica() && current.linkUp()) return current.replicaOf();
        return bootstrapMain;
    }

    /** Stops the apply when the replication state moved since the probe (Sentinel failed over meanwhile). */
    private static String guard(Current current) {
        String expected = current.isReplica()
                ? "role:slave master_host:" + current.replicaOf().host() + " master_port:" + current.replicaOf().port() + " "
                : "role:master ";
        return "now=$(cli INFO replication | tr -d '\\r' | grep -E '^(role|master_host|master_port):' | tr '\\n' ' ')\n"
                + "if [ \"$now\" != " + ShellQuote.quote(expected) + " ]; then\n"
                + "  echo \"replication changed since the probe (now: $now); a failover may be under way: run again\" >&2; exit 1\n"
                + "fi";
    }

    /** Whether a desired setting equals what CONFIG GET reports: blanks, case and memory units aside. */
    static boolean sameSetting(String desired, String live) {
        String d = desired.strip().replaceAll("\\s+", " ");
        String l = live.strip().replaceAll("\\s+", " ");
        if (d.equalsIgnoreCase(l)) return true;
        Matcher dm = MEMORY.matcher(d);
        Matcher lm = MEMORY.matcher(l);
        return dm.matches() && lm.matches() && bytes(dm) == bytes(lm);
    }

    /** Redis's units: k = 1000, kb = 1024, and so on (redis.conf's header). */
    private static long bytes(Matcher m) {
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
        return switch (unit) {
            case "k" -> n * 1000L;
            case "kb" -> n * 1024L;
            case "m" -> n * 1000L * 1000L;
            case "mb" -> n * 1024L * 1024L;
            case "g" -> n * 1000L * 1000L * 1000L;
            case "gb" -> n * 1024L * 1024L * 1024L;
            default -> n;
        };
    }

    /**
     * What the probe found.
     *
     * @param role              {@code master} or {@code slave}, from INFO replication
     * @param replicaOf         the main this node replicates from, or null for a main
     * @param linkUp            {@code master_link_status:up}
     * @param connectedReplicas {@code connected_slaves}
     * @param addresses         this host's addresses
     * @param liveRequirepass   sha256 of the live value, or {@code none}; likewise {@code liveMasterauth}
     * @param config            CONFIG GET of each {@code config} setting
     * @param configFile        the file Redis was started with
     * @param fileReadable      whether it could be read
     * @param fileReplicaOf     its {@code replicaof}, or null; and the password digests in it
     * @param sentinels         what each Sentinel said
     */
    public record Current(String role, Endpoint replicaOf, boolean linkUp, int connectedReplicas, List<String> addresses,
                          String liveRequirepass, String liveMasterauth, Map<String, String> config, String configFile,
                          boolean fileReadable, Endpoint fileReplicaOf, String fileRequirepass, String fileMasterauth,
                          List<SentinelAnswer> sentinels) {
        public Current {
            addresses = List.copyOf(addresses);
            config = Map.copyOf(config);
            sentinels = List.copyOf(sentinels);
        }

        boolean isReplica() {
            return role.equals("slave");
        }

        static Current parse(ExecResult r) {
            if (r.exitCode() == 3) throw new ModuleException(r.stdout().strip());
            Map<String, List<String>> sections = RedisCli.sections(r.stdout());
            List<String> info = sections.getOrDefault("info", List.of());
            Map<String, String> fields = new LinkedHashMap<>();
            for (String line : info) {
                int colon = line.indexOf(':');
                if (colon > 0 && !line.startsWith("#")) fields.put(line.substring(0, colon), line.substring(colon + 1));
            }
            String role = fields.get("role");
            if (role == null) {
                String said = info.stream().filter(l -> !l.isBlank()).findFirst().orElse(r.stderr().strip());
                if (said.startsWith("NOAUTH") || said.startsWith("WRONGPASS")) {
                    throw new ModuleException("the local Redis does not accept the requirepass given (" + said
                            + "): it has another password, or one when none is given");
                }
                throw new ModuleException("the local Redis does not answer INFO replication: " + said);
            }
            Endpoint replicaOf = role.equals("slave")
                    ? new Endpoint(fields.get("master_host"), Integer.parseInt(fields.get("master_port"))) : null;
            Map<String, String> live = new LinkedHashMap<>();
            Map<String, String> config = new LinkedHashMap<>();
            List<String> liveLines = sections.getOrDefault("live", List.of());
            for (int i = 0; i < liveLines.size(); i++) {
                String line = liveLines.get(i);
                if (line.startsWith("config ")) {
                    config.put(line.substring(7), i + 1 < liveLines.size() ? liveLines.get(++i) : "");
                } else {
                    String[] f = line.split(" ", 2);
                    if (f.length == 2) live.put(f[0], f[1]);
                }
            }
            List<String> fileLines = sections.getOrDefault("file", List.of());
            boolean readable = !fileLines.contains("unreadable") && !fileLines.isEmpty();
            Map<String, String> file = new LinkedHashMap<>();
            for (String line : fileLines) {
                String[] f = line.split(" ", 2);
                file.put(f[0], f.length == 2 ? f[1].strip() : "");
            }
            Endpoint fileReplicaOf = null;
            String persisted = file.getOrDefault("replicaof", "");
            if (!persisted.isEmpty()) {
                String[] hp = persisted.split("\\s+");
                fileReplicaOf = new Endpoint(hp[0], Integer.parseInt(hp[1]));
            }
            return new Current(role, replicaOf, "up".equals(fields.get("master_link_status")),
                    Integer.parseInt(fields.getOrDefault("connected_slaves", "0")),
                    sections.getOrDefault("addresses", List.of()).stream().map(String::strip).filter(s -> !s.isEmpty()).toList(),
                    live.getOrDefault("requirepass", "none"), live.getOrDefault("masterauth", "none"), config,
                    fields.getOrDefault("config_file", ""), readable, fileReplicaOf,
                    file.getOrDefault("requirepass", "none"), file.getOrDefault("masterauth", "none"),
                    RedisCli.answers(sections));
        }
    }

    public static final class Builder {
        private final String mainHost;
        private int mainPort = 6379;
        private int port = 6379;
        private String masterName;
        private List<Endpoint> sentinels = List.of();
        private Secret requirepass;
        private Secret masterauth;
        private final Map<String, String> config = new LinkedHashMap<>();

        private Builder(String mainHost) {
            this.mainHost = mainHost;
        }

        public Builder mainPort(int value) { this.mainPort = value; return this; }
        public Builder port(int value) { this.port = value; return this; }
        public Builder masterName(String value) { this.masterName = value; return this; }
        public Builder sentinels(List<String> addresses) { this.sentinels = RedisCli.endpoints(addresses, "sentinels"); return this; }
        public Builder requirepass(Secret value) { this.requirepass = value; return this; }
        public Builder masterauth(Secret value) { this.masterauth = value; return this; }
        public Builder config(String name, String value) { this.config.put(name, value); return this; }

        public RedisReplica build() {
            return new RedisReplica(bootstrap(mainHost, mainPort), port, masterName, sentinels, requirepass, masterauth, config);
        }
    }

    /** YAML binding: {@code redis_replica}. */
    public static final class Type implements ModuleType {
        private static final Set<String> PARAMETERS = Set.of("main_host", "main_port", "port", "master_name", "sentinels",
                "requirepass", "masterauth", "config");

        @Override
        public List<String> names() {
            return List.of("redis_replica");
        }

        @Override
        public Set<String> parameters() {
            return PARAMETERS;
        }

        @Override
        public Set<String> required() {
            return Set.of("main_host");
        }

        @Override
        public Module<?> create(Args args) {
            args.requireKnown(PARAMETERS);
            try {
                Map<String, String> config = new LinkedHashMap<>();
                args.map("config").forEach((k, v) -> config.put(k, v instanceof Boolean b ? (b ? "yes" : "no") : v == null ? null : String.valueOf(v)));
                return new RedisReplica(bootstrap(args.string("main_host"), args.integer("main_port", 6379)), args.integer("port", 6379),
                        args.optionalString("master_name").orElse(null), RedisCli.endpoints(args.raw("sentinels"), "sentinels"),
                        RedisCli.secret(args, "requirepass"), RedisCli.secret(args, "masterauth"), config);
            } catch (IllegalArgumentException e) {
                throw args.error(e, "main_host");
            }
        }
    }

    static Endpoint bootstrap(String host, int port) {
        try {
            return new Endpoint(host, port);
        } catch (IllegalArgumentException e) {
            throw new ModuleArgumentException("redis_replica", "main_host", e.getMessage());
        }
    }
}
