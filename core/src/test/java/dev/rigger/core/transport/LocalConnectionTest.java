package dev.rigger.core.transport;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The wire protocol against a real local /bin/sh. */
class LocalConnectionTest {

    private final LocalConnection local = new LocalConnection(
            ConnectionSettings.builder("localhost").local().commandTimeout(Duration.ofSeconds(30)).build());

    @AfterEach
    void close() {
        local.close();
    }

    @Test
    void hugeOutputIsCutToItsStartAndEndWithANote() {
        ExecResult result = local.exec("echo START; head -c 100000000 /dev/zero | tr '\\000' x; echo; echo END");

        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout().length()).isLessThan(BoundedOutput.HEAD + BoundedOutput.TAIL + 200);
        assertThat(result.stdout()).startsWith("START\nxxx").endsWith("xxx\nEND\n")
                .contains("[rigger: output truncated: " + (100_000_011L - BoundedOutput.HEAD - BoundedOutput.TAIL)
                        + " of 100000011 bytes left out]");
    }

    @Test
    void stdoutStderrAndExitCodeComeBackSeparately() {
        ExecResult result = local.exec("echo out; echo err >&2; exit 3");

        assertThat(result.stdout()).isEqualTo("out\n");
        assertThat(result.stderr()).isEqualTo("err\n");
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.succeeded()).isFalse();
        assertThat(result.duration()).isPositive();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 42, 126, 255})
    void exitCodeIsPassedThrough(int code) {
        assertThat(local.exec("true\nexit " + code).exitCode()).isEqualTo(code);
    }

    @Test
    void lastCommandStatusIsTheExitCode() {
        assertThat(local.exec("echo x >/dev/null\nfalse").exitCode()).isEqualTo(1);
    }

    @Test
    void commandsReadingStdinCannotSwallowTheRestOfTheScript() {
        ExecResult result = local.exec("cat\nread line || echo 'read got EOF'\nhead -c 10\necho after");

        assertThat(result.stdout()).isEqualTo("read got EOF\nafter\n");
        assertThat(result.exitCode()).isZero();
    }

    @Test
    void withoutRequestStdinTheScriptsStdinIsDevNull() {
        assertThat(local.exec("readlink /proc/self/fd/0").stdout()).isEqualTo("/dev/null\n");
    }

    @Test
    void requestStdinReachesTheScriptAndTheScriptStillRunsToTheEnd() {
        ExecResult result = local.exec(ExecRequest.of("IFS= read -r line\necho \"$line\"\necho middle\ncat\necho end")
                .withStdin("first\nsecond\nthird\n".getBytes(UTF_8)));

        assertThat(result.stdout()).isEqualTo("first\nmiddle\nsecond\nthird\nend\n");
    }

    @Test
    void binaryStdinRoundTripsExactly() {
        byte[] data = new byte[256 * 64];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }

        ExecResult result = local.exec(ExecRequest.of("base64 -w0").withStdin(data));

        assertThat(Base64.getDecoder().decode(result.stdout())).isEqualTo(data);
    }

    @Test
    void oneMegabyteOfRandomStdinRoundTripsExactly() {
        byte[] data = new byte[1 << 20];
        new Random(42).nextBytes(data);

        ExecResult result = local.exec(ExecRequest.of("base64 -w0").withStdin(data));

        assertThat(Base64.getDecoder().decode(result.stdout())).isEqualTo(data);
    }

    @Test
    void oneMegabyteScriptRunsCompletely() {
        StringBuilder script = new StringBuilder("n=0\n");
        while (script.length() < (1 << 20)) {
            script.append("n=$((n+1)) # padding padding padding padding padding padding\n");
        }
        script.append("echo \"$n\"");
        long lines = script.chars().filter(c -> c == '\n').count() - 1;

        ExecResult result = local.exec(script.toString());

        assertThat(result.stdout().strip()).isEqualTo(Long.toString(lines));
        assertThat(result.exitCode()).isZero();
    }

    @Test
    void scriptWithItsOwnHereDocBracesAndQuotesRuns() {
        String script = "cat <<'EOF'\n} </dev/null\n{ not a group\nEOF\necho \"}\" '{' \"it's\"";

        assertThat(local.exec(script).stdout()).isEqualTo("} </dev/null\n{ not a group\n} { it's\n");
    }

    @Test
    void unicodeOutputIsDecodedAsUtf8() {
        assertThat(local.exec("printf 'grüße €\\n'").stdout()).isEqualTo("grüße €\n");
    }

    @Test
    void timeoutKillsTheScriptAndItsChildren() {
        // An unusual duration makes the sleep findable in the process table afterwards.
        String sleep = "sleep " + (3100 + new Random().nextInt(800));
        long start = System.nanoTime();

        assertThatThrownBy(() -> local.exec(ExecRequest.of(sleep + "; echo never")
                .withTimeout(Duration.ofMillis(500))))
                .isInstanceOfSatisfying(TransportException.class,
                        e -> assertThat(e.kind()).isEqualTo(TransportException.Kind.TIMEOUT))
                .hasMessageContaining("localhost");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").contains(sleep)))
                .as("the timed-out script's child is gone").isEmpty();
    }

    @Test
    void concurrentExecsFromEightThreadsEachGetTheirOwnOutput() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<ExecResult>> results = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                int n = i;
                results.add(pool.submit(() -> local.exec(ExecRequest.of("cat; echo " + n + " >&2; exit " + (n % 7))
                        .withStdin(("in-" + n).getBytes(UTF_8)))));
            }
            for (int i = 0; i < results.size(); i++) {
                ExecResult result = results.get(i).get();
                assertThat(result.stdout()).isEqualTo("in-" + i);
                assertThat(result.stderr()).isEqualTo(i + "\n");
                assertThat(result.exitCode()).isEqualTo(i % 7);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(local.execCount()).isEqualTo(64);
    }

    @Test
    void becomeToTheCurrentUserRunsWithoutSudo() {
        String me = System.getProperty("user.name");

        ExecResult result = local.exec(ExecRequest.of("id -un").as(me));

        assertThat(result.stdout().strip()).isEqualTo(me);
        assertThat(result.stderr()).isEmpty();
    }
}
