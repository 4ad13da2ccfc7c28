package dev.rigger.core.module;

import java.util.List;
import java.util.Set;

/**
 * Makes a module known to YAML: its names, its parameters and how to bind arguments to its typed
 * spec. Each module file declares one as a nested {@code Type} class, listed in
 * {@code META-INF/services/dev.rigger.core.module.ModuleType}. Nothing in core knows a concrete module.
 */
public interface ModuleType {

    /** Names tasks may use: Ansible's name where Ansible has the same module, plus the snake_case type name. */
    List<String> names();

    /** Every parameter name the module accepts (aliases included), for unknown-key errors. */
    Set<String> parameters();

    /**
     * True when the parameter names are the user's to choose ({@code set_fact: {any_name: ...}}):
     * {@link #parameters()} is then not a closed set and unknown names are not errors.
     */
    default boolean openParameters() {
        return false;
    }

    /** Parameters that must be given. */
    default Set<String> required() {
        return Set.of();
    }

    /**
     * The parameter a free-form value fills ({@code command: echo hi} → {@code cmd}), or null when
     * the module takes no free form. A free form may also carry {@code key=value} pairs, as Ansible's.
     */
    default String freeForm() {
        return null;
    }

    /** Binds arguments (already rendered for the host) to the module's spec; errors name the argument's location. */
    Module<?> create(Args args);
}
