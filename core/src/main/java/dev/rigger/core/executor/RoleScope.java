package dev.rigger.core.executor;

import java.nio.file.Path;
import java.util.Map;

/**
 * The role a task came from: its defaults (lowest precedence), its vars (above play vars), and its
 * folder, where {@code files/} and {@code templates/} are looked up. {@code dir} is null for roles
 * built in code.
 */
public record RoleScope(String name, Map<String, Object> defaults, Map<String, Object> vars, Path dir) {
    public RoleScope {
        defaults = Map.copyOf(defaults);
        vars = Map.copyOf(vars);
    }
}
