package dev.rigger.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rigger.core.executor.RunEvent.HostResult;
import dev.rigger.core.executor.RunResult;
import dev.rigger.core.executor.Status;
import java.util.Optional;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Check mode told the truth on fresh hosts: the real run changed what check mode predicted, but for
 * two kinds of task, and only those. A prediction "would change (after pending change)" (a probe
 * that needed something a pending install brings) may turn out unchanged. A task check mode could
 * not judge may change: it said so by skipping (a command that does not run in check mode, or one
 * waiting for a value only the real run produces, and the handlers such a task notifies). A task
 * predicted unchanged (ok) that then changed, or predicted changed without a pending change and then
 * not changed, is a lie and fails here.
 */
final class CheckModeHonesty {
    private CheckModeHonesty() {
    }

    static void assertPredicted(String label, RunResult dry, RunResult real) {
        Set<String> predicted = changed(dry);
        Set<String> done = changed(real);
        Set<String> predictedOnly = new TreeSet<>(predicted);
        predictedOnly.removeAll(done);
        Set<String> doneOnly = new TreeSet<>(done);
        doneOnly.removeAll(predicted);
        System.out.printf(Locale.ROOT, "[%s] check mode predicted %d changes, the run made %d; predicted only %s; changed only %s%n",
                label, predicted.size(), done.size(), predictedOnly, doneOnly);
        for (String task : predictedOnly) {
            String[] hostTask = task.split(": ", 2);
            assertThat(dry.result(hostTask[0], hostTask[1]).orElseThrow().message()).as("predicted change that did not happen: " + task).endsWith("(after pending change)");
        }
        for (String task : doneOnly) {
            String[] hostTask = task.split(": ", 2);
            Optional<HostResult> d = dry.result(hostTask[0], hostTask[1]);
            if (d.isPresent()) {
                assertThat(d.get().status()).as("change check mode did not predict: " + task + " (" + d.get().message() + ")").isEqualTo(Status.SKIPPED);
            } else {
                // No result at all: a handler check mode never reached, because what notifies it could not be judged.
                assertThat(doneOnly).as(task + " ran only for real: a task of " + hostTask[0] + " that check mode skipped must have notified it")
                        .anyMatch(t -> t.startsWith(hostTask[0] + ": ") && dry.result(hostTask[0], t.split(": ", 2)[1])
                                .map(r -> r.status() == Status.SKIPPED).orElse(false));
            }
        }
        assertThat(predicted.size() - predictedOnly.size()).as("predictions that came true").isGreaterThan(predicted.size() * 3 / 4);
    }

    /** "host: task" of every changed result. */
    static Set<String> changed(RunResult run) {
        return run.hostResults().stream().filter(r -> r.status() == Status.CHANGED)
                .map(r -> r.host() + ": " + r.task()).collect(Collectors.toCollection(TreeSet::new));
    }
}
