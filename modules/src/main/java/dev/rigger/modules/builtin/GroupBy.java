package dev.rigger.modules.builtin;

import dev.rigger.core.module.Args;
import dev.rigger.core.module.Module;
import dev.rigger.core.module.ModuleContext;
import dev.rigger.core.module.ModuleType;
import dev.rigger.core.module.Plan;
import dev.rigger.core.module.Probe;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Puts the host in a group named by its variables, for the rest of the run, as Ansible's
 * group_by: later plays' {@code hosts:} patterns, {@code groups}, {@code group_names} and
 * {@code hostvars} see it. Runs on the controller: no exec. The module returns the group as
 * Ansible's action does ({@code add_group}, {@code parent_groups}, spaces made dashes); the
 * executor changes the run's inventory and reports changed when the host joined a group it was
 * not in yet. Parameters: {@code key} (the group's name, required), {@code parents} (a name or a
 * list; default {@code all}): the groups the new group is made a child of, made if missing.
 *
 * <pre>{@code
 * - group_by:
 *     key: "role_{{ pg_role }}"
 *     parents: postgres
 * }</pre>
 *
 * <pre>{@code
 * Task.named("by role").module(new GroupBy("role_primary", List.of("postgres"))).build();
 * }</pre>
 */
public record GroupBy(String key, List<String> parents) implements Module<Boolean> {

    public GroupBy {
        key = key.replace(' ', '-');
        parents = parents.stream().map(p -> p.replace(' ', '-')).toList();
    }

    @Override
    public String moduleName() {
        return "group_by";
    }

    @Override
    public Probe<Boolean> probe(ModuleContext context) {
        return Probe.none(true);
    }

    @Override
    public Plan plan(Boolean state, ModuleContext context) {
        return Plan.noChange(Map.of("add_group", key, "parent_groups", parents));
    }

    public static final class Type implements ModuleType {
        @Override public List<String> names() { return List.of("group_by"); }
        @Override public Set<String> parameters() { return Set.of("key", "parents"); }
        @Override public Set<String> required() { return Set.of("key"); }

        @Override
        public Module<?> create(Args args) {
            args.requireKnown(parameters());
            String key = args.string("key");
            if (key.isBlank()) throw args.missing("key");
            List<String> parents = args.stringList("parents");
            return new GroupBy(key, parents.isEmpty() ? List.of("all") : parents);
        }
    }
}
