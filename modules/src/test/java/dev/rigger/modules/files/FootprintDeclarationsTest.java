package dev.rigger.modules.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rigger.core.executor.RunEvent.HostResult;
import dev.rigger.core.executor.RunResult;
import dev.rigger.core.executor.Status;
import dev.rigger.core.module.Footprint;
import dev.rigger.core.module.Module;
import dev.rigger.core.module.Plan;
import dev.rigger.core.module.Probe;
import dev.rigger.core.transport.ConnectionSettings;
import dev.rigger.core.transport.ExecRequest;
import dev.rigger.core.transport.ExecResult;
import dev.rigger.core.transport.LocalConnection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the file modules declare their probes read and their applies write (batched probes keep a
 * probe taken ahead only while no change since overlaps what it read), from the real probe
 * scripts on this machine's files; and, through the executor with batching on, that a disjoint
 * change keeps a probe and an overlapping one does not.
 */
class FootprintDeclarationsTest {
    @TempDir
    Path tmp;

    private final LocalConnection local = new LocalConnection(ConnectionSettings.builder("local").local().build());

    /** The temp directory as the host sees it, every symlink resolved (macOS' /var is one). */
    private Path dir() throws IOException {
        return tmp.toRealPath();
    }

    private <S> Footprint reads(Module<S> module) {
        Probe<S> probe = module.probe(new TestContext());
        return probe.readsOf(local.exec(ExecRequest.of(probe.script())));
    }

    private <S> Plan plan(Module<S> module) {
        TestContext context = new TestContext();
        Probe<S> probe = module.probe(context);
        return module.plan(probe.parser().apply(local.exec(ExecRequest.of(probe.script()))), context);
    }

    private static Footprint at(Path p) {
        return Footprint.of(p.toString());
    }

    @Test
    void aFileProbeReadsItsPathItsTreeAndTheNameDatabasesNotItsSiblings() throws IOException {
        Path d = dir();
        Files.writeString(d.resolve("copied"), "x\n");
        Footprint reads = reads(CopyFile.content(d.resolve("copied").toString(), "y\n").build());
        assertThat(reads.isAnything()).isFalse();
        assertThat(reads.overlaps(at(d.resolve("copied")))).isTrue();
        assertThat(reads.overlaps(at(d))).as("its directory").isTrue();
        assertThat(reads.overlaps(Footprint.of("/etc/passwd"))).as("it prints owner names").isTrue();
        assertThat(reads.overlaps(Footprint.of("/etc/group"))).isTrue();
        assertThat(reads.overlaps(at(d.resolve("touched")))).as("a sibling").isFalse();

        Footprint tree = reads(ManagedPath.directory(d.toString()).mode("0755").recurse(true).build());
        assertThat(tree.overlaps(at(d.resolve("a/b/c")))).as("anything in the tree").isTrue();
    }

    @Test
    void aPathThroughASymlinkReadsAnything() throws IOException {
        Path d = dir();
        Files.createDirectories(d.resolve("real"));
        Files.createSymbolicLink(d.resolve("via"), d.resolve("real"));
        assertThat(reads(CopyFile.content(d.resolve("via/f").toString(), "y\n").build()).isAnything()).isTrue();
        assertThat(reads(ManagedPath.at(d.resolve("via").toString()).mode("0755").build()).isAnything())
                .as("a followed symlink").isTrue();
        assertThat(reads(LineInFile.line(d.resolve("via/f").toString(), "x").create(true).build()).isAnything()).isTrue();
        assertThat(reads(LineInFile.line(d.resolve("real/f").toString(), "x").create(true).build()).isAnything()).isFalse();
        // A link managed as a link (not followed) is read where it is; its source resolved through a link is not.
        Footprint link = reads(ManagedPath.link(d.resolve("l").toString(), "real").build());
        assertThat(link.isAnything()).isFalse();
        assertThat(link.overlaps(at(d.resolve("real")))).as("the link's source").isTrue();
        assertThat(reads(ManagedPath.link(d.resolve("l").toString(), "via/x").force(true).build()).isAnything()).isTrue();
    }

    @Test
    void copyWritesItsDestWhereItReallyIsItsDirectoryWithABackupAndAnythingWhenCreatingDirectories() throws IOException {
        Path d = dir();
        Files.writeString(d.resolve("f"), "old\n");
        Footprint writes = plan(CopyFile.content(d.resolve("f").toString(), "new\n").build()).writes();
        assertThat(writes.overlaps(at(d.resolve("f")))).isTrue();
        assertThat(writes.overlaps(at(d))).as("the directory its temp file is made in").isTrue();
        assertThat(writes.overlaps(at(d.resolve("g")))).as("a sibling").isFalse();

        Footprint backup = plan(CopyFile.content(d.resolve("f").toString(), "new\n").backup(true).build()).writes();
        assertThat(backup.overlaps(at(d.resolve("f.1234.2026-11-30@13:00:00~")))).as("the backup beside it").isTrue();

        ContentWrite intoNewDirectories = new ContentWrite("x".getBytes(java.nio.charset.StandardCharsets.UTF_8), Redaction.none(),
                new FileAttributes(null, null, null), false, List.of(), true, true, false, null);
        assertThat(intoNewDirectories.written(States.missingWithoutParent(d.resolve("new/dir/a.conf").toString())).isAnything())
                .as("dest/ creates missing directories").isTrue();
        assertThat(plan(CopyFile.content(d.resolve("f").toString(), "new\n").validate(List.of("true", "%s")).build()).writes()
                .isAnything()).as("validate runs a command").isTrue();

        Files.createDirectories(d.resolve("real"));
        Files.createSymbolicLink(d.resolve("via"), d.resolve("real"));
        Footprint through = plan(CopyFile.content(d.resolve("via/f").toString(), "new\n").build()).writes();
        assertThat(through.overlaps(at(d.resolve("real/f")))).as("where it really is").isTrue();
    }

    @Test
    void fileWritesItsPathOrAnythingWhenItsParentsAreCreatedOrItIsAHardLink() throws IOException {
        Path d = dir();
        Footprint touch = plan(ManagedPath.at(d.resolve("t").toString()).state(ManagedPath.Ensure.TOUCH).build()).writes();
        assertThat(touch.overlaps(at(d.resolve("t")))).isTrue();
        assertThat(touch.overlaps(at(d.resolve("copied")))).isFalse();
        assertThat(plan(ManagedPath.directory(d.resolve("x/y/z").toString()).build()).writes().isAnything()).isTrue();
        Footprint child = plan(ManagedPath.directory(d.resolve("x").toString()).build()).writes();
        assertThat(child.overlaps(at(d.resolve("x")))).isTrue();
        Files.writeString(d.resolve("src"), "s\n");
        assertThat(plan(ManagedPath.at(d.resolve("h").toString()).state(ManagedPath.Ensure.HARD).src("src").build()).writes()
                .isAnything()).isTrue();
    }

    @Test
    void withBatchingAKeptProbeServesAfterADisjointChangeAndIsTakenAgainAfterAnOverlappingOne() throws IOException {
        Path d = dir();
        Runs runs = Runs.local();
        ManagedPath touch = ManagedPath.at(d.resolve("touched").toString()).state(ManagedPath.Ensure.TOUCH).build();
        CopyFile copy = CopyFile.content(d.resolve("copied").toString(), "x\n").build();
        runs.run(touch, copy);
        List<HostResult> second = runs.run(touch, copy).hostResults();
        assertThat(second).extracting(HostResult::status).containsExactly(Status.CHANGED, Status.OK);
        assertThat(second).extracting(HostResult::execs).as("the batch and touch's apply; copy's probe was kept").containsExactly(2, 0);

        // The removal changes what copy's probe (taken ahead, before it) read: copy must probe again and write.
        ManagedPath remove = ManagedPath.absent(d.resolve("copied").toString()).build();
        RunResult again = runs.run(remove, copy);
        assertThat(again.hostResults()).extracting(HostResult::status).containsExactly(Status.CHANGED, Status.CHANGED);
        assertThat(again.hostResults()).extracting(HostResult::execs).containsExactly(2, 2);
        assertThat(d.resolve("copied")).hasContent("x");
    }
}
