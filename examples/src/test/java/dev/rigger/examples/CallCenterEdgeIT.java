package dev.rigger.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rigger.core.executor.RunEvent.HostResult;
import dev.rigger.core.executor.RunOptions;
import dev.rigger.core.executor.RunResult;
import dev.rigger.core.executor.Status;
import dev.rigger.core.inventory.Inventory;
import dev.rigger.core.loader.LoadedPlaybook;
import dev.rigger.testing.Lab;
import dev.rigger.testing.LabHosts;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The call-center cluster's edge on four lab hosts: the HAProxy pair on a Keepalived VIP (lb1, lb2,
 * which in the lab variant also carry the Asterisk pair and its own VIP) in front of the two app
 * nodes. The data layer (Redis, PostgreSQL) is left out with {@code --limit} and its HAProxy
 * frontends switched off, so this class needs no database hosts. In order: dry run on fresh hosts,
 * converge, verify, idempotence, a VRRP config keepalived refuses, then drills 3 (Asterisk VIP)
 * and 4 (HAProxy pair) by stopping lb1, which holds both VIPs.
 */
@LabHosts({"lb1", "lb2", "app1", "app2"})
class CallCenterEdgeIT {
    private static final Duration DRILL_LIMIT = Duration.ofSeconds(8);
    private static final String LB_PIECE = "/etc/keepalived/conf.d/haproxy.conf";
    private static final List<String> HOSTS = List.of("lb1", "lb2", "app1", "app2");
    /** What changes a host's state: files under /etc and /usr/local, and the installed packages. */
    private static final String SNAPSHOT = "{ find /etc /usr/local -xdev -printf '%p %s %m %T@ %l\\n' | sort; dpkg-query -W; }"
            + " | sha256sum";

    private static RunOptions.Builder edge() {
        Map<String, Object> noDataLayer = new HashMap<>();
        noDataLayer.put("haproxy_redis_enabled", false);
        noDataLayer.put("haproxy_postgresql_enabled", false);
        return RunOptions.builder().limit("haproxy:asterisk:app").extraVars(noDataLayer);
    }

    @Test
    void theEdgeDeploysAndBothVipsFailOverWithinEightSeconds(Lab lab) {
        Inventory inventory = CallCenter.inventory(lab);
        LoadedPlaybook site = ClusterDemo.load(CallCenter.site(), inventory);

        Set<String> predicted = checkModeOnFreshHostsChangesNothing(lab, site, inventory);
        long start = System.nanoTime();
        RunResult first = CallCenter.run(site, inventory, edge().build());
        System.out.printf(Locale.ROOT, "[edge] first converge: %.1f s, %d changed%n", seconds(start), first.recap().totalChanged());
        theFirstRunDidWhatCheckModePredicted(first, predicted);
        theClusterAnswersThroughBothVips(lab, inventory);
        aSecondRunChangesNothing(site, inventory);
        aVrrpConfigKeepalivedRefusesLeavesTheOldOne(lab, site, inventory);
        stoppingTheVipHolderMovesBothVipsWithinEightSeconds(lab, inventory);
    }

    private static Set<String> checkModeOnFreshHostsChangesNothing(Lab lab, LoadedPlaybook site, Inventory inventory) {
        Map<String, String> before = snapshots(lab);
        RunResult dry = CallCenter.run(site, inventory, edge().checkMode(true).build());

        assertThat(dry.exitCode()).isZero();
        assertThat(snapshots(lab)).as("hosts after a dry run").isEqualTo(before);
        assertThat(dry.result("lb1", "keepalived is installed").orElseThrow().status()).isEqualTo(Status.CHANGED);
        assertThat(dry.result("app1", "the app").orElseThrow().status()).isEqualTo(Status.CHANGED);
        return changed(dry);
    }

    private static void theFirstRunDidWhatCheckModePredicted(RunResult first, Set<String> predicted) {
        assertThat(first.exitCode()).isZero();
        assertThat(first.hostResults()).allSatisfy(r -> assertThat(r.execs()).as(r.host() + " " + r.task()).isLessThanOrEqualTo(2));
        assertThat(changed(first)).as("changed in the real run vs predicted by check mode").isEqualTo(predicted);
    }

    private static void theClusterAnswersThroughBothVips(Lab lab, Inventory inventory) {
        String lbVip = CallCenter.lbVip(lab);
        String asteriskVip = CallCenter.asteriskVip(lab);
        lab.await("lb1 holds both VIPs", Duration.ofSeconds(30), () ->
                CallCenter.vipHolder(lab, lbVip, CallCenter.LB).equals(Optional.of("lb1"))
                        && CallCenter.vipHolder(lab, asteriskVip, CallCenter.LB).equals(Optional.of("lb1")));
        for (String lb : CallCenter.LB) {
            assertThat(lab.shell(lb, "stat -c %a /etc/haproxy/certs/site.pem").strip()).isEqualTo("600");
            assertThat(lab.exec(lb, "/usr/local/sbin/rigger-keepalived-check", "/etc/keepalived/keepalived.conf").exitCode()).isZero();
            assertThat(lab.shell(lb, "sysctl -n net.ipv4.ip_nonlocal_bind").strip()).isEqualTo("1");
        }
        String certificate = CallCenter.labCertificate(inventory);
        Set<String> servedBy = new TreeSet<>();
        lab.await("HTTPS through the VIP is served by both app nodes", Duration.ofSeconds(30), () -> {
            CallCenter.httpsServedBy(lab, "app1", lbVip, certificate).ifPresent(servedBy::add);
            return servedBy.equals(Set.copyOf(CallCenter.APP));
        });
        assertThat(CallCenter.sipReply(lab, "app1", asteriskVip)).as("SIP on the Asterisk VIP").isPresent();
    }

    private static void aSecondRunChangesNothing(LoadedPlaybook site, Inventory inventory) {
        long start = System.nanoTime();
        RunResult second = CallCenter.run(site, inventory, edge().build());
        System.out.printf(Locale.ROOT, "[edge] second converge: %.1f s, %d changed%n", seconds(start), second.recap().totalChanged());

        assertThat(second.exitCode()).isZero();
        assertThat(second.recap().totalChanged()).isZero();
        assertThat(second.hostResults()).allSatisfy(r -> assertThat(r.execs()).as(r.host() + " " + r.task()).isLessThanOrEqualTo(1));
    }

    private static void aVrrpConfigKeepalivedRefusesLeavesTheOldOne(Lab lab, LoadedPlaybook site, Inventory inventory) {
        String before = lab.shell("lb1", "sha256sum " + LB_PIECE);
        RunResult refused = CallCenter.run(site, inventory, edge().limit("lb1")
                .extraVars(Map.of("haproxy_redis_enabled", false, "haproxy_postgresql_enabled", false, "lb_vrrp_router_id", 300)).build());

        HostResult piece = refused.result("lb1", "VRRP instances (haproxy)").orElseThrow();
        assertThat(piece.status()).isEqualTo(Status.FAILED);
        assertThat(piece.message()).contains("rigger-keepalived-check").contains("virtual_router_id");
        assertThat(lab.shell("lb1", "sha256sum " + LB_PIECE)).isEqualTo(before);
    }

    /** Drills 3 and 4: lb1 holds the load balancers' VIP and the Asterisk VIP; it stops. */
    private static void stoppingTheVipHolderMovesBothVipsWithinEightSeconds(Lab lab, Inventory inventory) {
        String lbVip = CallCenter.lbVip(lab);
        String asteriskVip = CallCenter.asteriskVip(lab);
        String certificate = CallCenter.labCertificate(inventory);

        long stop = System.nanoTime();
        Thread stopper = new Thread(() -> lab.stop("lb1"));
        stopper.start();
        double[] sipBack = {-1};
        Set<String> servedAfter = new LinkedHashSet<>();
        double[] httpsBoth = {-1};
        lab.await("SIP on the Asterisk VIP and HTTPS from both app nodes through the load balancers' VIP",
                Duration.ofSeconds(30), () -> {
                    // Until lb1 is down an answer may still come from it; the clock runs from the stop request.
                    if (stopper.isAlive()) return false;
                    if (sipBack[0] < 0 && CallCenter.sipReply(lab, "app1", asteriskVip).isPresent()) sipBack[0] = seconds(stop);
                    if (httpsBoth[0] < 0) {
                        CallCenter.httpsServedBy(lab, "app1", lbVip, certificate).ifPresent(servedAfter::add);
                        CallCenter.httpsServedBy(lab, "app2", lbVip, certificate).ifPresent(servedAfter::add);
                        if (servedAfter.containsAll(CallCenter.APP)) httpsBoth[0] = seconds(stop);
                    }
                    return sipBack[0] >= 0 && httpsBoth[0] >= 0;
                });
        System.out.printf(Locale.ROOT, "[drill 3] Asterisk VIP answers SIP on lb2 %.1f s after lb1 was told to stop%n", sipBack[0]);
        System.out.printf(Locale.ROOT, "[drill 4] HTTPS through the VIP answered by %s %.1f s after lb1 was told to stop%n",
                servedAfter.stream().sorted().collect(Collectors.joining(" and ")), httpsBoth[0]);
        assertThat(CallCenter.vipHolder(lab, asteriskVip, List.of("lb2"))).contains("lb2");
        assertThat(CallCenter.vipHolder(lab, lbVip, List.of("lb2"))).contains("lb2");
        assertThat(sipBack[0]).as("drill 3: seconds until SIP answers on the VIP").isLessThanOrEqualTo(DRILL_LIMIT.toSeconds());
        assertThat(httpsBoth[0]).as("drill 4: seconds until HTTPS answers from both app nodes").isLessThanOrEqualTo(DRILL_LIMIT.toSeconds());

        long start = System.nanoTime();
        lab.start("lb1");
        double booted = seconds(start);
        lab.await("the Asterisk VIP returns to lb1 (preempt)", Duration.ofSeconds(30),
                () -> CallCenter.vipHolder(lab, asteriskVip, CallCenter.LB).equals(Optional.of("lb1")));
        System.out.printf(Locale.ROOT, "[drill 3] lb1 booted in %.1f s; the Asterisk VIP was back on it %.1f s later%n",
                booted, seconds(start) - booted);
        assertThat(CallCenter.sipReply(lab, "app1", asteriskVip)).as("SIP on the VIP after it returned").isPresent();
        // nopreempt: the load balancers' VIP stays on lb2 rather than moving a second time.
        assertThat(CallCenter.vipHolder(lab, lbVip, CallCenter.LB)).contains("lb2");
        assertThat(CallCenter.httpsServedBy(lab, "app2", lbVip, certificate)).isPresent();
    }

    private static Set<String> changed(RunResult run) {
        return run.hostResults().stream().filter(r -> r.status() == Status.CHANGED)
                .map(r -> r.host() + ": " + r.task()).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Map<String, String> snapshots(Lab lab) {
        Map<String, String> s = new HashMap<>();
        for (String h : HOSTS) s.put(h, lab.shell(h, SNAPSHOT));
        return s;
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
