package dev.rigger.core.executor;

import dev.rigger.core.module.Change;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Everything a run reports, in order. Listeners receive them as they happen (from worker threads). */
public sealed interface RunEvent {

    record RunStarted(String playbook, boolean checkMode, boolean diffMode) implements RunEvent {}

    record PlayStarted(String name, List<String> hosts) implements RunEvent {}

    /** A task is about to run on {@code hosts}; {@code handler} for handlers. */
    record TaskStarted(String name, String location, List<String> hosts, boolean handler) implements RunEvent {}

    /**
     * One host's result for one task (or one loop item).
     *
     * @param execs   scripts this task ran on the host (the exec budget: unchanged 1, changed ≤ 2).
     *                Counted where they ran: a loop item's result has its own, the loop's closing
     *                result (item null) their sum; with batched probes the batch counts 1 on the
     *                task that took it and the tasks it served report 0. So, per host, the results
     *                with item null add up to exactly the execs its connection ran.
     * @param changes what changed or, in check mode, would change; diffs redacted
     * @param message failure text, skip reason, or "would change (after pending change)"
     * @param item    the loop item's display form, or null outside loops
     */
    record HostResult(String host, String task, String location, Status status, String message,
                      List<Change> changes, Duration duration, int execs, String item,
                      Map<String, Object> registered) implements RunEvent {}

    /**
     * A script about to run on a host, secrets masked: sent only when {@link PlaybookRun#traceExecs}
     * asks for it ({@code -vvv}).
     *
     * @param becomeUser whom the script runs as through sudo, or null for the login user
     */
    record Exec(String host, String script, String becomeUser) implements RunEvent {}

    /** Hosts still running the current task, for live progress. */
    record Progress(String task, List<String> running, Duration elapsed) implements RunEvent {}

    record PlayFinished(String name) implements RunEvent {}

    record RunFinished(PlayRecap recap, int exitCode, Duration duration) implements RunEvent {}
}
