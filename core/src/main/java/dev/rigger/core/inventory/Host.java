package dev.rigger.core.inventory;

import dev.rigger.core.error.SourceLocation;
import java.util.Map;

/**
 * A host as the inventory declares it: its name, its own variables (inline in the inventory, then
 * host_vars files, later ones winning), where each variable was set, and where the host was first
 * declared. Variable values may be null, as in Ansible ({@code var: ~}).
 */
public record Host(String name, Map<String, Object> vars, Map<String, SourceLocation> varOrigins,
                   SourceLocation declaredAt) {
    public Host {
        vars = Frozen.map(vars);
        varOrigins = Map.copyOf(varOrigins);
    }

    public Host(String name, Map<String, Object> vars, SourceLocation declaredAt) {
        this(name, vars, Map.of(), declaredAt);
    }
}
