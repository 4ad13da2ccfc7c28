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

    @Test
    void aSymlinkIsReplacedByAFileWithTheModeOfWhatItPointedTo() throws IOException {
        Path real = dir.resolve("real");
        Files.writeString(real, "old");
        Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rw-r-----"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), real);

        ExecResult result = local.exec(RemoteFiles.write(link.toString(), "new".getBytes(UTF_8)).request());

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(Files.isSymbolicLink(link)).isFalse();
        assertThat(Files.readString(link)).isEqualTo("new");
        assertThat(Files.readString(real)).isEqualTo("old");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(link))).isEqualTo("rw-r-----");
    }

    @Test
    void validateSeesTheNewContentInTheTempFileBeforeTheSwap() throws IOException {
        Path target = dir.resolve("app.conf");
        Files.writeString(target, "old");

        ExecResult result = local.exec(RemoteFiles.write(target.toString(), "valid\n".getBytes(UTF_8))
                .validate(List.of("grep", "-qx", "valid", "%s")).request());

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(Files.readString(target)).isEqualTo("valid\n");
        assertThat(result.stdout()).isEmpty();
        assertThat(entries()).containsExactly("app.conf");
    }

    @Test
    void refusedValidationLeavesTheOldFileAndNoTempFileAndReportsTheCheckersOutput() throws IOException {
        Path target = dir.resolve("app.conf");
        Files.writeString(target, "old");

        ExecResult result = local.exec(RemoteFiles.write(target.toString(), "broken".getBytes(UTF_8))
                .validate(List.of("sh", "-c", "echo \"bad line in $1\" >&2; exit 7", "checker", "%s")).backup().request());

        assertThat(result.exitCode()).isEqualTo(RemoteFiles.VALIDATION_FAILED);
        assertThat(result.stderr()).contains("bad line in " + dir + "/.app.conf.rigger-").contains("validation command exited 7");
        assertThat(Files.readString(target)).isEqualTo("old");
        assertThat(entries()).containsExactly("app.conf");
    }

    @Test
    void percentSInsideAWordAndHostileWordsAreQuoted() throws IOException {
        Path target = dir.resolve("x.conf");
        Path seen = dir.resolve("seen");

        ExecResult result = local.exec(RemoteFiles.write(target.toString(), "x".getBytes(UTF_8))
                .validate(List.of("sh", "-c", "printf '%%s|%%%%' \"$1\" > " + seen + "; [ -f \"${1#file=}\" ]", "$(touch pwned)", "file=%s"))
                .request());

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(Files.readString(seen)).startsWith("file=" + dir + "/.x.conf.rigger-").endsWith("|%");
        assertThat(entries()).containsExactlyInAnyOrder("seen", "x.conf");
    }

    @Test
    void backupKeepsTheReplacedFileAndNamesIt() throws IOException {
        Path target = dir.resolve("app.conf");
        Files.writeString(target, "old");

        ExecResult result = local.exec(RemoteFiles.write(target.toString(), "new".getBytes(UTF_8)).backup().request());

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).matches("backup_file=" + java.util.regex.Pattern.quote(target.toString())
                + "\\.\\d+\\.\\d{4}-\\d\\d-\\d\\d@\\d\\d:\\d\\d:\\d\\d~\n");
        Path backup = Path.of(result.stdout().strip().substring("backup_file=".length()));
        assertThat(Files.readString(backup)).isEqualTo("old");
        assertThat(Files.readString(target)).isEqualTo("new");
    }

    @Test
    void backupOfANewFileKeepsNothing() throws IOException {
        ExecResult result = local.exec(RemoteFiles.write(dir.resolve("new").toString(), "x".getBytes(UTF_8)).backup().request());

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).isEmpty();
        assertThat(entries()).containsExactly("new");
    }

    @Test
    void aValidateCommandWithoutPercentSIsRejected() {
        assertThatThrownBy(() -> RemoteFiles.write("/etc/app.conf", new byte[0]).validate(List.of("visudo", "-c")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("%s");
    }

    @Test
    void streamedContentArrivesExactlyWithoutBeingHeldInMemory() throws IOException {
        long size = 48L * 1024 * 1024 + 7; // far past any buffer, generated as it is read
        Stdin generated = Stdin.of("generated", size, () -> new Generated(size));
        Path target = dir.resolve("big.bin");

        ExecResult result = local.exec(RemoteFiles.write(target.toString(), generated).request());

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(Files.size(target)).isEqualTo(size);
        assertThat(Stdin.of(target).sha256()).isEqualTo(generated.sha256());
        assertThat(entries()).containsExactly("big.bin");
    }

    @Test
    void contentThatArrivesShortNeverBecomesTheFileAndLeavesNoTempFile() throws IOException {
        Path target = dir.resolve("app.conf");
        Files.writeString(target, "old\n");
        byte[] whole = "new content that is cut short by a lost connection\n".getBytes(UTF_8);
        // What the host sees when the connection drops mid-transfer: the input ends early.
        Stdin cut = new Stdin() {
            @Override public java.io.InputStream open() { return new java.io.ByteArrayInputStream(whole, 0, 10); }
            @Override public long size() { return whole.length; }
            @Override public String sha256() { return Stdin.of(whole).sha256(); }
        };

        ExecResult result = local.exec(RemoteFiles.write(target.toString(), cut).request());

        assertThat(result.exitCode()).isEqualTo(RemoteFiles.INCOMPLETE);
        assertThat(result.stderr()).contains("received 10 of " + whole.length + " bytes");
        assertThat(Files.readString(target)).isEqualTo("old\n");
        assertThat(entries()).containsExactly("app.conf");
    }

    @Test
    void aTargetWhoseNameTakesTheWhole255BytesInMultiByteCharactersIsWritten() throws IOException {
        Path target = dir.resolve("日".repeat(85)); // 255 bytes in UTF-8, 85 chars

        ExecResult result = local.exec(RemoteFiles.write(target.toString(), "x\n".getBytes(UTF_8)).request());

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(Files.readString(target)).isEqualTo("x\n");
        assertThat(entries()).containsExactly(target.getFileName().toString());
    }

    @Test
    void aTempFileTheHostCannotWriteWholeNeverBecomesTheFile() throws IOException {
        Path target = dir.resolve("app.conf");
        Files.writeString(target, "old\n");
        byte[] content = new byte[64 * 1024];
        new Random(5).nextBytes(content);
        ExecRequest write = RemoteFiles.write(target.toString(), content).request();
        // A disk that fills up mid-write, as the shell's file size limit (512-byte blocks) makes it.
        ExecRequest full = new ExecRequest("ulimit -f 8\n" + write.script(), write.input(), null, null, null);

        ExecResult result = local.exec(full);

        assertThat(result.exitCode()).as(result.stderr()).isEqualTo(RemoteFiles.INCOMPLETE);
        assertThat(Files.readString(target)).isEqualTo("old\n");
        assertThat(entries()).containsExactly("app.conf");
    }

    @Test
    void aTempFileLeftByAKilledWriteGoesWithTheNextWriteOfItsTarget() throws IOException {
        Files.writeString(dir.resolve(".app.conf.rigger-Ab3dEf9h"), "half");
        Files.writeString(dir.resolve(".other.conf.rigger-Ab3dEf9h"), "another target's, maybe in flight");
        Path target = dir.resolve("app.conf");

        ExecResult result = local.exec(RemoteFiles.write(target.toString(), "whole\n".getBytes(UTF_8)).request());

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(entries()).containsExactly(".other.conf.rigger-Ab3dEf9h", "app.conf");
    }

    /** Deterministic pseudo-random bytes, made as they are read. */
    private static final class Generated extends java.io.InputStream {
        private final Random random = new Random(11);
        private long left;

        Generated(long size) {
            this.left = size;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left == 0) return -1;
            int n = (int) Math.min(len, left);
            byte[] chunk = new byte[n];
            random.nextBytes(chunk);
            System.arraycopy(chunk, 0, b, off, n);
            left -= n;
            return n;
        }
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
