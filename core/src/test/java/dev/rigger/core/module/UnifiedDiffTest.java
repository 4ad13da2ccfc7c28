package dev.rigger.core.module;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnifiedDiffTest {

    @Test
    void equalTextsHaveNoDiff() {
        assertThat(UnifiedDiff.of("f", "a\nb\n", "a\nb\n")).isEmpty();
    }

    @Test
    void matchesWhatGnuDiffPrints(@TempDir Path dir) throws Exception {
        StringBuilder before = new StringBuilder();
        StringBuilder after = new StringBuilder();
        for (int i = 1; i <= 30; i++) {
            before.append("line ").append(i).append('\n');
            if (i == 5) after.append("changed 5\n");
            else if (i == 20) continue;
            else after.append("line ").append(i).append('\n');
            if (i == 25) after.append("inserted\n");
        }
        Files.writeString(dir.resolve("a"), before);
        Files.writeString(dir.resolve("b"), after);
        Process p = new ProcessBuilder("diff", "-u", "a", "b").directory(dir.toFile()).start();
        String gnu = new String(p.getInputStream().readAllBytes());
        p.waitFor(10, TimeUnit.SECONDS);
        String hunksGnu = gnu.substring(gnu.indexOf("@@"));
        String ours = UnifiedDiff.of("f", before.toString(), after.toString());
        assertThat(ours).startsWith("--- f (before)\n+++ f (after)\n");
        assertThat(ours.substring(ours.indexOf("@@"))).isEqualTo(hunksGnu);
    }

    @Test
    void newFileIsAllAdditions() {
        assertThat(UnifiedDiff.of("f", "", "x\ny\n")).endsWith("@@ -0,0 +1,2 @@\n+x\n+y\n");
    }
}
