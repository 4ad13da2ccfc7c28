package dev.rigger.examples;

import dev.rigger.core.executor.PlaybookRun;
import dev.rigger.core.executor.RunListener;
import dev.rigger.core.executor.RunOptions;
import dev.rigger.core.executor.RunResult;
import dev.rigger.core.inventory.Inventory;
import dev.rigger.core.inventory.InventoryLoader;
import dev.rigger.core.loader.LoadedPlaybook;
import dev.rigger.core.secret.Secret;
import dev.rigger.testing.Lab;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The call-center cluster ({@code examples/omnileads-ha/site.yml} with the lab variant of its
 * inventory, {@code inventories/omnileads-ha-lab}) on lab hosts, and the probes its drills use.
 * Everything here looks at the cluster from a lab host through Docker, not through Rigger, so a
 * drill sees what a client on the network would see. {@code CallCenterHaIT} and the demo ({@link LabDemo}) use it.
 */
public final class CallCenter {
    /** The load balancers; in the lab they are also the Asterisk pair (see the lab inventory). */
    public static final List<String> LB = List.of("lb1", "lb2");
    public static final List<String> APP = List.of("app1", "app2");
    public static final List<String> REDIS = List.of("redis1", "redis2", "redis3");
    public static final List<String> PGSQL = List.of("pgsql1", "pgsql2");
    /** The lab variant's nine hosts (see inventories/omnileads-ha-lab/hosts.yml). */
    public static final List<String> HOSTS = List.of("lb1", "lb2", "redis1", "redis2", "redis3", "pgsql1", "pgsql2", "app1", "app2");
    public static final String INTERFACE = "eth0";

    private static final Pattern SERVED_BY = Pattern.compile("Served by (\\S+)");

    /**
     * One SIP OPTIONS request over UDP from python3's standard library ($1 address, $2 port):
     * prints the reply's status line, exits 1 when nothing answers within a second.
     */
    private static final String SIP_OPTIONS = """
            import socket, sys, uuid
            addr, port = sys.argv[1], int(sys.argv[2])
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.settimeout(1)
            s.connect((addr, port))
            me, my_port = s.getsockname()
            tag = uuid.uuid4().hex[:10]
            s.send((f"OPTIONS sip:ping@{addr}:{port} SIP/2.0\\r\\n"
                    f"Via: SIP/2.0/UDP {me}:{my_port};branch=z9hG4bK{tag}\\r\\n"
                    "Max-Forwards: 70\\r\\n"
                    f"To: <sip:ping@{addr}>\\r\\n"
                    f"From: <sip:drill@{me}>;tag={tag}\\r\\n"
                    f"Call-ID: {tag}@{me}\\r\\n"
                    "CSeq: 1 OPTIONS\\r\\n"
                    "Content-Length: 0\\r\\n\\r\\n").encode())
            try:
                print(s.recv(4096).decode(errors="replace").split("\\r\\n")[0])
            except OSError as e:
                print(f"no SIP reply: {e}")
                sys.exit(1)
            """;

    /**
     * One HTTPS GET with python3's standard library ($1 address, $2 port, $3 the lab's certificate
     * as PEM): the server must present that certificate (the .pem the haproxy role built). Prints
     * the body; exits 1 on any error.
     */
    private static final String HTTPS_GET = """
            import ssl, sys, urllib.request
            ctx = ssl.create_default_context(cadata=sys.argv[3])
            ctx.check_hostname = False
            try:
                with urllib.request.urlopen(f"https://{sys.argv[1]}:{sys.argv[2]}/", context=ctx, timeout=2) as r:
                    print(r.status, r.read().decode().strip())
            except Exception as e:
                print(f"HTTPS failed: {e}")
                sys.exit(1)
            """;

    private CallCenter() {}

    /** The lab variant's inventory folder, from the repository root or a module's folder. */
    public static Path labInventoryDir() {
        for (Path candidate : List.of(Path.of("inventories", "omnileads-ha-lab"), Path.of("..", "inventories", "omnileads-ha-lab"))) {
            if (Files.isDirectory(candidate)) return candidate;
        }
        throw new IllegalStateException("inventories/omnileads-ha-lab not found from " + Path.of("").toAbsolutePath());
    }

    /** The site playbook, from the repository root or the examples module's folder. */
    public static Path site() {
        for (Path candidate : List.of(Path.of("examples", "omnileads-ha", "site.yml"), Path.of("omnileads-ha", "site.yml"))) {
            if (Files.isRegularFile(candidate)) return candidate;
        }
        throw new IllegalStateException("examples/omnileads-ha/site.yml not found from " + Path.of("").toAbsolutePath());
    }

    /**
     * The three inventory sources of a lab deployment, in the order {@code rigger play} takes them
     * with {@code -i}: the lab's hosts (addresses, login), the lab's subnet, and the lab variant
     * (groups, VIPs, every parameter).
     */
    public static List<Path> inventorySources(Lab lab) {
        Path hosts = lab.writeInventory();
        Path subnet = hosts.resolveSibling("lab-subnet.yml");
        try {
            Files.writeString(subnet, "all:\n  vars:\n    lab_subnet_prefix: \"" + subnetPrefix(lab) + "\"\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.of(hosts, subnet, labInventoryDir());
    }

    public static Inventory inventory(Lab lab) {
        return InventoryLoader.load(inventorySources(lab));
    }

    /** {@code 10.213.7.} for a lab on 10.213.7.0/24: the lab inventory's VIPs are this plus .201 and up. */
    public static String subnetPrefix(Lab lab) {
        return lab.subnet().substring(0, lab.subnet().lastIndexOf('.') + 1);
    }

    /** The load balancers' VIP (spare address 1) and the Asterisk VIP (spare address 2), as the lab inventory sets them. */
    public static String lbVip(Lab lab) {
        return lab.spareAddress(1);
    }

    public static String asteriskVip(Lab lab) {
        return lab.spareAddress(2);
    }

    /** PostgreSQL's read-write VIP (spare address 3) and read-only VIP (spare address 4). */
    public static String pgRwVip(Lab lab) {
        return lab.spareAddress(3);
    }

    public static String pgRoVip(Lab lab) {
        return lab.spareAddress(4);
    }

    /**
     * What the lab needs before the first run and Rigger does not do: Debian's Redis units ask for
     * PrivateUsers, which these containers cannot give (TESTBED.md), so a drop-in turns it off.
     */
    public static void prepareLab(Lab lab) {
        for (String h : REDIS) {
            lab.shell(h, "for u in redis-server redis-sentinel; do mkdir -p /etc/systemd/system/$u.service.d;"
                    + " printf '[Service]\\nPrivateUsers=false\\n' > /etc/systemd/system/$u.service.d/lab.conf; done");
        }
    }

    private static String secret(Inventory inventory, String name) {
        Object value = inventory.varsOf(LB.get(0)).get(name);
        return value instanceof Secret s ? s.reveal() : String.valueOf(value);
    }

    /** redis-cli on {@code client} against {@code address}:6379 with the cluster's password, one command per line of {@code commands}, on one connection. */
    public static Lab.LabExec redis(Lab lab, Inventory inventory, String client, String address, String commands) {
        return lab.exec(client, "env", "REDISCLI_AUTH=" + secret(inventory, "redis_password"), "sh", "-c",
                "printf '%s\\n' \"$1\" | timeout 3 redis-cli --no-auth-warning -h \"$2\" -p 6379", "redis", commands, address);
    }

    /** The Redis node answering role:master, asked on each node itself; empty when none (or several) does. */
    public static Optional<String> redisMain(Lab lab, Inventory inventory, List<String> up) {
        List<String> mains = up.stream().filter(h -> redis(lab, inventory, h, "127.0.0.1", "ROLE").stdout().startsWith("master")).toList();
        return mains.size() == 1 ? Optional.of(mains.get(0)) : Optional.empty();
    }

    /** psql on {@code client} as the app's user against {@code address}:5432; exit code 0 when the statement committed. */
    public static Lab.LabExec psql(Lab lab, Inventory inventory, String client, String address, String sql) {
        return lab.exec(client, "env", "PGPASSWORD=" + secret(inventory, "postgresql_app_password"), "PGCONNECT_TIMEOUT=2", "psql", "-XAtq",
                "host=" + address + " user=omnileads dbname=omnileads", "-v", "ON_ERROR_STOP=1", "-c", sql);
    }

    public static RunResult run(LoadedPlaybook site, Inventory inventory, RunOptions options, RunListener... listeners) {
        PlaybookRun run = PlaybookRun.of(site.playbook()).inventory(inventory).options(options);
        for (RunListener l : listeners) run.listener(l);
        return run.execute();
    }

    /** Which of {@code hosts} (all running) has {@code vip} on its interface right now. */
    public static Optional<String> vipHolder(Lab lab, String vip, List<String> hosts) {
        for (String h : hosts) {
            Lab.LabExec r = lab.exec(h, "ip", "-o", "-4", "addr", "show", "dev", INTERFACE);
            if (r.exitCode() == 0 && r.stdout().contains(" " + vip + "/")) return Optional.of(h);
        }
        return Optional.empty();
    }

    /** The status line of a SIP OPTIONS reply from {@code address}:5060, asked from {@code client}; empty when none. */
    public static Optional<String> sipReply(Lab lab, String client, String address) {
        Lab.LabExec r = lab.exec(client, "python3", "-c", SIP_OPTIONS, address, "5060");
        return r.exitCode() == 0 && r.stdout().startsWith("SIP/2.0 ") ? Optional.of(r.stdout().strip()) : Optional.empty();
    }

    /** The app node that served an HTTPS request to {@code address}:443 from {@code client}; empty on any failure. */
    public static Optional<String> httpsServedBy(Lab lab, String client, String address, String certificatePem) {
        Lab.LabExec r = lab.exec(client, "python3", "-c", HTTPS_GET, address, "443", certificatePem);
        if (r.exitCode() != 0 || !r.stdout().startsWith("200 ")) return Optional.empty();
        Matcher m = SERVED_BY.matcher(r.stdout());
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /**
     * Drills 3 and 4 in one stop: lb1 holds the load balancers' VIP and the Asterisk VIP (the lab
     * runs both pairs on lb1 and lb2). Stops lb1 and clocks, from the stop request, when SIP
     * answers on the Asterisk VIP again and when HTTPS through the load balancers' VIP has been
     * answered by both app nodes. Probes run from the app nodes, as clients on the network would ask.
     *
     * @throws AssertionError when they do not answer within {@code timeout}
     */
    public static EdgeFailover stopTheVipHolder(Lab lab, Inventory inventory, Duration timeout) {
        String lbVip = lbVip(lab);
        String asteriskVip = asteriskVip(lab);
        String certificate = labCertificate(inventory);

        long stop = System.nanoTime();
        Thread stopper = new Thread(() -> lab.stop("lb1"), "stop-lb1");
        stopper.start();
        double[] sip = {-1};
        double[] https = {-1};
        Set<String> servedBy = new TreeSet<>();
        lab.await("SIP on the Asterisk VIP and HTTPS from both app nodes through the load balancers' VIP", timeout, () -> {
            // Until lb1 is down an answer may still come from it; the clock runs from the stop request.
            if (stopper.isAlive()) return false;
            if (sip[0] < 0 && sipReply(lab, APP.get(0), asteriskVip).isPresent()) sip[0] = seconds(stop);
            if (https[0] < 0) {
                for (String client : APP) httpsServedBy(lab, client, lbVip, certificate).ifPresent(servedBy::add);
                if (servedBy.containsAll(APP)) https[0] = seconds(stop);
            }
            return sip[0] >= 0 && https[0] >= 0;
        });
        return new EdgeFailover(sip[0], https[0], servedBy, vipHolder(lab, asteriskVip, List.of("lb2")), vipHolder(lab, lbVip, List.of("lb2")));
    }

    /**
     * Drill 1: 20 writes through the load balancers' VIP (HAProxy routes Redis only to the node
     * answering role:master), acknowledged by the main and by both replicas ({@code WAIT}); the main
     * stops; writes through the same address are tried until one is accepted, clocked from the stop
     * request; then every acknowledged key is read back through the VIP.
     *
     * @throws AssertionError when no write is accepted within {@code timeout}
     */
    public static RedisFailover stopTheRedisMain(Lab lab, Inventory inventory, Duration timeout) {
        String vip = lbVip(lab);
        String main = redisMain(lab, inventory, REDIS).orElseThrow(() -> new AssertionError("no single Redis main"));
        StringBuilder writes = new StringBuilder();
        for (int i = 0; i < 20; i++) writes.append("SET drill1:before:").append(i).append(' ').append(i).append('\n');
        List<String> replies = redis(lab, inventory, APP.get(0), vip, writes + "WAIT " + (REDIS.size() - 1) + " 2000").stdout().lines().toList();
        List<String> acknowledged = new java.util.ArrayList<>();
        for (int i = 0; i < 20 && i < replies.size(); i++) if (replies.get(i).equals("OK")) acknowledged.add("drill1:before:" + i);

        long stop = System.nanoTime();
        Thread stopper = new Thread(() -> lab.stop(main), "stop-" + main);
        stopper.start();
        double[] back = {-1};
        lab.await("writes through the VIP are accepted again", timeout, () -> {
            // Until the main is down a write may still land on it; the clock runs from the stop request.
            if (stopper.isAlive()) return false;
            if (redis(lab, inventory, APP.get(0), vip, "SET drill1:after-failover 1").stdout().strip().equals("OK")) back[0] = seconds(stop);
            return back[0] >= 0;
        });
        List<String> up = REDIS.stream().filter(h -> !h.equals(main)).toList();
        String newMain = redisMain(lab, inventory, up).orElse("none");
        List<String> values = redis(lab, inventory, APP.get(0), vip, "MGET " + String.join(" ", acknowledged)).stdout().lines().toList();
        List<String> lost = new java.util.ArrayList<>();
        for (int i = 0; i < acknowledged.size(); i++) {
            String key = acknowledged.get(i);
            if (i >= values.size() || !values.get(i).equals(key.substring(key.lastIndexOf(':') + 1))) lost.add(key);
        }
        return new RedisFailover(back[0], main, newMain, acknowledged, lost);
    }

    /**
     * What {@link #stopTheRedisMain} saw.
     *
     * @param writesSeconds from the stop request until a write through the VIP was accepted
     * @param acknowledged  keys written and acknowledged before the stop
     * @param lost          those of them missing or different after the failover
     */
    public record RedisFailover(double writesSeconds, String oldMain, String newMain, List<String> acknowledged, List<String> lost) {}

    /**
     * Drill 2: a table and 20 rows committed through the RW VIP and read through the RO VIP (from a
     * standby); pgsql1, the primary, stops; inserts through the RW VIP are tried until one commits,
     * clocked from the stop request; then every committed row is counted through the RW VIP.
     *
     * @throws AssertionError when no insert commits within {@code timeout}
     */
    public static PgFailover stopThePgPrimary(Lab lab, Inventory inventory, Duration timeout) {
        String client = APP.get(0);
        String rw = pgRwVip(lab);
        String ro = pgRoVip(lab);
        // A login through the VIP may take longer than the client's 2 s on a loaded machine: the
        // table is made with a few tries before the drill starts.
        String[] why = {""};
        try {
            lab.await("a table created through the RW VIP", Duration.ofSeconds(30), () -> {
                Lab.LabExec created = psql(lab, inventory, client, rw, "create table if not exists public.drill (id int primary key, v text)");
                why[0] = created.stderr();
                return created.exitCode() == 0;
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + ": " + why[0] + "\n" + pgState(lab, PGSQL), e);
        }
        List<Integer> committed = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            if (psql(lab, inventory, client, rw, "insert into public.drill values (" + i + ", 'before')").exitCode() == 0) committed.add(i);
        }
        lab.await("the rows read through the RO VIP, from a standby", Duration.ofSeconds(20), () -> psql(lab, inventory, client, ro,
                "select pg_is_in_recovery()::text || ':' || count(*) from public.drill").stdout().strip().equals("true:" + committed.size()));

        // The drill stops pgsql1 as the primary: if repmgrd failed over on its own before (a starved
        // host), timing a stop of the standby would prove nothing.
        Optional<String> holder = vipHolder(lab, rw, PGSQL);
        if (!holder.equals(Optional.of("pgsql1"))) {
            throw new AssertionError("pgsql1 is not the primary before the drill (the RW VIP is on " + holder.orElse("no host") + ")\n" + pgState(lab, PGSQL));
        }
        long stop = System.nanoTime();
        Thread stopper = new Thread(() -> lab.stop("pgsql1"), "stop-pgsql1");
        stopper.start();
        double[] back = {-1};
        try {
            lab.await("inserts through the RW VIP commit again", timeout, () -> {
                if (stopper.isAlive()) return false;
                if (psql(lab, inventory, client, rw, "insert into public.drill values (100, 'after failover')").exitCode() == 0) {
                    back[0] = seconds(stop);
                    committed.add(100);
                }
                return back[0] >= 0;
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + pgState(lab, List.of("pgsql2")), e);
        }
        String ids = committed.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(","));
        String found = psql(lab, inventory, client, rw, "select string_agg(id::text, ',' order by id) from public.drill where id in (" + ids + ")")
                .stdout().strip();
        List<Integer> lost = committed.stream().filter(id -> !List.of(found.split(",")).contains(String.valueOf(id))).toList();
        return new PgFailover(back[0], List.copyOf(committed), lost, vipHolder(lab, rw, List.of("pgsql2")));
    }

    /** What repmgr, repmgrd, PostgreSQL and the VIPs say on {@code hosts}: the evidence when a PostgreSQL drill fails. */
    public static String pgState(Lab lab, List<String> hosts) {
        StringBuilder s = new StringBuilder();
        for (String h : hosts) {
            s.append("== ").append(h).append(": ").append(lab.exec(h, "sh", "-c", "systemctl is-active postgresql@15-main repmgrd | tr '\\n' ' ';"
                    + " ip -o -4 addr show dev " + INTERFACE + " | awk '{print $4}' | tr '\\n' ' '; echo;"
                    + " cd / && runuser -u postgres -- repmgr -f /etc/repmgr.conf cluster show 2>&1;"
                    + " journalctl -u repmgrd -n 25 --no-pager 2>&1 | cut -c1-220").stdout()).append('\n');
        }
        return s.toString();
    }

    /**
     * What {@link #stopThePgPrimary} saw.
     *
     * @param writesSeconds from the stop request until an insert through the RW VIP committed
     * @param committed     ids of the rows committed (before the stop, and the first after it)
     * @param lost          those of them missing afterwards
     * @param rwHolder      where the RW VIP was then (pgsql2 expected)
     */
    public record PgFailover(double writesSeconds, List<Integer> committed, List<Integer> lost, Optional<String> rwHolder) {}

    /**
     * What {@link #stopTheVipHolder} saw. Times in seconds from the stop request.
     *
     * @param sipSeconds               until SIP answered on the Asterisk VIP
     * @param httpsSeconds             until HTTPS through the load balancers' VIP had been answered by both app nodes
     * @param servedBy                 app nodes that answered HTTPS after the stop
     * @param asteriskHolderAfterStop  where the Asterisk VIP was then (lb2 expected)
     * @param lbHolderAfterStop        where the load balancers' VIP was then (lb2 expected)
     */
    public record EdgeFailover(double sipSeconds, double httpsSeconds, Set<String> servedBy,
                               Optional<String> asteriskHolderAfterStop, Optional<String> lbHolderAfterStop) {}

    /**
     * Boots lb1 again and returns the seconds from its boot until both VIPs are back on it
     * (preempt: it has the higher priority).
     *
     * @throws AssertionError when they are not back within {@code timeout}
     */
    public static double startTheOldHolder(Lab lab, Duration timeout) {
        lab.start("lb1");
        // A real host applies /etc/sysctl.conf at boot (net.ipv4.ip_nonlocal_bind, which the SIP
        // service needs to bind the VIP); a lab host's /proc/sys/net becomes writable only after
        // boot (Lab.start), so apply it now, as the boot would have. A lab concern, not the roles'.
        lab.shell("lb1", "sysctl -q -p /etc/sysctl.conf");
        long booted = System.nanoTime();
        lab.await("both VIPs return to lb1 (preempt)", timeout,
                () -> vipHolder(lab, asteriskVip(lab), LB).equals(Optional.of("lb1")) && vipHolder(lab, lbVip(lab), LB).equals(Optional.of("lb1")));
        return seconds(booted);
    }

    public static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    /** The lab certificate the HTTPS frontend must present: the inventory's {@code haproxy_tls_certificate}. */
    public static String labCertificate(Inventory inventory) {
        Map<String, Object> vars = inventory.varsOf(LB.get(0));
        return String.valueOf(vars.get("haproxy_tls_certificate"));
    }
}
