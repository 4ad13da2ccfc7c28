package dev.rigger.modules.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rigger.core.module.Change;
import dev.rigger.core.module.FileMode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Mode, owner and group comparisons: symbolic modes are idempotent, ids and names both match. */
class FileAttributesTest {

    private static FileAttributes mode(String mode) {
        return new FileAttributes(FileMode.parse(mode), null, null);
    }

    @Test
    void symbolicModeAlreadyInEffectIsNoChange() {
        assertThat(mode("u=rw,g=r,o=").modeDiffers(0640, false)).isFalse();
        assertThat(mode("u=rw,g=r,o=").modeDiffers(0644, false)).isTrue();
        assertThat(mode("u=rw,g=r,o=").modeFor(0644, false)).isEqualTo(0640);
    }

    @Test
    void capitalXGivesExecuteToDirectoriesAndExecutablesOnly() {
        FileAttributes a = mode("u=rwX,g=rX,o=");
        assertThat(a.modeFor(0600, false)).isEqualTo(0640);
        assertThat(a.modeFor(0700, false)).isEqualTo(0750);
        assertThat(a.modeFor(0700, true)).isEqualTo(0750);
        assertThat(a.modeDiffers(0750, true)).isFalse();
    }

    @Test
    void plusAndMinusKeepOtherBits() {
        assertThat(mode("g+w").modeFor(0644, false)).isEqualTo(0664);
        assertThat(mode("o-r").modeFor(0644, false)).isEqualTo(0640);
        assertThat(mode("+x").modeFor(0644, false)).isEqualTo(0755);
    }

    @Test
    void octalModesIncludingSpecialBits() {
        assertThat(mode("0644").modeDiffers(0644, false)).isFalse();
        assertThat(mode("644").modeDiffers(0644, false)).isFalse();
        assertThat(mode("2775").modeFor(0755, true)).isEqualTo(02775);
        assertThat(mode("0755").modeDiffers(04755, false)).as("setuid present but not asked for").isTrue();
    }

    @Test
    void ownerMatchesByNameOrNumericId() {
        FileAttributes byName = new FileAttributes(null, "postgres", "postgres");
        FileAttributes byId = new FileAttributes(null, "105", "110");
        assertThat(byName.ownerDiffers("postgres", 105)).isFalse();
        assertThat(byId.ownerDiffers("postgres", 105)).isFalse();
        assertThat(byId.groupDiffers("postgres", 111)).isTrue();
        assertThat(byName.ownerDiffers("UNKNOWN", 999)).isTrue();
    }

    @Test
    void changesNameWhatDiffers() {
        FileAttributes a = new FileAttributes(FileMode.parse("0640"), "app", null);
        List<Change> changes = a.changes("/x", 0644, "root", 0, "root", 0, false);
        assertThat(changes).extracting(Change::summary).containsExactly("owner of /x: root → app", "mode of /x: 0644 → 0640");
    }

    @Test
    void commandsSetOnlyWhatDiffersAndReapplyTheModeAfterChown() {
        FileProbe.State s = States.file("/x", new byte[0], 04755, "root", 0, "root", 0);
        assertThat(new FileAttributes(null, null, "staff").commands("/x", s, false)).isEqualTo("chown ':staff' -- '/x'\n");
        assertThat(new FileAttributes(FileMode.parse("4755"), "app", null).commands("/x", s, false))
                .isEqualTo("chown 'app' -- '/x'\nchmod 4755 -- '/x'\n");
        assertThat(new FileAttributes(FileMode.parse("4755"), "root", null).commands("/x", s, false)).isEmpty();
        assertThat(new FileAttributes(null, "app", "app").commands("/x", s, true)).isEqualTo("chown -h 'app:app' -- '/x'\n");
    }

    @Test
    void theChmodArgumentForTreesNamesAllWhenAClauseHasNoWho() {
        assertThat(ManagedPath.explicitWho("+w,g-x")).isEqualTo("a+w,g-x");
        assertThat(ManagedPath.explicitWho("0755")).isEqualTo("0755");
    }
}
