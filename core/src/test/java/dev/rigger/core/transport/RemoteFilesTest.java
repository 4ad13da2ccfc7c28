package dev.rigger.core.transport;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Atomic writes through a real local shell into a temp directory. */
class RemoteFilesTest {

    private final LocalConnection local = new LocalConnection(
            ConnectionSettings.builder("localhost").local().commandTimeout(Duration.ofSeconds(30)).build());

    @TempDir
    Path dir;

    @Test
    void binaryContentArrivesExactly() throws IOException {
        byte[] content = new byte[300_000];
        new Random(3).nextBytes(content);
        Path target = dir.resolve("blob.bin");

        ExecResult result = local.exec(RemoteFiles.write(target.toString(), content).request());

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(Files.readAllBytes(target)).isEqualTo(content);
        assertThat(entries()).containsExactly("blob.bin");
    }

    @Test
    void emptyContentMakesAnEmptyFile() throws IOException {
        Path target = dir.resolve("empty");

        assertThat(local.exec(RemoteFiles.write(target.toString(), new byte[0]).request()).exitCode()).isZero();
        assertThat(Files.size(target)).isZero();
    }

    @Test
    void modeIsApplied() throws IOException {
        Path target = dir.resolve("secret.conf");

        local.exec(RemoteFiles.write(target.toString(), "x".getBytes(UTF_8)).mode("0640").request());

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rw-r-----");
    }

    @Test
    void withoutModeAnExistingFileKeepsItsModeAndANewOneGetsTheUmaskDefault() throws IOException {
        Path existing = dir.resolve("existing");
        Files.writeString(existing, "old");
        Files.setPosixFilePermissions(existing, PosixFilePermissions.fromString("rw-------"));
        Path fresh = dir.resolve("fresh");
        int umask = Integer.parseInt(local.exec("umask").stdout().strip(), 8);

        local.exec(RemoteFiles.write(existing.toString(), "new".getBytes(UTF_8)).request());
        local.exec(RemoteFiles.write(fresh.toString(), "new".getBytes(UTF_8)).request());

        assertThat(Files.readString(existing)).isEqualTo("new");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(existing))).isEqualTo("rw-------");
        assertThat(Files.getPosixFilePermissions(fresh))
                .isEqualTo(PosixFilePermissions.fromString(rwx(0666 & ~umask)));
    }

    @Test
    void ownerIsApplied() throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")), "chown to another user needs root");
        Path target = dir.resolve("owned");

        ExecResult result = local.exec(RemoteFiles.write(target.toString(), "x".getBytes(UTF_8))
                .owner("nobody").group("nogroup").request());

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(Files.getOwner(target).getName()).isEqualTo("nobody");
    }

    @Test
    void failureLeavesTheOldFileUntouchedAndNoTempFileBehind() throws IOException {
        Path target = dir.resolve("app.conf");
        Files.writeString(target, "old content");

        ExecResult result = local.exec(RemoteFiles.write(target.toString(), "new content".getBytes(UTF_8))
                .owner("no-such-user-rigger").request());

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("no-such-user-rigger");
        assertThat(Files.readString(target)).isEqualTo("old content");
        assertThat(entries()).containsExactly("app.conf");
    }

    @Test
    void missingDirectoryFailsWithoutCreatingAnything() throws IOException {
        Path target = dir.resolve("missing/app.conf");

        ExecResult result = local.exec(RemoteFiles.write(target.toString(), "x".getBytes(UTF_8)).request());

        assertThat(result.exitCode()).isNotZero();
        assertThat(entries()).isEmpty();
    }

    @Test
    void hostileFileNamesAreQuoted() throws IOException {
        Path target = dir.resolve("it's a $(name) `x`\nwith newline;*");

        ExecResult result = local.exec(RemoteFiles.write(target.toString(), "ok".getBytes(UTF_8)).request());

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(Files.readString(target)).isEqualTo("ok");
        assertThat(entries()).hasSize(1);
    }

    @Test
    void relativePathsAndNonOctalModesAreRejected() {
        assertThatThrownBy(() -> RemoteFiles.write("etc/app.conf", new byte[0]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RemoteFiles.write("/etc/app.conf", new byte[0]).mode("u+x"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private List<String> entries() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static String rwx(int mode) {
        String all = "rwxrwxrwx";
        StringBuilder s = new StringBuilder();
        for (int bit = 8; bit >= 0; bit--) {
            s.append((mode & (1 << bit)) != 0 ? all.charAt(8 - bit) : '-');
        }
        return s.toString();
    }
}
