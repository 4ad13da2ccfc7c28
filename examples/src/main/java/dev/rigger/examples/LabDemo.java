package dev.rigger.examples;

import dev.rigger.core.executor.RunResult;
import dev.rigger.core.loader.LoadedPlaybook;
import dev.rigger.core.report.ConsoleReporter;
import dev.rigger.testing.Lab;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The demo behind {@code scripts/demo}: deploys {@code examples/demo/site.yml} (nginx on two web
 * hosts, haproxy in front of them) into three lab containers and shows it working — requests
 * spread over both web hosts, one web host stopped and the load balancer serving from the other,
 * the host back in rotation, and a second run that changes nothing. Removes the containers at the
 * end. Argument: the playbook (default {@code examples/demo/site.yml}, from the repository root).
 */
public final class LabDemo {
    private static final int REQUESTS = 6;
    private static final Duration FAILOVER_LIMIT = Duration.ofSeconds(30);
    private static final long T0 = System.nanoTime();

    private LabDemo() {}

    public static void main(String[] args) {
        Path site = Path.of(args.length > 0 ? args[0] : "examples/demo/site.yml");
        boolean ok;
        section("1. Three Debian hosts in containers (systemd + sshd)");
        try (Lab lab = ClusterDemo.startLab("LabDemo")) {
            System.out.println("up: " + lab.hosts().stream().map(h -> h.name() + " " + h.ip()).collect(Collectors.joining(", ")));
            System.out.println("the same from the command line, while the lab runs: ./rigger play " + site + " -i " + lab.writeInventory());
            LoadedPlaybook playbook = ClusterDemo.load(site, lab.inventory());

            section("2. Deploy " + site + ": nginx on web1 and web2, haproxy on lb1");
            RunResult first = deploy(playbook, lab);
            if (first.exitCode() != 0) throw new IllegalStateException("the deployment failed (exit code " + first.exitCode() + ")");
            System.out.println("\nhaproxy.cfg on lb1, rendered from the web group:");
            lab.shell(ClusterDemo.LB, "grep -E '^ *(bind|server|backend|frontend)' /etc/haproxy/haproxy.cfg").lines()
                    .forEach(l -> System.out.println("  " + l.strip()));

            section("3. Requests to the load balancer (http://" + lab.host(ClusterDemo.LB).ip() + "/, sent from lb1)");
            awaitStates(lab, "both web hosts are UP", "web1 UP, web2 UP");
            ask(lab);

            section("4. web2 stops");
            long stopping = System.nanoTime();
            lab.stop("web2");
            System.out.printf(Locale.ROOT, "web2 stopped (%.1f s)%n", seconds(stopping));
            long stopped = System.nanoTime();
            awaitStates(lab, "haproxy has taken web2 out", "web1 UP, web2 DOWN");
            System.out.printf(Locale.ROOT, "haproxy took web2 out %.1f s later; every request now goes to web1:%n", seconds(stopped));
            ask(lab);
            System.out.println("health endpoint (lb1:8404/health): " + ClusterDemo.health(lab));

            section("5. web2 boots again (nginx is enabled, so it starts)");
            long starting = System.nanoTime();
            lab.start("web2");
            System.out.printf(Locale.ROOT, "web2 booted (%.1f s)%n", seconds(starting));
            long booted = System.nanoTime();
            awaitStates(lab, "web2 is back in rotation", "web1 UP, web2 UP");
            System.out.printf(Locale.ROOT, "back in rotation %.1f s later%n", seconds(booted));
            ask(lab);

            section("6. The same playbook again: nothing to change");
            RunResult second = deploy(playbook, lab);
            int changed = second.recap().totalChanged();
            ok = second.exitCode() == 0 && changed == 0;
            System.out.println(ok ? "\nchanged=0 on every host: the deployment is idempotent"
                    : "\nNOT idempotent: exit code " + second.exitCode() + ", changed=" + changed);
        }
        System.out.printf(Locale.ROOT, "%nlab removed; the demo took %.0f s%n", seconds(T0));
        if (!ok) System.exit(1);
    }

    private static RunResult deploy(LoadedPlaybook playbook, Lab lab) {
        try (ConsoleReporter console = ConsoleReporter.toStdout(0)) {
            return ClusterDemo.run(playbook, lab.inventory(), false, console);
        }
    }

    private static void ask(Lab lab) {
        for (int i = 1; i <= REQUESTS; i++) {
            long t = System.nanoTime();
            String backend = ClusterDemo.askLoadBalancer(lab);
            System.out.printf(Locale.ROOT, "  GET / #%d -> served by %s (%.0f ms)%n", i, backend, (System.nanoTime() - t) / 1e6);
        }
    }

    private static void awaitStates(Lab lab, String description, String expected) {
        lab.await(description, FAILOVER_LIMIT, () -> ClusterDemo.describe(ClusterDemo.serverStates(lab)).equals(expected));
        System.out.println("haproxy: " + expected);
    }

    private static void section(String title) {
        System.out.printf(Locale.ROOT, "%n===== %s  [%.0f s] %s%n", title, seconds(T0), "=".repeat(Math.max(3, 70 - title.length())));
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
