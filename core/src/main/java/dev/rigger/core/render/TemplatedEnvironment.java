package dev.rigger.core.render;

import dev.rigger.core.error.InputException;
import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.secret.Secret;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * An {@code environment:} keyword ({@code {NAME: value}} or one expression such as
 * {@code "{{ proxy_env }}"} that yields such a mapping), rendered per host into the variables the
 * task's scripts are run with. Values become text as Ansible passes them (booleans as
 * {@code True}/{@code False}); names must be shell variable names, since they are exported.
 */
public record TemplatedEnvironment(ValueTemplate template, SourceLocation at) implements Function<Map<String, Object>, Map<String, String>> {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    @Override
    public Map<String, String> apply(Map<String, Object> vars) {
        Object value = template.render(TemplatedVariables.of(vars, at));
        if (!(value instanceof Map<?, ?> map)) {
            throw new InputException(at, "environment must be a mapping of variable names to values, got " + (value == null ? "null" : value.getClass().getSimpleName()));
        }
        Map<String, String> out = new LinkedHashMap<>();
        map.forEach((k, v) -> {
            String name = String.valueOf(k);
            if (!NAME.matcher(name).matches()) {
                throw new InputException(at, "environment variable name '" + name + "' is not a shell variable name (letters, digits, underscores)");
            }
            out.put(name, text(v));
        });
        return out;
    }

    private static String text(Object value) {
        if (value == null) return "";
        if (value instanceof Boolean b) return b ? "True" : "False";
        if (value instanceof Secret s) return s.reveal();
        return String.valueOf(value);
    }
}
