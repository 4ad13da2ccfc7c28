package dev.rigger.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rigger.core.executor.RunEvent.HostResult;
import dev.rigger.core.executor.RunOptions;
import dev.rigger.core.executor.RunResult;
import dev.rigger.core.executor.Status;
import dev.rigger.core.inventory.Inventory;
import dev.rigger.core.loader.LoadedPlaybook;
import dev.rigger.core.report.JsonLinesWriter;
import dev.rigger.testing.Lab;
import dev.rigger.testing.LabHosts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole call-center cluster ({@code examples/omnileads-ha/site.yml}, {@code inventories/omnileads-ha-lab})
 * on nine lab hosts: lb1 and lb2 (HAProxy on a Keepalived VIP, and the Asterisk pair on a VIP of its
 * own), redis1..3 (main + 2 replicas, a Sentinel on each), pgsql1 and pgsql2 (repmgr primary and
 * standby, the RW and RO VIPs), app1 and app2. One lab, ordered steps: check mode on fresh hosts,
 * first converge, second converge, then the four drills, each timed from the stop request
 * and asserted, with the re-runs the issue asks for in between.
 */
@LabHosts({"lb1", "lb2", "redis1", "redis2", "redis3", "pgsql1", "pgsql2", "app1", "app2"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CallCenterHaIT {
    private static final Duration EDGE_LIMIT = Duration.ofSeconds(8);
    private static final double REDIS_LIMIT = 10;
    private static final double PG_LIMIT = 36;
    private static final String LB_PIECE = "/etc/keepalived/conf.d/haproxy.conf";
    private static final String CLIENT = "app1";
    /** What changes a host's state: files under /etc and /usr/local, the installed packages, PostgreSQL's data. */
    private static final String SNAPSHOT = "{ find /etc /usr/local /var/lib/postgresql -xdev -printf '%p %s %m %T@ %l\\n' 2>/dev/null | sort;"
            + " dpkg-query -W; } | sha256sum";

    private static Inventory inventory;
    private static LoadedPlaybook site;
    private static RunResult predicted;
    private static final Set<String> down = new TreeSet<>();
    private static int plays;

    @BeforeAll
    static void load(Lab lab) {
        inventory = CallCenter.inventory(lab);
        site = ClusterDemo.load(CallCenter.site(), inventory);
        CallCenter.prepareLab(lab);
    }

    /** Runs the site; its events go to target/callcenter-events/NN-WHAT.jsonl (per-task times and changes for a post-mortem). */
    private static RunResult play(String what, RunOptions options) {
        long start = System.nanoTime();
        Path events = Path.of("target", "callcenter-events", String.format(Locale.ROOT, "%02d-%s.jsonl", ++plays, what.replaceAll("\\W+", "-")));
        RunResult r;
        try {
            Files.createDirectories(events.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (JsonLinesWriter json = new JsonLinesWriter(events)) {
            r = CallCenter.run(site, inventory, options, json);
        }
        System.out.printf(Locale.ROOT, "[cluster] %s: %.1f s, %d changed%n", what, CallCenter.seconds(start), r.recap().totalChanged());
        return r;
    }

    private static RunResult play(String what) {
        return play(what, RunOptions.builder().build());
    }

    /** A re-run: changed=0, every task on a reachable host OK or skipped with at most one exec, no failure. */
    private static void assertNothingChanged(RunResult r) {
        assertThat(r.recap().totalFailed()).as(failures(r)).isZero();
        assertThat(r.recap().totalChanged()).as("changed: " + r.hostResults().stream().filter(h -> h.status() == Status.CHANGED)
                .map(h -> h.host() + " '" + h.task() + "': " + h.changes().stream().map(c -> c.summary()).collect(Collectors.joining("; ")))
                .collect(Collectors.joining(", "))).isZero();
        assertThat(r.hostResults()).filteredOn(h -> h.status() != Status.UNREACHABLE)
                .allSatisfy(h -> assertThat(h.execs()).as(h.host() + " " + h.task()).isLessThanOrEqualTo(1));
        assertThat(r.hostResults()).filteredOn(h -> h.status() == Status.UNREACHABLE).extracting(HostResult::host)
                .allMatch(down::contains);
    }

    @Test
    @Order(1)
    void checkModeOnFreshHostsChangesNothing(Lab lab) {
        Map<String, String> before = snapshots(lab);
        predicted = play("check mode on fresh hosts", RunOptions.builder().checkMode(true).build());

        assertThat(predicted.exitCode()).as(failures(predicted)).isZero();
        assertThat(snapshots(lab)).as("hosts after a dry run").isEqualTo(before);
        for (String[] expected : List.of(new String[] {"lb1", "keepalived is installed"}, new String[] {"app1", "the app"},
                new String[] {"redis1", "redis-server is installed"}, new String[] {"pgsql1", "PostgreSQL is installed"})) {
            assertThat(predicted.result(expected[0], expected[1]).orElseThrow().status()).as(String.join(": ", expected)).isEqualTo(Status.CHANGED);
        }
    }

    /** The first converge, against check mode's predictions ({@link CheckModeHonesty}). */
    @Test
    @Order(2)
    void theFirstConvergeDoesWhatCheckModePredicted(Lab lab) {
        RunResult first = play("first converge");
        assertThat(first.exitCode()).as(failures(first)).isZero();
        assertThat(first.hostResults()).allSatisfy(r -> assertThat(r.execs()).as(r.host() + " " + r.task()).isLessThanOrEqualTo(2 * items(r)));

        CheckModeHonesty.assertPredicted("cluster", predicted, first);

        theClusterAnswers(lab);
    }

    private static void theClusterAnswers(Lab lab) {
        String lbVip = CallCenter.lbVip(lab);
        lab.await("lb1 holds the load balancers' and the Asterisk VIP, pgsql1 the RW VIP, pgsql2 the RO VIP", Duration.ofSeconds(40), () ->
                CallCenter.vipHolder(lab, lbVip, CallCenter.LB).equals(Optional.of("lb1"))
                        && CallCenter.vipHolder(lab, CallCenter.asteriskVip(lab), CallCenter.LB).equals(Optional.of("lb1"))
                        && CallCenter.vipHolder(lab, CallCenter.pgRwVip(lab), CallCenter.PGSQL).equals(Optional.of("pgsql1"))
                        && CallCenter.vipHolder(lab, CallCenter.pgRoVip(lab), CallCenter.PGSQL).equals(Optional.of("pgsql2")));
        lab.await("redis1 is the main of redis2 and redis3", Duration.ofSeconds(30),
                () -> CallCenter.redis(lab, inventory, "redis1", "127.0.0.1", "INFO replication").stdout().contains("connected_slaves:2"));
        Set<String> servedBy = new TreeSet<>();
        lab.await("HTTPS through the VIP is served by both app nodes", Duration.ofSeconds(30), () -> {
            CallCenter.httpsServedBy(lab, CLIENT, lbVip, CallCenter.labCertificate(inventory)).ifPresent(servedBy::add);
            return servedBy.equals(Set.copyOf(CallCenter.APP));
        });
        assertThat(CallCenter.sipReply(lab, CLIENT, CallCenter.asteriskVip(lab))).as("SIP on the Asterisk VIP").isPresent();
        assertThat(CallCenter.psql(lab, inventory, CLIENT, CallCenter.pgRoVip(lab), "select pg_is_in_recovery()").stdout().strip())
                .as("the RO VIP reaches a standby").isEqualTo("t");
        for (String lb : CallCenter.LB) assertThat(lab.shell(lb, "stat -c %a /etc/haproxy/certs/site.pem").strip()).isEqualTo("600");
    }

    @Test
    @Order(3)
    void aSecondConvergeChangesNothing() {
        assertNothingChanged(play("second converge"));
    }

    /**
     * Drill 1: Redis through the HAProxy VIP. Writes, the main stops, writes through the same
     * address again within 10 s; every acknowledged write kept; a re-run with the old main down
     * changes nothing and keeps the new topology; the old main returns as a replica and the writes
     * made without it reach every node; a re-run with everything up changes nothing and restarts nothing.
     */
    @Test
    @Order(4)
    void drill1RedisFailsOverThroughTheVip(Lab lab) {
        String vip = CallCenter.lbVip(lab);
        String oldMain = CallCenter.redisMain(lab, inventory, CallCenter.REDIS).orElseThrow();
        CallCenter.RedisFailover drill = CallCenter.stopTheRedisMain(lab, inventory, Duration.ofSeconds(30));
        down.add(oldMain);
        System.out.printf(Locale.ROOT, "[drill 1] writes through the VIP accepted again %.1f s after %s was told to stop (new main %s;"
                + " %d writes acknowledged before the stop, all kept)%n", drill.writesSeconds(), oldMain, drill.newMain(), drill.acknowledged().size());
        assertThat(drill.newMain()).isNotEqualTo(oldMain);
        assertThat(drill.lost()).as("acknowledged writes lost").isEmpty();

        RunResult rerun = play("re-run with the old Redis main down");
        assertNothingChanged(rerun);
        assertThat(rerun.recap().of(oldMain).unreachable()).isPositive();
        assertThat(CallCenter.redisMain(lab, inventory, others(CallCenter.REDIS))).contains(drill.newMain());
        assertThat(CallCenter.redis(lab, inventory, CLIENT, vip, "SET drill1:after-rerun 1").stdout().strip()).isEqualTo("OK");

        long start = System.nanoTime();
        lab.start(oldMain);
        down.remove(oldMain);
        lab.await(oldMain + " replicates from " + drill.newMain(), Duration.ofSeconds(60), () -> {
            String info = CallCenter.redis(lab, inventory, oldMain, "127.0.0.1", "INFO replication").stdout();
            return info.contains("role:slave") && info.contains("master_host:" + lab.host(drill.newMain()).ip()) && info.contains("master_link_status:up");
        });
        System.out.printf(Locale.ROOT, "[drill 1] %s back as a replica of %s %.1f s after its start%n", oldMain, drill.newMain(), CallCenter.seconds(start));
        for (String h : CallCenter.REDIS) {
            lab.await("the writes made after the failover are on " + h, Duration.ofSeconds(10), () -> CallCenter.redis(lab, inventory, h, "127.0.0.1",
                    "MGET drill1:after-failover drill1:after-rerun").stdout().lines().noneMatch(String::isEmpty));
        }

        Map<String, String> pids = mainPids(lab);
        assertNothingChanged(play("re-run with every Redis node up"));
        assertThat(mainPids(lab)).as("MainPIDs: nothing restarted").isEqualTo(pids);
        assertThat(CallCenter.redisMain(lab, inventory, CallCenter.REDIS)).contains(drill.newMain());
        assertThat(CallCenter.redis(lab, inventory, CLIENT, vip, "SET drill1:end 1").stdout().strip()).isEqualTo("OK");
        // Judged last, so that a slow failover still lets the re-runs and the return be proven.
        assertThat(drill.writesSeconds()).as("drill 1: seconds until writes through the VIP succeed").isLessThanOrEqualTo(REDIS_LIMIT);
    }

    /**
     * Drill 2: PostgreSQL through the RW and RO VIPs. Writes and a read from a standby, the primary
     * stops, writes through the RW VIP again within 36 s and every committed row kept; a re-run with
     * the old primary down changes nothing and does not restart the new one; the old primary boots
     * fenced (no write, never the RW VIP); a re-run rejoins it as a standby with every row.
     */
    @Test
    @Order(5)
    void drill2PostgresqlFailsOverThroughTheVips(Lab lab) {
        String rw = CallCenter.pgRwVip(lab);
        String ro = CallCenter.pgRoVip(lab);
        // Failover validation, asked while the primary answers: the standby refuses to promote itself
        // (what keeps a primary that is only slow from getting a second primary beside it).
        Lab.LabExec validation = lab.exec("pgsql2", "runuser", "-u", "postgres", "--", "/usr/local/sbin/rigger-repmgr-validate-failover", "5",
                lab.host("pgsql1").ip(), lab.host("pgsql2").ip());
        assertThat(validation.exitCode()).as("failover validation with the primary up: " + validation.stderr()).isEqualTo(1);
        assertThat(validation.stderr()).contains(lab.host("pgsql1").ip() + " still answers as a primary");
        assertThat(lab.shell("pgsql2", "cat /etc/repmgr.conf")).contains("failover_validation_command='/usr/local/sbin/rigger-repmgr-validate-failover 5 ");
        CallCenter.PgFailover drill = CallCenter.stopThePgPrimary(lab, inventory, Duration.ofSeconds(60));
        down.add("pgsql1");
        System.out.printf(Locale.ROOT, "[drill 2] writes through the RW VIP (now on %s) committed again %.1f s after pgsql1 was told to stop;"
                + " %d rows committed, all kept%n", drill.rwHolder().orElse("no host"), drill.writesSeconds(), drill.committed().size());
        System.out.print(CallCenter.pgState(lab, List.of("pgsql2")));
        assertThat(drill.rwHolder()).contains("pgsql2");
        assertThat(drill.lost()).as("committed rows lost").isEmpty();
        List<Integer> committed = new ArrayList<>(drill.committed());

        String started = local(lab, "pgsql2", "select pg_postmaster_start_time()");
        RunResult rerun = play("re-run with the old primary down");
        assertNothingChanged(rerun);
        assertThat(rerun.recap().of("pgsql1").unreachable()).isPositive();
        assertThat(local(lab, "pgsql2", "select pg_postmaster_start_time()")).as("the new primary was not restarted").isEqualTo(started);

        // The old primary boots: the fence keeps PostgreSQL down, so it takes no write and holds no VIP.
        lab.start("pgsql1");
        down.remove("pgsql1");
        long booted = System.nanoTime();
        for (int i = 0; i < 8; i++) {
            assertThat(CallCenter.vipHolder(lab, rw, List.of("pgsql1"))).as("the old primary holds the RW VIP").isEmpty();
            sleep(1000);
        }
        assertThat(lab.exec("pgsql1", "systemctl", "is-active", "postgresql@15-main").stdout().strip()).isNotEqualTo("active");
        assertThat(lab.exec("pgsql1", "journalctl", "-u", "postgresql@15-main", "--no-pager").stdout()).contains("rigger-pg-fence: not starting as a primary");
        assertThat(CallCenter.psql(lab, inventory, CLIENT, lab.host("pgsql1").ip(), "insert into drill values (999, 'split brain')").exitCode())
                .as("a write straight to the old primary").isNotZero();
        assertThat(CallCenter.vipHolder(lab, rw, CallCenter.PGSQL)).contains("pgsql2");
        assertThat(CallCenter.psql(lab, inventory, CLIENT, rw, "insert into drill values (101, 'while pgsql1 is fenced')").exitCode()).isZero();
        committed.add(101);
        System.out.printf(Locale.ROOT, "[drill 2] pgsql1 booted fenced: no PostgreSQL, no RW VIP, %.1f s watched%n", CallCenter.seconds(booted));

        long rejoining = System.nanoTime();
        RunResult rejoin = play("re-run that rejoins the old primary");
        assertThat(rejoin.exitCode()).as(failures(rejoin)).isZero();
        assertThat(rejoin.result("pgsql1", "repmgr membership of the primary, repmgrd").orElseThrow().changes().get(0).summary())
                .startsWith("rejoin pgsql1 as standby of " + lab.host("pgsql2").ip());
        assertThat(CheckModeHonesty.changed(rejoin)).as("only the rejoin changes").containsExactly("pgsql1: repmgr membership of the primary, repmgrd");
        assertThat(local(lab, "pgsql1", "select pg_is_in_recovery()")).isEqualTo("t");
        String ids = committed.stream().map(String::valueOf).collect(Collectors.joining(","));
        lab.await("pgsql1 holds every committed row", Duration.ofSeconds(20),
                () -> local(lab, "pgsql1", "select count(*) from public.drill where id in (" + ids + ")").equals(String.valueOf(committed.size())));
        lab.await("the RO VIP moves to the rejoined standby", Duration.ofSeconds(30), () -> CallCenter.vipHolder(lab, ro, CallCenter.PGSQL).equals(Optional.of("pgsql1"))
                && CallCenter.vipHolder(lab, rw, CallCenter.PGSQL).equals(Optional.of("pgsql2")));
        System.out.printf(Locale.ROOT, "[drill 2] pgsql1 rejoined as a standby with every row, the RO VIP on it, %.1f s after the re-run started%n",
                CallCenter.seconds(rejoining));
        assertNothingChanged(play("re-run after the rejoin"));
        // Judged last, so that a slow failover still lets the fence and the rejoin be proven.
        assertThat(drill.writesSeconds()).as("drill 2: seconds until writes through the RW VIP commit").isLessThanOrEqualTo(PG_LIMIT);
    }

    /** Drills 3 and 4: lb1 holds the load balancers' VIP and the Asterisk VIP; it stops, then boots again. */
    @Test
    @Order(6)
    void drills3And4TheVipHolderStops(Lab lab) {
        CallCenter.EdgeFailover drill = CallCenter.stopTheVipHolder(lab, inventory, Duration.ofSeconds(30));
        System.out.printf(Locale.ROOT, "[drill 3] the Asterisk VIP answered SIP on %s %.1f s after lb1 was told to stop%n",
                drill.asteriskHolderAfterStop().orElse("no host"), drill.sipSeconds());
        System.out.printf(Locale.ROOT, "[drill 4] HTTPS through the VIP on %s answered by %s %.1f s after lb1 was told to stop%n",
                drill.lbHolderAfterStop().orElse("no host"), String.join(" and ", drill.servedBy()), drill.httpsSeconds());
        String redisThroughLb2 = CallCenter.redis(lab, inventory, CLIENT, CallCenter.lbVip(lab), "SET drill4:redis-through-lb2 1").stdout().strip();
        // lb1 boots again before the times are judged, so a slow failover fails this drill alone.
        double returned = CallCenter.startTheOldHolder(lab, Duration.ofSeconds(60));
        System.out.printf(Locale.ROOT, "[drill 3] lb1 booted; both VIPs were back on it %.1f s later (preempt)%n", returned);

        assertThat(drill.asteriskHolderAfterStop()).contains("lb2");
        assertThat(drill.lbHolderAfterStop()).contains("lb2");
        assertThat(drill.sipSeconds()).as("drill 3: seconds until SIP answers on the VIP").isLessThanOrEqualTo(EDGE_LIMIT.toSeconds());
        assertThat(drill.httpsSeconds()).as("drill 4: seconds until HTTPS answers from both app nodes").isLessThanOrEqualTo(EDGE_LIMIT.toSeconds());
        assertThat(redisThroughLb2).as("Redis through the VIP on lb2").isEqualTo("OK");
        assertThat(CallCenter.sipReply(lab, CLIENT, CallCenter.asteriskVip(lab))).as("SIP on the VIP after it returned to lb1").isPresent();
        assertThat(CallCenter.httpsServedBy(lab, "app2", CallCenter.lbVip(lab), CallCenter.labCertificate(inventory))).isPresent();
    }

    /** keepalived refuses a VRRP config (router id 300): the task fails naming why, the old piece stays. */
    @Test
    @Order(7)
    void aVrrpConfigKeepalivedRefusesLeavesTheOldOne(Lab lab) {
        String before = lab.shell("lb1", "sha256sum " + LB_PIECE);
        RunResult refused = play("a run with a VRRP router id keepalived refuses",
                RunOptions.builder().limit("lb1").extraVars(Map.of("lb_vrrp_router_id", 300)).build());

        HostResult piece = refused.result("lb1", "VRRP instances").orElseThrow();
        assertThat(piece.status()).isEqualTo(Status.FAILED);
        assertThat(piece.message()).contains("rigger-keepalived-check").contains("VRID '300' not valid");
        assertThat(lab.shell("lb1", "sha256sum " + LB_PIECE)).isEqualTo(before);
    }

    private static List<String> others(List<String> hosts) {
        return hosts.stream().filter(h -> !down.contains(h)).toList();
    }

    /** MainPID of Redis, Sentinel and HAProxy on every host that runs them: equal before and after means nothing restarted. */
    private static Map<String, String> mainPids(Lab lab) {
        Map<String, String> pids = new LinkedHashMap<>();
        for (String h : CallCenter.REDIS) pids.put(h, lab.shell(h, "systemctl show -p MainPID redis-server redis-sentinel"));
        for (String h : CallCenter.LB) pids.put(h, lab.shell(h, "systemctl show -p MainPID haproxy keepalived"));
        return pids;
    }

    private static String local(Lab lab, String host, String sql) {
        return lab.shell(host, "cd / && runuser -u postgres -- psql -XAtq -d omnileads -c \"" + sql + "\"").strip();
    }

    /** Loop items a result stands for (a loop reports once, its execs summed over the items), else 1. */
    private static int items(HostResult r) {
        return r.registered().get("results") instanceof List<?> results ? Math.max(1, results.size()) : 1;
    }

    private static String failures(RunResult run) {
        return run.hostResults().stream().filter(r -> r.status() == Status.FAILED || r.status() == Status.UNREACHABLE)
                .map(r -> r.host() + " '" + r.task() + "': " + r.message()).collect(Collectors.joining("\n"));
    }

    private static Map<String, String> snapshots(Lab lab) {
        Map<String, String> s = new LinkedHashMap<>();
        for (String h : CallCenter.HOSTS) s.put(h, lab.shell(h, SNAPSHOT));
        return s;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
