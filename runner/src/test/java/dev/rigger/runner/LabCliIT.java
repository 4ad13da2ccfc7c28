package dev.rigger.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import dev.rigger.testing.Lab;
import dev.rigger.testing.internal.LabEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.ExecInContainerPattern;

/**
 * {@code rigger lab} through the built jars, each command its own process as a user runs it
 * ({@code java -jar target/rigger.jar}, which finds rigger-lab.jar next to it): the demo's whole
 * Molecule sequence, then the single steps on one host, with a playbook that is not idempotent.
 * Docker is asked directly (not through Rigger) whether the containers outlive each process and
 * whether {@code down} and {@code test} leave none behind.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LabCliIT {
    private static final Path JAR = Path.of("target/rigger.jar").toAbsolutePath();
    private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
    private static final Path MODULE = Path.of("").toAbsolutePath();
    private static final String SOLO = "src/test/resources/lab/solo.yml";
    private static final String NOT_IDEMPOTENT = "src/test/resources/lab/not-idempotent.yml";

    @TempDir
    static Path tmp;

    @BeforeAll
    static void jars() {
        LabEnvironment.requireDocker();
        assertThat(JAR).as("built by 'mvn package'").exists();
        assertThat(JAR.resolveSibling(LabCommand.LAB_JAR)).as("built by 'mvn package'").exists();
    }

    @Test
    @Order(1)
    void theDemoPassesMoleculesSequenceAndLeavesNoContainer() throws Exception {
        Path dir = tmp.resolve("demo");
        Run test = rigger(REPOSITORY, "lab", "test", "examples/demo/site.yml", "-i", "examples/demo/hosts.yml", "--lab-dir", dir.toString());
        System.out.println(test.out);
        assertThat(test.err).isEmpty();
        assertThat(test.code).isZero();
        assertThat(test.out).contains("idempotence: the second run changed nothing")
                .containsPattern("create +ok").containsPattern("converge +ok").containsPattern("idempotence +ok")
                .containsPattern("verify +ok").containsPattern("destroy +ok");
        assertThat(containers(dir)).as("lab containers left behind").isEmpty();
        assertThat(dir.resolve("state.properties")).doesNotExist();
    }

    @Test
    @Order(2)
    void eachStepIsItsOwnProcessAndTheLabOutlivesThem() throws Exception {
        Path dir = tmp.resolve("solo");
        String labDir = dir.toString();
        Run up = rigger(MODULE, "lab", "up", SOLO, "--lab-dir", labDir);
        assertThat(up.code).as(up.err).isZero();
        // The host's address and the VIP of its network, moved onto the lab's /24.
        assertThat(up.out).containsPattern("192\\.0\\.2\\.50 -> 10\\.213\\.\\d+\\.11").containsPattern("192\\.0\\.2\\.99 -> 10\\.213\\.\\d+\\.201");
        List<Container> started = containers(dir);
        assertThat(started).as("the container outlives lab up's process").singleElement()
                .satisfies(c -> assertThat(c.getState()).isEqualTo("running"));
        String id = started.get(0).getId();

        Run converge = rigger(MODULE, "lab", "converge", NOT_IDEMPOTENT, "--lab-dir", labDir);
        assertThat(converge.code).as(converge.out + converge.err).isZero();
        String vip = exec(id, "cat", "/etc/solo-vip").strip();
        assertThat(vip).as("the VIP as the host got it").matches("10\\.213\\.\\d+\\.201");

        Run idempotence = rigger(MODULE, "lab", "idempotence", NOT_IDEMPOTENT, "--lab-dir", labDir);
        assertThat(idempotence.code).isEqualTo(2);
        assertThat(idempotence.err.lines().toList()).containsExactly(
                "error: not idempotent: task 'stamp the time' (" + NOT_IDEMPOTENT + ":11:7) changed again on the second run on solo");

        Run typo = rigger(MODULE, "lab", "drill", "sole", "stop", "--lab-dir", labDir);
        assertThat(typo.err).isEqualTo("error: sole: no such host in the lab; it has solo (did you mean 'solo'?)\n");
        assertThat(typo.code).isEqualTo(2);
        Run stop = rigger(MODULE, "lab", "drill", "solo", "stop", "--lab-dir", labDir);
        assertThat(stop.code).as(stop.err).isZero();
        assertThat(containers(dir)).singleElement().satisfies(c -> assertThat(c.getState()).isEqualTo("exited"));
        Run start = rigger(MODULE, "lab", "drill", "solo", "start", "--lab-dir", labDir);
        assertThat(start.code).as(start.err).isZero();
        Run again = rigger(MODULE, "lab", "converge", NOT_IDEMPOTENT, "--lab-dir", labDir);
        assertThat(again.code).as("converges after the host booted again: " + again.out + again.err).isZero();
        assertThat(again.out).contains("ok: [solo]");

        Run down = rigger(MODULE, "lab", "down", "--lab-dir", labDir);
        assertThat(down.code).as(down.err).isZero();
        assertThat(down.out).startsWith("lab removed: 1 containers");
        assertThat(containers(dir)).isEmpty();
        Run gone = rigger(MODULE, "lab", "converge", NOT_IDEMPOTENT, "--lab-dir", labDir);
        assertThat(gone.err).isEqualTo("error: " + labDir + ": no lab here; start one with rigger lab up INVENTORY --lab-dir " + labDir + "\n");
        assertThat(gone.code).isEqualTo(2);
    }

    @Test
    @Order(3)
    void labTestFailsOnAPlaybookThatIsNotIdempotentAndStillRemovesTheLab() throws Exception {
        Path dir = tmp.resolve("failing");
        Run test = rigger(MODULE, "lab", "test", NOT_IDEMPOTENT, "-i", SOLO, "--lab-dir", dir.toString());
        assertThat(test.code).isEqualTo(2);
        assertThat(test.err).contains("error: not idempotent: task 'stamp the time'");
        assertThat(test.out).containsPattern("idempotence +exit 2").contains("verify       not run").containsPattern("destroy +ok");
        assertThat(containers(dir)).isEmpty();
    }

    /** A test that failed halfway leaves its lab up (it outlives every process): remove what is left. */
    @AfterAll
    static void removeLabsLeftByAFailure() throws Exception {
        for (String name : List.of("demo", "solo", "failing")) {
            Path dir = tmp.resolve(name);
            if (!containers(dir).isEmpty()) rigger(MODULE, "lab", "down", "--lab-dir", dir.toString());
        }
    }

    private record Run(int code, String out, String err) {}

    private static Run rigger(Path workdir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        long t0 = System.nanoTime();
        Process process = new ProcessBuilder(command).directory(workdir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(process.waitFor(10, TimeUnit.MINUTES)).as("rigger " + String.join(" ", args) + " finished").isTrue();
        System.out.printf(Locale.ROOT, "rigger %s: exit %d in %.1f s%n", String.join(" ", args), process.exitValue(), (System.nanoTime() - t0) / 1e9);
        return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** The containers of the lab in {@code dir}, as Docker lists them (labelled with the lab's folder). */
    private static List<Container> containers(Path dir) {
        return docker().listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(Lab.LABEL_DETACHED, dir.resolve("lab").toAbsolutePath().toString())).exec();
    }

    private static String exec(String container, String... command) throws Exception {
        var inspect = docker().inspectContainerCmd(container).exec();
        var result = ExecInContainerPattern.execInContainer(docker(), inspect, command);
        assertThat(result.getExitCode()).as(result.getStderr()).isZero();
        return result.getStdout();
    }

    private static DockerClient docker() {
        return DockerClientFactory.instance().client();
    }
}
