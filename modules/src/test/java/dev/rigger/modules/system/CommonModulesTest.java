package dev.rigger.modules.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rigger.core.error.InputException;
import dev.rigger.core.module.Args;
import dev.rigger.core.module.Module;
import dev.rigger.core.module.ModuleContext;
import dev.rigger.core.module.ModuleException;
import dev.rigger.core.module.Probe;
import dev.rigger.core.transport.ExecResult;
import dev.rigger.modules.apt.AptPackage;
import dev.rigger.modules.apt.GenericPackage;
import dev.rigger.modules.builtin.IncludeVars;
import dev.rigger.modules.builtin.Pause;
import dev.rigger.modules.files.Stat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The common Ansible modules' probes run with the local /bin/sh on real files and sockets (the lab
 * IT runs them on a host through the executor), and their argument rules.
 */
class CommonModulesTest {
    @TempDir
    Path dir;

    private static <S> S probe(Module<S> module) {
        Probe<S> probe = module.probe(PlanContext.PLAIN);
        ExecResult r = PlanContext.run(probe.script(), null);
        return probe.parser().apply(r);
    }

    @Test
    void statDescribesFilesDirectoriesLinksAndMissingPaths() throws IOException {
        Path file = Files.writeString(dir.resolve("app.conf"), "x=1\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        Files.createSymbolicLink(dir.resolve("link"), file);
        Map<String, Object> f = probe(new Stat(file.toString(), true, false));
        assertThat(f).containsEntry("exists", true).containsEntry("isreg", true).containsEntry("isdir", false)
                .containsEntry("mode", "0640").containsEntry("size", 4L)
                .containsEntry("checksum", sha1("x=1\n"));
        assertThat(probe(new Stat(dir.toString(), true, false))).containsEntry("isdir", true).doesNotContainKey("checksum");
        assertThat(probe(new Stat(dir.resolve("link").toString(), true, false))).containsEntry("islnk", true)
                .containsEntry("lnk_source", file.toString());
        assertThat(probe(new Stat(dir.resolve("link").toString(), false, true))).containsEntry("isreg", true).doesNotContainKey("checksum");
        assertThat(probe(new Stat(dir.resolve("nope").toString(), true, false))).isEqualTo(Map.of("exists", false));
    }

    @Test
    void waitForPathAndRegexAndTimeout() throws IOException {
        Path log = dir.resolve("app.log");
        Files.writeString(log, "starting\nready to serve\n");
        assertThat(probe(WaitFor.path(log.toString()).searchRegex("^ready").timeout(5).connectTimeout(1).build())).isBetween(0L, 1L);
        assertThat(probe(WaitFor.path(dir.resolve("gone").toString()).state("absent").timeout(5).connectTimeout(1).build())).isBetween(0L, 1L);
        long started = System.nanoTime();
        assertThatThrownBy(() -> probe(WaitFor.path(log.toString()).searchRegex("^never").timeout(2).connectTimeout(1).build()))
                .isInstanceOf(ModuleException.class).hasMessage("Timeout when waiting for " + log + " to contain ^never");
        assertThat((System.nanoTime() - started) / 1_000_000_000.0).isBetween(2.0, 6.0);
    }

    @Test
    void bareWaitForSleepsTheWholeTimeout() {
        long started = System.nanoTime();
        assertThat(probe(WaitFor.seconds(1).build())).isBetween(1L, 2L);
        assertThat((System.nanoTime() - started) / 1_000_000).isGreaterThanOrEqualTo(1000);
    }

    @Test
    void waitForPortOpenAndClosed() throws IOException {
        try (java.net.ServerSocket open = new java.net.ServerSocket(0)) {
            assertThat(probe(WaitFor.port(open.getLocalPort()).timeout(5).connectTimeout(1).build())).isBetween(0L, 1L);
            assertThatThrownBy(() -> probe(WaitFor.port(open.getLocalPort()).state("stopped").timeout(1).connectTimeout(1).msg("still open").build()))
                    .hasMessage("still open");
        }
    }

    @Test
    void waitForArgumentRules() {
        WaitFor.Type type = new WaitFor.Type();
        assertThatThrownBy(() -> type.create(Args.of("wait_for", Map.of("port", 80, "path", "/x")))).hasMessageContaining("give port or path, not both");
        assertThatThrownBy(() -> type.create(Args.of("wait_for", Map.of("port", 80, "search_regex", "x")))).hasMessageContaining("wait_for: search_regex: needs a path");
        assertThat(type.create(Args.of("wait_for", Map.of("path", "/x"))))
                .isEqualTo(new WaitFor("127.0.0.1", null, "/x", null, "present", 0, 300, 1, 5, null));
    }

    @Test
    void packageIsTheSameAptTask() {
        Module<?> pkg = new GenericPackage.Type().create(Args.of("package", Map.of("name", "ntp", "state", "latest")));
        Module<?> apt = new AptPackage.Type().create(Args.of("apt", Map.of("name", "ntp", "state", "latest")));
        assertThat(pkg).isEqualTo(apt);
        assertThat(new GenericPackage.Type().create(Args.of("package", Map.of("name", List.of("a", "b"), "use", "apt"))))
                .isEqualTo(new AptPackage.Type().create(Args.of("apt", Map.of("name", List.of("a", "b")))));
        assertThatThrownBy(() -> new GenericPackage.Type().create(Args.of("package", Map.of("name", "ntp", "use", "yum"))))
                .isInstanceOf(InputException.class).hasMessageContaining("package manager 'yum' is not supported");
    }

    @Test
    void pauseWaitsOnTheControllerAndRefusesAPrompt() {
        long started = System.nanoTime();
        Module<?> pause = new Pause.Type().create(Args.of("pause", Map.of("seconds", 1)));
        pause.probe(PlanContext.PLAIN);
        assertThat((System.nanoTime() - started) / 1_000_000).isGreaterThanOrEqualTo(1000);
        assertThatThrownBy(() -> new Pause.Type().create(Args.of("pause", Map.of("prompt", "Continue?"))))
                .hasMessageContaining("Rigger does not prompt");
    }

    @Test
    void includeVarsSetsTheFilesVariables() {
        IncludeVars include = new IncludeVars("vars/debian.yml", null);
        ModuleContext context = new ReadingContext("apache_package: apache2\nports: [80, 443]\n");
        assertThat(include.plan(true, context).data()).containsEntry("ansible_facts", Map.of("apache_package", "apache2", "ports", List.of(80, 443)));
        assertThat(new IncludeVars("x.yml", "web").plan(true, context).data())
                .containsEntry("ansible_facts", Map.of("web", Map.of("apache_package", "apache2", "ports", List.of(80, 443))));
        assertThatThrownBy(() -> new IncludeVars("x.yml", null).plan(true, new ReadingContext("- a\n")))
                .hasMessageContaining("must hold a mapping of variables");
    }

    /** A context whose controller files all hold {@code text}. */
    private record ReadingContext(String text) implements ModuleContext {
        @Override public String hostName() { return "h1"; }
        @Override public Map<String, Object> vars() { return Map.of(); }
        @Override public boolean checkMode() { return false; }
        @Override public boolean diffMode() { return false; }
        @Override public byte[] readLocalFile(String path, String kind) { return text.getBytes(StandardCharsets.UTF_8); }
        @Override public RenderedTemplate renderTemplate(String name, String source) { throw new UnsupportedOperationException(); }
    }

    private static String sha1(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
