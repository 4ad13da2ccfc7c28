package dev.rigger.modules.files;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rigger.core.module.Change;
import dev.rigger.core.module.FileMode;
import dev.rigger.core.module.ModuleException;
import dev.rigger.core.module.Outcome;
import dev.rigger.core.module.Plan;
import dev.rigger.core.secret.Secret;
import dev.rigger.core.transport.ExecResult;
import dev.rigger.core.transport.RemoteFiles;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The whole-file plan of copy and template: hash comparison, attributes, diffs, validate, backup. */
class ContentWriteTest {
    private static final String PATH = "/etc/app.conf";

    private static ContentWrite write(String content, FileAttributes attributes) {
        return new ContentWrite(content.getBytes(UTF_8), Redaction.none(), attributes, false, List.of(), true, false, false, null);
    }

    @Test
    void sameHashAndAttributesIsNoChangeEvenWithoutTheContent() {
        assertThat(write("x\n", FileAttributes.NONE).plan(States.fileWithoutContent(PATH, "x\n"), false).hasChanges()).isFalse();
    }

    @Test
    void aNewFileIsCreatedWithTheModeComputedFromTheUmask() {
        Plan plan = write("x\n", new FileAttributes(FileMode.parse("u=rw,g=r,o="), null, null)).plan(States.missing(PATH), false);
        assertThat(plan.changes()).extracting(Change::summary).containsExactly("create /etc/app.conf (2 bytes)");
        assertThat(plan.applyScript()).contains("chmod 0640 -- \"$tmp\"").contains("mv -f -- \"$tmp\" \"$target\"");
        assertThat(plan.applyInput().readAll()).isEqualTo("x\n".getBytes(UTF_8));
    }

    @Test
    void aNewFileWithoutModeGetsTheUmaskDefaultExplicitly() {
        assertThat(write("x", FileAttributes.NONE).plan(States.missing(PATH), false).applyScript()).contains("chmod 0644 -- \"$tmp\"");
    }

    @Test
    void aReplacedFileWithoutModeKeepsItsMode() {
        Plan plan = write("new\n", FileAttributes.NONE).plan(States.fileWithoutContent(PATH, "old\n"), false);
        assertThat(plan.applyScript()).doesNotContain("chmod 0").contains("stat -L -c %a");
        assertThat(plan.changes().get(0).summary()).startsWith("update /etc/app.conf (sha256 ");
    }

    @Test
    void differentContentAndAttributesAreOneWriteThatSetsBoth() {
        Plan plan = write("new\n", new FileAttributes(FileMode.parse("0600"), "app", "app")).plan(States.fileWithoutContent(PATH, "old\n"), false);
        assertThat(plan.changes()).extracting(Change::summary).hasSize(4)
                .contains("owner of /etc/app.conf: root → app", "group of /etc/app.conf: root → app", "mode of /etc/app.conf: 0644 → 0600");
        assertThat(plan.applyScript()).contains("chmod 0600 -- \"$tmp\"").contains("chown 'app:app' -- \"$tmp\"");
    }

    @Test
    void sameContentOtherModeOnlyChmods() {
        Plan plan = write("x\n", new FileAttributes(FileMode.parse("go-r"), null, null)).plan(States.fileWithoutContent(PATH, "x\n"), false);
        assertThat(plan.applyScript()).isEqualTo("set -e\nchmod 0600 -- '/etc/app.conf'\n");
        assertThat(plan.applyInput()).isNull();
    }

    @Test
    void aSymlinkIsReplacedByAFile() {
        Plan plan = write("x\n", FileAttributes.NONE).plan(States.link(PATH, "/opt/app.conf"), false);
        assertThat(plan.changes().get(0).summary()).isEqualTo("replace symlink /etc/app.conf -> /opt/app.conf with a file");
        assertThat(plan.applyScript()).contains("chmod 0644 -- \"$tmp\"");
    }

    @Test
    void forceFalseLeavesAnExistingFileAlone() {
        ContentWrite keep = new ContentWrite("new".getBytes(UTF_8), Redaction.none(), new FileAttributes(FileMode.parse("0600"), null, null),
                false, List.of(), false, false, false, null);
        assertThat(keep.plan(States.fileWithoutContent(PATH, "old"), false).hasChanges()).isFalse();
        assertThat(keep.plan(States.missing(PATH), false).hasChanges()).isTrue();
    }

    @Test
    void aMissingDirectoryIsAnErrorUnlessParentsAreCreated() {
        assertThatThrownBy(() -> write("x", FileAttributes.NONE).plan(States.missingWithoutParent(PATH), false))
                .isInstanceOf(ModuleException.class).hasMessage("directory /etc does not exist");
    }

    @Test
    void directoriesAndSpecialFilesAreRefused() {
        assertThatThrownBy(() -> write("x", FileAttributes.NONE).plan(States.directory(PATH), false)).hasMessage("/etc/app.conf is a directory");
    }

    @Test
    void diffModeShowsAUnifiedDiff() {
        Plan plan = write("a\nB\nc\n", FileAttributes.NONE).plan(States.file(PATH, "a\nb\nc\n"), true);
        assertThat(plan.changes().get(0).diff()).isEqualTo(
                "--- /etc/app.conf (before)\n+++ /etc/app.conf (after)\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n");
    }

    @Test
    void diffOfANewFileIsAllAdded() {
        Plan plan = write("a\n", FileAttributes.NONE).plan(States.missing(PATH), true);
        assertThat(plan.changes().get(0).diff()).contains("+a\n");
    }

    @Test
    void binaryContentHasNoDiff() {
        ContentWrite bin = new ContentWrite(new byte[] {0, 1, 2}, Redaction.none(), FileAttributes.NONE, false, List.of(), true, false, false, null);
        Plan plan = bin.plan(States.file(PATH, "text\n"), true);
        assertThat(plan.changes().get(0).summary()).endsWith("(binary content, no diff)");
        assertThat(plan.changes().get(0).unifiedDiff()).isEmpty();
    }

    @Test
    void secretsAreMaskedOnBothSidesOfTheDiff() {
        ContentWrite w = new ContentWrite("user=app\npass=n3w\n".getBytes(UTF_8),
                Redaction.ofRendering("user=app\npass=n3w\n", "user=app\npass=" + Secret.REDACTED + "\n"),
                FileAttributes.NONE, false, List.of(), true, false, false, null);
        Plan plan = w.plan(States.file(PATH, "user=root\npass=0ld\n"), true);
        String diff = plan.changes().get(0).diff();
        assertThat(diff).doesNotContain("n3w").doesNotContain("0ld").contains("-user=root\n").contains("+user=app\n");
    }

    @Test
    void onlyASecretChangingSaysSoWithoutADiff() {
        ContentWrite w = new ContentWrite("pass=n3w\n".getBytes(UTF_8), Redaction.ofRendering("pass=n3w\n", "pass=********\n"),
                FileAttributes.NONE, false, List.of(), true, false, false, null);
        Plan plan = w.plan(States.file(PATH, "pass=0ld\n"), true);
        assertThat(plan.changes().get(0).summary()).endsWith("(only secret values differ)");
        assertThat(plan.changes().get(0).unifiedDiff()).isEmpty();
    }

    @Test
    void validateAndBackupGoIntoTheWrite() {
        ContentWrite w = new ContentWrite("x".getBytes(UTF_8), Redaction.none(), FileAttributes.NONE, true,
                List.of("visudo", "-cf", "%s"), true, false, false, null);
        String script = w.plan(States.fileWithoutContent(PATH, "y"), false).applyScript();
        assertThat(script).contains("out=$('visudo' '-cf' \"$tmp\" 2>&1)").contains("cp -pP -- \"$target\" \"$backup\"");
        assertThat(script.indexOf("visudo")).isLessThan(script.indexOf("cp -pP"));
    }

    @Test
    void aRefusedValidationIsAClearFailureWithSecretsMasked() {
        ContentWrite w = new ContentWrite("pass=n3w\n".getBytes(UTF_8), Redaction.ofRendering("pass=n3w\n", "pass=********\n"),
                FileAttributes.NONE, false, List.of("check", "%s"), true, false, false, null);
        Plan plan = w.plan(States.fileWithoutContent(PATH, "old"), false);
        Outcome o = plan.interpreter().apply(new ExecResult(RemoteFiles.VALIDATION_FAILED, "",
                "line 1: bad value 'n3w'\nvalidation command exited 1\n", Duration.ZERO));
        assertThat(o.failed()).isTrue();
        assertThat(o.message()).isEqualTo("validate (check %s) refused the new content; the file was not changed: "
                + "line 1: bad value '********'\nvalidation command exited 1");
        assertThat(o.data().toString()).doesNotContain("n3w");
    }

    @Test
    void theBackupFileIsRegistered() {
        Plan plan = write("x", FileAttributes.NONE).plan(States.fileWithoutContent(PATH, "y"), false);
        Outcome o = plan.interpreter().apply(new ExecResult(0, "backup_file=/etc/app.conf.12.2026-01-01@10:00:00~\n", "", Duration.ZERO));
        assertThat(o.changed()).isTrue();
        assertThat(o.data()).containsEntry("backup_file", "/etc/app.conf.12.2026-01-01@10:00:00~");
    }
}
