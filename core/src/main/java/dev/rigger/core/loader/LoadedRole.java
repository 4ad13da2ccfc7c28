package dev.rigger.core.loader;

import dev.rigger.core.executor.Attributes;
import dev.rigger.core.executor.Role;
import java.util.List;

/**
 * A role as loaded: the executor's {@link Role} (tasks, handlers, defaults, vars), its folder, the
 * task file its tasks came from ({@code main} unless {@code tasks_from} said otherwise), its
 * dependencies with the attributes {@code meta/main.yml} gives them, and what it defines and uses.
 */
record LoadedRole(Role role, Folder folder, String tasksFrom, List<Dependency> dependencies, Unit unit) {

    /** A dependency from {@code meta/main.yml}, with its parameters, tags and conditions. */
    record Dependency(LoadedRole role, Attributes attributes) {}

    LoadedRole {
        dependencies = List.copyOf(dependencies);
    }

    String name() {
        return role.name();
    }
}
