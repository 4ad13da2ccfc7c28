package dev.rigger.core.render;

import dev.rigger.core.error.InputException;
import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.expr.Lookups;
import dev.rigger.core.expr.VariableScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code loop:} rendered per host: a list whose items may be templated, or one expression giving a
 * list. With a {@code lookup} ({@code with_items}, {@code with_dict}, ...), the rendered value is the
 * lookup's terms and the items are what the lookup gives (see {@link Lookups}).
 */
public record TemplatedLoop(ValueTemplate items, String lookup, String keyword, SourceLocation at) {

    public List<Object> items(Map<String, Object> vars) {
        VariableScope scope = TemplatedVariables.of(vars, at);
        Object value = items.render(scope);
        if (lookup != null) return Lookups.loop(lookup, value, scope, at);
        if (!(value instanceof List<?> list)) {
            throw new InputException(at, "'" + keyword + "' must give a list, got " + (value == null ? "none" : describe(value)));
        }
        return new ArrayList<>(list);
    }

    private static String describe(Object value) {
        if (value instanceof Map) return "a mapping";
        if (value instanceof Number) return "a number";
        if (value instanceof Boolean) return "a boolean";
        return "a string";
    }
}
