package dev.rigger.runner;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.Session;
import dev.rigger.testing.Fleet;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet benchmark (issue 10): pyinfra's benchmark workload as an Ansible playbook
 * ({@code user}, {@code file state=touch}, {@code copy}, {@code shell: echo}) on N sshd-only hosts
 * ({@link Fleet}), against the raw floor: one JSch session per host, the same four steps as four
 * plain execs, all hosts in parallel. For each N: the floor's first and second run; then Rigger as
 * users run it, through the repository's {@code ./rigger} launcher as a whole process (JVM start
 * included): first run, second run, the second run again without batched probes
 * ({@code -Drigger.batchProbes=false}), and once more as a bare {@code java -jar rigger.jar} (no
 * launcher options); then the same command line in this JVM (warm) first run, second run and
 * unbatched second run. The whole-process and in-process series work on their own paths, so each
 * "first" run really changes the hosts. Each row notes the machine's one-minute load average before
 * and after its runs: the machine may be shared.
 *
 * <p>Run with {@code scripts/bench fleet} (sizes: {@code -Dfleet.sizes=1,10,100}). Writes
 * {@code bench/results/fleet.csv} and {@code bench/results/fleet.svg}; prints lines starting with
 * {@code FLEET}. Asserts correctness (exit codes, no unreachable host, the second run's exec
 * budget), never speed: this is a shared 2-core machine.
 */
@Tag("bench")
class FleetBench {
    private static final Path JAR = Path.of("target/rigger.jar").toAbsolutePath();
    private static final Path LAUNCHER = Path.of("../rigger").toAbsolutePath().normalize();
    private static final Path RESULTS = Path.of(System.getProperty("fleet.results", "../bench/results")).toAbsolutePath();
    private static final String COPIED = "benchmark content\nline two\n";
    static final String HEADER = "hosts,floor_first_s,floor_second_s,rigger_first_s,rigger_second_s,ratio_second,"
            + "execs_per_host_second,controller_cpu_s,peak_heap_mib,"
            + "ratio_first,rigger_second_cpu_s,unreachable_first,"
            + "unbatched_second_s,unbatched_ratio_second,unbatched_execs_per_host_second,jar_second_s,jar_ratio_second,"
            + "inproc_first_s,inproc_second_s,inproc_ratio_second,inproc_unbatched_second_s,inproc_unbatched_ratio_second,"
            + "fleet_start_s,load_start,load_end";

    @TempDir
    static Path tmp;

    @Test
    void fleet() throws Exception {
        assertThat(JAR).as("built by 'mvn package'").exists();
        List<Integer> sizes = Arrays.stream(System.getProperty("fleet.sizes", "1,10,100,250,500").split(","))
                .map(String::strip).map(Integer::parseInt).toList();
        Files.createDirectories(RESULTS);
        Path playbook = tmp.resolve("workload.yml");
        Files.writeString(playbook, """
                # pyinfra's benchmark workload, as Ansible would run it; 'run' keeps each measured run on its own paths.
                - name: Fleet workload
                  hosts: all
                  gather_facts: false
                  tasks:
                    - name: A user
                      user: {name: "bench{{ run }}"}
                    - name: A touched file
                      file: {path: "/tmp/bench{{ run }}-touched", state: touch}
                    - name: A copied file
                      copy: {content: "%s", dest: "/tmp/bench{{ run }}-copied"}
                    - name: An echo
                      shell: echo hello
                """.formatted(COPIED.replace("\n", "\\n")));
        List<String> rows = new ArrayList<>();
        // The launcher makes its class data archive at its first run after a build: not in a measured run.
        Process warm = new ProcessBuilder(LAUNCHER.toString(), "--version").redirectErrorStream(true).start();
        String version = new String(warm.getInputStream().readAllBytes(), UTF_8);
        assertThat(warm.waitFor()).as("./rigger --version: %s", version).isZero();
        System.out.println("FLEET " + HEADER);
        for (int n : sizes) {
            double loadStart = loadAverage();
            long booting = System.nanoTime();
            try (Fleet fleet = Fleet.builder().hosts(n).name("FleetBench").start()) {
                double fleetStart = seconds(booting);
                Path inventory = fleet.writeInventory();
                Floor floor = new Floor(fleet);
                Timed floorFirst = floor.run();
                Timed floorSecond = floor.run();
                Proc first = wholeProcess(inventory, playbook, "p", n, true, true);
                Proc second = wholeProcess(inventory, playbook, "p", n, true, true);
                Proc unbatched = wholeProcess(inventory, playbook, "p", n, false, true);
                Proc jar = wholeProcess(inventory, playbook, "p", n, true, false);
                InProc inFirst = inProcess(inventory, playbook, "i", n, true);
                InProc inSecond = inProcess(inventory, playbook, "i", n, true);
                InProc inUnbatched = inProcess(inventory, playbook, "i", n, false);
                double floor2 = floorSecond.seconds;

                String row = String.format(Locale.ROOT, "%d,%.2f,%.2f,%.2f,%.2f,%.2f,%.1f,%.1f,%.0f,%.2f,%.1f,%d,%.2f,%.2f,%.1f,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f,%.0f,%.1f,%.1f",
                        n, floorFirst.seconds, floor2, first.seconds, second.seconds, second.seconds / floor2,
                        second.execs / (double) n, first.cpuSeconds, inFirst.peakHeapMib,
                        first.seconds / floorFirst.seconds, second.cpuSeconds, first.unreachable,
                        unbatched.seconds, unbatched.seconds / floor2, unbatched.execs / (double) n, jar.seconds, jar.seconds / floor2,
                        inFirst.seconds, inSecond.seconds, inSecond.seconds / floor2, inUnbatched.seconds, inUnbatched.seconds / floor2,
                        fleetStart, loadStart, loadAverage());
                rows.add(row);
                System.out.println("FLEET " + row);
                write(rows);

                assertThat(floorFirst.failures).as("floor failures").isZero();
                assertThat(first.exit).as("first run's exit code (unreachable: %d)", first.unreachable).isZero();
                for (Proc p : List.of(second, unbatched, jar)) assertThat(p.exit).as("second runs' exit codes").isZero();
                for (InProc p : List.of(inFirst, inSecond, inUnbatched)) assertThat(p.exit).as("in-process exit codes").isZero();
                // Budget: an unchanged task 1 exec, a changed one at most 2 (touch and shell change every time).
                assertThat(unbatched.execs / (double) n).as("execs per host, unbatched second run").isLessThanOrEqualTo(5.0);
                // Batched: the three probes in one exec, touch's apply, echo. Copy's probe taken in the batch
                // still serves it: touch declares it writes its own path only, which copy's probe does not read.
                assertThat(second.execs / (double) n).as("execs per host, batched second run").isLessThanOrEqualTo(3.0);
            }
        }
    }

    private static void write(List<String> rows) throws IOException {
        Files.writeString(RESULTS.resolve("fleet.csv"), HEADER + "\n" + String.join("\n", rows) + "\n");
        Files.writeString(RESULTS.resolve("fleet.svg"), FleetChart.svg(rows));
    }

    // --- Rigger -------------------------------------------------------------------------------

    private record Proc(int exit, double seconds, double cpuSeconds, long execs, int unreachable) {}

    private record InProc(int exit, double seconds, double peakHeapMib) {}

    /**
     * A whole process as users run it: through the repository's {@code ./rigger} launcher (its JVM
     * options and class data archive, docs/cli.md), or a bare {@code java -jar rigger.jar} (the
     * jar copied elsewhere). {@code times} reports the CPU its processes used (user + system),
     * which a {@link Process} cannot tell once it has ended.
     */
    private static Proc wholeProcess(Path inventory, Path playbook, String run, int forks, boolean batch, boolean launcher) throws Exception {
        Path json = tmp.resolve("run-" + System.nanoTime() + ".jsonl");
        Path log = tmp.resolve("run-" + System.nanoTime() + ".log");
        List<String> command = new ArrayList<>(List.of("sh", "-c", "\"$@\" >" + log + " 2>&1; rc=$?; times; exit $rc", "sh"));
        if (launcher) {
            command.add(LAUNCHER.toString());
        } else {
            command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
        }
        command.addAll(List.of("play", "-i", inventory.toString(), playbook.toString(),
                "-e", "run=" + run, "--forks", Integer.toString(forks), "--json", json.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // RunOptions reads the default from this property; the launcher passes no JVM options through.
        if (!batch) builder.environment().put("JAVA_TOOL_OPTIONS", "-Drigger.batchProbes=false");
        long started = System.nanoTime();
        Process p = builder.start();
        String times = new String(p.getInputStream().readAllBytes(), UTF_8);
        if (!p.waitFor(30, TimeUnit.MINUTES)) throw new AssertionError("rigger play did not finish in 30 min");
        double seconds = seconds(started);
        if (p.exitValue() != 0) System.out.println(Files.readString(log));
        long execs = 0;
        int unreachable = 0;
        ObjectMapper mapper = new ObjectMapper();
        for (String line : Files.readAllLines(json)) {
            JsonNode event = mapper.readTree(line);
            if (!"host_result".equals(event.path("event").asText())) continue;
            execs += event.path("execs").asLong();
            if ("unreachable".equals(event.path("status").asText())) unreachable++;
        }
        return new Proc(p.exitValue(), seconds, childCpu(times), execs, unreachable);
    }

    /** Children's user and system time: the second line of {@code times}, e.g. {@code 0m3.120000s 0m0.450000s}. */
    static double childCpu(String times) {
        String[] lines = times.strip().split("\n");
        double total = 0;
        for (String part : lines[lines.length - 1].strip().split("\\s+")) {
            String[] ms = part.replace("s", "").split("m");
            total += Double.parseDouble(ms[0]) * 60 + Double.parseDouble(ms[1]);
        }
        return total;
    }

    /** The same command line in this (warm) JVM; peak heap is the heap pools' peak, reset after a full GC. */
    private static InProc inProcess(Path inventory, Path playbook, String run, int forks, boolean batch) {
        System.setProperty("rigger.batchProbes", Boolean.toString(batch)); // RunOptions' default, read per run
        System.gc();
        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP).toList();
        heap.forEach(MemoryPoolMXBean::resetPeakUsage);
        long started = System.nanoTime();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        PrintStream quiet = new PrintStream(output, true, UTF_8);
        int exit = Main.run(quiet, quiet, "play", "-i", inventory.toString(), playbook.toString(), "-e", "run=" + run,
                "--forks", Integer.toString(forks));
        double seconds = seconds(started);
        if (exit != 0) System.out.println(output.toString(UTF_8)); // why, for the report
        long peak = heap.stream().mapToLong(pool -> pool.getPeakUsage().getUsed()).sum();
        return new InProc(exit, seconds, peak / (1024.0 * 1024.0));
    }

    // --- The floor ----------------------------------------------------------------------------

    private record Timed(double seconds, int failures) {}

    /** One JSch session per host, the workload's four steps as four plain execs, every host on its own thread. */
    private static final class Floor {
        private final Fleet fleet;

        Floor(Fleet fleet) {
            this.fleet = fleet;
        }

        Timed run() throws Exception {
            List<String> hosts = fleet.hosts();
            ExecutorService pool = Executors.newFixedThreadPool(hosts.size());
            AtomicInteger failures = new AtomicInteger();
            long started = System.nanoTime();
            try {
                List<Future<?>> done = new ArrayList<>();
                for (String host : hosts) done.add(pool.submit(() -> {
                    try {
                        steps(fleet.address(host));
                    } catch (Exception e) {
                        failures.incrementAndGet();
                        System.out.println("FLEET floor failed on " + host + ": " + e);
                    }
                }));
                for (Future<?> f : done) f.get();
            } finally {
                pool.shutdownNow();
            }
            return new Timed(seconds(started), failures.get());
        }

        private void steps(String address) throws Exception {
            JSch jsch = new JSch();
            jsch.addIdentity(fleet.privateKeyFile().toString());
            jsch.setKnownHosts(fleet.knownHostsFile().toString());
            Session session = jsch.getSession("root", address, 22);
            session.setConfig("StrictHostKeyChecking", "yes");
            session.setConfig("PreferredAuthentications", "publickey");
            session.connect(60_000);
            try {
                exec(session, "id -u benchf >/dev/null 2>&1 || useradd benchf", null);
                exec(session, "touch /tmp/benchf-touched", null);
                exec(session, "cat > /tmp/benchf-copied", COPIED.getBytes(UTF_8));
                exec(session, "echo hello", null);
            } finally {
                session.disconnect();
            }
        }

        private static void exec(Session session, String command, byte[] stdin) throws Exception {
            ChannelExec channel = (ChannelExec) session.openChannel("exec");
            channel.setCommand(command);
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            channel.setErrStream(err);
            InputStream out = channel.getInputStream();
            OutputStream in = channel.getOutputStream();
            channel.connect(60_000);
            if (stdin != null) in.write(stdin);
            in.close();
            out.readAllBytes();
            while (!channel.isClosed()) Thread.sleep(1);
            int status = channel.getExitStatus();
            channel.disconnect();
            if (status != 0) throw new IOException("`" + command + "` exited " + status + ": " + err.toString(UTF_8));
        }
    }

    /** The one-minute load average ({@code /proc/loadavg}). */
    private static double loadAverage() throws IOException {
        return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }
}
