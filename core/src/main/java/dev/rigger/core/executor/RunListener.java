package dev.rigger.core.executor;

/**
 * Receives run events. Called from worker threads, one event at a time. A listener that throws
 * never stops a run: its first failure is reported on standard error and the run goes on.
 */
@FunctionalInterface
public interface RunListener {
    void on(RunEvent event);
}
