package dev.rigger.core.executor;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The role a task came from: its defaults (lowest precedence), its vars (above play vars), and its
 * folder, where {@code files/} and {@code templates/} are looked up. {@code dir} is null for roles
 * built in code.
 */
public record RoleScope(String name, Map<String, Object> defaults, Map<String, Object> vars, Path dir) {
    public RoleScope {
        // A variable may be null (`port:` with no value in YAML), which Map.copyOf refuses.
        defaults = Collections.unmodifiableMap(new LinkedHashMap<>(defaults));
        vars = Collections.unmodifiableMap(new LinkedHashMap<>(vars));
    }
}
