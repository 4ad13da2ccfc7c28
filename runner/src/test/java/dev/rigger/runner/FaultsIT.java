package dev.rigger.runner;

import static dev.rigger.runner.JarRuns.hostResult;
import static dev.rigger.runner.JarRuns.lastEvent;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rigger.runner.JarRuns.Run;
import dev.rigger.testing.Lab;
import dev.rigger.testing.LabHosts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults injected for real while {@code rigger play} (the built jar, its own process) runs on three
 * lab hosts: a network cut in the middle of a task, a host that is down from the start, and the
 * controller itself interrupted by SIGINT and SIGTERM. Each must end in a bounded time with the
 * outcome ansible-playbook gives, a recap and a complete JSON log, and a re-run must converge.
 */
@LabHosts({"f1", "f2", "f3"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultsIT {
    /** A long task ({@code sleep NAP}), then a file that proves the play went on. */
    private static final String PLAYBOOK = """
            - name: faults
              hosts: all
              gather_facts: false
              tasks:
                - name: nap
                  shell: "sleep {{ nap }}"
                - name: marker
                  copy:
                    content: "ran\\n"
                    dest: /etc/rigger-fault
            """;

    @TempDir
    static Path tmp;
    private static Path playbook;
    private static JarRuns jar;

    @BeforeAll
    static void files(Lab lab) throws IOException {
        playbook = Files.writeString(tmp.resolve("faults.yml"), PLAYBOOK);
        jar = new JarRuns(tmp, lab.writeInventory());
    }

    @Test
    @Order(1)
    void connectionCutMidTaskIsUnreachableWithinTheKeepaliveBoundAndARerunConverges(Lab lab) throws Exception {
        Path log = tmp.resolve("cut.jsonl");
        Process play = start(log, "nap=15");
        lab.await("the nap runs on f1", Duration.ofSeconds(20), () -> napping(lab, "f1", 15));
        lab.disconnect("f1");
        Instant cut = Instant.now();
        Run run = finish(play, Duration.ofSeconds(90));
        lab.reconnect("f1");

        JsonNode f1 = hostResult(log, "f1", "nap");
        Duration detected = Duration.between(cut, Instant.parse(f1.get("time").asText()));
        System.out.printf("FaultsIT: connection cut detected after %.1f s (default keepalive 5 s x 3)%n", detected.toMillis() / 1000.0);
        assertThat(f1.get("status").asText()).isEqualTo("unreachable");
        assertThat(run.out()).contains("fatal: [f1]: UNREACHABLE!").doesNotContain("non-zero return code");
        assertThat(detected).isLessThanOrEqualTo(Duration.ofSeconds(30));
        // The others were not held up: they finished the nap and went on to the next task.
        for (String h : List.of("f2", "f3")) {
            assertThat(hostResult(log, h, "nap").get("status").asText()).isEqualTo("changed");
            assertThat(hostResult(log, h, "marker").get("status").asText()).isEqualTo("changed");
        }
        assertThat(run.exitCode()).isEqualTo(4);
        assertThat(lastEvent(log).get("event").asText()).isEqualTo("run_finished");

        Run again = finish(start(tmp.resolve("cut-again.jsonl"), "nap=1"), Duration.ofSeconds(60));
        assertThat(again.exitCode()).as(again.out()).isZero();
        for (String h : List.of("f1", "f2", "f3")) assertThat(lab.shell(h, "cat /etc/rigger-fault")).isEqualTo("ran\n");
    }

    @Test
    @Order(2)
    void hostDownAtStartIsUnreachableWithinTheConnectTimeoutAndTheOthersFinish(Lab lab) throws Exception {
        lab.stop("f3");
        lab.shell("f1", "rm -f /etc/rigger-fault");
        lab.shell("f2", "rm -f /etc/rigger-fault");
        Path log = tmp.resolve("down.jsonl");
        long started = System.nanoTime();
        Run run = finish(start(log, "nap=1"), Duration.ofSeconds(60));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        lab.start("f3");

        JsonNode f3 = hostResult(log, "f3", "nap");
        System.out.printf("FaultsIT: host down reported after %d ms (run took %.1f s)%n", f3.get("duration_ms").asLong(), took.toMillis() / 1000.0);
        assertThat(f3.get("status").asText()).isEqualTo("unreachable");
        assertThat(f3.get("duration_ms").asLong()).isLessThanOrEqualTo(Duration.ofSeconds(10 + 2).toMillis());
        assertThat(run.exitCode()).isEqualTo(4);
        assertThat(run.out()).containsPattern("f1 +: ok=2 +changed=2 +unreachable=0 +failed=0")
                .containsPattern("f3 +: ok=0 +changed=0 +unreachable=1 +failed=0");
        for (String h : List.of("f1", "f2")) assertThat(lab.shell(h, "cat /etc/rigger-fault")).isEqualTo("ran\n");
    }

    @Test
    @Order(3)
    void sigintStopsTheRunWithARecapACompleteLogAndNothingLeftRunningOnTheHosts(Lab lab) throws Exception {
        interrupt(lab, "INT", 120);
    }

    @Test
    @Order(4)
    void sigtermStopsTheRunWithARecapACompleteLogAndNothingLeftRunningOnTheHosts(Lab lab) throws Exception {
        interrupt(lab, "TERM", 121);
    }

    /** Interrupts a run while every host runs {@code sleep NAP}, a nap no other test takes. */
    private static void interrupt(Lab lab, String signal, int nap) throws Exception {
        for (String h : List.of("f1", "f2", "f3")) lab.shell(h, "rm -f /etc/rigger-fault");
        Path log = tmp.resolve("sig" + signal + ".jsonl");
        Process play = start(log, "nap=" + nap);
        lab.await("the nap runs on every host", Duration.ofSeconds(30),
                () -> List.of("f1", "f2", "f3").stream().allMatch(h -> napping(lab, h, nap)));
        long sent = System.nanoTime();
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(play.pid())).inheritIO().start();
        assertThat(kill.waitFor()).isZero();
        Run run = finish(play, Duration.ofSeconds(30));
        System.out.printf("FaultsIT: SIG%s ended the run after %d ms%n", signal, (System.nanoTime() - sent) / 1_000_000);

        assertThat(run.exitCode()).isEqualTo(99);
        assertThat(run.err()).contains("User interrupted execution");
        assertThat(run.out()).contains("PLAY RECAP").containsPattern("f1 +: ok=0 +changed=0 +unreachable=0 +failed=0")
                .doesNotContain("FAILED!").doesNotContain("non-zero return code");
        for (String h : List.of("f1", "f2", "f3")) {
            // As ansible-playbook says on Ctrl-C; the task the interrupt cut is not the task's failure.
            assertThat(run.out()).contains("interrupted: [" + h + "] => User interrupted execution");
            assertThat(hostResult(log, h, "nap").get("status").asText()).isEqualTo("interrupted");
        }
        JsonNode last = lastEvent(log);
        assertThat(last.get("event").asText()).isEqualTo("run_finished");
        assertThat(last.get("exit_code").asInt()).isEqualTo(99);
        for (String h : List.of("f1", "f2", "f3")) {
            assertThat(napping(lab, h, nap)).as("the sleep still runs on %s", h).isFalse();
            // No task starts after the interrupt.
            assertThat(lab.exec(h, "test", "-e", "/etc/rigger-fault").exitCode()).isNotZero();
        }
    }

    private static boolean napping(Lab lab, String host, int nap) {
        return lab.exec(host, "pgrep", "-fx", "sleep " + nap).exitCode() == 0;
    }

    /** {@code rigger play} of the fault playbook with these extra variables, started and left running. */
    private static Process start(Path log, String... extraVars) throws IOException {
        List<String> args = new ArrayList<>();
        for (String e : extraVars) args.addAll(List.of("-e", e));
        return jar.start(null, playbook, log, args.toArray(String[]::new));
    }

    private static Run finish(Process process, Duration limit) throws Exception {
        return jar.finish(process, limit);
    }
}
