package dev.rigger.core.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rigger.testing.Lab;
import dev.rigger.testing.LabHosts;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the time of a big copy goes, against OpenSSH's {@code scp} to the same hosts: the raw
 * stream over one exec channel, the controller's sha256, and the whole atomic write. Not part of
 * the normal runs (its name does not match failsafe's *IT); run it with
 * {@code mvn -B -o -pl testing -am verify -Dit.test=CopySpeedBench -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false}
 * ({@code -Drigger.bigcopy.mib=1024} for a bigger file, {@code -Drounds=N}, {@code -Dbench.openssl=true}
 * to install OpenSSL on the hosts first, as most servers have it).
 */
@Tag("bench")
@LabHosts({"cs1", "cs2", "cs3"})
class CopySpeedBench {
    private static final long MIB = 1024 * 1024;
    private static final long SIZE = Long.getLong("rigger.bigcopy.mib", 256) * MIB;

    @TempDir
    Path tmp;

    @Test
    void bigCopyAgainstScp(Lab lab) throws Exception {
        Path big = tmp.resolve("big.bin");
        byte[] chunk = new byte[(int) MIB];
        new Random(42).nextBytes(chunk);
        try (OutputStream out = Files.newOutputStream(big)) {
            for (long left = SIZE, block = 0; left > 0; left -= MIB, block++) {
                chunk[0] = (byte) block;
                chunk[1] = (byte) (block >>> 8);
                out.write(chunk, 0, (int) Math.min(MIB, left));
            }
        }
        List<String> hosts = lab.hosts().stream().map(h -> h.name()).toList();
        if (Boolean.getBoolean("bench.openssl")) { // as most servers have it: the hosts hash with SHA instructions
            for (String h : hosts) lab.shell(h, "apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q openssl >/dev/null");
        }
        Map<String, List<Double>> times = new LinkedHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(hosts.size());
        try {
            for (int round = 0; round < Integer.getInteger("rounds", 3); round++) {
                time(times, "scp", () -> openssh(lab, hosts, big, true, "/srv/scp.bin"));
                time(times, "ssh 'cat > /dev/null'", () -> openssh(lab, hosts, big, false, "cat > /dev/null"));
                List<Connection> connections = new ArrayList<>();
                for (String h : hosts) connections.add(Connections.open(lab.host(h).settings()));
                Stdin fresh = Stdin.of(big);
                long cpu = cpu();
                time(times, "rigger exec 'cat > /dev/null'", () -> parallel(pool, connections,
                        c -> c.exec(ExecRequest.of("cat > /dev/null").withStdin(fresh))));
                times.computeIfAbsent("  controller CPU for that", k -> new ArrayList<>()).add((cpu() - cpu) / 1e9);
                time(times, "controller sha256 (remembered after the first round)", fresh::sha256);
                Step tee = () -> time(times, "RemoteFiles.write (hashed as it arrives)", () -> parallel(pool, connections,
                        c -> c.exec(RemoteFiles.write("/srv/write.bin", fresh).request())));
                // The write as it was before: the whole file written, then read back to hash it.
                Step readBack = () -> time(times, "RemoteFiles.write (read back to hash)", () -> parallel(pool, connections, c -> {
                    ExecRequest r = RemoteFiles.write("/srv/write.bin", fresh).request();
                    String script = r.script().replace("sum=$({ tee -- \"$tmp\" || printf x; } | " + RemoteFiles.SHA256 + ")\n",
                            "cat > \"$tmp\"\nsum=$(sha256sum < \"$tmp\")\n");
                    assertThat(script).isNotEqualTo(r.script());
                    return c.exec(new ExecRequest(script, r.input(), null, null, null));
                }));
                // Each first in every other round: the second one writes while the first one's pages are flushed.
                for (Step write : round % 2 == 0 ? List.of(tee, readBack) : List.of(readBack, tee)) {
                    write.run();
                    for (String h : hosts) lab.shell(h, "rm -f /srv/*.bin");
                }
                for (Connection c : connections) c.close();
                for (String h : hosts) lab.shell(h, "rm -f /srv/*.bin");
            }
        } finally {
            pool.shutdownNow();
        }
        times.forEach((what, list) -> {
            List<Double> sorted = list.stream().sorted().toList();
            System.out.printf(Locale.ROOT, "BENCH %-55s min %6.2f s  median %6.2f s  (%d MiB to %d hosts, %d rounds)%n",
                    what, sorted.get(0), sorted.get(sorted.size() / 2), SIZE / MIB, hosts.size(), sorted.size());
        });
    }

    private static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static void openssh(Lab lab, List<String> hosts, Path big, boolean scp, String target) throws Exception {
        List<Process> copies = new ArrayList<>();
        for (String h : hosts) {
            List<String> command = new ArrayList<>(List.of(scp ? "scp" : "ssh", "-q", "-i", lab.privateKeyFile().toString(),
                    "-o", "UserKnownHostsFile=" + lab.knownHostsFile(), "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes"));
            if (scp) command.addAll(List.of(big.toString(), "root@" + lab.host(h).ip() + ":" + target));
            else command.addAll(List.of("root@" + lab.host(h).ip(), target));
            ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
            if (!scp) builder.redirectInput(big.toFile());
            copies.add(builder.start());
        }
        for (Process p : copies) assertThat(p.waitFor()).isZero();
        for (String h : hosts) lab.shell(h, "rm -f /srv/*.bin");
    }

    private static void time(Map<String, List<Double>> times, String what, Step step) throws Exception {
        long started = System.nanoTime();
        step.run();
        double took = (System.nanoTime() - started) / 1e9;
        System.out.printf(Locale.ROOT, "BENCH %-55s %6.2f s%n", what, took);
        times.computeIfAbsent(what, k -> new ArrayList<>()).add(took);
    }

    private interface Step {
        void run() throws Exception;
    }

    private interface OnHost {
        ExecResult run(Connection c) throws Exception;
    }

    private static void parallel(ExecutorService pool, List<Connection> connections, OnHost action) throws Exception {
        List<Future<ExecResult>> all = new ArrayList<>();
        for (Connection c : connections) all.add(pool.submit(() -> action.run(c)));
        for (Future<ExecResult> f : all) {
            ExecResult r = f.get();
            assertThat(r.exitCode()).as(r.stderr()).isZero();
        }
    }

}
