package dev.rigger.runner;

import static dev.rigger.runner.JarRuns.hostResult;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rigger.runner.JarRuns.Run;
import dev.rigger.testing.Lab;
import dev.rigger.testing.LabHosts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Big and odd inputs through the built jar ({@code java -Xmx256m -jar rigger.jar play}, its own
 * process) on three lab hosts: a copy several times the controller's heap streams to every host
 * and is checked there, about as fast as {@code scp}; sshd killed during a big copy and during a
 * long shell leaves that host failed or unreachable, its file old or new and never partial, and a
 * re-run converges; bytes that are not plain text arrive exactly and stay unchanged on a second
 * run; a shell printing 100 MB costs the controller a few MiB; a host that hangs
 * ({@code docker pause}) mid-task is unreachable within the keepalive bound and the others go on
 * right then; a {@code reboot} task (the lab's reboot: the container stops and is started again)
 * waits for the new boot and the play goes on over a new session.
 *
 * <p>The big file is 256 MiB and the copies run with a 64 MiB heap: four times the heap, so neither
 * a whole-file buffer nor a copy per host can fit. {@code -Drigger.bigcopy.mib=1024
 * -Drigger.bigcopy.heap=256m} gives the issue's 1 GiB under 256 MiB (CI keeps the smaller sizes
 * for time).
 */
@LabHosts({"b1", "b2", "b3"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BigInputsIT {
    private static final List<String> HOSTS = List.of("b1", "b2", "b3");
    private static final long MIB = 1024 * 1024;
    private static final long BIG = Long.getLong("rigger.bigcopy.mib", 256) * MIB;
    /** The controller's heap during the big copies: a quarter of the file by default. */
    private static final String BIG_HEAP = "-Xmx" + System.getProperty("rigger.bigcopy.heap", "64m");
    /** The heap for every other run: the issue's 256 MiB. */
    private static final String HEAP = "-Xmx256m";

    @TempDir
    static Path tmp;
    private static JarRuns jar;
    private static Path big;
    private static String bigSha;

    @BeforeAll
    static void files(Lab lab) throws Exception {
        jar = new JarRuns(tmp, lab.writeInventory());
        Files.createDirectories(tmp.resolve("files"));
        Files.createDirectories(tmp.resolve("templates"));
        big = tmp.resolve("files/big.bin");
        long started = System.nanoTime();
        bigSha = writeRandom(big, BIG);
        System.out.printf("BigInputsIT: wrote %d MiB in %.1f s%n", BIG / MIB, seconds(started));
        // Most servers have OpenSSL (ca-certificates needs it); with it the hosts hash what they
        // receive with the CPU's SHA instructions. The other lab tests check sha256sum's way.
        for (String h : HOSTS) {
            lab.shell(h, "mkdir -p /srv/big /srv/cut /srv/odd && apt-get update -q >/dev/null"
                    + " && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends openssl >/dev/null");
        }
    }

    @Test
    @Order(1)
    void aCopySeveralTimesTheHeapStreamsToEveryHostIsCheckedThereAndTakesAboutAsLongAsScp(Lab lab) throws Exception {
        Path playbook = playbook("copy-big.yml", """
                - hosts: all
                  gather_facts: false
                  tasks:
                    - name: big
                      copy:
                        src: big.bin
                        dest: /srv/big/big.bin
                        mode: "0644"
                """);
        Path log = tmp.resolve("big.jsonl");
        long started = System.nanoTime();
        Run run = play(BIG_HEAP, playbook, log);
        double took = seconds(started);
        assertThat(run.exitCode()).as(run.out()).isZero();
        for (String h : HOSTS) {
            JsonNode r = hostResult(log, h, "big");
            assertThat(r.get("status").asText()).isEqualTo("changed");
            assertThat(r.get("execs").asInt()).isEqualTo(2);
            assertThat(sha256(lab, h, "/srv/big/big.bin")).isEqualTo(bigSha);
            assertThat(lab.shell(h, "ls -A /srv/big")).isEqualTo("big.bin\n");
        }

        Path again = tmp.resolve("big-again.jsonl");
        long second = System.nanoTime();
        Run unchanged = play(BIG_HEAP, playbook, again);
        double tookAgain = seconds(second);
        assertThat(unchanged.exitCode()).isZero();
        for (String h : HOSTS) {
            JsonNode r = hostResult(again, h, "big");
            assertThat(r.get("status").asText()).isEqualTo("ok");
            assertThat(r.get("execs").asInt()).isEqualTo(1);
        }

        double scp = scpToEveryHost(lab);
        System.out.printf("BigInputsIT: copy of %d MiB to %d hosts with %s: %.1f s (peak RSS %d MiB), unchanged re-run %.1f s,"
                        + " scp in parallel %.1f s%n", BIG / MIB, HOSTS.size(), BIG_HEAP, took, run.peakRssKib() / 1024, tookAgain, scp);
        // The heap cap makes any whole-file buffer fail; the process stays well below what it would need.
        assertThat(run.peakRssKib() * 1024).isLessThan(BIG);
        assertThat(took).as("rigger vs scp, seconds").isLessThan(3 * scp + 15);
    }

    @Test
    @Order(2)
    void sshdKilledDuringABigCopyLeavesTheOldFileAndARerunConverges(Lab lab) throws Exception {
        // Two hosts are enough to show that only the one whose sshd died is hurt, and save a copy.
        List<String> hosts = List.of("b1", "b2");
        for (String h : hosts) lab.shell(h, "printf 'old\\n' > /srv/cut/big.bin");
        Path playbook = playbook("copy-cut.yml", """
                - hosts: b1,b2
                  gather_facts: false
                  tasks:
                    - name: big
                      copy:
                        src: big.bin
                        dest: /srv/cut/big.bin
                """);
        Path log = tmp.resolve("cut.jsonl");
        Process play = start(BIG_HEAP, playbook, log);
        lab.await("the copy is under way on b1", Duration.ofSeconds(60),
                () -> tempSize(lab, "b1", "/srv/cut") > Math.min(BIG / 4, 128 * MIB));
        Instant killed = Instant.now();
        assertThat(lab.exec("b1", "pkill", "-KILL", "-x", "sshd").exitCode()).isZero();
        Run run = finish(play, Duration.ofMinutes(5));
        bringBackSshd(lab, "b1");

        JsonNode b1 = hostResult(log, "b1", "big");
        System.out.printf("BigInputsIT: sshd killed during the copy, b1 %s after %.1f s: %s%n", b1.get("status").asText(),
                Duration.between(killed, Instant.parse(b1.get("time").asText())).toMillis() / 1000.0, b1.get("message").asText());
        assertThat(b1.get("status").asText()).isIn("unreachable", "failed");
        assertThat(lab.shell("b1", "cat /srv/cut/big.bin")).isEqualTo("old\n");
        assertThat(hostResult(log, "b2", "big").get("status").asText()).isEqualTo("changed");
        assertThat(sha256(lab, "b2", "/srv/cut/big.bin")).isEqualTo(bigSha);
        System.out.printf("BigInputsIT: left in /srv/cut on b1 before the re-run: %s%n", lab.shell("b1", "ls -A /srv/cut").strip());

        Path again = tmp.resolve("cut-again.jsonl");
        Run rerun = play(BIG_HEAP, playbook, again);
        assertThat(rerun.exitCode()).as(rerun.out()).isZero();
        assertThat(hostResult(again, "b1", "big").get("status").asText()).isEqualTo("changed");
        for (String h : hosts) {
            assertThat(sha256(lab, h, "/srv/cut/big.bin")).isEqualTo(bigSha);
            assertThat(lab.shell(h, "ls -A /srv/cut")).as("no temp file on %s", h).isEqualTo("big.bin\n");
        }
    }

    @Test
    @Order(3)
    void sshdKilledDuringALongShellFailsThatHostOnlyAndARerunConverges(Lab lab) throws Exception {
        Path playbook = playbook("nap.yml", """
                - hosts: all
                  gather_facts: false
                  tasks:
                    - name: nap
                      shell: "sleep {{ nap }}"
                    - name: marker
                      copy:
                        content: "ran\\n"
                        dest: /srv/cut/marker
                """);
        Path log = tmp.resolve("nap.jsonl");
        Process play = start(playbook, log, "-e", "nap=12");
        lab.await("the nap runs on b1", Duration.ofSeconds(30),
                () -> lab.exec("b1", "pgrep", "-fx", "sleep 12").exitCode() == 0);
        Instant killed = Instant.now();
        assertThat(lab.exec("b1", "pkill", "-KILL", "-x", "sshd").exitCode()).isZero();
        Run run = finish(play, Duration.ofSeconds(90));
        bringBackSshd(lab, "b1");

        JsonNode b1 = hostResult(log, "b1", "nap");
        Duration detected = Duration.between(killed, Instant.parse(b1.get("time").asText()));
        System.out.printf("BigInputsIT: sshd killed during a shell, b1 %s after %.1f s%n", b1.get("status").asText(),
                detected.toMillis() / 1000.0);
        assertThat(b1.get("status").asText()).isEqualTo("unreachable");
        assertThat(detected).isLessThan(Duration.ofSeconds(5)); // a closed connection needs no keepalive to be seen
        assertThat(run.exitCode()).isEqualTo(4);
        for (String h : List.of("b2", "b3")) assertThat(hostResult(log, h, "marker").get("status").asText()).isEqualTo("changed");

        Run rerun = play(playbook, tmp.resolve("nap-again.jsonl"), "-e", "nap=1");
        assertThat(rerun.exitCode()).as(rerun.out()).isZero();
        for (String h : HOSTS) assertThat(lab.shell(h, "cat /srv/cut/marker")).isEqualTo("ran\n");
    }

    @Test
    @Order(4)
    void oddBytesArriveExactlyAndStayUnchangedOnASecondRun(Lab lab) throws Exception {
        byte[] tenMegabyteLine = new byte[10 * 1024 * 1024];
        java.util.Arrays.fill(tenMegabyteLine, (byte) 'x');
        List<byte[]> files = List.of(
                bytes(new byte[] {'a', 0, 'b', 0, 0, '\n', 0}),
                bytes("caf".getBytes(UTF_8), new byte[] {(byte) 0xe9, (byte) 0xff, (byte) 0xc3, '\n'}),
                "one\r\ntwo\r\n".getBytes(UTF_8),
                "no newline at the end".getBytes(UTF_8),
                bytes(tenMegabyteLine, "\nshort\n".getBytes(UTF_8)));
        StringBuilder tasks = new StringBuilder();
        for (int i = 0; i < files.size(); i++) {
            Files.write(tmp.resolve("files/odd" + i), files.get(i));
            Files.write(tmp.resolve("templates/odd" + i + ".mustache"), bytes("{{ greeting }}\r\n".getBytes(UTF_8), files.get(i)));
            tasks.append("    - name: copy odd").append(i).append("\n      copy: {src: odd").append(i)
                    .append(", dest: /srv/odd/c").append(i).append("}\n");
            tasks.append("    - name: template odd").append(i).append("\n      template: {src: odd").append(i)
                    .append(".mustache, dest: /srv/odd/t").append(i).append("}\n");
        }
        Path playbook = playbook("odd.yml", "- hosts: b3\n  gather_facts: false\n  vars:\n    greeting: \"grüße\"\n  tasks:\n" + tasks);

        Run first = play(playbook, tmp.resolve("odd.jsonl"));
        assertThat(first.exitCode()).as(first.out()).isZero();
        Path log = tmp.resolve("odd-again.jsonl");
        Run second = play(playbook, log);
        assertThat(second.exitCode()).isZero();
        for (String h : List.of("b3")) {
            for (int i = 0; i < files.size(); i++) {
                assertThat(sha256(lab, h, "/srv/odd/c" + i)).as("copy odd%d on %s", i, h).isEqualTo(sha256(files.get(i)));
                assertThat(sha256(lab, h, "/srv/odd/t" + i)).as("template odd%d on %s", i, h)
                        .isEqualTo(sha256(bytes("grüße\r\n".getBytes(UTF_8), files.get(i))));
                assertThat(hostResult(log, h, "copy odd" + i).get("status").asText()).isEqualTo("ok");
                assertThat(hostResult(log, h, "template odd" + i).get("status").asText()).isEqualTo("ok");
            }
        }
    }

    @Test
    @Order(5)
    void aShellPrinting100MegabytesIsCutShortWithANoteAndCostsLittleMemory(Lab lab) throws Exception {
        Path playbook = playbook("loud.yml", """
                - hosts: b3
                  gather_facts: false
                  tasks:
                    - name: loud
                      shell: "head -c 100000000 /dev/zero | tr '\\\\000' x; echo; echo THE-END"
                      register: loud
                    - name: size
                      debug:
                        msg: "{{ loud.stdout | length }}"
                    - name: start, note and end
                      assert:
                        that:
                          - "loud.stdout is search('^xxx')"
                          - "'[rigger: output truncated: ' in loud.stdout"
                          - "loud.stdout is search('THE-END')"
                """);
        Path log = tmp.resolve("loud.jsonl");
        Run run = play(playbook, log);
        System.out.printf("BigInputsIT: 100 MB of output with %s: peak RSS %d MiB%n", HEAP, run.peakRssKib() / 1024);
        assertThat(run.exitCode()).as(run.out()).isZero();
        for (String h : List.of("b3")) {
            assertThat(Long.parseLong(hostResult(log, h, "size").get("message").asText())).isBetween(4L * MIB, 4L * MIB + 200);
            assertThat(hostResult(log, h, "start, note and end").get("status").asText()).isEqualTo("ok");
        }
    }

    @Test
    @Order(6)
    void aHostThatHangsMidTaskIsUnreachableWithinTheKeepaliveBoundAndHoldsTheOthersNoLonger(Lab lab) throws Exception {
        Path playbook = playbook("hang.yml", """
                - hosts: all
                  gather_facts: false
                  tasks:
                    - name: nap
                      shell: "sleep {{ nap }}"
                    - name: marker
                      copy:
                        content: "after the hang\\n"
                        dest: /srv/cut/hang
                """);
        Path log = tmp.resolve("hang.jsonl");
        Process play = start(playbook, log, "-e", "nap=13");
        lab.await("the nap runs on b1", Duration.ofSeconds(30),
                () -> lab.exec("b1", "pgrep", "-fx", "sleep 13").exitCode() == 0);
        lab.pause("b1");
        Instant paused = Instant.now();
        Run run;
        try {
            run = finish(play, Duration.ofSeconds(120));
        } finally {
            lab.unpause("b1");
        }

        JsonNode b1 = hostResult(log, "b1", "nap");
        Duration detected = Duration.between(paused, Instant.parse(b1.get("time").asText()));
        Instant othersWentOn = Instant.parse(hostResult(log, "b2", "marker").get("time").asText());
        System.out.printf("BigInputsIT: a paused host was found unreachable %.1f s after the pause (default keepalive 5 s x 3);"
                + " the others went on %.1f s after that%n", detected.toMillis() / 1000.0,
                Duration.between(Instant.parse(b1.get("time").asText()), othersWentOn).toMillis() / 1000.0);
        assertThat(b1.get("status").asText()).isEqualTo("unreachable");
        assertThat(detected).isLessThanOrEqualTo(Duration.ofSeconds(30));
        assertThat(run.exitCode()).isEqualTo(4);
        for (String h : List.of("b2", "b3")) {
            assertThat(hostResult(log, h, "nap").get("status").asText()).isEqualTo("changed");
            assertThat(hostResult(log, h, "marker").get("status").asText()).isEqualTo("changed");
        }
        // Linear: the others wait for the hung host's verdict, and not a moment longer.
        assertThat(Duration.between(Instant.parse(b1.get("time").asText()), othersWentOn)).isLessThan(Duration.ofSeconds(10));

        Run rerun = play(playbook, tmp.resolve("hang-again.jsonl"), "-e", "nap=1");
        assertThat(rerun.exitCode()).as(rerun.out()).isZero();
        assertThat(lab.shell("b1", "cat /srv/cut/hang")).isEqualTo("after the hang\n");
    }

    @Test
    @Order(7)
    void aRebootTaskWaitsForTheNewBootAndThePlayGoesOnOverANewSession(Lab lab) throws Exception {
        Path playbook = playbook("reboot.yml", """
                - hosts: b2
                  gather_facts: false
                  tasks:
                    - name: reboot
                      reboot:
                        reboot_timeout: 180
                    - name: after
                      copy:
                        content: "after the reboot\\n"
                        dest: /run/after-reboot
                """);
        String pid1Before = lab.shell("b2", "cut -d ' ' -f 22 /proc/1/stat").strip();
        Path log = tmp.resolve("reboot.jsonl");
        Process play = start(playbook, log);
        // The lab's power switch: a container whose systemd rebooted has stopped; switch it back on.
        String container = lab.host("b2").containerId();
        lab.await("b2 went down", Duration.ofSeconds(60), () -> !dockerOut("inspect", "-f", "{{.State.Running}}", container).equals("true"));
        lab.start("b2");
        Run run = finish(play, Duration.ofSeconds(240));

        JsonNode reboot = hostResult(log, "b2", "reboot");
        System.out.printf("BigInputsIT: reboot task took %.1f s (%d execs)%n", reboot.get("duration_ms").asLong() / 1000.0,
                reboot.get("execs").asInt());
        assertThat(run.exitCode()).as(run.out()).isZero();
        assertThat(reboot.get("status").asText()).isEqualTo("changed");
        assertThat(hostResult(log, "b2", "after").get("status").asText()).isEqualTo("changed");
        // /run is a tmpfs: the file proves the task after the reboot ran on the new boot.
        assertThat(lab.shell("b2", "cat /run/after-reboot")).isEqualTo("after the reboot\n");
        assertThat(lab.shell("b2", "cut -d ' ' -f 22 /proc/1/stat").strip()).isNotEqualTo(pid1Before);
    }

    private static String dockerOut(String... args) {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), UTF_8).strip();
            p.waitFor();
            return out;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes {@code size} bytes and returns their sha256: one seeded random MiB, each repetition
     * stamped with its number (random bytes for all of it would take longer than the copy).
     */
    private static String writeRandom(Path file, long size) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] chunk = new byte[(int) MIB];
        new Random(42).nextBytes(chunk);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = size, block = 0; left > 0; left -= chunk.length, block++) {
                for (int i = 0; i < 8; i++) chunk[i] = (byte) (block >>> (8 * i));
                int n = (int) Math.min(chunk.length, left);
                out.write(chunk, 0, n);
                digest.update(chunk, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The same file to every host with OpenSSH's scp, all at once, in seconds: the yardstick. */
    private static double scpToEveryHost(Lab lab) throws Exception {
        long started = System.nanoTime();
        List<Process> copies = new ArrayList<>();
        for (String h : HOSTS) {
            copies.add(new ProcessBuilder("scp", "-q", "-i", lab.privateKeyFile().toString(),
                    "-o", "UserKnownHostsFile=" + lab.knownHostsFile(), "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes",
                    big.toString(), "root@" + lab.host(h).ip() + ":/srv/scp.bin").inheritIO().start());
        }
        for (Process p : copies) assertThat(p.waitFor()).as("scp exit").isZero();
        double took = seconds(started);
        for (String h : HOSTS) lab.shell(h, "rm -f /srv/scp.bin");
        return took;
    }

    private static long tempSize(Lab lab, String host, String dir) {
        Lab.LabExec e = lab.exec(host, "sh", "-c", "cat " + dir + "/.*.rigger-* 2>/dev/null | wc -c");
        return e.exitCode() == 0 ? Long.parseLong(e.stdout().strip()) : 0;
    }

    /** sshd as systemd brings it back after a crash, or as an operator would. */
    private static void bringBackSshd(Lab lab, String host) {
        lab.shell(host, "systemctl reset-failed ssh.service; systemctl start ssh.service");
        lab.await("sshd is back on " + host, Duration.ofSeconds(30),
                () -> lab.exec(host, "systemctl", "is-active", "--quiet", "ssh.service").exitCode() == 0);
    }

    private static String sha256(Lab lab, String host, String path) {
        return lab.shell(host, "sha256sum < " + path).split(" ")[0];
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static byte[] bytes(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    private static Path playbook(String name, String yaml) throws IOException {
        return Files.writeString(tmp.resolve(name), yaml);
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    private static Run play(Path playbook, Path log, String... extra) throws Exception {
        return jar.play(HEAP, playbook, log, extra);
    }

    private static Run play(String heap, Path playbook, Path log, String... extra) throws Exception {
        return jar.play(heap, playbook, log, extra);
    }

    private static Process start(Path playbook, Path log, String... extra) throws IOException {
        return jar.start(HEAP, playbook, log, extra);
    }

    private static Process start(String heap, Path playbook, Path log, String... extra) throws IOException {
        return jar.start(heap, playbook, log, extra);
    }

    private static Run finish(Process process, Duration limit) throws Exception {
        return jar.finish(process, limit);
    }
}
