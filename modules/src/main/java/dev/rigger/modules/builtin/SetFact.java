package dev.rigger.modules.builtin;

import dev.rigger.core.module.Args;
import dev.rigger.core.module.Module;
import dev.rigger.core.module.ModuleContext;
import dev.rigger.core.module.ModuleType;
import dev.rigger.core.module.Plan;
import dev.rigger.core.module.Probe;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Sets variables on the host for the rest of the run, above play and role vars (as Ansible's
 * set_fact). Runs on the controller: no exec. The values are returned as {@code ansible_facts},
 * which the executor merges into the host's variables. Parameters: any names; {@code cacheable}
 * is accepted for Ansible compatibility and ignored (Rigger keeps no fact cache).
 *
 * <pre>{@code
 * - set_fact:
 *     primary: "{{ groups.postgres[0] }}"
 *     is_primary: "{{ inventory_hostname == groups.postgres[0] }}"
 * }</pre>
 */
public record SetFact(Map<String, Object> facts) implements Module<Boolean> {

    public SetFact {
        facts = Collections.unmodifiableMap(new LinkedHashMap<>(facts)); // values may be null
    }

    @Override
    public String moduleName() {
        return "set_fact";
    }

    @Override
    public Probe<Boolean> probe(ModuleContext context) {
        return Probe.none(true);
    }

    @Override
    public Plan plan(Boolean state, ModuleContext context) {
        return Plan.noChange(Map.of("ansible_facts", facts));
    }

    public static final class Type implements ModuleType {
        @Override public List<String> names() { return List.of("set_fact"); }
        @Override public Set<String> parameters() { return Set.of("cacheable"); }
        @Override public boolean openParameters() { return true; }

        @Override
        public Module<?> create(Args args) {
            Map<String, Object> facts = new LinkedHashMap<>();
            for (String name : args.names()) {
                if (!name.equals("cacheable")) facts.put(name, args.raw(name));
            }
            if (facts.isEmpty()) throw args.missing("a variable to set");
            return new SetFact(facts);
        }
    }
}
