package dev.rigger.core.transport;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rigger.core.secret.Secret;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The protocol's text, without a shell: what goes into argv and what only into stdin. */
class RemoteShellTest {

    private static final Secret PASSWORD = Secret.of("s3cr'et $(x)");

    @Test
    void withoutBecomeTheCommandLineIsPlainShReadingStdin() {
        RemoteShell.Invocation invocation = RemoteShell.prepare(ExecRequest.of("echo hi"), "deploy", null, null);

        assertThat(invocation.commandLine()).matches("sh -s rigger-[0-9a-f]{24}");
        assertThat(new String(invocation.stdin(), UTF_8)).isEqualTo("set --\n{\necho hi\n} </dev/null\n");
    }

    @Test
    void becomeToTheLoginUserNeedsNoSudo() {
        RemoteShell.Invocation invocation = RemoteShell.prepare(ExecRequest.of("id").as("deploy"), "deploy", PASSWORD, null);

        assertThat(invocation.commandLine()).matches("sh -s rigger-[0-9a-f]{24}");
        assertThat(new String(invocation.stdin(), UTF_8)).doesNotContain(PASSWORD.reveal());
    }

    @Test
    void becomeWithoutPasswordIsNonInteractiveSudo() {
        RemoteShell.Invocation invocation = RemoteShell.prepare(ExecRequest.of("id").as("post gres"), "deploy", null, null);

        assertThat(invocation.commandLine()).matches("sudo -n -H -u 'post gres' -- sh -s rigger-[0-9a-f]{24}");
    }

    @Test
    void becomePasswordTravelsOnlyAsTheFirstStdinLine() {
        RemoteShell.Invocation invocation = RemoteShell.prepare(ExecRequest.of("id").asRoot(), "deploy", PASSWORD, null);

        assertThat(invocation.commandLine()).doesNotContain(PASSWORD.reveal()).contains("IFS= read -r p");
        assertThat(invocation.toString()).doesNotContain(PASSWORD.reveal());
        assertThat(new String(invocation.stdin(), UTF_8)).startsWith(PASSWORD.reveal() + "\n");
    }

    @Test
    void passwordWithLineBreakIsRefusedWithoutShowingIt() {
        assertThatThrownBy(() -> RemoteShell.prepare(ExecRequest.of("id").asRoot(), "deploy", Secret.of("a\nb"), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("a\nb");
    }

    @Test
    void stdinFollowsTheScriptRawAndTheShellReadsExactlyTheScriptsBytes() {
        byte[] data = {0, 1, 2, (byte) 255, '\n'};
        RemoteShell.Invocation invocation = RemoteShell.prepare(ExecRequest.of("cat").withStdin(data), "u", null, null);
        String script = "{\ncat\n}\n";

        assertThat(invocation.commandLine()).matches("sh -c 'eval \"\\$\\(head -c " + script.length() + "\\)\"' rigger-[0-9a-f]{24}");
        byte[] stdin = invocation.stdin();
        assertThat(new String(stdin, 0, script.length(), UTF_8)).isEqualTo(script);
        assertThat(java.util.Arrays.copyOfRange(stdin, script.length(), stdin.length)).isEqualTo(data);
    }

    @Test
    void missingBecomeMarkerIsBecomeFailedAndNeverShowsThePassword() {
        RemoteShell.Invocation invocation = RemoteShell.prepare(ExecRequest.of("id").asRoot(), "deploy", PASSWORD, null);
        // Even if a target echoed the password into stderr, the message must not carry it.
        byte[] stderr = ("Sorry, try again.\n" + PASSWORD.reveal() + "\nsudo: 1 incorrect password attempt\n").getBytes(UTF_8);

        assertThatThrownBy(() -> RemoteShell.finish(invocation, "h1", 1, new byte[0], stderr, Duration.ZERO))
                .isInstanceOfSatisfying(TransportException.class,
                        e -> assertThat(e.kind()).isEqualTo(TransportException.Kind.BECOME_FAILED))
                .hasMessageContaining("h1")
                .hasMessageContaining("rejected the become password")
                .hasMessageNotContaining(PASSWORD.reveal());
    }

    @Test
    void becomeMarkerIsRemovedFromStderr() {
        RemoteShell.Invocation invocation = RemoteShell.prepare(ExecRequest.of("id").as("app"), "deploy", null, null);
        String payload = new String(invocation.stdin(), UTF_8);
        String marker = payload.substring(payload.indexOf("RIGGER_BECOME_OK_"), payload.indexOf(" >&2"));

        ExecResult result = RemoteShell.finish(invocation, "h1", 3, "out".getBytes(UTF_8),
                (marker + "\nwarn\n").getBytes(UTF_8), Duration.ZERO);

        assertThat(result.stderr()).isEqualTo("warn\n");
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.stdout()).isEqualTo("out");
    }

    @Test
    void suWithoutPasswordGivesSuNoStdinAndTheScriptFdThree() {
        RemoteShell.Invocation invocation = RemoteShell.prepare(ExecRequest.of("id").as("root", BecomeMethod.SU), "deploy", null, null);

        assertThat(invocation.commandLine()).matches("su 'root' -c 'sh -s rigger-[0-9a-f]{24} <&3 3<&-' 3<&0 </dev/null");
    }

    @Test
    void suPasswordTravelsOnlyAsTheFirstStdinLineAndOnlySuReadsIt() {
        RemoteShell.Invocation invocation = RemoteShell.prepare(ExecRequest.of("id").as("root", BecomeMethod.SU), "deploy", PASSWORD, null);

        assertThat(invocation.commandLine()).doesNotContain(PASSWORD.reveal())
                .startsWith("IFS= read -r p\nexec 3<&0\nprintf '%s\\n' \"$p\" | su 'root' -c 'sh -s rigger-");
        assertThat(invocation.toString()).doesNotContain(PASSWORD.reveal());
        assertThat(new String(invocation.stdin(), UTF_8)).startsWith(PASSWORD.reveal() + "\n");
    }

    @Test
    void suRefusingThePasswordIsBecomeFailedWithoutItsPrompt() {
        RemoteShell.Invocation withPassword = RemoteShell.prepare(ExecRequest.of("id").as("root", BecomeMethod.SU), "deploy", PASSWORD, null);
        RemoteShell.Invocation without = RemoteShell.prepare(ExecRequest.of("id").as("root", BecomeMethod.SU), "deploy", null, null);
        byte[] stderr = "Password: su: Authentication failure\n".getBytes(UTF_8);

        assertThatThrownBy(() -> RemoteShell.finish(withPassword, "h1", 1, new byte[0], stderr, Duration.ZERO))
                .isInstanceOfSatisfying(TransportException.class,
                        e -> assertThat(e.kind()).isEqualTo(TransportException.Kind.BECOME_FAILED))
                .hasMessageEndingWith("su to 'root' rejected the become password: su: Authentication failure");
        assertThatThrownBy(() -> RemoteShell.finish(without, "h1", 1, new byte[0], stderr, Duration.ZERO))
                .hasMessageContaining("su to 'root' needs a password and no become password is set");
    }

    @Test
    void whatTheBecomeToolPrintsBeforeTheMarkerIsNotTheScriptsStderr() {
        RemoteShell.Invocation invocation = RemoteShell.prepare(ExecRequest.of("id").as("root", BecomeMethod.SU), "deploy", PASSWORD, null);
        String payload = new String(invocation.stdin(), UTF_8);
        String marker = payload.substring(payload.indexOf("RIGGER_BECOME_OK_"), payload.indexOf(" >&2"));

        ExecResult result = RemoteShell.finish(invocation, "h1", 0, new byte[0],
                ("Password: " + marker + "\nwarn\n").getBytes(UTF_8), Duration.ZERO);

        assertThat(result.stderr()).isEqualTo("warn\n");
    }

    @Test
    void aTimeLimitMakesTheTargetStopTheWholeScriptItself() {
        ExecRequest request = ExecRequest.of("sleep 9").as("app");

        assertThat(RemoteShell.prepare(request, "app", null, Duration.ofMillis(1500)).commandLine())
                .matches("timeout -s TERM -k 5 2 sh -s rigger-[0-9a-f]{24}");
        assertThat(RemoteShell.prepare(request, "deploy", null, Duration.ofMillis(1)).commandLine())
                .matches("sudo -n -H -u 'app' -- timeout -s TERM -k 5 1 sh -s rigger-[0-9a-f]{24}");
        assertThat(RemoteShell.prepare(request, "deploy", PASSWORD, Duration.ofMinutes(2)).commandLine())
                .containsPattern("-- timeout -s TERM -k 5 120 sh -s rigger-[0-9a-f]{24}\n").doesNotContain("-- sh -s");
    }

    @Test
    void timeoutsExitCodeAfterTheLimitIsATimeoutButTheSameCodeBeforeItIsAResult() {
        RemoteShell.Invocation invocation = RemoteShell.prepare(ExecRequest.of("x"), "u", null, Duration.ofSeconds(2));

        assertThatThrownBy(() -> RemoteShell.finish(invocation, "h1", 124, new byte[0], new byte[0], Duration.ofSeconds(2)))
                .isInstanceOfSatisfying(TransportException.class,
                        e -> assertThat(e.kind()).isEqualTo(TransportException.Kind.TIMEOUT));
        assertThatThrownBy(() -> RemoteShell.finish(invocation, "h1", 137, new byte[0], new byte[0], Duration.ofSeconds(7)))
                .isInstanceOf(TransportException.class);
        assertThat(RemoteShell.finish(invocation, "h1", 124, new byte[0], new byte[0], Duration.ofSeconds(1)).exitCode())
                .isEqualTo(124);
    }
}
