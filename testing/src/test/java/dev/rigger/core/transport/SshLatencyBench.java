package dev.rigger.core.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rigger.testing.Lab;
import dev.rigger.testing.LabHosts;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Connect and exec latency against a lab host. Not part of the normal runs (its name does not
 * match failsafe's *IT); run it with
 * {@code mvn -B -pl testing -am verify -Dit.test=SshLatencyBench -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("bench")
@LabHosts({"bench1"})
class SshLatencyBench {

    private static final int EXECS = 300;

    @Test
    void connectAndExecLatency(Lab lab) throws Exception {
        ConnectionSettings settings = lab.host("bench1").settings();

        long first = System.nanoTime();
        Connections.open(settings).close();
        report("connect, first in this JVM", List.of(System.nanoTime() - first));
        report("connect, warm (20x)", measure(20, () -> {
            Connections.open(settings).close();
            return true;
        }));

        try (Connection c = Connections.open(settings)) {
            measure(20, () -> c.exec("true").succeeded()); // warm-up
            report("exec `true` (" + EXECS + "x)", measure(EXECS, () -> c.exec("true").succeeded()));
            report("exec `true` as nobody via sudo -n (100x)",
                    measure(100, () -> c.exec(ExecRequest.of("true").as("nobody")).succeeded()));
            report("exec with 64 KiB stdin (100x)",
                    measure(100, () -> c.exec(ExecRequest.of("cat >/dev/null").withStdin(new byte[64 * 1024])).succeeded()));

            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                long start = System.nanoTime();
                List<Future<Boolean>> all = new ArrayList<>();
                for (int i = 0; i < 800; i++) {
                    all.add(pool.submit(() -> c.exec("true").succeeded()));
                }
                for (Future<Boolean> f : all) {
                    assertThat(f.get()).isTrue();
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf(Locale.ROOT, "BENCH %-45s %.0f execs/s (800 execs, 8 threads, one session)%n",
                        "exec `true` concurrently", 800 / seconds);
            } finally {
                pool.shutdownNow();
            }
        }

        try (Connection local = Connections.open(ConnectionSettings.builder("localhost").local().build())) {
            measure(20, () -> local.exec("true").succeeded());
            report("local exec `true` (200x), for comparison", measure(200, () -> local.exec("true").succeeded()));
        }
    }

    private static List<Long> measure(int times, Supplier<Boolean> action) {
        List<Long> nanos = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            long start = System.nanoTime();
            assertThat(action.get()).isTrue();
            nanos.add(System.nanoTime() - start);
        }
        return nanos;
    }

    private static void report(String what, List<Long> nanos) {
        List<Long> sorted = nanos.stream().sorted().toList();
        double mean = sorted.stream().mapToLong(Long::longValue).average().orElse(0) / 1e6;
        System.out.printf(Locale.ROOT, "BENCH %-45s mean %7.2f ms  p50 %7.2f  p95 %7.2f  p99 %7.2f  max %7.2f%n", what,
                mean, pct(sorted, 50), pct(sorted, 95), pct(sorted, 99), sorted.get(sorted.size() - 1) / 1e6);
    }

    private static double pct(List<Long> sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, index)) / 1e6;
    }
}
