package dev.rigger.modules.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rigger.core.executor.RunEvent.HostResult;
import dev.rigger.core.executor.Status;
import dev.rigger.core.module.Plan;
import dev.rigger.core.module.Probe;
import dev.rigger.core.secret.Secret;
import dev.rigger.core.transport.ConnectionSettings;
import dev.rigger.core.transport.ExecRequest;
import dev.rigger.core.transport.ExecResult;
import dev.rigger.core.transport.LocalConnection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real probe and apply scripts on this machine's files (local transport, temp directories),
 * through the executor: check mode, exec budget, idempotence, failures. The lab ITs repeat the
 * important ones over SSH on Debian hosts.
 */
class LocalFilesTest {
    @TempDir
    Path dir;

    private final Runs runs = Runs.local();

    private static String perms(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    private List<String> entries(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void copyContentCheckApplyAndAgain() throws IOException {
        Path target = dir.resolve("motd");
        CopyFile copy = CopyFile.content(target.toString(), "hello\n").mode("u=rw,g=r,o=").build();

        HostResult checked = runs.check(true).runOne(copy);
        assertThat(checked.status()).isEqualTo(Status.CHANGED);
        assertThat(checked.execs()).isEqualTo(1);
        assertThat(target).doesNotExist();

        HostResult applied = runs.check(false).runOne(copy);
        assertThat(applied.status()).as(applied.message()).isEqualTo(Status.CHANGED);
        assertThat(applied.execs()).isEqualTo(2);
        assertThat(target).hasContent("hello");
        assertThat(perms(target)).isEqualTo("rw-r-----");

        HostResult again = runs.runOne(copy);
        assertThat(again.status()).isEqualTo(Status.OK);
        assertThat(again.execs()).isEqualTo(1);
    }

    @Test
    void copySrcIntoAnExistingDirectoryFromThePlaybookFolder() throws IOException {
        Path playbook = Files.createDirectories(dir.resolve("playbook/files"));
        Files.writeString(playbook.resolve("app.conf"), "port=1\n");
        Path etc = Files.createDirectories(dir.resolve("etc"));
        CopyFile copy = CopyFile.src(etc.toString(), "app.conf").build();

        HostResult r = runs.playbookDir(dir.resolve("playbook")).runOne(copy);

        assertThat(r.status()).as(r.message()).isEqualTo(Status.CHANGED);
        assertThat(etc.resolve("app.conf")).hasContent("port=1");
        assertThat(runs.runOne(copy).status()).isEqualTo(Status.OK);
    }

    @Test
    void diffModeShowsTheChangeAndBackupKeepsTheOldFile() throws IOException {
        Path target = Files.writeString(dir.resolve("app.conf"), "a\nb\nc\n");
        CopyFile copy = CopyFile.content(target.toString(), "a\nB\nc\n").backup(true).build();

        HostResult r = runs.diff(true).runOne(copy);

        assertThat(r.changes().get(0).diff()).contains("-b\n+B\n");
        assertThat(target).hasContent("a\nB\nc");
        String backup = (String) r.registered().get("backup_file");
        assertThat(Path.of(backup)).hasContent("a\nb\nc").hasParent(dir);
    }

    @Test
    void aRefusingValidatorFailsTheTaskAndLeavesTheOldFile() throws IOException {
        Path target = Files.writeString(dir.resolve("sudoers"), "old\n");
        CopyFile copy = CopyFile.content(target.toString(), "broken\n")
                .validate(List.of("sh", "-c", "echo \"syntax error in $0\" >&2; exit 1", "%s")).build();

        HostResult r = runs.runOne(copy);

        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.execs()).isEqualTo(2);
        assertThat(r.message()).startsWith("validate (sh -c").contains("refused the new content").contains("syntax error in " + dir);
        assertThat(target).hasContent("old");
        assertThat(entries(dir)).containsExactly("sudoers");
    }

    @Test
    void templateRendersVariablesAndKeepsSecretsOutOfTheDiff() throws IOException {
        Path playbook = Files.createDirectories(dir.resolve("pb/templates"));
        Files.writeString(playbook.resolve("app.conf.mustache"), "name={{app_name}}\npassword={{db_password}}\n");
        Path target = Files.writeString(dir.resolve("app.conf"), "name=old\npassword=older-secret\n");
        TemplateFile t = TemplateFile.of("app.conf.mustache", target.toString()).mode("0600").build();
        Runs withVars = runs.playbookDir(dir.resolve("pb")).diff(true)
                .vars(Map.of("app_name", "shop", "db_password", Secret.of("n3w-s3cret")));

        HostResult r = withVars.runOne(t);

        assertThat(r.status()).as(r.message()).isEqualTo(Status.CHANGED);
        assertThat(target).hasContent("name=shop\npassword=n3w-s3cret");
        assertThat(r.toString()).doesNotContain("n3w-s3cret").doesNotContain("older-secret");
        assertThat(r.changes().get(0).diff()).contains("-name=old\n+name=shop\n");
        assertThat(withVars.runOne(t).execs()).isEqualTo(1);
    }

    @Test
    void fileDirectoryWithSymbolicModeIsIdempotent() throws IOException {
        Path d = dir.resolve("a/b/c");
        ManagedPath spec = ManagedPath.directory(d.toString()).mode("u=rwx,g=rx,o=").build();

        HostResult first = runs.runOne(spec);
        assertThat(first.status()).as(first.message()).isEqualTo(Status.CHANGED);
        assertThat(perms(d)).isEqualTo("rwxr-x---");
        HostResult second = runs.runOne(spec);
        assertThat(second.status()).isEqualTo(Status.OK);
        assertThat(second.execs()).isEqualTo(1);
    }

    @Test
    void recurseFixesTheWholeTreeOnceAndThenFindsNothing() throws IOException {
        Path d = Files.createDirectories(dir.resolve("tree/sub"));
        Files.writeString(d.resolve("f"), "x");
        Files.setPosixFilePermissions(d.resolve("f"), PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.createSymbolicLink(d.resolve("l"), Path.of("f"));
        ManagedPath spec = ManagedPath.directory(dir.resolve("tree").toString()).mode("u=rwX,g=rX,o=").recurse(true).build();

        assertThat(runs.runOne(spec).status()).isEqualTo(Status.CHANGED);
        assertThat(perms(d.resolve("f"))).isEqualTo("rwxr-x---");
        assertThat(perms(d)).isEqualTo("rwxr-x---");
        HostResult again = runs.runOne(spec);
        assertThat(again.status()).isEqualTo(Status.OK);
        assertThat(again.execs()).isEqualTo(1);
    }

    @Test
    void linksAreCreatedRepointedAndLeftAlone() throws IOException {
        Path r1 = Files.createDirectories(dir.resolve("r1"));
        Path r2 = Files.createDirectories(dir.resolve("r2"));
        Path current = dir.resolve("current");

        assertThat(runs.runOne(ManagedPath.link(current.toString(), "r1").build()).status()).isEqualTo(Status.CHANGED);
        assertThat(Files.readSymbolicLink(current)).isEqualTo(Path.of("r1"));
        assertThat(runs.runOne(ManagedPath.link(current.toString(), "r1").build()).status()).isEqualTo(Status.OK);
        HostResult repoint = runs.runOne(ManagedPath.link(current.toString(), r2.toString()).build());
        assertThat(repoint.status()).as(repoint.message()).isEqualTo(Status.CHANGED);
        assertThat(Files.readSymbolicLink(current)).isEqualTo(r2);
        assertThat(entries(dir)).containsExactly("current", "r1", "r2");
        assertThat(r1).isDirectory();
    }

    @Test
    void aFileIsNotTurnedIntoALinkWithoutForce() throws IOException {
        Path f = Files.writeString(dir.resolve("f"), "keep");
        Files.writeString(dir.resolve("g"), "g");

        HostResult refused = runs.runOne(ManagedPath.link(f.toString(), "g").build());
        assertThat(refused.status()).isEqualTo(Status.FAILED);
        assertThat(refused.message()).contains("refusing to convert from file");
        assertThat(f).hasContent("keep");

        assertThat(runs.runOne(ManagedPath.link(f.toString(), "g").force(true).build()).status()).isEqualTo(Status.CHANGED);
        assertThat(Files.isSymbolicLink(f)).isTrue();
    }

    @Test
    void hardLinksShareTheInode() throws IOException {
        Path src = Files.writeString(dir.resolve("src"), "x");
        Path hard = dir.resolve("hard");
        ManagedPath spec = ManagedPath.at(hard.toString()).state(ManagedPath.Ensure.HARD).src(src.toString()).build();

        assertThat(runs.runOne(spec).status()).isEqualTo(Status.CHANGED);
        assertThat(Files.isSameFile(src, hard)).isTrue();
        assertThat(Files.isSymbolicLink(hard)).isFalse();
        assertThat(runs.runOne(spec).status()).isEqualTo(Status.OK);
    }

    @Test
    void touchAndAbsent() throws IOException {
        Path t = dir.resolve("t");
        ManagedPath touch = ManagedPath.at(t.toString()).state(ManagedPath.Ensure.TOUCH).touchAccessTime(false).touchModificationTime(false).build();
        assertThat(runs.runOne(touch).status()).isEqualTo(Status.CHANGED);
        assertThat(t).exists().isEmptyFile();
        assertThat(runs.runOne(touch).status()).isEqualTo(Status.OK);

        Files.createDirectories(dir.resolve("gone/deep/er"));
        assertThat(runs.runOne(ManagedPath.absent(dir.resolve("gone").toString()).build()).status()).isEqualTo(Status.CHANGED);
        assertThat(dir.resolve("gone")).doesNotExist();
        assertThat(runs.runOne(ManagedPath.absent(dir.resolve("gone").toString()).build()).status()).isEqualTo(Status.OK);
    }

    @Test
    void lineinfileEditsTheRealFileBehindASymlink() throws IOException {
        Path real = Files.writeString(dir.resolve("sysctl.real"), "kernel.x = 1\nvm.swappiness = 60\n");
        Path link = Files.createSymbolicLink(dir.resolve("sysctl.conf"), real.getFileName());
        LineInFile spec = LineInFile.line(link.toString(), "vm.swappiness = 10").regexp("^vm\\.swappiness").build();

        HostResult r = runs.runOne(spec);

        assertThat(r.status()).as(r.message()).isEqualTo(Status.CHANGED);
        assertThat(r.execs()).isEqualTo(2);
        assertThat(real).hasContent("kernel.x = 1\nvm.swappiness = 10");
        assertThat(Files.isSymbolicLink(link)).isTrue();
        HostResult again = runs.runOne(spec);
        assertThat(again.status()).isEqualTo(Status.OK);
        assertThat(again.execs()).isEqualTo(1);
    }

    @Test
    void lineinfileCreatesFileAndDirectories() throws IOException {
        Path f = dir.resolve("new/dir/fstab");
        HostResult r = runs.runOne(LineInFile.line(f.toString(), "tmpfs /tmp tmpfs defaults 0 0").create(true).mode("0644").build());
        assertThat(r.status()).as(r.message()).isEqualTo(Status.CHANGED);
        assertThat(f).hasContent("tmpfs /tmp tmpfs defaults 0 0");
        assertThat(perms(f)).isEqualTo("rw-r--r--");
    }

    @Test
    void blockinfileInsertsOnceAndReplacesInPlace() throws IOException {
        Path hosts = Files.writeString(dir.resolve("hosts"), "127.0.0.1 localhost\n");
        BlockInFile v1 = BlockInFile.block(hosts.toString(), "10.0.0.11 pg1").build();
        BlockInFile v2 = BlockInFile.block(hosts.toString(), "10.0.0.11 pg1\n10.0.0.12 pg2").build();

        assertThat(runs.runOne(v1).status()).isEqualTo(Status.CHANGED);
        assertThat(runs.runOne(v1).status()).isEqualTo(Status.OK);
        assertThat(runs.runOne(v2).status()).isEqualTo(Status.CHANGED);
        assertThat(hosts).hasContent("127.0.0.1 localhost\n# BEGIN ANSIBLE MANAGED BLOCK\n10.0.0.11 pg1\n10.0.0.12 pg2\n# END ANSIBLE MANAGED BLOCK");
    }

    @Test
    void anEditOfAFileThatChangedSinceTheProbeIsRefused() throws IOException {
        Path f = Files.writeString(dir.resolve("f"), "a\n");
        LineInFile spec = LineInFile.line(f.toString(), "b").build();
        LocalConnection local = new LocalConnection(ConnectionSettings.builder("local").local().build());
        Probe<FileProbe.State> probe = spec.probe(new TestContext());
        Plan plan = spec.plan(probe.parser().apply(local.exec(probe.script())), new TestContext());
        Files.writeString(f, "a\nsomeone else\n");

        ExecResult result = local.exec(ExecRequest.of(plan.applyScript()).withStdin(plan.applyInput()));

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("changed after it was read");
        assertThat(f).hasContent("a\nsomeone else");
    }
}
