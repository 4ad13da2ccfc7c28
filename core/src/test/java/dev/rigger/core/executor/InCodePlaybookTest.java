package dev.rigger.core.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rigger.core.executor.FakeHosts.Marker;
import dev.rigger.core.inventory.Inventory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A playbook built in Java is checked before a run as a YAML one is: typed errors, no host contacted. */
class InCodePlaybookTest {
    private final FakeHosts fake = new FakeHosts();
    private final Inventory inventory = Inventory.builder()
            .group("web", Map.of(), "web1", "web2")
            .build();

    private PlaybookRun run(RunOptions options, Play play) {
        return PlaybookRun.of(Playbook.of(play)).inventory(inventory).connector(fake).options(options);
    }

    @Test
    void aNotifyNobodyAnswersIsAnErrorWithANearName() {
        Play play = Play.builder("web").gatherFacts(false)
                .task(Task.named("configure").module(new Marker("/c")).notify("restrat").build())
                .handler(Task.named("restart").module(new Marker("/r")).build())
                .build();
        assertThatThrownBy(() -> run(RunOptions.builder().build(), play).execute())
                .isInstanceOf(InvalidPlaybookException.class)
                .hasMessage("java: task 'configure' notifies 'restrat', but no handler or listen topic of the play has that name"
                        + " (did you mean 'restart'?)");
        assertThat(fake.opened).isEmpty();
    }

    @Test
    void aNotifyInsideABlockOrAHandlerIsCheckedAndListenTopicsAnswer() {
        Play play = Play.builder("web").gatherFacts(false)
                .task(new Block("b", PlaybookCheck.JAVA, Attributes.NONE, java.util.List.of(),
                        java.util.List.of(Task.named("rescue").module(new Marker("/x")).notify("web restarts").build()), java.util.List.of()))
                .handler(Task.named("restart").module(new Marker("/r")).listen("web restarts").notify("reload").build())
                .build();
        assertThatThrownBy(() -> run(RunOptions.builder().build(), play).validate())
                .isInstanceOf(InvalidPlaybookException.class)
                .hasMessageContaining("task 'restart' notifies 'reload'");
    }

    @Test
    void aHostPatternThatMatchesNothingWarnsAsAnsibleOrFailsWhenStrict() {
        Play play = Play.builder("wbe1").gatherFacts(false).task(Task.named("t").module(new Marker("/t")).build()).build();
        assertThat(run(RunOptions.builder().build(), play).validate())
                .containsExactly("[WARNING]: Could not match supplied host pattern, ignoring: wbe1 (did you mean 'web1'?)");

        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        RunResult result;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            result = run(RunOptions.builder().build(), play).execute();
        } finally {
            System.setErr(original);
        }
        assertThat(result.exitCode()).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Could not match supplied host pattern, ignoring: wbe1");

        assertThatThrownBy(() -> run(RunOptions.builder().strictHostPatterns(true).build(), play).execute())
                .isInstanceOf(InvalidPlaybookException.class)
                .hasMessage("java: hosts: no host or group matches 'wbe1' (did you mean 'web1'?)");
        assertThat(fake.opened).isEmpty();
    }

    @Test
    void missingOrBlankNamesAreRefusedWhereTheyAreGiven() {
        assertThatThrownBy(() -> Play.builder(null)).isInstanceOf(InvalidPlaybookException.class)
                .hasMessage("java: Play.builder(hosts): the host pattern must not be null");
        assertThatThrownBy(() -> Play.builder(" ")).isInstanceOf(InvalidPlaybookException.class)
                .hasMessage("java: Play.builder(hosts): the host pattern must not be blank");
        assertThatThrownBy(() -> Task.named("")).isInstanceOf(InvalidPlaybookException.class)
                .hasMessage("java: Task.named(name): the task name must not be blank");
        assertThatThrownBy(() -> Role.named(null)).isInstanceOf(InvalidPlaybookException.class)
                .hasMessage("java: Role.named(name): the role name must not be null");
        assertThatThrownBy(() -> PlaybookRun.of(null)).isInstanceOf(InvalidPlaybookException.class);
    }

    @Test
    void aMissingInventoryIsATypedErrorNotANullPointer() {
        Play play = Play.builder("web").gatherFacts(false).task(Task.named("t").module(new Marker("/t")).build()).build();
        assertThatThrownBy(() -> PlaybookRun.of(Playbook.of(play)).connector(fake).execute())
                .isInstanceOf(InvalidPlaybookException.class)
                .hasMessage("java: no inventory: call inventory(...) before execute() or validate()");
    }
}
