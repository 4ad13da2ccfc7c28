package dev.rigger.runner;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository's {@code ./rigger} launcher, as the README has users run it (after
 * {@code package}, so it must not build): it runs a playbook, makes the class data archive
 * {@code target/rigger.jsa} when the jar is newer than it, and the archive it makes is one the
 * JVM really maps for this jar (checked with {@code -Xshare:on}, which fails when it cannot).
 */
class LauncherIT {
    private static final Path LAUNCHER = Path.of("../rigger").toAbsolutePath().normalize();
    private static final Path JAR = Path.of("target/rigger.jar").toAbsolutePath();
    private static final Path ARCHIVE = Path.of("target/rigger.jsa").toAbsolutePath();

    @TempDir
    Path dir;

    @Test
    void runsAPlaybookAndMakesAClassDataArchiveTheJvmMaps() throws Exception {
        assertThat(JAR).as("built by 'mvn package'").exists();
        Path dest = dir.resolve("copied.txt");
        Path play = dir.resolve("play.yml");
        Files.writeString(play, """
                - hosts: all
                  gather_facts: false
                  tasks:
                    - copy: {content: "from the launcher\\n", dest: "%s"}
                """.formatted(dest));
        Path hosts = dir.resolve("hosts.yml");
        Files.writeString(hosts, "all: {hosts: {localhost: {ansible_connection: local}}}\n");
        // An archive older than the jar is stale: the launcher must make a new one.
        if (Files.exists(ARCHIVE)) Files.setLastModifiedTime(ARCHIVE, FileTime.from(Instant.EPOCH));
        FileTime built = Files.getLastModifiedTime(JAR);

        Result first = run(LAUNCHER.toString(), "play", "-i", hosts.toString(), play.toString());
        assertThat(first.exit).as(first.output).isZero();
        assertThat(first.output).containsPattern("localhost +: ok=1 +changed=1");
        assertThat(Files.readString(dest)).isEqualTo("from the launcher\n");
        assertThat(ARCHIVE).exists();
        assertThat(Files.getLastModifiedTime(ARCHIVE)).isGreaterThanOrEqualTo(Files.getLastModifiedTime(JAR));
        try (var leftovers = Files.list(ARCHIVE.getParent())) {
            assertThat(leftovers.map(Path::getFileName).map(Path::toString)).noneMatch(n -> n.startsWith("rigger.jsa."));
        }

        Result again = run(LAUNCHER.toString(), "play", "-i", hosts.toString(), play.toString());
        assertThat(again.exit).as(again.output).isZero();
        assertThat(again.output).containsPattern("localhost +: ok=1 +changed=0");
        // Nothing but sources counts as newer than the jar (not the test tools' files the build left):
        // a rebuild here would replace the jar under the other tests that run it.
        assertThat(Files.getLastModifiedTime(JAR)).as("the launcher rebuilt the jar").isEqualTo(built);

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Result mapped = run(java, "-XX:SharedArchiveFile=" + ARCHIVE, "-Xshare:on", "-jar", JAR.toString(), "--version");
        assertThat(mapped.exit).as("the JVM maps the archive: %s", mapped.output).isZero();
        assertThat(mapped.output).startsWith("rigger ");
    }

    private record Result(int exit, String output) {}

    private static Result run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("finished within 2 min").isTrue();
        return new Result(p.exitValue(), output);
    }
}
