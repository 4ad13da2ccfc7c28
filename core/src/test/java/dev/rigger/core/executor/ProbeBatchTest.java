package dev.rigger.core.executor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rigger.core.transport.ConnectionSettings;
import dev.rigger.core.transport.ExecRequest;
import dev.rigger.core.transport.ExecResult;
import dev.rigger.core.transport.LocalConnection;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A batch of probes gives each probe what it gets alone, on a real /bin/sh through the real wire protocol. */
class ProbeBatchTest {
    private final LocalConnection local = new LocalConnection(
            ConnectionSettings.builder("localhost").local().commandTimeout(Duration.ofSeconds(30)).build());

    private static final List<String> PROBES = List.of(
            "echo one; echo warn >&2",
            "printf 'no newline'",
            "cat; echo after-cat",                              // reads stdin: must see nothing, not the next probes
            "exit 3",
            "x=1\nif [ $x = 1 ]; then echo multi; fi\necho err2 >&2; false",
            "printf '\\n%s begin 1\\n' RIGGER_PROBE_lookalike",  // output resembling a boundary
            "echo 'é ü ✓'; exit 0",
            "cat <<'EOF'\nhere $HOME `x`\nEOF",
            "echo $(( 6 * 7 ))");

    @AfterEach
    void close() {
        local.close();
    }

    @Test
    void eachProbeGetsExactlyWhatItGetsAlone() {
        ProbeBatch batch = new ProbeBatch(PROBES);
        List<ExecResult> split = batch.split(local.exec(ExecRequest.of(batch.script())));
        assertThat(split).hasSize(PROBES.size());
        for (int i = 0; i < PROBES.size(); i++) {
            ExecResult alone = local.exec(ExecRequest.of(PROBES.get(i)));
            assertThat(split.get(i).stdout()).as("stdout of probe %d", i).isEqualTo(alone.stdout());
            assertThat(split.get(i).stderr()).as("stderr of probe %d", i).isEqualTo(alone.stderr());
            assertThat(split.get(i).exitCode()).as("exit code of probe %d", i).isEqualTo(alone.exitCode());
        }
        assertThat(split.get(3).exitCode()).isEqualTo(3);
        assertThat(split.get(2).stdout()).isEqualTo("after-cat\n");
    }

    @Test
    void aProbeWithASyntaxErrorFailsAloneAndTheOthersStillAnswer() {
        List<String> probes = List.of("echo before", "if then fi", "echo after");
        ProbeBatch batch = new ProbeBatch(probes);
        List<ExecResult> split = batch.split(local.exec(ExecRequest.of(batch.script())));
        assertThat(split.get(0).stdout()).isEqualTo("before\n");
        assertThat(split.get(1).exitCode()).isEqualTo(local.exec(ExecRequest.of("if then fi")).exitCode()).isNotZero();
        assertThat(split.get(2).stdout()).isEqualTo("after\n");
    }

    @Test
    void anOutputCutShortIsNoResult() {
        ProbeBatch batch = new ProbeBatch(List.of("echo a", "echo b"), "B");
        ExecResult cut = new ExecResult(137, "\nB begin 0\na\nB end 0 0\n\nB begin 1\nb", "\nB begin 0\n\nB end 0\n", Duration.ZERO);
        assertThat(batch.split(cut)).isNull();
    }
}
