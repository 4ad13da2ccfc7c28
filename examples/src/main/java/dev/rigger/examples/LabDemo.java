package dev.rigger.examples;

import dev.rigger.core.executor.RunOptions;
import dev.rigger.core.executor.RunResult;
import dev.rigger.core.inventory.Inventory;
import dev.rigger.core.loader.LoadedPlaybook;
import dev.rigger.core.report.ConsoleReporter;
import dev.rigger.testing.Lab;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The demo behind {@code scripts/demo}: the call-center cluster's edge
 * ({@code examples/omnileads-ha/site.yml} with {@code inventories/omnileads-ha-lab}) in four lab
 * containers — two load balancers (HAProxy on a Keepalived VIP, and the Asterisk pair's VIP with a
 * SIP stand-in) in front of two app nodes. It deploys with live progress, shows HTTPS through the
 * VIP answered by both app nodes and SIP answered on the Asterisk VIP, stops the node holding both
 * VIPs and times how long until each answers again (drills 3 and 4, the same code
 * {@code CallCenterEdgeIT} asserts on), boots it again, runs the site a second time (changed=0)
 * and removes the containers.
 */
public final class LabDemo {
    private static final Duration DRILL_LIMIT = Duration.ofSeconds(8);
    private static final long T0 = System.nanoTime();

    private LabDemo() {}

    public static void main(String[] args) {
        boolean ok;
        section("1. Four Debian hosts in containers (systemd + sshd): lb1 lb2 app1 app2");
        try (Lab lab = Lab.builder().hosts("lb1", "lb2", "app1", "app2").name("LabDemo").start()) {
            System.out.println("up: " + lab.hosts().stream().map(h -> h.name() + " " + h.ip()).collect(Collectors.joining(", ")));
            List<Path> sources = CallCenter.inventorySources(lab);
            Inventory inventory = CallCenter.inventory(lab);
            Path site = CallCenter.site();
            System.out.println("VIPs: load balancers " + CallCenter.lbVip(lab) + ", Asterisk " + CallCenter.asteriskVip(lab));
            System.out.println("the same from the command line, while the lab runs: ./rigger play " + site + " "
                    + sources.stream().map(p -> "-i " + p).collect(Collectors.joining(" "))
                    + " --limit haproxy:asterisk:app -e '{haproxy_redis_enabled: false, haproxy_postgresql_enabled: false}'");
            LoadedPlaybook playbook = ClusterDemo.load(site, inventory);

            section("2. Deploy " + site + ": keepalived + haproxy + SIP on lb1/lb2, nginx + app on app1/app2");
            long deploying = System.nanoTime();
            RunResult first = deploy(playbook, inventory);
            if (first.exitCode() != 0) throw new IllegalStateException("the deployment failed (exit code " + first.exitCode() + ")");
            System.out.printf(Locale.ROOT, "first converge: %.0f s%n", CallCenter.seconds(deploying));

            section("3. The cluster answers through its VIPs (asked from the app nodes)");
            String lbVip = CallCenter.lbVip(lab);
            String asteriskVip = CallCenter.asteriskVip(lab);
            String certificate = CallCenter.labCertificate(inventory);
            lab.await("lb1 holds both VIPs", Duration.ofSeconds(30), () ->
                    CallCenter.vipHolder(lab, lbVip, CallCenter.LB).filter("lb1"::equals).isPresent()
                            && CallCenter.vipHolder(lab, asteriskVip, CallCenter.LB).filter("lb1"::equals).isPresent());
            System.out.println("lb1 (VRRP priority 150) holds " + lbVip + " (HAProxy) and " + asteriskVip + " (SIP)");
            lab.await("haproxy sees both app nodes", Duration.ofSeconds(30), () ->
                    CallCenter.httpsServedBy(lab, "app1", lbVip, certificate).isPresent());
            for (int i = 1; i <= 4; i++) {
                String client = CallCenter.APP.get(i % 2);
                System.out.printf("  https://%s/ from %s -> served by %s%n", lbVip, client,
                        CallCenter.httpsServedBy(lab, client, lbVip, certificate).orElse("NO ANSWER"));
            }
            System.out.printf("  SIP OPTIONS to %s:5060 -> %s%n", asteriskVip, CallCenter.sipReply(lab, "app1", asteriskVip).orElse("NO ANSWER"));

            section("4. Drills 3 and 4: lb1, holding both VIPs, stops; then boots again");
            CallCenter.EdgeFailover drill = CallCenter.stopTheVipHolder(lab, inventory, Duration.ofSeconds(30));
            System.out.printf(Locale.ROOT, "drill 3: SIP answered on the Asterisk VIP (now on %s) %.1f s after lb1 was told to stop%n",
                    drill.asteriskHolderAfterStop().orElse("no host"), drill.sipSeconds());
            System.out.printf(Locale.ROOT, "drill 4: HTTPS through the VIP (now on %s) answered by %s %.1f s after lb1 was told to stop%n",
                    drill.lbHolderAfterStop().orElse("no host"), String.join(" and ", drill.servedBy()), drill.httpsSeconds());
            boolean inTime = drill.sipSeconds() <= DRILL_LIMIT.toSeconds() && drill.httpsSeconds() <= DRILL_LIMIT.toSeconds();
            double returned = CallCenter.startTheOldHolder(lab, Duration.ofSeconds(60));
            System.out.printf(Locale.ROOT, "lb1 booted again; both VIPs were back on it %.1f s later (preempt: it has the higher priority)%n", returned);

            section("5. The same playbook again: nothing to change");
            long again = System.nanoTime();
            RunResult second = deploy(playbook, inventory);
            int changed = second.recap().totalChanged();
            System.out.printf(Locale.ROOT, "second converge: %.0f s%n", CallCenter.seconds(again));
            ok = second.exitCode() == 0 && changed == 0 && inTime;
            System.out.println(second.exitCode() == 0 && changed == 0 ? "\nchanged=0 on every host: the deployment is idempotent"
                    : "\nNOT idempotent: exit code " + second.exitCode() + ", changed=" + changed);
            if (!inTime) System.out.println("a drill took longer than " + DRILL_LIMIT.toSeconds() + " s");
        }
        System.out.printf(Locale.ROOT, "%nlab removed; the demo took %.0f s%n", CallCenter.seconds(T0));
        if (!ok) System.exit(1);
    }

    private static RunResult deploy(LoadedPlaybook playbook, Inventory inventory) {
        RunOptions options = CallCenter.edgeOnly().build();
        try (ConsoleReporter console = ConsoleReporter.toStdout(0)) {
            return CallCenter.run(playbook, inventory, options, console);
        }
    }

    private static void section(String title) {
        System.out.printf(Locale.ROOT, "%n===== %s  [%.0f s] %s%n", title, CallCenter.seconds(T0), "=".repeat(Math.max(3, 70 - title.length())));
    }
}
