package dev.rigger.core.executor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A role: tasks, handlers, defaults and vars for one component, plus the roles it depends on
 * (run first, once per play). Loaded from an Ansible-layout folder, or built in code:
 *
 * <pre>{@code
 * Role redis = Role.named("redis")
 *     .defaults(Map.of("redis_port", 6379))
 *     .task(Task.named("install").module(...).notify("restart redis").build())
 *     .handler(Task.named("restart redis").module(...).build())
 *     .build();
 * }</pre>
 */
public record Role(String name, Path dir, Map<String, Object> defaults, Map<String, Object> vars,
                   List<TaskNode> tasks, List<Task> handlers, List<Role> dependencies) {

    public Role {
        // A variable may be null (`port:` with no value in YAML), which Map.copyOf refuses.
        defaults = Collections.unmodifiableMap(new LinkedHashMap<>(defaults));
        vars = Collections.unmodifiableMap(new LinkedHashMap<>(vars));
        tasks = List.copyOf(tasks);
        handlers = List.copyOf(handlers);
        dependencies = List.copyOf(dependencies);
    }

    /** The role's variables and folder, as its tasks see them. */
    public RoleScope scope() {
        return new RoleScope(name, defaults, vars, dir);
    }

    /**
     * A role built in code.
     * @throws InvalidPlaybookException when the name is null or blank
     */
    public static Builder named(String name) {
        return new Builder(name);
    }

    /** Builds a {@link Role}; every setter returns the builder. */
    public static final class Builder {
        private final String name;
        private Path dir;
        private final Map<String, Object> defaults = new LinkedHashMap<>();
        private final Map<String, Object> vars = new LinkedHashMap<>();
        private final List<TaskNode> tasks = new ArrayList<>();
        private final List<Task> handlers = new ArrayList<>();
        private final List<Role> dependencies = new ArrayList<>();

        private Builder(String name) {
            this.name = InvalidPlaybookException.requireText(name, "Role.named(name): the role name");
        }

        /** The role's folder: where its templates and files are looked up; null for a role built in code. */
        public Builder dir(Path value) { this.dir = value; return this; }
        /** Default variables ({@code defaults/main.yml}, lowest precedence); adds to those set before. */
        public Builder defaults(Map<String, Object> value) { defaults.putAll(value); return this; }
        /** Role variables ({@code vars/main.yml}, over the inventory); adds to those set before. */
        public Builder vars(Map<String, Object> value) { vars.putAll(value); return this; }
        /** A task (or block) of the role, in order. */
        public Builder task(TaskNode value) { tasks.add(value); return this; }
        /** Tasks of the role, in order. */
        public Builder tasks(List<? extends TaskNode> value) { tasks.addAll(value); return this; }
        /** A handler of the role; it joins the play's handlers. */
        public Builder handler(Task value) { handlers.add(value); return this; }
        /** Handlers of the role. */
        public Builder handlers(List<Task> value) { handlers.addAll(value); return this; }
        /** A role that runs first ({@code meta/main.yml} dependencies); once per play. */
        public Builder dependsOn(Role value) { dependencies.add(value); return this; }

        /** The role. */
        public Role build() {
            return new Role(name, dir, defaults, vars, tasks, handlers, dependencies);
        }
    }
}
