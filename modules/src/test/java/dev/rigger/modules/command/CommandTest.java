package dev.rigger.modules.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rigger.core.error.InputException;
import dev.rigger.core.module.Args;
import dev.rigger.core.module.ModuleArgumentException;
import dev.rigger.core.module.ModuleContext;
import dev.rigger.core.module.Plan;
import dev.rigger.core.transport.ConnectionSettings;
import dev.rigger.core.transport.ExecRequest;
import dev.rigger.core.transport.ExecResult;
import dev.rigger.core.transport.LocalConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plan decisions, and the generated scripts run through a real local shell. */
class CommandTest {
    private final LocalConnection local = new LocalConnection(ConnectionSettings.builder("localhost").local().build());

    @AfterEach
    void close() {
        local.close();
    }

    private ExecResult apply(Command c) {
        Plan plan = c.plan(new Command.Guard(false, true), null);
        ExecRequest request = ExecRequest.of(plan.applyScript());
        request = request.withStdin(plan.applyInput());
        return local.exec(request);
    }

    @Test
    void argvWordsReachTheProgramUntouched() {
        ExecResult r = apply(Command.of("printf", "%s|", "a b", "$(touch /tmp/rigger-pwned)", "`id`", "'q'", "*").build());
        assertThat(r.stdout()).isEqualTo("a b|$(touch /tmp/rigger-pwned)|`id`|'q'|*|");
        assertThat(Path.of("/tmp/rigger-pwned")).doesNotExist();
    }

    @Test
    void freeFormIsSplitLikeShlexWithoutShellExpansion() {
        Command c = (Command) new Command.Type().create(Args.of("command", Map.of("cmd", "printf '%s-' \"two words\" $HOME")));
        assertThat(apply(c).stdout()).isEqualTo("two words-$HOME-");
    }

    @Test
    void shellFormInterpretsShellCode(@TempDir Path dir) {
        Command c = Command.shell("echo one | tr o O > out.txt && cat out.txt").chdir(dir.toString()).build();
        ExecResult r = apply(c);
        assertThat(r.stdout()).isEqualTo("One\n");
        assertThat(dir.resolve("out.txt")).hasContent("One");
    }

    @Test
    void stdinIsFedToTheCommand() {
        Command c = (Command) new Command.Type().create(Args.of("command", Map.of("cmd", "wc -l", "stdin", "a\nb")));
        assertThat(apply(c).stdout().strip()).isEqualTo("2");
    }

    @Test
    void commandWithoutStdinCannotReadTheScriptStream() {
        assertThat(apply(Command.of("cat").build()).stdout()).isEmpty();
    }

    @Test
    void createsGuardSkipsWhenThePathExists() {
        Command c = Command.of("true").creates("/etc/hostname").build();
        assertThat(c.plan(new Command.Guard(true, false), null).hasChanges()).isFalse();
        assertThat(c.plan(new Command.Guard(false, false), null).hasChanges()).isTrue();
        assertThat(Command.of("true").removes("/x").build().plan(new Command.Guard(false, false), null).hasChanges()).isFalse();
    }

    @Test
    void probeReadsGuardsInOneScript(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("marker"), "x");
        Command c = Command.of("true").creates(dir.resolve("marker").toString()).removes(dir.resolve("absent").toString()).build();
        ModuleContext ctx = null;
        ExecResult r = local.exec(c.probe(ctx).script());
        assertThat(Command.parseGuard(r)).isEqualTo(new Command.Guard(true, false));
    }

    @Test
    void applyRechecksTheGuardAndReportsUnchanged(@TempDir Path dir) throws Exception {
        Path marker = dir.resolve("made");
        Command c = Command.shell("echo ran; touch " + marker).creates(marker.toString()).build();
        Plan plan = c.plan(new Command.Guard(false, true), null);
        assertThat(plan.interpreter().apply(local.exec(plan.applyScript())).changed()).isTrue();
        // A second apply (guard became true meanwhile) must not run the command again.
        ExecResult again = local.exec(plan.applyScript());
        assertThat(again.stdout()).isEmpty();
        assertThat(plan.interpreter().apply(again).changed()).isFalse();
    }

    @Test
    void failureCarriesReturnCodeAndStderr() {
        Command c = Command.shell("echo boom >&2; exit 3").build();
        Plan plan = c.plan(new Command.Guard(false, true), null);
        var outcome = plan.interpreter().apply(apply(c));
        assertThat(outcome.failed()).isTrue();
        assertThat(outcome.message()).isEqualTo("non-zero return code 3: boom");
        assertThat(outcome.data()).containsEntry("rc", 3).containsEntry("stderr", "boom");
    }

    @Test
    void checkModeOnlyWithGuards() {
        assertThat(Command.of("true").build().supportsCheckMode()).isFalse();
        assertThat(Command.of("true").creates("/x").build().supportsCheckMode()).isTrue();
    }

    @Test
    void badArgumentsAreInputErrors() {
        assertThatThrownBy(() -> new Command.Type().create(Args.of("command", Map.of("cmd", "echo 'x"))))
                .isInstanceOf(InputException.class).hasMessageContaining("No closing quotation");
        assertThatThrownBy(() -> new Command.Type().create(Args.of("command", Map.of("cmd", "x", "argv", List.of("y")))))
                .isInstanceOf(InputException.class).hasMessageContaining("either the command string or 'argv'");
        assertThatThrownBy(() -> new Command.Type().create(Args.of("command", Map.of("chdr", "/tmp", "cmd", "ls"))))
                .isInstanceOf(InputException.class).hasMessage("java: command: unknown parameter 'chdr' (did you mean 'chdir'?)");
    }

    @Test
    void buildersRefuseArgumentsThatCannotWorkNamingModuleAndParameter() {
        assertThatThrownBy(() -> Command.of("true").creates("relative/path").build())
                .isInstanceOfSatisfying(ModuleArgumentException.class, e -> {
                    assertThat(e.module()).isEqualTo("command");
                    assertThat(e.parameter()).isEqualTo("creates");
                })
                .hasMessage("command: creates: 'relative/path' must be an absolute path (or set chdir: a relative path is looked up there)");
        assertThatThrownBy(() -> Command.shell("rm x").removes("x").build())
                .isInstanceOfSatisfying(ModuleArgumentException.class, e -> assertThat(e.parameter()).isEqualTo("removes"));
        assertThatThrownBy(() -> Command.shell(" ").build()).isInstanceOf(ModuleArgumentException.class).hasMessage("shell: cmd: the shell code must not be empty");
        assertThatThrownBy(() -> Command.of().build()).isInstanceOf(ModuleArgumentException.class).hasMessage("command: argv: the command needs at least one word");
        // Relative to chdir, as on the host.
        assertThat(Command.of("make").chdir("/src").creates("build/done").build().creates()).isEqualTo("build/done");
    }

    @Test
    void stripEmptyEndsAsAnsibleRemovesEveryTrailingLineEnd() {
        Command c = (Command) new Command.Type().create(Args.of("command", Map.of("cmd", "printf 'a\\n\\nb\\n\\n\\r\\n'",
                "strip_empty_ends", true)));
        var outcome = c.plan(new Command.Guard(false, true), null).interpreter().apply(apply(c));
        assertThat(outcome.data()).containsEntry("stdout", "a\n\nb").containsEntry("stdout_lines", List.of("a", "", "b"));
    }

    /** Accepted Ansible parameters either do what they say or are refused: never silently ignored. */
    @Test
    void parametersRiggerCannotHonourAreRefusedWithTheReason() {
        assertThatThrownBy(() -> new Command.Type().create(Args.of("command", Map.of("cmd", "ls", "warn", false))))
                .isInstanceOf(InputException.class).hasMessageContaining("'warn' was removed in Ansible 2.14");
        assertThatThrownBy(() -> new Command.Type().create(Args.of("command", Map.of("cmd", "ls", "strip_empty_ends", false))))
                .isInstanceOf(InputException.class).hasMessageContaining("only strip_empty_ends: true is supported");
        assertThatThrownBy(() -> new Command.Type().create(Args.of("command", Map.of("cmd", "ls $HOME", "expand_argument_vars", true))))
                .isInstanceOf(InputException.class).hasMessageContaining("command never expands variables");
        assertThatThrownBy(() -> new Command.ShellType().create(Args.of("shell", Map.of("cmd", "ls $HOME", "expand_argument_vars", false))))
                .isInstanceOf(InputException.class).hasMessageContaining("the shell always expands variables");
        // The values that describe what Rigger does are fine.
        assertThat(new Command.Type().create(Args.of("command", Map.of("cmd", "ls", "expand_argument_vars", false)))).isNotNull();
        assertThat(new Command.ShellType().create(Args.of("shell", Map.of("cmd", "ls", "expand_argument_vars", true)))).isNotNull();
    }
}
