package dev.rigger.core.module;

import dev.rigger.core.transport.ExecResult;
import java.util.Objects;
import java.util.function.Function;

/**
 * The read step of a module: one shell script without side effects and a parser of its result.
 * A parser throws {@link ModuleException} when the output says the state cannot be read (the
 * executor then fails the task, or — in check mode after a pending change on the same host —
 * reports that the task would change after that change).
 */
public record Probe<S>(String script, Function<ExecResult, S> parser, S constant) {

    public Probe {
        if (script == null) Objects.requireNonNull(constant, "a probe without script needs a constant state");
        else Objects.requireNonNull(parser, "parser");
    }

    /** Reads state with one exec of {@code script}, parsed by {@code parser}. */
    public static <S> Probe<S> of(String script, Function<ExecResult, S> parser) {
        return new Probe<>(script, parser, null);
    }

    /** Nothing to read on the host: the state is known in advance (0 execs). */
    public static <S> Probe<S> none(S state) {
        return new Probe<>(null, null, state);
    }

    public boolean needsExec() {
        return script != null;
    }
}
