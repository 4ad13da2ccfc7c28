package dev.rigger.core.module;

import dev.rigger.core.transport.ExecResult;
import java.util.Objects;
import java.util.function.Function;

/**
 * The read step of a module: one shell script without side effects and a parser of its result.
 * A parser throws {@link ModuleException} when the output says the state cannot be read (the
 * executor then fails the task, or — in check mode after a pending change on the same host —
 * reports that the task would change after that change).
 *
 * <p>{@code reads} tells, from the probe's result, which remote paths that result depends on
 * ({@link Footprint}); undeclared, it is "anything". A probe taken ahead in a batch serves its
 * task only while no change since may have touched them, so a declaration must be conservative:
 * every path whose content, attributes or existence the output reflects, including the user and
 * group databases when it prints names. Declaring too little makes a task plan from stale state.
 */
public record Probe<S>(String script, Function<ExecResult, S> parser, S constant, Function<ExecResult, Footprint> reads) {

    public Probe {
        if (script == null) Objects.requireNonNull(constant, "a probe without script needs a constant state");
        else Objects.requireNonNull(parser, "parser");
        Objects.requireNonNull(reads, "reads");
    }

    /** Reads state with one exec of {@code script}, parsed by {@code parser}. */
    public static <S> Probe<S> of(String script, Function<ExecResult, S> parser) {
        return new Probe<>(script, parser, null, result -> Footprint.anything());
    }

    /** Nothing to read on the host: the state is known in advance (0 execs). */
    public static <S> Probe<S> none(S state) {
        return new Probe<>(null, null, state, result -> Footprint.anything());
    }

    /** The same probe, declaring that its output depends on {@code paths} only (see {@link Footprint}). */
    public Probe<S> reading(Footprint paths) {
        Objects.requireNonNull(paths, "paths");
        return reading(result -> paths);
    }

    /**
     * The same probe, declaring what its output depends on as seen in that output (e.g. "anything"
     * when the output says a path resolved through a symlink).
     */
    public Probe<S> reading(Function<ExecResult, Footprint> paths) {
        return new Probe<>(script, parser, constant, paths);
    }

    /** What a result of this probe depends on; "anything" when that cannot be told from it. */
    public Footprint readsOf(ExecResult result) {
        try {
            Footprint f = reads.apply(result);
            return f != null ? f : Footprint.anything();
        } catch (RuntimeException unreadable) {
            return Footprint.anything();
        }
    }

    public boolean needsExec() {
        return script != null;
    }
}
