package dev.rigger.core.executor;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Everything one run shares between its plays and workers. Nothing here outlives the run. The
 * inventory as it is now is {@code variables().inventory()}: group_by changes it during the run.
 *
 * @param startAtPending true until the {@code --start-at-task} task is reached; shared by the plays,
 *                       so the plays after the one holding it run in full, as in Ansible
 * @param interrupted    set by {@link PlaybookRun#interrupt()}: no further task starts
 * @param changes        what scripts that may change a host declared they write, recorded before and
 *                       after each: probes taken ahead serve a task only if nothing recorded between
 *                       their taking and the task's start may touch what they read
 *                       (see {@link HostState#takeProbe})
 * @param step           asked before each task ({@code --step}), or null to run them all
 */
record RunContext(RunOptions options, Map<String, HostState> hosts, Variables variables,
                  HostConnector connector, FactSource facts, TemplateEngine templates, Path playbookDir,
                  ExecutorService workers, List<RunListener> listeners, AtomicBoolean startAtPending,
                  AtomicBoolean interrupted, ChangeLog changes, TaskGate step) {

    void emit(RunEvent event) {
        // One event at a time, so listeners see a consistent order and need no locking of their own.
        synchronized (listeners) {
            for (RunListener l : listeners) l.on(event);
        }
    }

    HostState host(String name) {
        return hosts.computeIfAbsent(name, HostState::new);
    }
}
