package dev.rigger.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rigger.core.executor.RunResult;
import dev.rigger.core.executor.Status;
import dev.rigger.testing.Lab;
import dev.rigger.testing.LabHosts;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs the embedding example against real hosts, as a user's program would. */
@LabHosts({"app1", "app2"})
class EmbeddingExampleIT {

    @Test
    void dryRunChangesNothingThenTheServiceRunsAndAChangeRestartsIt(Lab lab) {
        List<RunResult> first = EmbeddingExample.deploy(lab.inventory(), "hello", false);
        RunResult dry = first.get(0);
        RunResult real = first.get(1);
        assertThat(dry.exitCode()).isZero();
        assertThat(dry.result("app1", "install the unit file").orElseThrow().status()).isEqualTo(Status.CHANGED);
        assertThat(dry.result("app1", "hello runs and starts at boot").orElseThrow().message())
                .isEqualTo("would change (after pending change)");

        assertThat(real.exitCode()).isZero();
        for (String host : List.of("app1", "app2")) {
            assertThat(lab.shell(host, "systemctl is-active hello").strip()).isEqualTo("active");
            assertThat(lab.shell(host, "systemctl is-enabled hello").strip()).isEqualTo("enabled");
        }
        assertThat(real.resultsOf("restart hello")).hasSize(2);
        String pid = lab.shell("app1", "systemctl show -p MainPID --value hello").strip();

        List<RunResult> again = EmbeddingExample.deploy(lab.inventory(), "hello", false);
        assertThat(again.get(1).recap().totalChanged()).isZero();
        assertThat(lab.shell("app1", "systemctl show -p MainPID --value hello").strip()).isEqualTo(pid);

        List<RunResult> changed = EmbeddingExample.deploy(lab.inventory(), "bonjour", false);
        assertThat(changed.get(1).resultsOf("restart hello")).hasSize(2);
        assertThat(lab.shell("app1", "systemctl show -p MainPID --value hello").strip()).isNotEqualTo(pid);
        assertThat(String.valueOf(changed.get(1).result("app2", "what it says").orElseThrow().registered().get("stdout"))).contains("bonjour");
    }
}
