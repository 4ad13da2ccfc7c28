package dev.rigger.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.rigger.core.executor.RunEvent;
import dev.rigger.core.executor.RunOptions;
import dev.rigger.core.executor.RunResult;
import dev.rigger.core.executor.Status;
import dev.rigger.core.inventory.Inventory;
import dev.rigger.core.inventory.InventoryLoader;
import dev.rigger.core.loader.LoadedPlaybook;
import dev.rigger.core.report.JsonLinesWriter;
import dev.rigger.testing.Lab;
import dev.rigger.testing.LabHosts;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The Odoo HA cluster ({@code examples/odoo-ha/site.yml} with {@code inventories/odoo-ha-lab}) on
 * the reference's six hosts plus a client, and its drills. The client builds and serves the signed
 * apt repository with the stand-in {@code odoo} package (Odoo's own repository is out of reach), and
 * asks everything through the VIP as an application would. One lab for the whole class; the methods
 * run in order and each needs the previous ones.
 */
@LabHosts({"lb1", "lb2", "postgresql1", "postgresql2", "odoo1", "odoo2", "client"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OdooHaIT {
    private static final List<String> CLUSTER = List.of("lb1", "lb2", "postgresql1", "postgresql2", "odoo1", "odoo2");
    private static final String IQN = "iqn.2026-11.dev.rigger:odoo";
    private static final String STANDIN = "odoo-standin/";
    /** What changes a host's state: files under /etc and /usr/local, the installed packages, the running services. */
    private static final String SNAPSHOT = "{ find /etc /usr/local -xdev -printf '%p %s %m %T@ %l\\n' | sort; dpkg-query -W;"
            + " systemctl list-units --type=service --state=running --no-legend --plain | cut -d' ' -f1; } | sha256sum";
    /** Every role of the site. */
    private static final Set<String> ROLES = Set.of("iscsi-target", "repmgr", "pg-health", "keepalived", "haproxy", "iscsi-initiator",
            "ocfs2", "odoo");
    /** One HTTP GET with python3's standard library ($1 URL): prints the status and the body; never fails. */
    private static final String HTTP_GET = """
            import sys, urllib.request, urllib.error
            try:
                with urllib.request.urlopen(sys.argv[1], timeout=2) as r:
                    print(r.status, r.read().decode().strip())
            except urllib.error.HTTPError as e:
                print(e.code, e.read().decode().strip())
            except Exception as e:
                print(0, e)
            """;

    private static Inventory inventory;
    private static LoadedPlaybook site;
    private static Map<String, Object> kernel;
    private static Map<String, Object> vars;
    private static String vip;
    private static CompletableFuture<Void> clientTools;
    private static RunResult dry;

    @Test
    @Order(1)
    void checkModeOnFreshHostsChangesNothing(Lab lab) throws IOException {
        long t0 = System.nanoTime();
        buildTheStandInRepository(lab);
        boolean iscsiTcp = lab.exec("odoo1", "test", "-d", "/sys/module/iscsi_tcp").exitCode() == 0;
        boolean ocfs2 = lab.exec("odoo1", "sh", "-c", "grep -qw ocfs2 /proc/filesystems && test -d /sys/kernel/config").exitCode() == 0;
        kernel = Map.of("lab_iscsi_login", iscsiTcp, "lab_ocfs2_kernel", ocfs2, "lab_ocfs2_mount_state", ocfs2 ? "mounted" : "present");
        // The lab's shared disk: an image file on odoo1, which formats it (run_once), for the LUN this kernel cannot log in to.
        lab.shell("odoo1", "mkdir -p /srv && truncate -s 256M /srv/ocfs2.img");
        inventory = inventory(lab);
        vars = inventory.varsOf("odoo1");
        vip = lab.spareAddress(1);
        site = ClusterDemo.load(site(), inventory);
        System.out.printf(Locale.ROOT, "[odoo] stand-in repository built in %.1f s%n", CallCenter.seconds(t0));

        Map<String, String> before = snapshots(lab);
        t0 = System.nanoTime();
        dry = run("check", true);
        System.out.printf(Locale.ROOT, "[odoo] check mode on fresh hosts: %.1f s, %d predicted changes%n", CallCenter.seconds(t0),
                dry.recap().totalChanged());
        assertThat(dry.exitCode()).as(failures(dry)).isZero();
        assertThat(snapshots(lab)).as("hosts after a dry run").isEqualTo(before);
        assertThat(dry.result("odoo1", "odoo is installed").orElseThrow().status()).isEqualTo(Status.CHANGED);
        assertThat(dry.result("lb1", "haproxy.cfg").orElseThrow().status()).isEqualTo(Status.CHANGED);
        assertThat(dry.result("postgresql1", "the agent").orElseThrow().status()).isEqualTo(Status.CHANGED);
    }

    @Test
    @Order(2)
    void convergeAndEverythingAnswersThroughTheVip(Lab lab) {
        long t0 = System.nanoTime();
        RunResult first = run("first", false);
        System.out.printf(Locale.ROOT, "[odoo] first converge: %.1f s, %d changed%n", CallCenter.seconds(t0), first.recap().totalChanged());
        assertThat(first.exitCode()).as(failures(first)).isZero();
        assertThat(first.hostResults()).allSatisfy(r -> assertThat(r.execs()).as(r.host() + " " + r.task()).isLessThanOrEqualTo(2));
        // The stand-in is rebuilt by every run: keep it out of the lab's shared .deb cache (harvested when the lab closes).
        for (String node : List.of("odoo1", "odoo2")) lab.shell(node, "rm -f /var/cache/apt/archives/odoo_*.deb");
        String dbPassword = secret("odoo_db_password");
        assertThat(first.hostResults()).allSatisfy(r -> assertThat(r.message() + r.changes() + r.registered()).doesNotContain(dbPassword));

        clientTools.join();
        lab.await("lb1 holds the VIP", Duration.ofSeconds(30), () -> CallCenter.vipHolder(lab, vip, CallCenter.LB).equals(java.util.Optional.of("lb1")));
        Set<String> servedBy = new TreeSet<>();
        lab.await("Odoo through the VIP answers from both app nodes with the database", Duration.ofSeconds(30), () -> {
            String r = http(lab, vip, 8069, "/");
            if (r.startsWith("200 Served by ")) servedBy.add(r.split(" ")[3]);
            return servedBy.equals(Set.of("odoo1", "odoo2"));
        });
        assertThat(http(lab, vip, 8072, "/web/health")).startsWith("200 ");
        for (String node : List.of("odoo1", "odoo2")) {
            String conf = lab.shell(node, "stat -c '%U %a' /etc/odoo/odoo.conf; grep -E '^(db_host|db_port|data_dir|proxy_mode)' /etc/odoo/odoo.conf");
            assertThat(conf).contains("odoo 640").contains("db_host = " + vip).contains("db_port = 5433")
                    .contains("data_dir = /var/lib/odoo").contains("proxy_mode = True");
            assertThat(lab.exec(node, "systemctl", "is-active", "postgresql").stdout().strip()).as("local PostgreSQL on " + node).isEqualTo("inactive");
            assertThat(lab.exec(node, "systemctl", "is-enabled", "postgresql").stdout().strip()).isEqualTo("disabled");
            assertThat(lab.shell(node, "grep -h signed-by /etc/apt/sources.list.d/odoo.list")).contains("/etc/apt/keyrings/odoo.asc");
            assertThat(lab.exec(node, "test", "-f", "/var/lib/odoo/filestore/started-" + node).exitCode()).isZero();
        }
        // The read-write listener passes the primary only, the read-only one the standby only.
        assertThat(psql(lab, 5433, "postgres", "select host(inet_server_addr())").stdout().strip()).isEqualTo(lab.host("postgresql1").ip());
        assertThat(psql(lab, 5434, "postgres", "select pg_is_in_recovery()").stdout().strip()).isEqualTo("t");
        CheckModeHonesty.assertPredicted("odoo", dry, first);
    }

    @Test
    @Order(3)
    void aSecondConvergeChangesNothing() {
        long t0 = System.nanoTime();
        RunResult second = run("second", false);
        System.out.printf(Locale.ROOT, "[odoo] second converge: %.1f s, %d changed%n", CallCenter.seconds(t0), second.recap().totalChanged());
        assertThat(second.exitCode()).as(failures(second)).isZero();
        assertThat(CheckModeHonesty.changed(second)).isEmpty();
        assertThat(second.hostResults()).allSatisfy(r -> assertThat(r.execs()).as(r.host() + " " + r.task()).isLessThanOrEqualTo(1));
        // Every role ran again (none left out by a condition or a limit), each with changed=0.
        Map<String, List<RunEvent.HostResult>> byRole = second.hostResults().stream().filter(r -> role(r) != null)
                .collect(Collectors.groupingBy(OdooHaIT::role));
        assertThat(byRole.keySet()).as("roles in the second converge").containsAll(ROLES);
        byRole.forEach((role, results) -> {
            long ok = results.stream().filter(r -> r.status() == Status.OK).count();
            System.out.printf(Locale.ROOT, "[odoo] second converge, role %s: %d results, %d ok, changed=0%n", role, results.size(), ok);
            assertThat(results).as("role " + role).noneMatch(r -> r.status() == Status.CHANGED || r.status() == Status.FAILED);
        });
    }

    /** The role a result came from ({@code classpath:roles/NAME/...}), or null for the site's own tasks. */
    private static String role(RunEvent.HostResult r) {
        int at = r.location().indexOf("roles/");
        return at < 0 ? null : r.location().substring(at + "roles/".length(), r.location().indexOf('/', at + "roles/".length()));
    }

    /** Drill 4: the LUN on lb2 is seen from both app nodes over iSCSI and refused to a host outside the ACL. */
    @Test
    @Order(4)
    void drill4TheSharedDiskIsExportedToTheAppNodesOnly(Lab lab) {
        String url = "iscsi://" + vars.get("odoo_shared_disk_chap_user") + "%" + secret("odoo_shared_disk_chap_password") + "@"
                + lab.host("lb2").ip() + "/";
        // iscsi-ls on both app nodes, installed on both at once.
        CompletableFuture.allOf(List.of("odoo1", "odoo2").stream().map(node -> CompletableFuture.runAsync(() ->
                lab.shell(node, "apt-get install -y -q --no-install-recommends libiscsi-bin >/dev/null"))).toArray(CompletableFuture[]::new)).join();
        for (String node : List.of("odoo1", "odoo2")) {
            assertThat(lab.exec(node, "iscsi-ls", "-s", url).stdout()).as("iscsi-ls from " + node).contains("Target:" + IQN).contains("Lun:1");
        }
        assertThat(lab.exec("client", "iscsi-ls", "-s", url).stdout()).as("iscsi-ls from outside the ACL").doesNotContain(IQN);
        System.out.println("[drill 4] the LUN is seen from odoo1 and odoo2 and refused to the client; login "
                + (Boolean.TRUE.equals(kernel.get("lab_iscsi_login")) ? "runs" : "skipped (no iscsi_tcp)") + ", OCFS2 mount "
                + (Boolean.TRUE.equals(kernel.get("lab_ocfs2_kernel")) ? "runs" : "skipped (no ocfs2)"));
    }

    @Test
    @Order(5)
    void drill4LoginAndOcfs2Mount(Lab lab) {
        assumeTrue((Boolean) kernel.get("lab_iscsi_login"), "the iSCSI login needs the kernel module iscsi_tcp, which this kernel does not have");
        assumeTrue((Boolean) kernel.get("lab_ocfs2_kernel"), "o2cb and the OCFS2 mount need the kernel modules ocfs2 and configfs, which this kernel does not have");
        for (String node : List.of("odoo1", "odoo2")) {
            assertThat(lab.shell(node, "iscsiadm -m session")).contains(IQN);
            assertThat(lab.shell(node, "findmnt -n -o FSTYPE /var/lib/odoo").strip()).isEqualTo("ocfs2");
        }
    }

    /**
     * Drill 1: writes through VIP:5433; postgresql1 stops; repmgrd promotes postgresql2 and HAProxy
     * sends writes there within 36 s; no committed row lost; with no standby left, read-only
     * sessions (VIP:5434) reach the new primary; postgresql1 boots and takes no write; a re-run of
     * the site rejoins it as a standby holding every row, and read-only sessions go to it again.
     */
    @Test
    @Order(6)
    void drill1DatabaseFailoverThroughTheVip(Lab lab) {
        assertThat(psql(lab, 5433, "postgres", "create database drill").exitCode()).isZero();
        assertThat(psql(lab, 5433, "drill", "create table t (id int primary key, at text)").exitCode()).isZero();
        List<Integer> committed = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            if (insert(lab, i)) committed.add(i);
        }
        assertThat(committed).hasSize(20);

        long stop = System.nanoTime();
        Thread stopper = new Thread(() -> lab.stop("postgresql1"), "stop-postgresql1");
        stopper.start();
        int[] next = {100};
        double[] writable = {-1};
        try {
            awaitWritesOnPostgresql2(lab, stopper, committed, next, writable, stop);
        } catch (AssertionError e) {
            // What the cluster thinks, for the report; the failure stands.
            System.out.println("[drill 1] no write on postgresql2; repmgr and repmgrd there:\n" + lab.exec("postgresql2", "sh", "-c",
                    "runuser -u postgres -- repmgr -f /etc/repmgr.conf cluster show 2>&1; journalctl -u repmgrd --no-pager -n 40 2>&1").stdout());
            throw e;
        }
        System.out.printf(Locale.ROOT, "[drill 1] writes through VIP:5433 succeed on postgresql2 %.1f s after postgresql1 was told to stop%n", writable[0]);
        assertThat(writable[0]).as("drill 1: seconds until writes succeed through the VIP").isLessThanOrEqualTo(36);
        assertThat(ids(lab, 5433)).as("no committed row lost").containsAll(committed);
        // No standby is up now: read-only sessions (VIP:5434) fall back to the new primary.
        String onPostgresql2 = lab.host("postgresql2").ip() + "|f";
        lab.await("a read-only session through VIP:5434 reaches the new primary", Duration.ofSeconds(10),
                () -> psql(lab, 5434, "drill", "select host(inet_server_addr()), pg_is_in_recovery()").stdout().strip().equals(onPostgresql2));
        System.out.printf(Locale.ROOT, "[drill 1] read-only sessions through VIP:5434 answered by the new primary %.1f s after the stop%n",
                CallCenter.seconds(stop));
        assertThat(ids(lab, 5434)).as("the read-only listener sees every committed row").containsAll(committed);

        long boot = System.nanoTime();
        lab.start("postgresql1");
        System.out.printf(Locale.ROOT, "[drill 1] postgresql1 booted in %.1f s%n", CallCenter.seconds(boot));
        // Whatever postgresql1 does now (the fence keeps it down; if it ran, its agent would answer 503), writes land on postgresql2.
        long watch = System.nanoTime();
        while (CallCenter.seconds(watch) < 6) {
            Lab.LabExec r = psql(lab, 5433, "drill", "insert into t values (" + next[0] + ", host(inet_server_addr())) returning at");
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            assertThat(r.stdout().strip()).as("the write went to").isEqualTo(lab.host("postgresql2").ip());
            committed.add(next[0]++);
        }
        String agent = http(lab, lab.host("postgresql1").ip(), 8008, "/primary");
        boolean running = lab.exec("postgresql1", "systemctl", "is-active", "postgresql@15-main").exitCode() == 0;
        System.out.printf(Locale.ROOT, "[drill 1] old primary booted: PostgreSQL %s, agent /primary: %s%n", running ? "running" : "kept down by the fence",
                agent);
        assertThat(agent).doesNotStartWith("200");

        long t0 = System.nanoTime();
        RunResult rejoin = run("rejoin", false);
        System.out.printf(Locale.ROOT, "[drill 1] re-run of the site rejoined postgresql1: %.1f s, changed %s%n", CallCenter.seconds(t0), CheckModeHonesty.changed(rejoin));
        assertThat(rejoin.exitCode()).as(failures(rejoin)).isZero();
        lab.await("postgresql1 is a standby with every committed row", Duration.ofSeconds(30), () ->
                local(lab, "postgresql1", "postgres", "select pg_is_in_recovery()").equals("t")
                        && local(lab, "postgresql1", "drill", "select count(*) from t").equals(String.valueOf(committed.size())));
        assertThat(http(lab, lab.host("postgresql1").ip(), 8008, "/replica")).startsWith("200");
        assertThat(psql(lab, 5433, "postgres", "select host(inet_server_addr())").stdout().strip()).isEqualTo(lab.host("postgresql2").ip());
        // A standby is back: read-only sessions go to it again, not to the primary.
        String onPostgresql1 = lab.host("postgresql1").ip() + "|t";
        lab.await("a read-only session through VIP:5434 reaches the rejoined standby", Duration.ofSeconds(10),
                () -> psql(lab, 5434, "drill", "select host(inet_server_addr()), pg_is_in_recovery()").stdout().strip().equals(onPostgresql1));
    }

    /** Inserts through VIP:5433 while postgresql1 stops, then waits until a write lands on postgresql2 (the seconds go to writable[0]). */
    private static void awaitWritesOnPostgresql2(Lab lab, Thread stopper, List<Integer> committed, int[] next, double[] writable, long stop) {
        lab.await("a write through VIP:5433 succeeds on postgresql2", Duration.ofSeconds(60), () -> {
            if (stopper.isAlive()) {
                if (insert(lab, next[0])) committed.add(next[0]);
                next[0]++;
                return false;
            }
            Lab.LabExec r = psql(lab, 5433, "drill", "insert into t values (" + next[0] + ", host(inet_server_addr())) returning at");
            if (r.exitCode() != 0) return false;
            committed.add(next[0]++);
            assertThat(r.stdout().strip()).isEqualTo(lab.host("postgresql2").ip());
            writable[0] = CallCenter.seconds(stop);
            return true;
        });
    }

    /** Drill 2: lb1 stops; the VIP moves to lb2 within 8 s and both the database listener and Odoo answer through it. */
    @Test
    @Order(7)
    void drill2LoadBalancerVip(Lab lab) {
        long stop = System.nanoTime();
        Thread stopper = new Thread(() -> lab.stop("lb1"), "stop-lb1");
        stopper.start();
        double[] answered = {-1};
        lab.await("PostgreSQL and Odoo answer through the VIP on lb2", Duration.ofSeconds(30), () -> {
            if (stopper.isAlive()) return false;
            boolean ok = CallCenter.vipHolder(lab, vip, List.of("lb2")).isPresent()
                    && psql(lab, 5433, "drill", "select count(*) from t").exitCode() == 0
                    && http(lab, vip, 8069, "/").startsWith("200 Served by ");
            if (ok) answered[0] = CallCenter.seconds(stop);
            return ok;
        });
        System.out.printf(Locale.ROOT, "[drill 2] VIP on lb2, VIP:5433 and VIP:8069 answer %.1f s after lb1 was told to stop%n", answered[0]);
        assertThat(answered[0]).as("drill 2: seconds until both answer through the VIP on lb2").isLessThanOrEqualTo(8);
    }

    /** Drill 3: odoo1 stops; every request through the VIP is served by odoo2 within the health-check window. */
    @Test
    @Order(8)
    void drill3AppNodeDown(Lab lab) {
        long stop = System.nanoTime();
        Thread stopper = new Thread(() -> lab.stop("odoo1"), "stop-odoo1");
        stopper.start();
        // From the stop request: until ten requests in a row are all answered, and all by odoo2.
        int[] inARow = {0};
        double[] settled = {-1};
        lab.await("ten requests in a row through the VIP served by odoo2", Duration.ofSeconds(30), () -> {
            String r = http(lab, vip, 8069, "/");
            if (r.startsWith("200 Served by odoo2 ")) {
                if (inARow[0]++ == 0) settled[0] = CallCenter.seconds(stop);
            } else {
                inARow[0] = 0;
            }
            return inARow[0] >= 10;
        });
        try {
            stopper.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        assertThat(http(lab, vip, 8072, "/web/health")).startsWith("200 ");
        System.out.printf(Locale.ROOT, "[drill 3] every request through the VIP served by odoo2 from %.1f s after odoo1 was told to stop"
                + " (the stop itself took %.1f s)%n", settled[0], CallCenter.seconds(stop));
        // HAProxy checks every 1 s and takes a server out after 2 failures: with the stop's own time, within 8 s.
        assertThat(settled[0]).as("drill 3: seconds until odoo2 serves every request").isLessThanOrEqualTo(8);
    }

    // ---- the lab -------------------------------------------------------------------------------

    /** Copies the stand-in package's sources to the client and builds and serves the signed repository there. */
    private static void buildTheStandInRepository(Lab lab) throws IOException {
        StringBuilder script = new StringBuilder("set -e; mkdir -p /tmp/odoo-standin\n");
        for (String f : List.of("odoo", "odoo.service", "control", "postinst", "build-repo.sh")) {
            try (InputStream in = OdooHaIT.class.getClassLoader().getResourceAsStream(STANDIN + f)) {
                if (in == null) throw new IllegalStateException("missing test resource " + STANDIN + f);
                script.append("echo ").append(Base64.getEncoder().encodeToString(in.readAllBytes()))
                        .append(" | base64 -d > /tmp/odoo-standin/").append(f).append('\n');
            }
        }
        script.append("sh /tmp/odoo-standin/build-repo.sh /tmp/odoo-standin\n");
        lab.shell("client", script.toString());
        // The client also asks the cluster (psql through the VIP, iscsi-ls from outside the ACL); installed while the site runs.
        clientTools = CompletableFuture.runAsync(() -> lab.shell("client",
                "DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql-client-15 libiscsi-bin >/dev/null"));
    }

    private static Inventory inventory(Lab lab) {
        Path hosts = lab.writeInventory();
        Path labVars = hosts.resolveSibling("lab-odoo.yml");
        StringBuilder yaml = new StringBuilder("all:\n  vars:\n    lab_subnet_prefix: \"" + CallCenter.subnetPrefix(lab) + "\"\n");
        kernel.forEach((k, v) -> yaml.append("    ").append(k).append(": ").append(v).append('\n'));
        try {
            Files.writeString(labVars, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return InventoryLoader.load(List.of(hosts, labVars, labInventoryDir()));
    }

    private static Path labInventoryDir() {
        for (Path p : List.of(Path.of("inventories", "odoo-ha-lab"), Path.of("..", "inventories", "odoo-ha-lab"))) {
            if (Files.isDirectory(p)) return p;
        }
        throw new IllegalStateException("inventories/odoo-ha-lab not found from " + Path.of("").toAbsolutePath());
    }

    private static Path site() {
        for (Path p : List.of(Path.of("examples", "odoo-ha", "site.yml"), Path.of("odoo-ha", "site.yml"))) {
            if (Files.isRegularFile(p)) return p;
        }
        throw new IllegalStateException("examples/odoo-ha/site.yml not found from " + Path.of("").toAbsolutePath());
    }

    /** Runs the site over the cluster; its events go to target/odoo-ha-events/NAME.jsonl (per-task times for CI). */
    private static RunResult run(String name, boolean checkMode) {
        Path events = Path.of("target", "odoo-ha-events", name + ".jsonl");
        try {
            Files.createDirectories(events.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (JsonLinesWriter json = new JsonLinesWriter(events)) {
            // The client is no member of the site's groups; limiting to the cluster says so.
            return CallCenter.run(site, inventory, RunOptions.builder().checkMode(checkMode).limit("lb:postgresql:odoo").build(), json);
        }
    }

    private static String secret(String name) {
        Object v = vars.get(name);
        return v instanceof dev.rigger.core.secret.Secret s ? s.reveal() : String.valueOf(v);
    }

    /** psql on the client through the VIP as Odoo's database user, as Odoo connects. */
    private static Lab.LabExec psql(Lab lab, int port, String db, String sql) {
        return lab.exec("client", "env", "PGPASSWORD=" + secret("odoo_db_password"), "PGCONNECT_TIMEOUT=2", "psql", "-XAtq",
                "host=" + vip + " port=" + port + " user=" + vars.get("odoo_db_user") + " dbname=" + db, "-c", sql);
    }

    private static boolean insert(Lab lab, int id) {
        return psql(lab, 5433, "drill", "insert into t values (" + id + ", host(inet_server_addr()))").exitCode() == 0;
    }

    private static List<Integer> ids(Lab lab, int port) {
        Lab.LabExec r = psql(lab, port, "drill", "select id from t order by id");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        return r.stdout().lines().map(Integer::valueOf).toList();
    }

    private static String local(Lab lab, String host, String db, String sql) {
        return lab.exec(host, "runuser", "-u", "postgres", "--", "psql", "-XAtq", "-d", db, "-c", sql).stdout().strip();
    }

    private static String http(Lab lab, String address, int port, String path) {
        return lab.exec("client", "python3", "-c", HTTP_GET, "http://" + address + ":" + port + path).stdout().strip();
    }

    private static String failures(RunResult run) {
        return run.hostResults().stream().filter(r -> r.status() == Status.FAILED || r.status() == Status.UNREACHABLE)
                .map(r -> r.host() + " '" + r.task() + "': " + r.message()).collect(Collectors.joining("\n"));
    }

    private static Map<String, String> snapshots(Lab lab) {
        Map<String, String> s = new HashMap<>();
        for (String h : CLUSTER) s.put(h, lab.shell(h, SNAPSHOT));
        return s;
    }
}
