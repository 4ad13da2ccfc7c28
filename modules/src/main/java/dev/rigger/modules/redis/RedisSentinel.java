package dev.rigger.modules.redis;

import static dev.rigger.modules.redis.RedisCli.DIGEST_FUNCTION;
import static dev.rigger.modules.redis.RedisCli.SECTION;
import static dev.rigger.modules.redis.RedisCli.digest;

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
import dev.rigger.core.transport.RemoteFiles;
import dev.rigger.core.transport.ShellQuote;
import dev.rigger.modules.redis.RedisCli.Endpoint;
import dev.rigger.modules.redis.RedisCli.SentinelAnswer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One monitor of a Redis Sentinel, kept <em>live</em>: {@code SENTINEL MONITOR}, {@code SENTINEL
 * SET} and {@code SENTINEL REMOVE} on the running Sentinel, which then rewrites its own
 * sentinel.conf. The file is written only when it does not exist (or has no such monitor) and
 * the Sentinel is not running; a template put back over Sentinel's own rewrite undoes failovers,
 * which is how DavidWittman/ansible-redis#22 and #114 leave a cluster without a main.
 *
 * <p>The monitor's main is the live one: the local Sentinel and the {@code sentinels} peers are
 * asked ({@code SENTINEL GET-MASTER-ADDR-BY-NAME} and {@code SENTINEL MASTER}); loopback answers
 * (Debian's default sentinel.conf monitors {@code mymaster 127.0.0.1}) do not count, the highest
 * config-epoch and then most votes win, a tie fails the task. {@code main_host}/{@code main_port}
 * from the inventory are used only when no Sentinel knows the main. So after a failover the
 * monitor is left on the new main, and a Sentinel that is (re)built joins the cluster's present,
 * not its past.
 *
 * <p>Parameters:
 * <ul>
 *   <li>{@code name} — the monitor (master) name, e.g. {@code mymaster} (required).</li>
 *   <li>{@code main_host} (required), {@code main_port} (default 6379) — the bootstrap main, an IP.</li>
 *   <li>{@code quorum} — Sentinels that must agree the main is down (required).</li>
 *   <li>{@code down_after_milliseconds} (default 30000), {@code failover_timeout} (default 180000),
 *       {@code parallel_syncs} (default 1) — Sentinel's settings of the same names.</li>
 *   <li>{@code auth_pass} — the main's password (a secret; the replicas' {@code masterauth}).
 *       Printable ASCII without blanks, quotes or backslashes: Sentinel 7.0 writes it unquoted to
 *       sentinel.conf and could not start again with anything else.</li>
 *   <li>{@code sentinels} — the other Sentinels to ask ({@code "ip"}, {@code "ip:port"} or host
 *       mappings with {@code ansible_host}); this host's own entry is skipped.</li>
 *   <li>{@code port} — the local Sentinel's port (default 26379).</li>
 *   <li>{@code config_file} — default {@code /etc/redis/sentinel.conf} (Debian's).</li>
 *   <li>{@code state} — {@code present} (default) or {@code absent} ({@code SENTINEL REMOVE}).</li>
 * </ul>
 * The probe (one exec) asks the Sentinels and reads whether the file exists, whether it has the
 * monitor, and the digest of its auth-pass (Sentinel does not report it). The apply (one exec)
 * sends its commands to redis-cli on stdin, so auth-pass is never in an argv.
 *
 * <pre>{@code
 * - name: sentinel watches the redis main
 *   redis_sentinel:
 *     name: mymaster
 *     main_host: "{{ hostvars[groups.redis[0]].ansible_host }}"
 *     quorum: 2
 *     down_after_milliseconds: 3000
 *     auth_pass: "{{ redis_password }}"
 *     sentinels: "{{ group_hosts.redis_sentinel }}"
 * }</pre>
 *
 * <pre>{@code
 * RedisSentinel.monitor("mymaster", "10.0.0.11").quorum(2).downAfterMilliseconds(3000)
 *         .authPass(password).sentinels(List.of("10.0.0.12", "10.0.0.13")).build()
 * }</pre>
 */
public record RedisSentinel(String name, Endpoint bootstrapMain, int quorum, int downAfterMilliseconds, int failoverTimeout,
                            int parallelSyncs, Secret authPass, List<Endpoint> sentinels, int port, String configFile,
                            boolean present) implements Module<RedisSentinel.Current> {

    public static final String DEFAULT_CONFIG_FILE = "/etc/redis/sentinel.conf";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

    public RedisSentinel {
        if (name == null || !NAME.matcher(name).matches()) throw new ModuleArgumentException("redis_sentinel", "name", "'" + name + "' is not a monitor name (letters, digits, . _ -)");
        if (bootstrapMain == null) throw new ModuleArgumentException("redis_sentinel", "main_host", "required");
        if (quorum < 1) throw new ModuleArgumentException("redis_sentinel", "quorum", "must be at least 1");
        if (downAfterMilliseconds < 1) throw new ModuleArgumentException("redis_sentinel", "down_after_milliseconds", "must be positive");
        if (failoverTimeout < 1) throw new ModuleArgumentException("redis_sentinel", "failover_timeout", "must be positive");
        if (parallelSyncs < 1) throw new ModuleArgumentException("redis_sentinel", "parallel_syncs", "must be at least 1");
        if (port < 1 || port > 65535) throw new ModuleArgumentException("redis_sentinel", "port", "" + port + " is out of range");
        if (configFile == null) configFile = DEFAULT_CONFIG_FILE;
        if (!configFile.startsWith("/")) throw new ModuleArgumentException("redis_sentinel", "config_file", "must be an absolute path");
        RedisCli.checkPassword(authPass, "auth_pass");
        sentinels = List.copyOf(sentinels);
    }

    public static Builder monitor(String name, String mainHost) {
        return new Builder(name, mainHost);
    }

    @Override
    public String moduleName() {
        return "redis_sentinel";
    }

    private Endpoint local() {
        return new Endpoint("127.0.0.1", port);
    }

    @Override
    public Probe<Current> probe(ModuleContext context) {
        List<Endpoint> ask = new ArrayList<>();
        ask.add(local());
        ask.addAll(sentinels);
        String script = "if ! command -v redis-cli >/dev/null 2>&1; then echo 'redis-cli is not installed'; exit 3; fi\n"
                + DIGEST_FUNCTION
                + "file=" + ShellQuote.quote(configFile) + "\n"
                + "echo '" + SECTION + "addresses'\nhostname -I 2>/dev/null | tr ' ' '\\n' | grep .\n"
                + "echo '" + SECTION + "file'\n"
                + "if [ -f \"$file\" ]; then\n"
                + "  echo exists\n"
                + "  awk -v n=" + ShellQuote.quote(name) + " '$1 == \"sentinel\" && $2 == \"monitor\" && $3 == n { print \"monitor\" }' \"$file\"\n"
                + "  printf 'auth-pass %s\\n' \"$(digest \"$(awk -v n=" + ShellQuote.quote(name)
                + " '$1 == \"sentinel\" && $2 == \"auth-pass\" && $3 == n { v = $4 } END { print v }' \"$file\")\")\"\n"
                + "fi\n"
                + RedisCli.askSentinels(ask, name);
        return Probe.of(script, Current::parse);
    }

    @Override
    public Plan plan(Current current, ModuleContext context) {
        SentinelAnswer local = current.local();
        boolean running = local.reachable();
        boolean monitors = local.main() != null;
        if (running && !monitors && !SentinelAnswer.UNKNOWN_NAME.equals(local.problem())) {
            throw new ModuleException("the local Sentinel answers: " + local.problem());
        }
        if (!present) {
            if (!running) {
                if (current.fileHasMonitor()) throw notRunning(current);
                return Plan.noChange();
            }
            if (!monitors) return Plan.noChange();
            return Plan.apply(Change.of("remove monitor " + name + " (was " + local.main() + ")"),
                    script(List.of("SENTINEL REMOVE " + name)));
        }

        // Votes of the other Sentinels plus the local one; this host listed among the peers counts once.
        List<SentinelAnswer> votes = new ArrayList<>();
        votes.add(local);
        for (SentinelAnswer a : current.peers()) {
            if (!(current.addresses().contains(a.sentinel().host()) && a.sentinel().port() == port)) votes.add(a);
        }
        Endpoint main = RedisCli.mainPerSentinels(votes, name).orElse(bootstrapMain);

        if (!running) {
            if (current.fileHasMonitor()) throw notRunning(current);
            String block = monitorBlock(main);
            if (!current.fileExists()) {
                String content = "# Written by Rigger because there was no file; from now on Sentinel rewrites it itself.\n"
                        + "port " + port + "\n" + block;
                String write = RemoteFiles.write(configFile, content.getBytes(StandardCharsets.UTF_8)).mode("0640").request().script()
                        + "chown --reference=\"$(dirname -- \"$target\")\" -- \"$target\"\n";
                return Plan.apply(Change.of("write " + configFile + " monitoring " + name + " at " + main + " (Sentinel is not running)"), write)
                        .withStdin(content.getBytes(StandardCharsets.UTF_8));
            }
            return Plan.apply(Change.of("add monitor " + name + " at " + main + " to " + configFile + " (Sentinel is not running)"),
                    "set -eu\ncat >> " + ShellQuote.quote(configFile) + "\n").withStdin(block.getBytes(StandardCharsets.UTF_8));
        }
        if (local.master().getOrDefault("flags", "").contains("failover_in_progress")) {
            throw new ModuleException("Sentinel is failing over " + name + " right now: run again once it is done");
        }

        List<Change> changes = new ArrayList<>();
        List<String> commands = new ArrayList<>();
        boolean setAuth;
        if (!monitors || !local.main().equals(main)) {
            if (monitors) {
                changes.add(Change.of("re-point monitor " + name + " from " + local.main() + " to " + main));
                commands.add("SENTINEL REMOVE " + name);
            } else {
                changes.add(Change.of("monitor " + name + " at " + main + " (quorum " + quorum + ")"));
            }
            commands.add("SENTINEL MONITOR " + name + " " + main.host() + " " + main.port() + " " + quorum);
            commands.add(set("down-after-milliseconds", downAfterMilliseconds));
            commands.add(set("failover-timeout", failoverTimeout));
            commands.add(set("parallel-syncs", parallelSyncs));
            setAuth = authPass != null;
        } else {
            Map<String, Integer> wanted = new LinkedHashMap<>();
            wanted.put("quorum", quorum);
            wanted.put("down-after-milliseconds", downAfterMilliseconds);
            wanted.put("failover-timeout", failoverTimeout);
            wanted.put("parallel-syncs", parallelSyncs);
            wanted.forEach((key, value) -> {
                String live = local.master().get(key);
                if (!String.valueOf(value).equals(live)) {
                    changes.add(Change.of("set " + key + " " + value + " (was " + live + ")"));
                    commands.add(set(key, value));
                }
            });
            setAuth = authPass != null && !digest(authPass).equals(current.fileAuthPass());
        }
        if (setAuth) {
            if (changes.isEmpty()) changes.add(Change.of("set auth-pass " + Secret.REDACTED));
            commands.add("SENTINEL SET " + name + " auth-pass $AUTH_PASS");
        }
        if (changes.isEmpty()) return Plan.noChange();
        Plan plan = Plan.apply(changes, script(commands));
        return setAuth ? plan.withStdin((authPass.reveal() + "\n").getBytes(StandardCharsets.UTF_8)) : plan;
    }

    private String set(String key, int value) {
        return "SENTINEL SET " + name + " " + key + " " + value;
    }

    private String monitorBlock(Endpoint main) {
        StringBuilder b = new StringBuilder()
                .append("sentinel monitor ").append(name).append(' ').append(main.host()).append(' ').append(main.port()).append(' ').append(quorum).append('\n')
                .append("sentinel down-after-milliseconds ").append(name).append(' ').append(downAfterMilliseconds).append('\n')
                .append("sentinel failover-timeout ").append(name).append(' ').append(failoverTimeout).append('\n')
                .append("sentinel parallel-syncs ").append(name).append(' ').append(parallelSyncs).append('\n');
        if (authPass != null) b.append("sentinel auth-pass ").append(name).append(' ').append(authPass.reveal()).append('\n');
        return b.toString();
    }

    private ModuleException notRunning(Current current) {
        return new ModuleException("Sentinel on 127.0.0.1:" + port + " does not answer (" + current.local().problem() + ") and "
                + configFile + " already has monitor " + name + ": start redis-sentinel; a configured Sentinel is changed only live, "
                + "never through its file");
    }

    /**
     * The apply script: each command goes to redis-cli on stdin and must answer OK. Commands hold
     * only checked names, addresses and numbers, and {@code $AUTH_PASS}, which the shell expands
     * to the password read from the script's stdin (a blank-free word, see {@link RedisCli}).
     */
    private String script(List<String> commands) {
        StringBuilder s = new StringBuilder("set -u\nIFS= read -r AUTH_PASS || true\n")
                .append("run() {\n")
                .append("  out=$(printf '%s\\n' \"$1\" | env -u REDISCLI_AUTH timeout 10 redis-cli -h 127.0.0.1 -p ").append(port).append(" 2>&1)\n")
                .append("  case $out in OK*) ;; *) printf '%s: %s\\n' \"${1%% auth-pass *}\" \"$out\" >&2; exit 1;; esac\n")
                .append("}\n");
        for (String c : commands) s.append("run \"").append(c).append("\"\n");
        return s.toString();
    }

    /**
     * What the probe found.
     *
     * @param addresses      this host's addresses
     * @param fileExists     whether the config file exists
     * @param fileHasMonitor whether it has {@code sentinel monitor NAME}
     * @param fileAuthPass   sha256 of its auth-pass for NAME, or {@code none}
     * @param local          the local Sentinel's answer
     * @param peers          the other Sentinels' answers
     */
    public record Current(List<String> addresses, boolean fileExists, boolean fileHasMonitor, String fileAuthPass,
                          SentinelAnswer local, List<SentinelAnswer> peers) {
        public Current {
            addresses = List.copyOf(addresses);
            peers = List.copyOf(peers);
        }

        static Current parse(ExecResult r) {
            if (r.exitCode() == 3) throw new ModuleException(r.stdout().strip());
            Map<String, List<String>> sections = RedisCli.sections(r.stdout());
            List<String> file = sections.getOrDefault("file", List.of());
            String auth = file.stream().filter(l -> l.startsWith("auth-pass ")).map(l -> l.substring(10)).findFirst().orElse("none");
            List<SentinelAnswer> answers = RedisCli.answers(sections);
            if (answers.isEmpty()) throw new ModuleException("unexpected probe output: " + r.stdout().strip() + r.stderr().strip());
            return new Current(sections.getOrDefault("addresses", List.of()).stream().map(String::strip).filter(s -> !s.isEmpty()).toList(),
                    file.contains("exists"), file.contains("monitor"), auth, answers.get(0), answers.subList(1, answers.size()));
        }
    }

    public static final class Builder {
        private final String name;
        private final String mainHost;
        private int mainPort = 6379;
        private int quorum = 2;
        private int downAfterMilliseconds = 30000;
        private int failoverTimeout = 180000;
        private int parallelSyncs = 1;
        private Secret authPass;
        private List<Endpoint> sentinels = List.of();
        private int port = RedisCli.SENTINEL_PORT;
        private String configFile;
        private boolean present = true;

        private Builder(String name, String mainHost) {
            this.name = name;
            this.mainHost = mainHost;
        }

        public Builder mainPort(int value) { this.mainPort = value; return this; }
        public Builder quorum(int value) { this.quorum = value; return this; }
        public Builder downAfterMilliseconds(int value) { this.downAfterMilliseconds = value; return this; }
        public Builder failoverTimeout(int value) { this.failoverTimeout = value; return this; }
        public Builder parallelSyncs(int value) { this.parallelSyncs = value; return this; }
        public Builder authPass(Secret value) { this.authPass = value; return this; }
        public Builder sentinels(List<String> addresses) { this.sentinels = RedisCli.endpoints(addresses, "sentinels"); return this; }
        public Builder port(int value) { this.port = value; return this; }
        public Builder configFile(String value) { this.configFile = value; return this; }
        public Builder absent() { this.present = false; return this; }

        public RedisSentinel build() {
            return new RedisSentinel(name, RedisReplica.bootstrap(mainHost, mainPort), quorum, downAfterMilliseconds, failoverTimeout,
                    parallelSyncs, authPass, sentinels, port, configFile, present);
        }
    }

    /** YAML binding: {@code redis_sentinel}. */
    public static final class Type implements ModuleType {
        private static final Set<String> PARAMETERS = Set.of("name", "main_host", "main_port", "quorum", "down_after_milliseconds",
                "failover_timeout", "parallel_syncs", "auth_pass", "sentinels", "port", "config_file", "state");

        @Override
        public List<String> names() {
            return List.of("redis_sentinel");
        }

        @Override
        public Set<String> parameters() {
            return PARAMETERS;
        }

        @Override
        public Set<String> required() {
            return Set.of("name", "main_host", "quorum");
        }

        @Override
        public Module<?> create(Args args) {
            args.requireKnown(PARAMETERS);
            boolean present = args.choice("state", List.of("present", "absent"), "present").equals("present");
            try {
                return new RedisSentinel(args.string("name"), RedisReplica.bootstrap(args.string("main_host"), args.integer("main_port", 6379)),
                        args.integer("quorum", 0), args.integer("down_after_milliseconds", 30000), args.integer("failover_timeout", 180000),
                        args.integer("parallel_syncs", 1), RedisCli.secret(args, "auth_pass"),
                        RedisCli.endpoints(args.raw("sentinels"), "sentinels"), args.integer("port", RedisCli.SENTINEL_PORT),
                        args.optionalString("config_file").orElse(null), present);
            } catch (IllegalArgumentException e) {
                throw args.error(e, "main_host");
            }
        }
    }
}
