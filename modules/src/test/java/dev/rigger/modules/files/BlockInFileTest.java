package dev.rigger.modules.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rigger.core.module.ModuleException;
import dev.rigger.core.module.Plan;
import org.junit.jupiter.api.Test;

/** blockinfile's edit logic, case by case as Ansible documents and implements it, and its plans. */
class BlockInFileTest {
    private static final String PATH = "/etc/hosts";
    private static final String BEGIN = "# BEGIN ANSIBLE MANAGED BLOCK\n";
    private static final String END = "# END ANSIBLE MANAGED BLOCK\n";

    private static BlockInFile.Builder block(String block) {
        return BlockInFile.block(PATH, block);
    }

    private static BlockInFile.Edit edit(BlockInFile.Builder spec, String original) {
        return spec.build().edit(original);
    }

    @Test
    void aNewBlockGoesAtTheEndBetweenDefaultMarkers() {
        BlockInFile.Edit e = edit(block("10.0.0.11 pg1\n10.0.0.12 pg2"), "127.0.0.1 localhost\n");
        assertThat(e.content()).isEqualTo("127.0.0.1 localhost\n" + BEGIN + "10.0.0.11 pg1\n10.0.0.12 pg2\n" + END);
        assertThat(e.message()).isEqualTo("Block inserted");
    }

    @Test
    void theSameBlockAgainIsNoChange() {
        String file = "a\n" + BEGIN + "x\n" + END + "z\n";
        BlockInFile.Edit e = edit(block("x\n"), file);
        assertThat(e.content()).isEqualTo(file);
        assertThat(e.message()).isEmpty();
    }

    @Test
    void aChangedBlockIsReplacedWhereItIs() {
        String file = "a\n" + BEGIN + "old1\nold2\n" + END + "z\n";
        assertThat(edit(block("new"), file).content()).isEqualTo("a\n" + BEGIN + "new\n" + END + "z\n");
    }

    @Test
    void stateAbsentRemovesTheBlockWithItsMarkers() {
        String file = "a\n" + BEGIN + "x\n" + END + "z\n";
        BlockInFile.Edit e = edit(block("x").absent(), file);
        assertThat(e.content()).isEqualTo("a\nz\n");
        assertThat(e.message()).isEqualTo("Block removed");
    }

    @Test
    void anEmptyBlockRemovesItToo() {
        assertThat(edit(block(""), "a\n" + BEGIN + "x\n" + END).content()).isEqualTo("a\n");
    }

    @Test
    void absentWithoutABlockIsNoChange() {
        BlockInFile.Edit e = edit(block("x").absent(), "a\nb\n");
        assertThat(e.content()).isEqualTo("a\nb\n");
        assertThat(e.message()).isEmpty();
    }

    @Test
    void insertafterPutsANewBlockAfterTheLastMatchingLine() {
        assertThat(edit(block("x").insertAfter("^#listen"), "#listen 1\na\n#listen 2\nb\n").content())
                .isEqualTo("#listen 1\na\n#listen 2\n" + BEGIN + "x\n" + END + "b\n");
    }

    @Test
    void insertafterWithoutAMatchAppends() {
        assertThat(edit(block("x").insertAfter("^nothing"), "a\n").content()).isEqualTo("a\n" + BEGIN + "x\n" + END);
    }

    @Test
    void insertbeforePutsANewBlockBeforeTheLastMatchingLine() {
        assertThat(edit(block("x").insertBefore("^host"), "local\nhost a\nhost b\n").content())
                .isEqualTo("local\nhost a\n" + BEGIN + "x\n" + END + "host b\n");
    }

    @Test
    void insertbeforeBofPutsTheBlockFirst() {
        assertThat(edit(block("x").insertBefore("BOF"), "a\n").content()).isEqualTo(BEGIN + "x\n" + END + "a\n");
    }

    @Test
    void anExistingBlockStaysWhereItIsWhateverInsertafterSays() {
        String file = BEGIN + "x\n" + END + "a\n";
        assertThat(edit(block("y").insertAfter("^a"), file).content()).isEqualTo(BEGIN + "y\n" + END + "a\n");
    }

    @Test
    void customMarkersWithMarkBeginAndEnd() {
        BlockInFile.Builder spec = block("listen stats").marker("## {mark} stats ##").markerBegin("START").markerEnd("STOP");
        String once = edit(spec, "global\n").content();
        assertThat(once).isEqualTo("global\n## START stats ##\nlisten stats\n## STOP stats ##\n");
        assertThat(edit(spec, once).content()).isEqualTo(once);
    }

    @Test
    void blocksWithDifferentMarkersLiveSideBySide() {
        String withA = edit(block("a").marker("# {mark} A"), "x\n").content();
        String withBoth = edit(block("b").marker("# {mark} B"), withA).content();
        assertThat(withBoth).isEqualTo("x\n# BEGIN A\na\n# END A\n# BEGIN B\nb\n# END B\n");
        assertThat(edit(block("a2").marker("# {mark} A"), withBoth).content())
                .isEqualTo("x\n# BEGIN A\na2\n# END A\n# BEGIN B\nb\n# END B\n");
    }

    @Test
    void aLastLineWithoutNewlineGetsOneBeforeTheBlock() {
        assertThat(edit(block("x"), "a").content()).isEqualTo("a\n" + BEGIN + "x\n" + END);
    }

    @Test
    void markersInReverseOrderAreStillOneBlock() {
        String file = "a\n" + END + "x\n" + BEGIN + "z\n";
        assertThat(edit(block("y"), file).content()).isEqualTo("a\n" + BEGIN + "y\n" + END + "z\n");
    }

    @Test
    void onlyOneMarkerPresentMeansNoBlockYet() {
        String file = "a\n" + BEGIN + "b\n";
        assertThat(edit(block("y"), file).content()).isEqualTo(file + BEGIN + "y\n" + END);
    }

    @Test
    void aMissingFileWithCreateIsTheBlockAlone() {
        BlockInFile.Edit e = edit(block("x").create(true), null);
        assertThat(e.content()).isEqualTo(BEGIN + "x\n" + END);
        assertThat(e.message()).isEqualTo("File created");
    }

    @Test
    void aMultilineInsertafterIsSearchedInTheWholeFile() {
        String file = "[a]\nk=1\n[b]\nk=2\n";
        assertThat(edit(block("x").insertAfter("(?m)^\\[a\\]\\nk=1$"), file).content())
                .isEqualTo("[a]\nk=1\n" + BEGIN + "x\n" + END + "[b]\nk=2\n");
    }

    @Test
    void prependAndAppendNewlineSeparateTheBlock() {
        BlockInFile.Builder spec = block("x").insertAfter("^a").prependNewline(true).appendNewline(true);
        String once = edit(spec, "a\nb\n").content();
        assertThat(once).isEqualTo("a\n\n" + BEGIN + "x\n" + END + "\nb\n");
        assertThat(edit(spec, once).content()).as("idempotent: the blank lines are not added again").isEqualTo(once);
    }

    @Test
    void insertafterAndInsertbeforeExcludeEachOther() {
        assertThatThrownBy(() -> block("x").insertAfter("a").insertBefore("b").build()).hasMessageContaining("exclude");
    }

    @Test
    void planOnAMissingFileWithoutCreateFails() {
        assertThatThrownBy(() -> block("x").build().plan(States.missing(PATH), new TestContext()))
                .isInstanceOf(ModuleException.class).hasMessageContaining("does not exist");
    }

    @Test
    void planDiffShowsTheBlock() {
        Plan plan = block("10.0.0.11 pg1").build().plan(States.file(PATH, "127.0.0.1 localhost\n"), new TestContext().withDiff());
        assertThat(plan.changes().get(0).summary()).startsWith("Block inserted: update /etc/hosts");
        assertThat(plan.changes().get(0).unifiedDiff()).hasValueSatisfying(d ->
                assertThat(d).contains(" 127.0.0.1 localhost\n+" + BEGIN + "+10.0.0.11 pg1\n+" + END));
    }

    @Test
    void planOfTheSameBlockIsNoChange() {
        assertThat(block("x").build().plan(States.file(PATH, BEGIN + "x\n" + END), new TestContext()).hasChanges()).isFalse();
    }
}
