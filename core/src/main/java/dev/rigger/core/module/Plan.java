package dev.rigger.core.module;

import dev.rigger.core.transport.ExecResult;
import dev.rigger.core.transport.Stdin;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The outcome of planning: either no change, or the changes and the single script that applies
 * them. The apply script re-checks its own guards (it may run long after the probe) and goes to
 * the host in one exec; its stdin (file content, secrets) travels inside the script stream, never
 * in argv.
 *
 * @param changes     what would change, in order; empty for no change
 * @param applyScript the script that makes the changes, or null for no change
 * @param applyInput  bytes the apply script reads on stdin, streamed from their source; or null
 * @param interpreter turns the apply exec's result into an {@link Outcome}
 * @param data        values for {@code register} when nothing is applied (e.g. a command skipped by {@code creates})
 * @param afterApply  what the controller waits for once the apply script succeeded (a reboot), or null
 * @param writes      the remote paths the apply script (and what it waits for after) may change,
 *                    "anything" unless declared ({@link #writing}); a probe taken ahead of this
 *                    apply stays valid only if it reads none of them
 */
public record Plan(List<Change> changes, String applyScript, Stdin applyInput,
                   Function<ExecResult, Outcome> interpreter, Map<String, Object> data, AfterApply afterApply,
                   Footprint writes) {

    public Plan {
        changes = List.copyOf(changes);
        data = Map.copyOf(data);
        Objects.requireNonNull(writes, "writes");
        if (changes.isEmpty() != (applyScript == null)) {
            throw new IllegalArgumentException("a plan has changes exactly when it has an apply script");
        }
    }

    public static Plan noChange() {
        return new Plan(List.of(), null, null, Outcome::fromExit, Map.of(), null, Footprint.anything());
    }

    /** No change, with values a {@code register} should see (e.g. {@code msg}). */
    public static Plan noChange(Map<String, Object> data) {
        return new Plan(List.of(), null, null, Outcome::fromExit, data, null, Footprint.anything());
    }

    public static Plan apply(List<Change> changes, String script) {
        if (changes.isEmpty()) throw new IllegalArgumentException("use Plan.noChange() for a plan without changes");
        return new Plan(changes, Objects.requireNonNull(script, "script"), null, Outcome::fromExit, Map.of(), null, Footprint.anything());
    }

    public static Plan apply(Change change, String script) {
        return apply(List.of(change), script);
    }

    public Plan withStdin(byte[] stdin) {
        return withStdin(stdin == null ? null : Stdin.of(stdin));
    }

    /** Stdin from a source read anew for the exec, such as a large controller file. */
    public Plan withStdin(Stdin stdin) {
        return new Plan(changes, applyScript, stdin, interpreter, data, afterApply, writes);
    }

    public Plan interpretedBy(Function<ExecResult, Outcome> outcome) {
        return new Plan(changes, applyScript, applyInput, outcome, data, afterApply, writes);
    }

    /** After the apply script succeeded, the controller waits with {@code wait} (see {@link AfterApply}). */
    public Plan thenWait(AfterApply wait) {
        return new Plan(changes, applyScript, applyInput, interpreter, data, Objects.requireNonNull(wait, "wait"), writes);
    }

    /**
     * Declares that the apply may change {@code paths} only ({@link Footprint}): everything its
     * script writes, creates, removes or changes the attributes of, and the directories it creates.
     * Declaring too little lets a probe taken ahead serve a later task with stale state.
     */
    public Plan writing(Footprint paths) {
        return new Plan(changes, applyScript, applyInput, interpreter, data, afterApply, Objects.requireNonNull(paths, "paths"));
    }

    public boolean hasChanges() {
        return !changes.isEmpty();
    }
}
