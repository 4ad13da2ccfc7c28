package dev.rigger.core.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rigger.testing.Fleet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A connection storm at small scale: sshd drops unauthenticated connections beyond
 * {@code MaxStartups}, so many hosts connecting at once meet it whenever they share an sshd (a
 * bastion, a NAT'd fleet, or aliases of one machine). Here two sshd-only hosts with a tight
 * {@code MaxStartups 3:50:6} (the default's 10:30:100, scaled down) take 48 connections at once,
 * each with the default settings, as a run with forks = 48 would open them. Every one must get
 * through, and sshd must really have dropped some (or the test proves nothing).
 *
 * <p>The 500-host storm against the default {@code MaxStartups} is measured by the fleet
 * benchmark ({@code scripts/bench fleet}, docs/performance.md).
 */
class ConnectionStormIT {
    private static final int CONNECTIONS = 48;
    private static Fleet fleet;

    @BeforeAll
    static void start() {
        fleet = Fleet.builder().hosts(2).sshdOption("MaxStartups", "3:50:6").name("ConnectionStormIT").start();
    }

    @AfterAll
    static void stop() {
        if (fleet != null) fleet.close();
    }

    @Test
    void burstPastMaxStartupsNeverYieldsUnreachable() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
        long started = System.nanoTime();
        try {
            List<Future<String>> outputs = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                String host = fleet.hosts().get(i % 2);
                ConnectionSettings settings = ConnectionSettings.builder("storm" + i)
                        .address(fleet.address(host)).port(22).user("root")
                        .privateKeyFile(fleet.privateKeyFile()).knownHostsFile(fleet.knownHostsFile())
                        .hostKeyPolicy(HostKeyPolicy.STRICT).build();
                outputs.add(pool.submit(() -> {
                    try (Connection c = Connections.open(settings)) {
                        return c.exec("hostname").stdout();
                    }
                }));
            }
            List<String> failures = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                try {
                    assertThat(outputs.get(i).get(180, TimeUnit.SECONDS)).isEqualTo(fleet.hosts().get(i % 2) + "\n");
                } catch (java.util.concurrent.ExecutionException e) {
                    failures.add(e.getCause().getMessage());
                }
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            int dropped = 0;
            for (String host : fleet.hosts()) dropped += dropsLogged(host);
            System.out.printf("STORM %d connections to 2 sshd (MaxStartups 3:50:6): %d failed, %d dropped by sshd, %d ms%n",
                    CONNECTIONS, failures.size(), dropped, took.toMillis());
            assertThat(failures).as("connections that failed").isEmpty();
            assertThat(dropped).as("sshd really dropped part of the burst").isPositive();
        } finally {
            pool.shutdownNow();
        }
    }

    /** sshd -e logs each drop to its stderr, which is the container's log. */
    private static int dropsLogged(String host) {
        return fleet.dockerLogs(host).split("past MaxStartups|drop connection", -1).length - 1;
    }
}
