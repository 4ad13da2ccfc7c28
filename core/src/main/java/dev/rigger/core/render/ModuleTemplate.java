package dev.rigger.core.render;

import dev.rigger.core.error.InputException;
import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.module.Args;
import dev.rigger.core.module.Module;
import dev.rigger.core.module.ModuleArgumentException;
import dev.rigger.core.module.ModuleType;
import dev.rigger.core.secret.Secret;
import dev.rigger.core.secret.SecretMask;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A task's module as written: its arguments, rendered with the host's variables, then bound to the
 * module's typed spec. Arguments without {@code {{ }}} are bound once, when this is made, so every
 * mistake the module can see (types, required parameters, {@code mode: 644}, bad choices) is a
 * load-time error; templated ones get the checks that need no values (unknown and missing keys).
 */
public final class ModuleTemplate {
    /**
     * The value of the variable {@code omit}: a module argument that renders to it is left out
     * (Ansible's {@code "{{ x | default(omit) }}"}, {@code "{{ a if c else omit }}"}).
     */
    public static final String OMIT = "__rigger_omit_placeholder__";

    private final String name;
    private final ModuleType type;
    private final ValueTemplate.MappingOf args;
    private final Map<String, SourceLocation> locations;
    private final SourceLocation taskLocation;
    private final Module<?> bound;
    /** The arguments of {@link #bound}, for the secrets among them. */
    private final Map<String, Object> constants;

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
            this.constants = args.render(null);
            this.bound = bind(constants);
        } else {
            this.constants = null;
            // Only the keys are known before rendering; that is enough for these two checks.
            Args unrendered = arguments(new LinkedHashMap<>(args.entries()));
            if (!type.openParameters()) unrendered.requireKnown(type.parameters());
            for (String required : type.required()) {
                if (!args.entries().containsKey(required)) throw unrendered.missing(required);
            }
            this.bound = null;
        }
    }

    /**
     * The module for a host whose variables are {@code vars}; every secret in its arguments (those
     * built from secrets too, such as {@code "{{ password | b64encode }}"}) goes to {@code secrets},
     * so output can mask them whatever the module does with them.
     */
    public Module<?> create(Map<String, Object> vars, Consumer<Secret> secrets) {
        Map<String, Object> values = bound != null ? constants : withoutOmitted(args.render(TemplatedVariables.of(vars, taskLocation)));
        reportSecrets(values, secrets);
        return bound != null ? bound : bind(values);
    }

    /**
     * Arguments that rendered to {@link #OMIT} (Ansible's {@code omit}) are left out, as if not
     * written; so are keys of nested mappings and items of lists that did, at any depth, as
     * ansible-core (2.19 and later) drops omit from the mappings and lists a template yields.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> withoutOmitted(Map<String, Object> values) {
        return holdsOmit(values) ? (Map<String, Object>) withoutOmit(values) : values;
    }

    private static boolean holdsOmit(Object value) {
        if (value instanceof Map<?, ?> map) return map.values().stream().anyMatch(ModuleTemplate::holdsOmit);
        if (value instanceof List<?> items) return items.stream().anyMatch(ModuleTemplate::holdsOmit);
        return OMIT.equals(value);
    }

    private static Object withoutOmit(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> kept = new LinkedHashMap<>();
            map.forEach((k, v) -> {
                if (!OMIT.equals(v)) kept.put(k, withoutOmit(v));
            });
            return kept;
        }
        if (value instanceof List<?> items) {
            List<Object> kept = new ArrayList<>();
            for (Object item : items) {
                if (!OMIT.equals(item)) kept.add(withoutOmit(item));
            }
            return kept;
        }
        return value;
    }

    private static void reportSecrets(Object value, Consumer<Secret> secrets) {
        if (value instanceof Secret s) secrets.accept(s);
        else if (value instanceof Map<?, ?> map) map.values().forEach(v -> reportSecrets(v, secrets));
        else if (value instanceof Collection<?> items) items.forEach(v -> reportSecrets(v, secrets));
    }

    /**
     * Modules report bad arguments as InputException; anything else they throw still gets the
     * task's location. A module may quote the value it refuses: a secret's text is masked there,
     * since a load-time error goes straight to the user, past the run's masking of its output.
     */
    private Module<?> bind(Map<String, Object> values) {
        try {
            return type.create(arguments(values));
        } catch (InputException e) {
            throw masked(e, values);
        } catch (IllegalArgumentException e) {
            // A ModuleArgumentException already names its module.
            String problem = e instanceof ModuleArgumentException ? e.getMessage() : name + ": " + e.getMessage();
            throw masked(new InputException(taskLocation, problem), values);
        }
    }

    private static InputException masked(InputException e, Map<String, Object> values) {
        SecretMask secrets = new SecretMask();
        secrets.addAll(values);
        String problem = secrets.mask(e.problem());
        if (problem.equals(e.problem())) return e;
        // The suggestion is a name near the secret's text: it would hint at the value.
        return new InputException(e.location(), problem);
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
