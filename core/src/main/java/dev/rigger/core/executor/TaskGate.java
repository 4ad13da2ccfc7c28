package dev.rigger.core.executor;

/**
 * Asked before each task and handler starts ({@code --step}, see {@link PlaybookRun#step}): whether
 * it runs. A task it turns down is left out on every host, as if its tags were not selected.
 * Called from the thread walking the play (one per host under the free strategy).
 */
@FunctionalInterface
public interface TaskGate {
    /** True to run the task named {@code task}, declared at {@code location}. */
    boolean allows(String task, String location);
}
