package dev.rigger.core.executor;

import dev.rigger.core.module.Footprint;
import dev.rigger.core.transport.Connection;
import dev.rigger.core.transport.ExecResult;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * What a run knows about one host: its connection (opened once), facts (gathered once),
 * registered results and set facts, failure state, handlers it notified, and its recap counters.
 * A host's tasks run one at a time, but other hosts read its variables through {@code hostvars},
 * so the maps are concurrent.
 */
final class HostState {
    final String name;
    private volatile Connection connection;
    volatile Map<String, Object> facts;
    final Map<String, Object> registered = new ConcurrentHashMap<>();
    volatile boolean failed;
    volatile boolean unreachable;
    /** Check mode only: an earlier task on this host would have changed something. */
    volatile boolean pendingChange;
    /** The last task that failed on this host and its message, for the rescue event. */
    volatile String lastFailedTask;
    volatile String lastFailure;
    private final Set<String> notified = new LinkedHashSet<>();
    /** Probe results taken ahead for this host's next tasks (batched probes), and when. */
    private Map<String, ExecResult> probesAhead = Map.of(); // guarded by this
    private TaskExecution.Become probesAheadUser; // guarded by this
    private long probesAheadAt = -1; // guarded by this
    int ok, changed, unreachableCount, failedCount, skipped, rescued, ignored;

    HostState(String name) {
        this.name = name;
    }

    synchronized Connection connection(HostConnector connector) {
        if (connection == null) connection = connector.open(name);
        return connection;
    }

    /** Stops what runs on the host's connection, if one is open; never waits for a connect in progress. */
    void stopRunning() {
        Connection open = connection;
        if (open != null) open.stopRunning();
    }

    synchronized void closeConnection() {
        if (connection != null) {
            connection.close();
            connection = null;
        }
    }

    synchronized void notifyHandler(String handler) {
        notified.add(handler);
    }

    synchronized boolean isNotified(String handler) {
        return notified.contains(handler);
    }

    synchronized void clearNotified(String handler) {
        notified.remove(handler);
    }

    /**
     * Keeps probe results taken ahead, by script, for scripts run as {@code become} says (null: the
     * login user), taken at position {@code at} of the run's change log.
     */
    synchronized void keepProbes(Map<String, ExecResult> byScript, TaskExecution.Become become, long at) {
        probesAhead = Map.copyOf(byScript);
        probesAheadUser = become;
        probesAheadAt = at;
    }

    /**
     * The result of {@code script} taken ahead, or null. Only if nothing that the scripts which may
     * change a host (on any host: a change on one can show in another's probe, a shared file system
     * or a replica) declared they write, recorded between its taking and the start of the asking
     * task (position {@code taskStart} of {@code log}), may touch what the result read, as the
     * asking task's probe tells from it ({@code readsOf}).
     */
    synchronized ExecResult takeProbe(String script, TaskExecution.Become become, long taskStart, ChangeLog log,
                                      Function<ExecResult, Footprint> readsOf) {
        if (!java.util.Objects.equals(become, probesAheadUser)) return null;
        ExecResult kept = probesAhead.get(script);
        if (kept == null || !log.untouched(readsOf.apply(kept), probesAheadAt, taskStart)) return null;
        return kept;
    }

    boolean active() {
        return !failed && !unreachable;
    }

    /**
     * Counts a task's result as ansible-playbook's PLAY RECAP does: {@code ok} counts every task
     * that did not fail, changed ones and ignored failures included (AnsibleDifferentialIT compares).
     */
    synchronized void count(Status status) {
        switch (status) {
            case OK -> ok++;
            case CHANGED -> {
                ok++;
                changed++;
            }
            case FAILED -> failedCount++;
            case SKIPPED -> skipped++;
            case UNREACHABLE -> unreachableCount++;
            case RESCUED -> rescued++;
            case IGNORED -> {
                ok++;
                ignored++;
            }
            case INTERRUPTED -> { }
        }
    }

    /** A failure inside a block whose rescue now runs: Ansible counts it as rescued, not failed. */
    synchronized void rescue() {
        failed = false;
        failedCount--;
        rescued++;
    }

    synchronized PlayRecap.Counts counts() {
        return new PlayRecap.Counts(ok, changed, unreachableCount, failedCount, skipped, rescued, ignored);
    }
}
