package dev.rigger.core.loader;

import dev.rigger.core.executor.Playbook;
import java.util.List;

/**
 * A playbook as loaded: the executor's {@link Playbook}, plus what each play defines and uses,
 * which {@link Preflight} checks before any host is contacted.
 */
public final class LoadedPlaybook {
    private final Playbook playbook;
    private final List<Symbols> plays;

    LoadedPlaybook(Playbook playbook, List<Symbols> plays) {
        this.playbook = playbook;
        this.plays = List.copyOf(plays);
    }

    public Playbook playbook() {
        return playbook;
    }

    /** One entry per play, in the order of {@code playbook().plays()}. */
    List<Symbols> plays() {
        return plays;
    }
}
