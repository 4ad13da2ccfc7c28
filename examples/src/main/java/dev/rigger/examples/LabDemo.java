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
 * The demo behind {@code scripts/demo}: the whole call-center cluster
 * ({@code examples/omnileads-ha/site.yml} with {@code inventories/omnileads-ha-lab}) in nine lab
 * containers — two load balancers (HAProxy on a Keepalived VIP, and the Asterisk pair's VIP with a
 * SIP stand-in), three Redis nodes with Sentinels, a PostgreSQL primary and standby under repmgr
 * with the RW and RO VIPs, two app nodes. It deploys with live progress, runs the site a second
 * time (changed=0), then the drills with their times — the same code {@code CallCenterHaIT}
 * asserts on: Redis through the load balancers' VIP (the main stops), PostgreSQL through the RW VIP
 * (the primary stops; it boots fenced and a re-run rejoins it), the node holding the load
 * balancers' and the Asterisk VIP stops — and removes the containers.
 */
public final class LabDemo {
    private static final long T0 = System.nanoTime();

    private LabDemo() {}

    public static void main(String[] args) {
        boolean ok;
        section("1. Nine Debian hosts in containers (systemd + sshd): " + String.join(" ", CallCenter.HOSTS));
        try (Lab lab = Lab.builder().hosts(CallCenter.HOSTS.toArray(String[]::new)).name("LabDemo").start()) {
            System.out.println("up: " + lab.hosts().stream().map(h -> h.name() + " " + h.ip()).collect(Collectors.joining(", ")));
            List<Path> sources = CallCenter.inventorySources(lab);
            Inventory inventory = CallCenter.inventory(lab);
            Path site = CallCenter.site();
            CallCenter.prepareLab(lab);
            System.out.println("VIPs: load balancers " + CallCenter.lbVip(lab) + ", Asterisk " + CallCenter.asteriskVip(lab)
                    + ", PostgreSQL read-write " + CallCenter.pgRwVip(lab) + ", read-only " + CallCenter.pgRoVip(lab));
            System.out.println("the same from the command line, while the lab runs: ./rigger play " + site + " "
                    + sources.stream().map(p -> "-i " + p).collect(Collectors.joining(" ")));
            LoadedPlaybook playbook = ClusterDemo.load(site, inventory);

            section("2. Deploy " + site + ": Redis + Sentinel, PostgreSQL + repmgr + VIPs, HAProxy + Keepalived, SIP, the app");
            long deploying = System.nanoTime();
            RunResult first = deploy(playbook, inventory);
            if (first.exitCode() != 0) throw new IllegalStateException("the deployment failed (exit code " + first.exitCode() + ")");
            double firstSeconds = CallCenter.seconds(deploying);

            section("3. The same playbook again: nothing to change");
            long again = System.nanoTime();
            RunResult second = deploy(playbook, inventory);
            int changed = second.recap().totalChanged();
            System.out.printf(Locale.ROOT, "first converge %.0f s, second converge %.0f s: %s%n", firstSeconds, CallCenter.seconds(again),
                    second.exitCode() == 0 && changed == 0 ? "changed=0 on every host" : "NOT idempotent: changed=" + changed);
            ok = second.exitCode() == 0 && changed == 0;

            section("4. The cluster answers through its VIPs (asked from app1)");
            String lbVip = CallCenter.lbVip(lab);
            String certificate = CallCenter.labCertificate(inventory);
            lab.await("the VIPs are in place", Duration.ofSeconds(40), () ->
                    CallCenter.vipHolder(lab, lbVip, CallCenter.LB).isPresent()
                            && CallCenter.vipHolder(lab, CallCenter.pgRwVip(lab), CallCenter.PGSQL).isPresent()
                            && CallCenter.httpsServedBy(lab, "app1", lbVip, certificate).isPresent());
            for (int i = 1; i <= 2; i++) {
                System.out.printf("  https://%s/ -> served by %s%n", lbVip, CallCenter.httpsServedBy(lab, "app1", lbVip, certificate).orElse("NO ANSWER"));
            }
            System.out.printf("  SIP OPTIONS to %s:5060 -> %s%n", CallCenter.asteriskVip(lab),
                    CallCenter.sipReply(lab, "app1", CallCenter.asteriskVip(lab)).orElse("NO ANSWER"));
            System.out.printf("  Redis main (HAProxy routes %s:6379 to it): %s%n", lbVip,
                    CallCenter.redisMain(lab, inventory, CallCenter.REDIS).orElse("NONE"));
            System.out.printf("  PostgreSQL read-write VIP on %s, read-only VIP on %s%n",
                    CallCenter.vipHolder(lab, CallCenter.pgRwVip(lab), CallCenter.PGSQL).orElse("no host"),
                    CallCenter.vipHolder(lab, CallCenter.pgRoVip(lab), CallCenter.PGSQL).orElse("no host"));

            section("5. Drill 1: the Redis main stops (writes through the load balancers' VIP; target <= 10 s)");
            CallCenter.RedisFailover redis = CallCenter.stopTheRedisMain(lab, inventory, Duration.ofSeconds(30));
            System.out.printf(Locale.ROOT, "drill 1: writes accepted again %.1f s after %s was told to stop; new main %s; %d/%d acknowledged writes kept%n",
                    redis.writesSeconds(), redis.oldMain(), redis.newMain(), redis.acknowledged().size() - redis.lost().size(), redis.acknowledged().size());
            ok &= redis.writesSeconds() <= 10 && redis.lost().isEmpty();
            lab.start(redis.oldMain());

            section("6. Drill 2: the PostgreSQL primary stops (writes through the RW VIP; target <= 36 s)");
            CallCenter.PgFailover pg = CallCenter.stopThePgPrimary(lab, inventory, Duration.ofSeconds(60));
            System.out.printf(Locale.ROOT, "drill 2: inserts commit again %.1f s after pgsql1 was told to stop (RW VIP now on %s); %d/%d committed rows kept%n",
                    pg.writesSeconds(), pg.rwHolder().orElse("no host"), pg.committed().size() - pg.lost().size(), pg.committed().size());
            ok &= pg.writesSeconds() <= 36 && pg.lost().isEmpty();
            lab.start("pgsql1");
            System.out.println("pgsql1 booted: " + lab.exec("pgsql1", "systemctl", "is-active", "postgresql@15-main").stdout().strip()
                    + " (the fence keeps an old primary down); the RW VIP is on "
                    + CallCenter.vipHolder(lab, CallCenter.pgRwVip(lab), CallCenter.PGSQL).orElse("no host"));
            System.out.println("re-running the site rejoins it as a standby (redis1 came back as a replica on its own):");
            RunResult rejoin = deploy(playbook, inventory);
            System.out.println("changed: " + rejoin.hostResults().stream().filter(r -> r.status() == dev.rigger.core.executor.Status.CHANGED)
                    .map(r -> r.host() + " '" + r.task() + "': " + r.changes().get(0).summary()).collect(Collectors.joining("; ")));
            ok &= rejoin.exitCode() == 0;

            section("7. Drills 3 and 4: lb1, holding the load balancers' and the Asterisk VIP, stops (target <= 8 s)");
            CallCenter.EdgeFailover drill = CallCenter.stopTheVipHolder(lab, inventory, Duration.ofSeconds(30));
            System.out.printf(Locale.ROOT, "drill 3: SIP answered on the Asterisk VIP (now on %s) %.1f s after lb1 was told to stop%n",
                    drill.asteriskHolderAfterStop().orElse("no host"), drill.sipSeconds());
            System.out.printf(Locale.ROOT, "drill 4: HTTPS through the VIP (now on %s) answered by %s %.1f s after lb1 was told to stop%n",
                    drill.lbHolderAfterStop().orElse("no host"), String.join(" and ", drill.servedBy()), drill.httpsSeconds());
            ok &= drill.sipSeconds() <= 8 && drill.httpsSeconds() <= 8;
        }
        System.out.printf(Locale.ROOT, "%nlab removed; the demo took %.0f s%s%n", CallCenter.seconds(T0), ok ? "" : " (a check above FAILED)");
        if (!ok) System.exit(1);
    }

    private static RunResult deploy(LoadedPlaybook playbook, Inventory inventory) {
        try (ConsoleReporter console = ConsoleReporter.toStdout(0)) {
            return CallCenter.run(playbook, inventory, RunOptions.builder().build(), console);
        }
    }

    private static void section(String title) {
        System.out.printf(Locale.ROOT, "%n===== %s  [%.0f s] %s%n", title, CallCenter.seconds(T0), "=".repeat(Math.max(3, 70 - title.length())));
    }
}
