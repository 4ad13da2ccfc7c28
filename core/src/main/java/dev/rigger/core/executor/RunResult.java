package dev.rigger.core.executor;

import dev.rigger.core.executor.RunEvent.HostResult;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The outcome of a run: recap, exit code (as ansible-playbook) and every event, in order. */
public record RunResult(PlayRecap recap, int exitCode, Duration duration, List<RunEvent> events) {
    /** ansible-playbook's exit code when the user interrupted the run. */
    public static final int EXIT_INTERRUPTED = 99;

    public RunResult {
        events = List.copyOf(events);
    }

    /** Final per-host results (loop items excluded), in order. */
    public List<HostResult> hostResults() {
        return events.stream().filter(e -> e instanceof HostResult r && r.item() == null).map(e -> (HostResult) e).toList();
    }

    /** Final results of the task with this name, one per host that ran it. */
    public List<HostResult> resultsOf(String task) {
        return hostResults().stream().filter(r -> r.task().equals(task)).toList();
    }

    /** The last final result of {@code task} on {@code host}. */
    public Optional<HostResult> result(String host, String task) {
        List<HostResult> all = hostResults().stream().filter(r -> r.host().equals(host) && r.task().equals(task)).toList();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** Whether the exit code is 0: no host failed or was unreachable. */
    public boolean succeeded() {
        return exitCode == 0;
    }
}
