package dev.rigger.core.executor;

import java.nio.file.Path;
import java.util.List;

/** Plays run in order. {@code dir} is where relative files are looked up (null for playbooks built in code). */
public record Playbook(String name, Path dir, List<Play> plays) {
    public Playbook {
        plays = List.copyOf(plays);
    }

    /** A playbook built in code: these plays, in order, files looked up from the working directory. */
    public static Playbook of(Play... plays) {
        return new Playbook("playbook", null, List.of(plays));
    }
}
