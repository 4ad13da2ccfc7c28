package dev.rigger.examples;

import dev.rigger.core.facts.Facts;
import dev.rigger.core.facts.FactsGatherer;
import dev.rigger.core.transport.Connection;
import dev.rigger.core.transport.Connections;
import dev.rigger.testing.Lab;
import dev.rigger.testing.LabHost;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * The demo behind {@code scripts/demo}: starts three lab hosts (Debian with systemd and sshd in
 * containers), connects to each over SSH, gathers its facts with one exec, prints them as a table,
 * and removes the hosts again.
 */
public final class LabDemo {
    private LabDemo() {}

    public static void main(String[] args) {
        long t0 = System.nanoTime();
        try (Lab lab = Lab.builder().hosts("node1", "node2", "node3").group("demo", "node1", "node2", "node3").name("LabDemo").start()) {
            System.out.printf(Locale.ROOT, "lab up in %.1f s: %s%n%n", (System.nanoTime() - t0) / 1e9, lab.hosts());
            List<CompletableFuture<Row>> rows = new ArrayList<>();
            for (LabHost host : lab.hosts()) rows.add(CompletableFuture.supplyAsync(() -> gather(host)));
            System.out.printf("%-7s %-15s %-24s %-8s %-7s %4s %8s %-8s %-9s %s%n",
                    "HOST", "ADDRESS", "OS", "ARCH", "INIT", "CPUS", "MEM MiB", "PKG", "CONTAINER", "CONNECT+FACTS");
            for (CompletableFuture<Row> f : rows) {
                Row r = f.join();
                Facts x = r.facts;
                System.out.printf(Locale.ROOT, "%-7s %-15s %-24s %-8s %-7s %4d %8d %-8s %-9s %d ms%n",
                        x.hostname(),
                        x.defaultIpv4().flatMap(d -> d.address()).map(a -> a.address()).orElse("-"),
                        x.os().name() + " " + x.os().version().orElse("") + " (" + x.os().codename().orElse("") + ")",
                        x.architecture(), x.initSystem(), x.cpus(), x.memTotalMb(),
                        x.packageManager().orElse("-"), x.virtualization().type().orElse("-"), r.millis);
            }
        }
        System.out.printf(Locale.ROOT, "%nlab removed; demo took %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    private record Row(Facts facts, long millis) {}

    private static Row gather(LabHost host) {
        long t = System.nanoTime();
        try (Connection c = Connections.open(host.settings())) {
            Facts facts = FactsGatherer.gather(c);
            return new Row(facts, (System.nanoTime() - t) / 1_000_000);
        }
    }
}
