package dev.rigger.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's project ({@code examples/consumer}, outside the reactor) built against the artifacts as
 * published: the reactor's poms and jars are installed into a temporary local repository and the
 * project is built there by a separate Maven. Everything else comes from the build's own local
 * repository through a {@code file:} mirror, read only: no network, and the shared local
 * repository never sees Rigger's snapshots.
 */
class ConsumerIT {
    /** Failsafe runs in the examples module's folder. */
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final String VERSION = System.getProperty("rigger.version");
    /** The published artifacts a consumer of rigger-modules and rigger-testing resolves, and the BOM. */
    private static final List<String> ARTIFACTS = List.of("core", "modules", "testing");

    @TempDir
    static Path work;
    private static Path repo;

    @BeforeAll
    static void installIntoATemporaryRepository() throws IOException {
        assertThat(VERSION).as("rigger.version from the pom").isNotBlank();
        repo = work.resolve("repository");
        install("rigger-parent", ROOT.resolve("pom.xml"), null);
        install("rigger-bom", ROOT.resolve("bom/pom.xml"), null);
        for (String module : ARTIFACTS) {
            Path jar = ROOT.resolve(module + "/target/rigger-" + module + "-" + VERSION + ".jar");
            assertThat(jar).as("built by the reactor before this test").exists();
            install("rigger-" + module, ROOT.resolve(module + "/pom.xml"), jar);
            // Published with its sources and javadoc, as Maven Central wants.
            for (String classifier : List.of("sources", "javadoc")) {
                Path attached = ROOT.resolve(module + "/target/rigger-" + module + "-" + VERSION + "-" + classifier + ".jar");
                assertThat(attached).as("attached by the reactor's package phase").exists();
                Files.copy(attached, repo.resolve("dev/rigger/rigger-" + module + "/" + VERSION + "/" + attached.getFileName()),
                        StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** The entry points of docs/embedding.md are in the published sources and javadoc. */
    @Test
    void theSourcesAndJavadocJarsHoldTheEntryPoints() throws IOException {
        Path dir = repo.resolve("dev/rigger/rigger-core/" + VERSION);
        try (JarFile sources = new JarFile(dir.resolve("rigger-core-" + VERSION + "-sources.jar").toFile());
             JarFile javadoc = new JarFile(dir.resolve("rigger-core-" + VERSION + "-javadoc.jar").toFile())) {
            for (String type : List.of("PlaybookRun", "RunOptions", "RunResult", "Playbook", "Play", "Role", "Task")) {
                assertThat(sources.getEntry("dev/rigger/core/executor/" + type + ".java")).as(type + ".java").isNotNull();
                assertThat(javadoc.getEntry("dev/rigger/core/executor/" + type + ".html")).as(type + ".html").isNotNull();
            }
        }
    }

    /**
     * Two projects, one Maven run: one names the artifacts (and Testcontainers before them), one
     * imports the BOM. Each writes JSON events with Testcontainers on its class path, and each gets
     * the Jackson Rigger was built with, not docker-java's 2.10.3. The first also runs a lab test
     * with no Testcontainers environment variable set.
     */
    @Test
    void aUsersProjectWritesJsonEventsAndRunsALabTestWithAndWithoutTheBom() throws Exception {
        String out = buildConsumers();
        assertThat(out).contains("BUILD SUCCESS");
        // Per project: the JSON test, and in the plain one a lab test run without Testcontainers variables.
        assertThat(Pattern.compile("^\\[INFO\\] Tests run: (\\d+), Failures: 0, Errors: 0, Skipped: 0$", Pattern.MULTILINE).matcher(out)
                .results().map(m -> m.group(1)).toList()).as(out).containsExactly("2", "1");
        assertThat(jacksonAnnotationsOnTheClassPath(out)).containsExactly(
                jacksonVersion(ROOT.resolve("pom.xml")), jacksonVersion(ROOT.resolve("pom.xml")));
    }

    @Test
    void theBomPinsTheJacksonTheBuildUses() throws IOException {
        assertThat(jacksonVersion(ROOT.resolve("bom/pom.xml"))).isEqualTo(jacksonVersion(ROOT.resolve("pom.xml")));
    }

    /** What {@code mvn install} leaves: the pom and the jar at their coordinates (no remote origin recorded). */
    private static void install(String artifactId, Path pom, Path jar) throws IOException {
        Path dir = repo.resolve("dev/rigger/" + artifactId + "/" + VERSION);
        Files.createDirectories(dir);
        Files.copy(pom, dir.resolve(artifactId + "-" + VERSION + ".pom"), StandardCopyOption.REPLACE_EXISTING);
        if (jar != null) Files.copy(jar, dir.resolve(artifactId + "-" + VERSION + ".jar"), StandardCopyOption.REPLACE_EXISTING);
    }

    /** Builds a fresh copy of the consumer projects with the temporary repository; returns Maven's output. */
    private static String buildConsumers() throws Exception {
        Path project = work.resolve("consumer");
        copy(ROOT.resolve("examples/consumer"), project);
        Path settings = work.resolve("settings.xml");
        String buildRepository = Path.of(System.getProperty("build.repository")).toUri().toString();
        // Everything but Rigger comes from the build's own repository as a file: mirror. A local
        // repository holds no checksums, so checking them would only print a warning per file.
        Files.writeString(settings, """
                <settings>
                  <mirrors><mirror><id>build-repository</id><mirrorOf>*</mirrorOf><url>%1$s</url></mirror></mirrors>
                  <profiles><profile><id>build-repository</id>
                    <repositories><repository><id>central</id><url>%1$s</url>
                      <releases><checksumPolicy>ignore</checksumPolicy></releases><snapshots><enabled>false</enabled></snapshots></repository></repositories>
                    <pluginRepositories><pluginRepository><id>central</id><url>%1$s</url>
                      <releases><checksumPolicy>ignore</checksumPolicy></releases><snapshots><enabled>false</enabled></snapshots></pluginRepository></pluginRepositories>
                  </profile></profiles>
                  <activeProfiles><activeProfile>build-repository</activeProfile></activeProfiles>
                </settings>
                """.formatted(buildRepository));
        String home = System.getProperty("maven.home");
        Path mvn = home == null ? null : Path.of(home, "bin", "mvn");
        List<String> command = List.of(mvn != null && Files.isExecutable(mvn) ? mvn.toString() : "mvn", "-B",
                "-s", settings.toString(), "-Dmaven.repo.local=" + repo, "-Drigger.version=" + VERSION,
                "-f", project.resolve("pom.xml").toString(), "test");
        long started = System.nanoTime();
        Path log = work.resolve("consumer.log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        // The lab test there proves a user needs none of these (Failsafe sets them for this build's own lab tests).
        builder.environment().keySet().removeIf(name -> name.startsWith("TESTCONTAINERS_"));
        Process p = builder.start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("the consumer build took more than 10 minutes: " + log);
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        System.out.printf("consumer build took %d s%n", TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
        assertThat(p.exitValue()).as(out.lines().filter(l -> !l.contains("Download")).collect(Collectors.joining("\n"))).isZero();
        return out;
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (from.relativize(f).startsWith("target")) continue;
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) Files.createDirectories(target);
                else Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** The version of each jackson-annotations jar the consumers' test printed, in build order. */
    private static List<String> jacksonAnnotationsOnTheClassPath(String out) {
        return Pattern.compile("jackson-annotations: \\S*/jackson-annotations-([^/]+)\\.jar").matcher(out).results()
                .map(m -> m.group(1)).toList();
    }

    private static String jacksonVersion(Path pom) throws IOException {
        Matcher m = Pattern.compile("<jackson.version>([^<]+)</jackson.version>").matcher(Files.readString(pom));
        assertThat(m.find()).as("jackson.version in " + pom).isTrue();
        return m.group(1);
    }
}
