package dev.rigger.core.loader;

import dev.rigger.core.executor.Task;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a play (or a role) gathers while its task lists load: the handlers of the roles it uses,
 * which join its own, the roles already expanded (each role and parameter set runs once), and
 * its {@link Symbols}.
 */
final class Unit {
    final Symbols symbols = new Symbols();
    final List<Task> roleHandlers = new ArrayList<>();
    final Set<String> expanded = new HashSet<>();
}
