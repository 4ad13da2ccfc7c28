package dev.rigger.modules.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rigger.core.module.Change;
import dev.rigger.core.module.ModuleException;
import dev.rigger.core.module.Plan;
import java.util.List;
import org.junit.jupiter.api.Test;

/** file's plan for each state against each kind of path. */
class ManagedPathTest {
    private final TestContext ctx = new TestContext();

    private static FileProbe.TreeEntry entry(String type, int mode, String owner) {
        return new FileProbe.TreeEntry(type, mode, owner, owner, owner.equals("root") ? 0 : 1000, owner.equals("root") ? 0 : 1000);
    }

    @Test
    void aMissingDirectoryIsCreatedWithItsParentsAndAttributes() {
        Plan plan = ManagedPath.directory("/srv/app/data").owner("app").mode("u=rwx,g=rx,o=").build().plan(States.missing("/srv/app/data"), ctx);
        assertThat(plan.changes()).extracting(Change::summary).containsExactly("create directory /srv/app/data (mode 0750)");
        assertThat(plan.applyScript()).isEqualTo("set -e\nmkdir -p -- '/srv/app/data'\nchown 'app' -- '/srv/app/data'\nchmod 0750 -- '/srv/app/data'\n");
    }

    @Test
    void anExistingDirectoryWithTheRightSymbolicModeIsNoChange() {
        assertThat(ManagedPath.directory("/d").mode("u=rwX,g=rX,o=").build().plan(States.directory("/d", 0750, List.of()), ctx).hasChanges()).isFalse();
        assertThat(ManagedPath.directory("/d").mode("u=rwX,g=rX,o=").build().plan(States.directory("/d", 0755, List.of()), ctx).applyScript())
                .contains("chmod 0750 -- '/d'");
    }

    @Test
    void aFileWhereADirectoryShouldBeIsAnError() {
        assertThatThrownBy(() -> ManagedPath.directory("/d").build().plan(States.fileWithoutContent("/d", ""), ctx))
                .isInstanceOf(ModuleException.class).hasMessage("/d exists and is not a directory");
    }

    @Test
    void recurseLooksAtEveryKindOfEntryInTheTree() {
        List<FileProbe.TreeEntry> tidy = List.of(entry("directory", 0750, "app"), entry("regular file", 0640, "app"),
                entry("regular empty file", 0640, "app"), entry("symbolic link", 0777, "app"));
        ManagedPath spec = ManagedPath.directory("/d").owner("app").group("app").mode("u=rwX,g=rX,o=").recurse(true).build();
        assertThat(spec.plan(States.directory("/d", 0750, tidy), ctx).hasChanges()).as("links' 0777 do not count").isFalse();

        List<FileProbe.TreeEntry> messy = List.of(entry("directory", 0750, "app"), entry("regular file", 0644, "app"));
        Plan plan = spec.plan(States.directory("/d", 0750, messy), ctx);
        assertThat(plan.changes()).extracting(Change::summary).containsExactly("mode under /d → u=rwX,g=rX,o= (recursively)");
        assertThat(plan.applyScript()).isEqualTo("set -e\nchmod -R 'u=rwX,g=rX,o=' -- '/d'\n");
    }

    @Test
    void recurseChownsWhenAnyEntryHasAnotherOwner() {
        List<FileProbe.TreeEntry> tree = List.of(entry("directory", 0755, "app"), entry("regular file", 0644, "root"));
        Plan plan = ManagedPath.directory("/d").owner("app").recurse(true).build().plan(States.directory("/d", 0755, tree), ctx);
        assertThat(plan.applyScript()).isEqualTo("set -e\nchown -R 'app' -- '/d'\n");
    }

    @Test
    void fileStateDoesNotCreate() {
        assertThatThrownBy(() -> ManagedPath.at("/x").state(ManagedPath.Ensure.FILE).build().plan(States.missing("/x"), ctx))
                .isInstanceOf(ModuleException.class).hasMessageContaining("is absent, cannot continue");
    }

    @Test
    void withoutStateOnlyAttributesAreManaged() {
        Plan plan = ManagedPath.at("/x").mode("0600").build().plan(States.fileWithoutContent("/x", ""), ctx);
        assertThat(plan.applyScript()).isEqualTo("set -e\nchmod 0600 -- '/x'\n");
    }

    @Test
    void absentRemovesWhateverIsThere() {
        assertThat(ManagedPath.absent("/x").build().plan(States.missing("/x"), ctx).hasChanges()).isFalse();
        Plan plan = ManagedPath.absent("/x").build().plan(States.directory("/x"), ctx);
        assertThat(plan.changes()).extracting(Change::summary).containsExactly("remove directory tree /x");
        assertThat(plan.applyScript()).isEqualTo("rm -rf -- '/x'\n");
    }

    @Test
    void aSymlinkAlreadyPointingRightIsNoChange() {
        FileProbe.State s = States.withSource(States.link("/opt/current", "/opt/r1"), "2049:5", 0755);
        assertThat(ManagedPath.link("/opt/current", "/opt/r1").build().plan(s, ctx).hasChanges()).isFalse();
    }

    @Test
    void aSymlinkIsRepointedAtomically() {
        FileProbe.State s = States.withSource(States.link("/opt/current", "/opt/r1"), "2049:6", 0755);
        Plan plan = ManagedPath.link("/opt/current", "/opt/r2").build().plan(s, ctx);
        assertThat(plan.changes()).extracting(Change::summary).containsExactly("repoint /opt/current -> /opt/r2 (was -> /opt/r1)");
        assertThat(plan.applyScript()).contains("cd -- '/opt'").contains("ln -s -- '/opt/r2' \"$tmp\"").contains("mv -Tf -- \"$tmp\" '/opt/current'");
    }

    @Test
    void aLinkToAMissingSourceNeedsForce() {
        FileProbe.State s = States.missing("/opt/current");
        assertThatThrownBy(() -> ManagedPath.link("/opt/current", "/opt/r9").build().plan(s, ctx)).hasMessageContaining("use force: true");
        assertThat(ManagedPath.link("/opt/current", "/opt/r9").force(true).build().plan(s, ctx).hasChanges()).isTrue();
    }

    @Test
    void aFileIsOnlyReplacedByALinkWithForce() {
        FileProbe.State s = States.withSource(States.fileWithoutContent("/etc/x", "a"), "2049:5", 0644);
        assertThatThrownBy(() -> ManagedPath.link("/etc/x", "/opt/x").build().plan(s, ctx)).hasMessageContaining("refusing to convert from file");
        assertThat(ManagedPath.link("/etc/x", "/opt/x").force(true).build().plan(s, ctx).changes().get(0).summary())
                .isEqualTo("replace file /etc/x with symlink -> /opt/x");
    }

    @Test
    void aSymlinkCannotHaveAMode() {
        assertThatThrownBy(() -> ManagedPath.link("/a", "/b").mode("0644").build()).hasMessageContaining("mode does not apply to a symlink");
    }

    @Test
    void symlinkOwnershipIsTheLinksOwn() {
        FileProbe.State s = States.withSource(States.link("/a", "/b"), "2049:5", 0644);
        assertThat(ManagedPath.link("/a", "/b").owner("app").build().plan(s, ctx).applyScript()).isEqualTo("set -e\nchown -h 'app' -- '/a'\n");
    }

    @Test
    void hardLinkToTheSameInodeIsNoChangeOtherwiseItIsMade() {
        FileProbe.State same = States.withSource(States.fileWithoutContent("/a", "x"), "2049:100", 0644);
        ManagedPath hard = ManagedPath.at("/a").state(ManagedPath.Ensure.HARD).src("/b").build();
        assertThat(hard.plan(same, ctx).hasChanges()).isFalse();
        Plan plan = hard.plan(States.withSource(States.missing("/a"), "2049:55", 0644), ctx);
        assertThat(plan.applyScript()).contains("ln -- '/b' \"$tmp\"");
        assertThatThrownBy(() -> hard.plan(States.missing("/a"), ctx)).hasMessageContaining("src file /b does not exist");
    }

    @Test
    void touchCreatesAMissingFileAndOtherwiseUpdatesTimesUnlessPreserved() {
        ManagedPath touch = ManagedPath.at("/t").state(ManagedPath.Ensure.TOUCH).mode("0600").build();
        assertThat(touch.plan(States.missing("/t"), ctx).applyScript()).isEqualTo("set -e\ntouch -- '/t'\nchmod 0600 -- '/t'\n");
        FileProbe.State existing = States.file("/t", new byte[0], 0600, "root", 0, "root", 0);
        assertThat(touch.plan(existing, ctx).changes()).extracting(Change::summary).containsExactly("update timestamps of /t");
        ManagedPath preserve = ManagedPath.at("/t").state(ManagedPath.Ensure.TOUCH).mode("0600").touchAccessTime(false).touchModificationTime(false).build();
        assertThat(preserve.plan(existing, ctx).hasChanges()).isFalse();
    }

    @Test
    void srcAndRecurseOnlyWhereTheyMeanSomething() {
        assertThatThrownBy(() -> ManagedPath.at("/a").src("/b").build()).hasMessageContaining("src only applies");
        assertThatThrownBy(() -> ManagedPath.at("/a").state(ManagedPath.Ensure.FILE).recurse(true).build()).hasMessageContaining("recurse only applies");
        assertThatThrownBy(() -> ManagedPath.at("/a").state(ManagedPath.Ensure.LINK).build()).hasMessageContaining("src is required");
    }

    @Test
    void theProbeFollowsLinksOnlyWhereTheTargetIsManaged() {
        assertThat(ManagedPath.directory("/d").build().probe(ctx).script()).contains("[ -L \"$p\" ] && [ ! -e \"$p\" ]");
        assertThat(ManagedPath.link("/d", "/e").build().probe(ctx).script()).contains("if [ -L \"$p\" ]; then t=link").contains("'/e'");
        assertThat(ManagedPath.directory("/d").recurse(true).build().probe(ctx).script()).contains("find -H \"$p\"");
    }
}
