package dev.rigger.core.executor;

import dev.rigger.core.module.Module;
import dev.rigger.core.render.ModuleTemplate;
import dev.rigger.core.secret.Secret;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Makes the module a task runs on one host from the variables that host sees: YAML tasks render
 * their {@code {{ }}} arguments and bind them to the module's typed spec; Java tasks usually just
 * return a constant spec.
 */
@FunctionalInterface
public interface ModuleFactory {
    Module<?> create(Map<String, Object> vars);

    /**
     * The module, with every secret its arguments carry on this host handed to {@code secrets}, so
     * the run can mask them in whatever the module reports. YAML tasks report theirs; a Java task
     * that builds a module from a {@link Secret} should too.
     */
    default Module<?> create(Map<String, Object> vars, Consumer<Secret> secrets) {
        return create(vars);
    }

    /**
     * The variables the module sees through its context, templates included: YAML tasks render
     * {@code {{ }}} in variable values when they are read, as they do for arguments; Java tasks
     * see the values as they are.
     */
    default Map<String, Object> variables(Map<String, Object> vars) {
        return vars;
    }

    /** Display name of the module before it is created (for events and listings). */
    default String moduleName() {
        return "module";
    }

    /** A module written with {@code {{ }}} arguments (as YAML tasks are), rendered and bound per host. */
    static ModuleFactory of(ModuleTemplate template) {
        return new ModuleFactory() {
            @Override
            public Module<?> create(Map<String, Object> vars) {
                return template.create(vars, secret -> { });
            }

            @Override
            public Module<?> create(Map<String, Object> vars, Consumer<Secret> secrets) {
                return template.create(vars, secrets);
            }

            @Override
            public Map<String, Object> variables(Map<String, Object> vars) {
                return template.variables(vars);
            }

            @Override
            public String moduleName() {
                return template.moduleName();
            }
        };
    }

    static ModuleFactory of(Module<?> module) {
        return new ModuleFactory() {
            @Override
            public Module<?> create(Map<String, Object> vars) {
                return module;
            }

            @Override
            public String moduleName() {
                return module.moduleName();
            }
        };
    }
}
