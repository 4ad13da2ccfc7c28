package dev.rigger.core.module;

/**
 * A typed task module: an immutable spec (usually a record) that knows how to
 * <ol>
 *   <li><b>probe</b> — one side-effect-free shell snippet printing the current state of exactly
 *       what the module manages, and a parser from that output to a typed state {@code S};</li>
 *   <li><b>plan</b> — pure Java: desired spec vs current state, giving {@link Plan#noChange()} or a
 *       list of changes plus the one script that applies them (re-checking its own guards).</li>
 * </ol>
 * The executor runs the probe (1 exec), calls {@link #plan}, and — unless in check mode — runs the
 * plan's apply script (1 more exec). So an unchanged task costs 1 exec and a changed one at most 2.
 * All decision logic lives in {@code plan}, so it is unit-testable without hosts.
 *
 * @param <S> the parsed current state
 */
public interface Module<S> {

    /** The module's name as tasks name it (e.g. {@code apt}, {@code copy}); shown in events. */
    String moduleName();

    /** How to read the current state. {@link Probe#none} when there is nothing to read (0 execs). */
    Probe<S> probe(ModuleContext context);

    /** Desired vs current: what would change, and the script that makes it so. Pure: no I/O on hosts. */
    Plan plan(S state, ModuleContext context);

    /**
     * Whether planning this module in check mode tells the truth. Modules that cannot know what
     * they would do without doing it (an arbitrary command) return false and are skipped in check
     * mode, as Ansible does.
     */
    default boolean supportsCheckMode() {
        return true;
    }
}
