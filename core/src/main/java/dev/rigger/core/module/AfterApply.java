package dev.rigger.core.module;

import dev.rigger.core.transport.ExecResult;
import java.util.function.Function;

/**
 * What the controller waits for after a plan's apply script succeeded, when the change completes
 * outside that script: a reboot, after which the host must come back. It may run more scripts on
 * the host through {@code exec} (each counts in the task's execs); while the host is away these
 * throw {@link dev.rigger.core.transport.TransportException}, which a wait expects and retries.
 * The next exec after the host is back opens a new session by itself.
 */
@FunctionalInterface
public interface AfterApply {

    /** The task's outcome, given the apply script's. Bounded in time: it must give up, not hang. */
    Outcome await(Outcome applied, Function<String, ExecResult> exec);
}
