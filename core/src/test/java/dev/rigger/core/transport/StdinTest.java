package dev.rigger.core.transport;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The controller-side hash of streamed inputs: computed once, remembered per file version. */
class StdinTest {

    @TempDir
    Path dir;

    @Test
    void hostsPlanningAtOnceReadTheSourceOnceForItsHash() throws Exception {
        byte[] bytes = new byte[4 * 1024 * 1024];
        AtomicInteger opened = new AtomicInteger();
        Stdin source = Stdin.of("big", bytes.length, () -> {
            opened.incrementAndGet();
            return new ByteArrayInputStream(bytes);
        });
        ExecutorService hosts = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> sums = new ArrayList<>();
            for (int i = 0; i < 8; i++) sums.add(hosts.submit((Callable<String>) source::sha256));
            for (Future<String> sum : sums) assertThat(sum.get()).isEqualTo(Stdin.of(bytes).sha256());
        } finally {
            hosts.shutdownNow();
        }
        assertThat(opened).hasValue(1);
    }

    @Test
    void anUnchangedControllerFileIsNotHashedAgainAndAChangedOneIs() throws Exception {
        Path file = dir.resolve("app.tar");
        Files.writeString(file, "version 1");
        FileTime modified = Files.getLastModifiedTime(file);
        String first = Stdin.of(file).sha256();

        // Same size and time (as a file nobody touched): the remembered hash is trusted, not recomputed.
        Files.writeString(file, "version 2");
        Files.setLastModifiedTime(file, modified);
        assertThat(Stdin.of(file).sha256()).isEqualTo(first);

        // A new modification time (any real edit) is a new version.
        Files.setLastModifiedTime(file, FileTime.fromMillis(modified.toMillis() + 1000));
        assertThat(Stdin.of(file).sha256()).isEqualTo(Stdin.of("version 2".getBytes(UTF_8)).sha256()).isNotEqualTo(first);
    }
}
