package dev.rigger.core.facts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rigger.core.transport.Connection;
import dev.rigger.core.transport.Connections;
import dev.rigger.testing.LabExtension;
import dev.rigger.testing.LabHost;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Facts-gathering time over SSH for 1 host and for 20 hosts at once. Not part of the normal runs
 * (its name does not match failsafe's *IT); run it with
 * {@code mvn -B -pl testing -am verify -Dit.test=FactsBench -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("bench")
class FactsBench {

    private static final int HOSTS = 20;

    @RegisterExtension
    static final LabExtension LAB = LabExtension.withHosts(
            IntStream.rangeClosed(1, HOSTS).mapToObj(i -> String.format(Locale.ROOT, "f%02d", i)).toArray(String[]::new));

    @Test
    void gatheringTime() throws Exception {
        LabHost first = LAB.lab().hosts().get(0);
        try (Connection connection = Connections.open(first.settings())) {
            long start = System.nanoTime();
            FactsGatherer.gather(connection);
            report("1 host, first gather on a fresh session", System.nanoTime() - start);
            List<Long> warm = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                long t = System.nanoTime();
                FactsGatherer.gather(connection);
                warm.add(System.nanoTime() - t);
            }
            report("1 host, median of 20 gathers", warm.stream().sorted().toList().get(warm.size() / 2));
        }

        List<Connection> connections = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(HOSTS);
        try {
            long connectStart = System.nanoTime();
            List<Future<Connection>> opening = new ArrayList<>();
            for (LabHost host : LAB.lab().hosts()) {
                opening.add(pool.submit(() -> Connections.open(host.settings())));
            }
            for (Future<Connection> f : opening) {
                connections.add(f.get());
            }
            report(HOSTS + " hosts, connect all in parallel", System.nanoTime() - connectStart);

            long start = System.nanoTime();
            List<Future<Facts>> gathering = new ArrayList<>();
            for (Connection c : connections) {
                gathering.add(pool.submit(() -> FactsGatherer.gather(c)));
            }
            for (int i = 0; i < HOSTS; i++) {
                assertThat(gathering.get(i).get().hostname()).isEqualTo(connections.get(i).hostName());
            }
            report(HOSTS + " hosts, gather all in parallel (wall)", System.nanoTime() - start);
        } finally {
            pool.shutdownNow();
            connections.forEach(Connection::close);
        }
    }

    private static void report(String what, long nanos) {
        System.out.printf(Locale.ROOT, "BENCH %-45s %8.1f ms%n", what, nanos / 1e6);
    }
}
