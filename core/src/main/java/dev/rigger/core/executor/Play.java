package dev.rigger.core.executor;

import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.transport.BecomeMethod;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One play: which hosts, which tasks (pre_tasks, roles then tasks, post_tasks — handlers flush
 * after each section), handlers, and how hosts are batched and failures are treated.
 */
public record Play(String name, SourceLocation location, String hosts, boolean gatherFacts,
                   Map<String, Object> vars, List<TaskNode> preTasks, List<TaskNode> tasks, List<TaskNode> postTasks,
                   List<Task> handlers, Serial serial, Integer maxFailPercentage, boolean anyErrorsFatal,
                   Strategy strategy, Attributes attributes, boolean forceHandlers, HostOrder order) {

    public Play {
        vars = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(vars));
        preTasks = List.copyOf(preTasks);
        tasks = List.copyOf(tasks);
        postTasks = List.copyOf(postTasks);
        handlers = List.copyOf(handlers);
    }

    /** This play with other inherited attributes (the runner's {@code -b} defaults under the play's own). */
    public Play withAttributes(Attributes value) {
        return new Play(name, location, hosts, gatherFacts, vars, preTasks, tasks, postTasks, handlers, serial,
                maxFailPercentage, anyErrorsFatal, strategy, value, forceHandlers, order);
    }

    /**
     * A play over the hosts {@code hosts} matches (a pattern: {@code web}, {@code db:&dc1}, {@code all}).
     * @throws InvalidPlaybookException when the pattern is null or blank
     */
    public static Builder builder(String hosts) {
        return new Builder(hosts);
    }

    /** Builds a {@link Play}; every setter returns the builder. */
    public static final class Builder {
        private final String hosts;
        private String name;
        private SourceLocation location = SourceLocation.unknown("java");
        private boolean gatherFacts = true;
        private final Map<String, Object> vars = new LinkedHashMap<>();
        private final List<TaskNode> preTasks = new ArrayList<>();
        private final List<TaskNode> roleTasks = new ArrayList<>();
        private final List<TaskNode> tasks = new ArrayList<>();
        private final List<TaskNode> postTasks = new ArrayList<>();
        private final List<Task> handlers = new ArrayList<>();
        private final Set<String> rolesAdded = new LinkedHashSet<>();
        private Serial serial = Serial.ALL;
        private Integer maxFailPercentage;
        private boolean anyErrorsFatal;
        private Strategy strategy = Strategy.LINEAR;
        private Attributes attributes = Attributes.NONE;
        private boolean forceHandlers;
        private HostOrder order = HostOrder.INVENTORY;

        private Builder(String hosts) {
            this.hosts = InvalidPlaybookException.requireText(hosts, "Play.builder(hosts): the host pattern");
        }

        /** The name shown in PLAY headers and events (default: the host pattern). */
        public Builder name(String value) { this.name = value; return this; }
        /** Where the play was written, for messages (loaders set it; code may leave it). */
        public Builder location(SourceLocation value) { this.location = value; return this; }
        /** Whether facts are gathered first (default true; one exec per host). */
        public Builder gatherFacts(boolean value) { this.gatherFacts = value; return this; }
        /** Play variables ({@code vars:}); adds to those set before. */
        public Builder vars(Map<String, Object> value) { vars.putAll(value); return this; }
        /** A task (or block) run before the roles ({@code pre_tasks}). */
        public Builder preTask(TaskNode value) { preTasks.add(value); return this; }
        /** A task (or block) run after the roles ({@code tasks}). */
        public Builder task(TaskNode value) { tasks.add(value); return this; }
        /** Tasks run after the roles, in order. */
        public Builder tasks(List<? extends TaskNode> value) { tasks.addAll(value); return this; }
        /** A task (or block) run last ({@code post_tasks}). */
        public Builder postTask(TaskNode value) { postTasks.add(value); return this; }
        /** A handler: runs once at the end of a section when a task notified it by name (or a {@code listen} topic). */
        public Builder handler(Task value) { handlers.add(value); return this; }
        /** Batches of hosts run through the whole play one after another ({@code serial}); default all at once. */
        public Builder serial(Serial value) { this.serial = value; return this; }
        /** Stops the play when more than this percentage of a batch failed ({@code max_fail_percentage}); null for no limit. */
        public Builder maxFailPercentage(Integer value) { this.maxFailPercentage = value; return this; }
        /** One failed host stops the play for all ({@code any_errors_fatal}). */
        public Builder anyErrorsFatal(boolean value) { this.anyErrorsFatal = value; return this; }
        /** How hosts advance through the tasks (default {@link Strategy#LINEAR}). */
        public Builder strategy(Strategy value) { this.strategy = value; return this; }
        /** Runs every task as root through sudo ({@code become}). */
        public Builder become(boolean value) { this.attributes = attributes.withBecome(value, attributes.becomeUser()); return this; }
        /** Becomes the user with su instead of sudo, or back ({@code become_method}). */
        public Builder becomeMethod(BecomeMethod value) { this.attributes = attributes.withBecomeMethod(value); return this; }
        /** Attributes inherited by every task (when, tags, become, vars...), replacing those set before. */
        public Builder attributes(Attributes value) { this.attributes = value; return this; }
        /** Notified handlers run even on hosts that failed ({@code force_handlers}). */
        public Builder forceHandlers(boolean value) { this.forceHandlers = value; return this; }
        /** The order hosts are taken in for batches and {@code run_once} ({@code order}; default inventory order). */
        public Builder order(HostOrder value) { this.order = value; return this; }

        /**
         * Adds a role: its dependencies first (each role once per play, as Ansible), then its tasks,
         * wrapped so they see the role's defaults and vars; its handlers join the play's.
         */
        public Builder role(Role role) {
            return role(role, Attributes.NONE);
        }

        /** Adds a role with extra attributes (role params as vars, tags, when) applied to its tasks. */
        public Builder role(Role role, Attributes extra) {
            for (Role dependency : role.dependencies()) role(dependency, Attributes.NONE);
            if (!rolesAdded.add(role.name() + "\u0000" + extra.vars())) return this;
            Attributes scope = extra.withRole(role.scope());
            roleTasks.add(new Block("role: " + role.name(), SourceLocation.unknown("role " + role.name()), scope,
                    role.tasks(), List.of(), List.of()));
            for (Task h : role.handlers()) handlers.add(h.within(scope));
            return this;
        }

        /** The play: roles' tasks first, then the tasks. */
        public Play build() {
            List<TaskNode> main = new ArrayList<>(roleTasks);
            main.addAll(tasks);
            return new Play(name != null ? name : hosts, location, hosts, gatherFacts, vars, preTasks, main,
                    postTasks, handlers, serial, maxFailPercentage, anyErrorsFatal, strategy, attributes, forceHandlers, order);
        }
    }
}
