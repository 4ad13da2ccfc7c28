package dev.rigger.modules.apt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.rigger.core.module.Plan;
import dev.rigger.modules.apt.AptPackage.State;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Every script shape the apt modules generate parses as POSIX sh ({@code sh -n}, dash on Debian,
 * the shell the targets run). What the scripts do is proven in the lab tests.
 */
class AptScriptSyntaxTest {

    @Test
    void generatedScriptsParse() throws Exception {
        Path sh = Path.of("/bin/sh");
        assumeTrue(Files.isExecutable(sh), "needs /bin/sh to check script syntax");
        List<String> scripts = new ArrayList<>();
        AptPackageState mixed = AptPackageState.parse(Fixtures.text("probe-mixed.txt"));
        AptPackageState absent = AptPackageState.parse(Fixtures.text("probe-absent.txt"));
        AptPackageState latest = AptPackageState.parse(Fixtures.text("probe-latest.txt"));
        List<AptPackage> specs = List.of(
                AptPackage.builder("redis-server").noStart(true).updateCache(true).installRecommends(false).build(),
                AptPackage.builder("redis-server=5:7.0.15-1~deb12u7").defaultRelease("bookworm-backports").allowDowngrade(true).build(),
                AptPackage.builder("rigger-hello", "logrotate", "redis-server").state(State.LATEST).updateCache(true).build(),
                AptPackage.builder("rigger-hello", "logrotate").state(State.ABSENT).purge(true).autoremove(true).build());
        List<AptPackageState> states = List.of(mixed, mixed, latest, absent);
        for (int i = 0; i < specs.size(); i++) {
            scripts.add(specs.get(i).probeScript());
            Plan plan = specs.get(i).plan(states.get(i), Fixtures.context(false, false));
            assertThat(plan.hasChanges()).isTrue();
            scripts.add(plan.applyScript());
        }
        AptRepository add = AptRepository.url("file:/srv/repo").suites("./").keyUrl("file:///srv/key.asc").build();
        scripts.add(add.probeScript());
        AptRepository.RepositoryState empty = new AptRepository.RepositoryState(Map.of(), Optional.empty(),
                Optional.of(Fixtures.bytes("test-key.asc")), null);
        scripts.add(add.plan(empty, Fixtures.context(false, false)).applyScript());
        AptRepository remove = AptRepository.line("deb [signed-by=/etc/apt/keyrings/x.asc] http://x.org/d bookworm main")
                .keyContent(Fixtures.bytes("test-key.asc")).state(AptRepository.State.ABSENT).build();
        scripts.add(remove.probeScript());
        AptRepository.RepositoryState present = new AptRepository.RepositoryState(
                Map.of("/etc/apt/sources.list.d/x.list", new AptRepository.FileState("/etc/apt/sources.list.d/x.list", "644",
                        "deb [signed-by=/etc/apt/keyrings/x.asc] http://x.org/d bookworm main\n".getBytes(StandardCharsets.UTF_8))),
                Optional.of(new AptRepository.FileState("/etc/apt/keyrings/x.asc", "644", Fixtures.bytes("test-key.asc"))), Optional.empty(), null);
        scripts.add(remove.plan(present, Fixtures.context(false, false)).applyScript());
        scripts.add(remove.plan(hostFileNamed("/etc/apt/sources.list.d/a\"b $(touch pwned).list"),
                Fixtures.context(false, false)).applyScript());

        for (String script : scripts) {
            Process p = new ProcessBuilder(sh.toString(), "-n").redirectErrorStream(true).start();
            p.getOutputStream().write(script.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as("sh -n of:\n%s\nsaid: %s", script, said).isZero();
        }
    }

    /**
     * A file of the host's sources.list.d, named by whoever wrote it, holding the removed entry and
     * another one: the module rewrites it, so its name lands in the apply script.
     */
    private static AptRepository.RepositoryState hostFileNamed(String path) {
        byte[] content = ("deb http://y.org/d bookworm main\n"
                + "deb [signed-by=/etc/apt/keyrings/x.asc] http://x.org/d bookworm main\n").getBytes(StandardCharsets.UTF_8);
        return new AptRepository.RepositoryState(Map.of(path, new AptRepository.FileState(path, "644", content)),
                Optional.empty(), Optional.empty(), null);
    }

    @Test
    void aBrokenScriptIsCaught() throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs /bin/sh");
        Process p = new ProcessBuilder("/bin/sh", "-n").redirectErrorStream(true).start();
        p.getOutputStream().write("if true; then echo\n".getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).isNotZero();
    }
}
