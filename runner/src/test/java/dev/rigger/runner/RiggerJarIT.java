package dev.rigger.runner;

import static dev.rigger.runner.Cli.DIR;
import static dev.rigger.runner.Cli.LOCAL;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rigger.core.module.ModuleType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded {@code target/rigger.jar} as users run it ({@code java -jar}, after {@code package}):
 * every module registration survives shading, and a playbook using built-ins, a role, {@code copy}
 * and {@code --json} (Jackson) runs through it.
 */
class RiggerJarIT {
    private static final Path JAR = Path.of("target/rigger.jar");
    private static final String SERVICES = "META-INF/services/" + ModuleType.class.getName();

    @TempDir
    Path workdir;

    @Test
    void theJarRegistersEveryModuleOfTheClassPath() throws IOException {
        List<String> onClassPath = ServiceLoader.load(ModuleType.class).stream().map(p -> p.type().getName()).toList();
        List<String> inJar = new ArrayList<>();
        try (ZipFile jar = new ZipFile(JAR.toFile())) {
            ZipEntry services = jar.getEntry(SERVICES);
            assertThat(services).as(SERVICES + " in " + JAR).isNotNull();
            try (InputStream in = jar.getInputStream(services)) {
                new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                        .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(inJar::add);
            }
        }
        assertThat(onClassPath).isNotEmpty();
        assertThat(inJar).containsExactlyInAnyOrderElementsOf(onClassPath);
    }

    /** JSch's EdDSA and Unix-socket classes live under META-INF/versions/: the JVM loads them only from a multi-release jar. */
    @Test
    void theJarIsMultiReleaseWithJschsVersionedClasses() throws IOException {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            assertThat(jar.getManifest().getMainAttributes().getValue("Multi-Release")).isEqualTo("true");
            assertThat(jar.getEntry("META-INF/versions/15/com/jcraft/jsch/jce/SignatureEd25519.class")).isNotNull();
            assertThat(jar.getEntry("META-INF/versions/16/com/jcraft/jsch/UnixDomainSocketFactory.class")).isNotNull();
        }
    }

    /**
     * rigger.jar stays thin: the lab (Testcontainers, Docker's client) is rigger-lab.jar, which
     * rigger.jar's manifest names; the two share no class, and rigger.jar alone runs everything but
     * {@code rigger lab}, which names the jar it misses.
     */
    @Test
    void theLabIsItsOwnJarAndRiggerJarRunsWithoutIt() throws Exception {
        Path labJar = JAR.resolveSibling(LabCommand.LAB_JAR);
        List<String> runner = classes(JAR);
        List<String> lab = classes(labJar);
        assertThat(runner).contains("dev/rigger/runner/LabSession.class").noneMatch(c -> c.startsWith("org/testcontainers/"))
                .noneMatch(c -> c.startsWith("com/github/dockerjava/")).noneMatch(c -> c.startsWith("dev/rigger/testing/"));
        assertThat(lab).contains("dev/rigger/testing/Lab.class", "org/testcontainers/DockerClientFactory.class")
                .noneMatch(c -> c.startsWith("dev/rigger/core/") || c.startsWith("dev/rigger/runner/"));
        assertThat(runner).doesNotContainAnyElementsOf(lab);
        try (JarFile jar = new JarFile(JAR.toFile())) {
            assertThat(jar.getManifest().getMainAttributes().getValue("Class-Path")).isEqualTo(LabCommand.LAB_JAR);
        }

        Path alone = Files.copy(JAR, Files.createDirectory(workdir.resolve("alone")).resolve("rigger.jar"));
        Run site = java(alone, "play", DIR + "site.yml", "-i", LOCAL);
        assertThat(site.code).as(site.err).isZero();
        Run up = java(alone, "lab", "up", LOCAL, "--lab-dir", workdir.resolve("lab").toString());
        assertThat(up.err).isEqualTo("error: rigger lab: the lab is not installed: put rigger-lab.jar (built next to rigger.jar, in runner/target/)"
                + " in the folder of rigger.jar; the other commands need nothing more\n");
        assertThat(up.code).isEqualTo(2);
    }

    /**
     * {@code --step} asks on a terminal: here a pseudo-terminal made by util-linux's {@code script},
     * with the answers typed ahead: yes, no, continue.
     */
    @Test
    void stepAsksOnTheTerminalBeforeEachTask() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String play = String.join(" ", java, "-jar", JAR.toString(), "play", DIR + "step.yml", "-i", LOCAL, "-e", "workdir=" + workdir, "--step");
        Path answers = Files.writeString(workdir.resolve("answers"), "y\nn\nc\n");
        Path out = workdir.resolve("terminal");
        Process process = new ProcessBuilder("script", "-qec", play, "/dev/null")
                .redirectInput(answers.toFile()).redirectOutput(out.toFile()).redirectErrorStream(true).start();
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("rigger finished").isTrue();
        String terminal = Files.readString(out);
        assertThat(process.exitValue()).as(terminal).isZero();
        assertThat(terminal).contains("Perform task: TASK: one (N)o/(y)es/(c)ontinue:", "Perform task: TASK: two (N)o/(y)es/(c)ontinue:",
                "Perform task: TASK: three (N)o/(y)es/(c)ontinue:").doesNotContain("TASK: four (N)o");
        assertThat(Files.exists(workdir.resolve("one"))).isTrue();
        assertThat(Files.exists(workdir.resolve("two"))).as("answered no").isFalse();
        assertThat(Files.exists(workdir.resolve("three"))).isTrue();
        assertThat(Files.exists(workdir.resolve("four"))).as("after continue, not asked").isTrue();
    }

    private static List<String> classes(Path jar) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return zip.stream().map(ZipEntry::getName).filter(n -> n.endsWith(".class") && !n.startsWith("META-INF/")).toList();
        }
    }

    @Test
    void versionAndAPlaybookRunThroughTheJar() throws Exception {
        Run version = java("--version");
        // The version Maven builds (the pom's), not a literal in the code.
        String built = System.getProperty("rigger.project.version");
        assertThat(built).as("rigger.project.version, set by the runner pom").isNotBlank();
        assertThat(version.out).isEqualTo("rigger " + built + "\n");
        assertThat(version.code).isZero();

        Run site = java("play", DIR + "site.yml", "-i", LOCAL);
        assertThat(site.out).contains("ok: [web1] => greeting=from-play", "ok: [db1] => port=5432");
        assertThat(site.err).isEmpty();
        assertThat(site.code).isZero();

        Path events = workdir.resolve("events.jsonl");
        Run files = java("play", DIR + "files.yml", "-i", LOCAL, "-e", "workdir=" + workdir, "--json", events.toString());
        assertThat(files.out).contains("changed: [web1]", "changed: [web2]");
        assertThat(files.err).isEmpty();
        assertThat(files.code).isZero();
        assertThat(Files.readString(workdir.resolve("web1.txt"))).isEqualTo("hello from web1\n");
        assertThat(Files.readAllLines(events)).hasSize(7).last().asString().startsWith("{\"event\":\"run_finished\"");
    }

    @Test
    void badInputThroughTheJarIsOneLineAndExitCode2() throws Exception {
        Run run = java("play", DIR + "bad/unknown-module.yml", "-i", LOCAL);
        assertThat(run.err).isEqualTo("error: src/test/resources/cli/bad/unknown-module.yml:5:7: unknown module 'debgu' (did you mean 'debug'?)\n");
        assertThat(run.code).isEqualTo(2);
    }

    private record Run(int code, String out, String err) {}

    private Run java(String... args) throws IOException, InterruptedException {
        return java(JAR, args);
    }

    private Run java(Path jar, String... args) throws IOException, InterruptedException {
        assertThat(jar).as("built by 'mvn package'").exists();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
        command.addAll(List.of(args));
        Path out = workdir.resolve("stdout");
        Path err = workdir.resolve("stderr");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("rigger finished").isTrue();
        return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    }
}
