package dev.rigger.modules.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rigger.core.module.Args;
import dev.rigger.core.module.Outcome;
import dev.rigger.core.module.Plan;
import dev.rigger.core.transport.ExecResult;
import dev.rigger.core.transport.TransportException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The wait after the reboot command, against a scripted host: old boot, gone, new boot. */
class RebootTest {

    private static final ExecResult OLD = PlanContext.ok("a1\n100\n");
    private static final ExecResult NEW = PlanContext.ok("a1\n250\n");

    @Test
    void waitsThroughTheOldBootAndTheOutageUntilANewBootAnswersTheTestCommand() {
        Reboot reboot = Reboot.builder().timeout(Duration.ofSeconds(30)).build();
        Plan plan = reboot.plan("a1\n100", PlanContext.PLAIN);
        Deque<Object> host = new ArrayDeque<>(List.of(OLD, new TransportException(TransportException.Kind.UNREACHABLE, "h1", "gone"),
                NEW, PlanContext.ok("root\n")));
        Outcome outcome = plan.afterApply().await(new Outcome(false, true, "", Map.of()), scripted(host));

        assertThat(outcome.failed()).isFalse();
        assertThat(outcome.changed()).isTrue();
        assertThat(outcome.data()).containsEntry("rebooted", true);
        assertThat(host).isEmpty();
        assertThat(plan.applyScript()).contains("nohup sh -c 'sleep 1; systemctl reboot'").endsWith("&\n");
    }

    @Test
    void aHostThatNeverComesBackFailsTheTaskWhenTheTimeoutPasses() {
        Reboot reboot = Reboot.builder().timeout(Duration.ofSeconds(2)).build();
        Outcome outcome = reboot.plan("a1\n100", PlanContext.PLAIN).afterApply().await(new Outcome(false, true, "", Map.of()),
                script -> { throw new TransportException(TransportException.Kind.UNREACHABLE, "h1", "no route to host"); });

        assertThat(outcome.failed()).isTrue();
        assertThat(outcome.message()).contains("did not come back within 2 s").contains("no route to host");
    }

    @Test
    void yamlTakesAnsiblesParametersAndRejectsANegativeDelay() {
        Reboot r = (Reboot) new Reboot.Type().create(Args.of("reboot", Map.of("reboot_timeout", 120, "post_reboot_delay", 3,
                "reboot_command", "shutdown -r now")));
        assertThat(r.timeout()).isEqualTo(Duration.ofSeconds(120));
        assertThat(r.postDelay()).isEqualTo(Duration.ofSeconds(3));
        assertThat(r.rebootCommand()).isEqualTo("shutdown -r now");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Reboot.Type().create(Args.of("reboot", Map.of("pre_reboot_delay", -1))))
                .hasMessageContaining("pre_reboot_delay");
    }

    private static Function<String, ExecResult> scripted(Deque<Object> answers) {
        return script -> {
            Object next = answers.poll();
            if (next instanceof RuntimeException e) throw e;
            return (ExecResult) next;
        };
    }
}
