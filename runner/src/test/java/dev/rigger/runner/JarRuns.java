package dev.rigger.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code rigger play} through the built jar, as its own process, for the lab tests that inject
 * faults into a run (FaultsIT, BigInputsIT): start it and leave it running, or run it to the end;
 * then its exit code, stdout, stderr and peak resident memory, and the events of its JSON log.
 *
 * <p>The JVM is started through {@code env --default-signal=INT}: a shell starts background jobs
 * (as Maven may run here) with SIGINT ignored, and the JVM would then never see it, as Ctrl-C in a
 * terminal does.
 */
final class JarRuns {
    static final Path JAR = Path.of("target/rigger.jar").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path tmp;
    private final Path inventory;
    private final Map<Process, Started> started = new ConcurrentHashMap<>();

    /** Runs against {@code inventory}, with output files in {@code tmp}. */
    JarRuns(Path tmp, Path inventory) {
        assertThat(JAR).as("built by 'mvn package'").exists();
        this.tmp = tmp;
        this.inventory = inventory;
    }

    /** What a finished run left: {@code peakRssKib} is the process's VmHWM, sampled every 50 ms. */
    record Run(int exitCode, String out, String err, long peakRssKib) {}

    private record Started(Path out, Path err, AtomicLong peakRssKib) {}

    /**
     * Starts {@code java [heap] -jar rigger.jar play PLAYBOOK -i INVENTORY --json LOG ARGS...} and
     * leaves it running; {@code heap} (such as {@code -Xmx256m}) may be null for the JVM's default.
     */
    Process start(String heap, Path playbook, Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("env", "--default-signal=INT",
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (heap != null) command.add(heap);
        command.addAll(List.of("-jar", JAR.toString(), "play", playbook.toString(), "-i", inventory.toString(),
                "--json", log.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("NO_COLOR", "1");
        Process process = builder.start();
        AtomicLong peak = new AtomicLong();
        sampleMemory(process, peak);
        started.put(process, new Started(out, err, peak));
        return process;
    }

    /** Starts a run and waits up to five minutes for it to end. */
    Run play(String heap, Path playbook, Path log, String... args) throws Exception {
        return finish(start(heap, playbook, log, args), Duration.ofMinutes(5));
    }

    /**
     * Waits for a started run to end and prints its output. A run still going after {@code limit}
     * hangs: its thread dump is printed, it is killed, and the test fails.
     */
    Run finish(Process process, Duration limit) throws Exception {
        Started run = started.remove(process);
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            Path jstack = Path.of(System.getProperty("java.home"), "bin", "jstack");
            if (Files.isExecutable(jstack)) { // where it hangs, for the report (env exec'd the JVM: same pid)
                new ProcessBuilder(jstack.toString(), Long.toString(process.pid())).inheritIO().start().waitFor();
            }
            process.destroyForcibly();
            System.out.println(Files.readString(run.out()));
            throw new AssertionError("rigger play did not finish within " + limit.toSeconds() + " s: it hangs");
        }
        Run result = new Run(process.exitValue(), Files.readString(run.out()), Files.readString(run.err()), run.peakRssKib().get());
        System.out.println(shortened(result.out()));
        System.out.println(shortened(result.err()));
        return result;
    }

    /** Every event of a JSON log; each line must be valid JSON. */
    static List<JsonNode> events(Path log) throws IOException {
        List<JsonNode> events = new ArrayList<>();
        for (String line : Files.readAllLines(log)) events.add(JSON.readTree(line));
        return events;
    }

    /** The first result of {@code task} on {@code host}. */
    static JsonNode hostResult(Path log, String host, String task) throws IOException {
        return events(log).stream()
                .filter(e -> e.get("event").asText().equals("host_result") && e.get("host").asText().equals(host)
                        && e.get("task").asText().equals(task))
                .findFirst().orElseThrow(() -> new AssertionError("no result of " + task + " on " + host + " in " + log));
    }

    static JsonNode lastEvent(Path log) throws IOException {
        List<JsonNode> all = events(log);
        return all.get(all.size() - 1);
    }

    private static String shortened(String output) {
        return output.length() > 20_000 ? output.substring(0, 20_000) + "..." : output;
    }

    /**
     * The JVM's peak resident memory (VmHWM), read while it runs. The process started is
     * {@code env}, which execs the JVM: same pid.
     */
    private static void sampleMemory(Process process, AtomicLong peak) {
        Thread sampler = new Thread(() -> {
            Path status = Path.of("/proc", Long.toString(process.pid()), "status");
            while (process.isAlive()) {
                try {
                    for (String line : Files.readAllLines(status)) {
                        if (line.startsWith("VmHWM:")) peak.set(Long.parseLong(line.replaceAll("\\D", "")));
                    }
                    Thread.sleep(50);
                } catch (IOException | InterruptedException | NumberFormatException e) {
                    return; // the process is gone
                }
            }
        });
        sampler.setDaemon(true);
        sampler.start();
    }
}
