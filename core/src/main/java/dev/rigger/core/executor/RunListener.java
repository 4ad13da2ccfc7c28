package dev.rigger.core.executor;

/** Receives run events. Called from worker threads: implementations must be thread-safe. */
@FunctionalInterface
public interface RunListener {
    void on(RunEvent event);
}
