package dev.rigger.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rigger.core.executor.RunEvent.HostResult;
import dev.rigger.core.executor.RunResult;
import dev.rigger.core.executor.Status;
import dev.rigger.core.inventory.Inventory;
import dev.rigger.core.loader.LoadedPlaybook;
import dev.rigger.testing.Lab;
import dev.rigger.testing.LabHosts;
import java.time.Duration;
import java.util.HashMap;
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

    @Test
    void theEdgeDeploysAndBothVipsFailOverWithinEightSeconds(Lab lab) {
        Inventory inventory = CallCenter.inventory(lab);
        LoadedPlaybook site = ClusterDemo.load(CallCenter.site(), inventory);

        RunResult predicted = checkModeOnFreshHostsChangesNothing(lab, site, inventory);
        long start = System.nanoTime();
        RunResult first = CallCenter.run(site, inventory, CallCenter.edgeOnly().build());
        System.out.printf(Locale.ROOT, "[edge] first converge: %.1f s, %d changed%n", seconds(start), first.recap().totalChanged());
        theFirstRunDidWhatCheckModePredicted(first, predicted);
        theClusterAnswersThroughBothVips(lab, inventory);
        aSecondRunChangesNothing(site, inventory);
        aVrrpConfigKeepalivedRefusesLeavesTheOldOne(lab, site, inventory);
        stoppingTheVipHolderMovesBothVipsWithinEightSeconds(lab, inventory);
    }

    private static RunResult checkModeOnFreshHostsChangesNothing(Lab lab, LoadedPlaybook site, Inventory inventory) {
        Map<String, String> before = snapshots(lab);
        RunResult dry = CallCenter.run(site, inventory, CallCenter.edgeOnly().checkMode(true).build());

        assertThat(dry.exitCode()).as(failures(dry)).isZero();
        assertThat(snapshots(lab)).as("hosts after a dry run").isEqualTo(before);
        assertThat(dry.result("lb1", "keepalived is installed").orElseThrow().status()).isEqualTo(Status.CHANGED);
        assertThat(dry.result("app1", "the app").orElseThrow().status()).isEqualTo(Status.CHANGED);
        return dry;
    }

    /**
     * Check mode's predictions against the real run. Two kinds of task may differ, both because a
     * package install is pending in check mode: a task predicted as "would change (after pending
     * change)" (a unit that does not exist yet) may find nothing to do once the package has
     * started and enabled it; and removing Debian's default nginx site has nothing to remove
     * before nginx is installed, so check mode cannot know that the real run will remove it.
     */
    private static void theFirstRunDidWhatCheckModePredicted(RunResult first, RunResult dry) {
        assertThat(first.exitCode()).as(failures(first)).isZero();
        assertThat(first.hostResults()).allSatisfy(r -> assertThat(r.execs()).as(r.host() + " " + r.task()).isLessThanOrEqualTo(2));
        Set<String> predicted = changed(dry);
        Set<String> done = changed(first);
        Set<String> afterPending = dry.hostResults().stream().filter(r -> r.message().equals("would change (after pending change)"))
                .map(r -> r.host() + ": " + r.task()).collect(Collectors.toSet());
        Set<String> predictedNotDone = new TreeSet<>(predicted);
        predictedNotDone.removeAll(done);
        Set<String> doneNotPredicted = new TreeSet<>(done);
        doneNotPredicted.removeAll(predicted);
        assertThat(afterPending).as("predicted after a pending change").containsAll(predictedNotDone);
        assertThat(doneNotPredicted).as("changed but not predicted")
                .isSubsetOf(CallCenter.APP.stream().map(h -> h + ": Debian's default site disabled").toList());
        System.out.printf(Locale.ROOT, "[edge] check mode predicted %d changes; the real run made %d; %d predicted after a pending"
                + " change found nothing to do, %d unpredictable%n", predicted.size(), done.size(), predictedNotDone.size(), doneNotPredicted.size());
    }

    private static void theClusterAnswersThroughBothVips(Lab lab, Inventory inventory) {
        String lbVip = CallCenter.lbVip(lab);
        String asteriskVip = CallCenter.asteriskVip(lab);
        try {
            lab.await("lb1 holds both VIPs", Duration.ofSeconds(30), () ->
                    CallCenter.vipHolder(lab, lbVip, CallCenter.LB).equals(Optional.of("lb1"))
                            && CallCenter.vipHolder(lab, asteriskVip, CallCenter.LB).equals(Optional.of("lb1")));
        } catch (AssertionError e) {
            // Keepalived's own account of why, for whoever reads the failure.
            StringBuilder journal = new StringBuilder(e.getMessage());
            for (String lb : CallCenter.LB) {
                journal.append("\n--- keepalived on ").append(lb).append(":\n")
                        .append(lab.exec(lb, "journalctl", "-u", "keepalived", "-n", "30", "--no-pager").stdout());
            }
            throw new AssertionError(journal.toString(), e);
        }
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
        RunResult second = CallCenter.run(site, inventory, CallCenter.edgeOnly().build());
        System.out.printf(Locale.ROOT, "[edge] second converge: %.1f s, %d changed%n", seconds(start), second.recap().totalChanged());

        assertThat(second.exitCode()).as(failures(second)).isZero();
        assertThat(second.recap().totalChanged()).isZero();
        assertThat(second.hostResults()).allSatisfy(r -> assertThat(r.execs()).as(r.host() + " " + r.task()).isLessThanOrEqualTo(1));
    }

    private static void aVrrpConfigKeepalivedRefusesLeavesTheOldOne(Lab lab, LoadedPlaybook site, Inventory inventory) {
        String before = lab.shell("lb1", "sha256sum " + LB_PIECE);
        RunResult refused = CallCenter.run(site, inventory, CallCenter.edgeOnly().limit("lb1")
                .extraVars(Map.of("haproxy_redis_enabled", false, "haproxy_postgresql_enabled", false, "lb_vrrp_router_id", 300)).build());

        HostResult piece = refused.result("lb1", "VRRP instances").orElseThrow();
        assertThat(piece.status()).isEqualTo(Status.FAILED);
        assertThat(piece.message()).contains("rigger-keepalived-check").contains("VRID '300' not valid");
        assertThat(lab.shell("lb1", "sha256sum " + LB_PIECE)).isEqualTo(before);
    }

    /** Drills 3 and 4: lb1 holds the load balancers' VIP and the Asterisk VIP; it stops, then boots again. */
    private static void stoppingTheVipHolderMovesBothVipsWithinEightSeconds(Lab lab, Inventory inventory) {
        CallCenter.EdgeFailover drill = CallCenter.stopTheVipHolder(lab, inventory, Duration.ofSeconds(30));
        System.out.printf(Locale.ROOT, "[drill 3] the Asterisk VIP answered SIP on %s %.1f s after lb1 was told to stop%n",
                drill.asteriskHolderAfterStop().orElse("no host"), drill.sipSeconds());
        System.out.printf(Locale.ROOT, "[drill 4] HTTPS through the VIP on %s answered by %s %.1f s after lb1 was told to stop%n",
                drill.lbHolderAfterStop().orElse("no host"), String.join(" and ", drill.servedBy()), drill.httpsSeconds());
        assertThat(drill.asteriskHolderAfterStop()).contains("lb2");
        assertThat(drill.lbHolderAfterStop()).contains("lb2");
        assertThat(drill.sipSeconds()).as("drill 3: seconds until SIP answers on the VIP").isLessThanOrEqualTo(DRILL_LIMIT.toSeconds());
        assertThat(drill.httpsSeconds()).as("drill 4: seconds until HTTPS answers from both app nodes").isLessThanOrEqualTo(DRILL_LIMIT.toSeconds());

        double returned = CallCenter.startTheOldHolder(lab, Duration.ofSeconds(60));
        System.out.printf(Locale.ROOT, "[drill 3] lb1 booted; both VIPs were back on it %.1f s later (preempt)%n", returned);
        assertThat(CallCenter.sipReply(lab, "app1", CallCenter.asteriskVip(lab))).as("SIP on the VIP after it returned to lb1").isPresent();
        assertThat(CallCenter.httpsServedBy(lab, "app2", CallCenter.lbVip(lab), CallCenter.labCertificate(inventory))).isPresent();
    }

    private static String failures(RunResult run) {
        return run.hostResults().stream().filter(r -> r.status() == Status.FAILED || r.status() == Status.UNREACHABLE)
                .map(r -> r.host() + " '" + r.task() + "': " + r.message()).collect(Collectors.joining("\n"));
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
        return CallCenter.seconds(since);
    }
}
