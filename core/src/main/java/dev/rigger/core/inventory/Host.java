package dev.rigger.core.inventory;

import dev.rigger.core.error.SourceLocation;
import java.util.Map;

/** A host as the inventory declares it: its name, its own variables (host_vars), where it was declared. */
public record Host(String name, Map<String, Object> vars, SourceLocation declaredAt) {
    public Host {
        vars = Map.copyOf(vars);
    }
}
