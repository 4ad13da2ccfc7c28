package dev.rigger.core.render;

import dev.rigger.core.error.InputException;
import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.module.Args;
import dev.rigger.core.module.Module;
import dev.rigger.core.module.ModuleType;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A task's module as written: its arguments, rendered with the host's variables, then bound to the
 * module's typed spec. Arguments without {@code {{ }}} are bound once, when this is made, so every
 * mistake the module can see (types, required parameters, {@code mode: 644}, bad choices) is a
 * load-time error; templated ones get the checks that need no values (unknown and missing keys).
 */
public final class ModuleTemplate {
    private final String name;
    private final ModuleType type;
    private final ValueTemplate.MappingOf args;
    private final Map<String, SourceLocation> locations;
    private final SourceLocation taskLocation;
    private final Module<?> bound;

    /**
     * @param name      the module's name as written, for messages
     * @param locations where each argument is written
     */
    public ModuleTemplate(String name, ModuleType type, ValueTemplate.MappingOf args, Map<String, SourceLocation> locations,
                          SourceLocation taskLocation) {
        this.name = name;
        this.type = type;
        this.args = args;
        this.locations = Map.copyOf(locations);
        this.taskLocation = taskLocation;
        if (args.isConstant()) {
            this.bound = bind(args.render(null));
        } else {
            // Only the keys are known before rendering; that is enough for these two checks.
            Args unrendered = arguments(new LinkedHashMap<>(args.entries()));
            if (!type.openParameters()) unrendered.requireKnown(type.parameters());
            for (String required : type.required()) {
                if (!args.entries().containsKey(required)) throw unrendered.missing(required);
            }
            this.bound = null;
        }
    }

    /** The module for a host whose variables are {@code vars}. */
    public Module<?> create(Map<String, Object> vars) {
        if (bound != null) return bound;
        return bind(args.render(TemplatedVariables.of(vars, taskLocation)));
    }

    /** Modules report bad arguments as InputException; anything else they throw still gets the task's location. */
    private Module<?> bind(Map<String, Object> values) {
        try {
            return type.create(arguments(values));
        } catch (IllegalArgumentException e) {
            throw new InputException(taskLocation, name + ": " + e.getMessage());
        }
    }

    /** Templates and modules reading variables see them rendered, like the arguments. */
    public Map<String, Object> variables(Map<String, Object> vars) {
        return TemplatedVariables.asMap(vars, taskLocation);
    }

    public String moduleName() {
        return name;
    }

    private Args arguments(Map<String, Object> values) {
        return new Args(name, values, locations, taskLocation);
    }
}
