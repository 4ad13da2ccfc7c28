package dev.rigger.core.render;

import dev.rigger.core.error.InputException;
import dev.rigger.core.error.SourceLocation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code loop:} (or {@code with_items:}, which also flattens nested lists one level, as Ansible's)
 * rendered per host: a list whose items may be templated, or one expression giving a list.
 */
public record TemplatedLoop(ValueTemplate items, boolean flatten, String keyword, SourceLocation at) {

    public List<Object> items(Map<String, Object> vars) {
        Object value = items.render(TemplatedVariables.of(vars, at));
        if (!(value instanceof List<?> list)) {
            throw new InputException(at, "'" + keyword + "' must give a list, got " + (value == null ? "none" : describe(value)));
        }
        if (!flatten) return new ArrayList<>(list);
        List<Object> out = new ArrayList<>();
        for (Object item : list) {
            if (item instanceof List<?> inner) out.addAll(inner);
            else out.add(item);
        }
        return out;
    }

    private static String describe(Object value) {
        if (value instanceof Map) return "a mapping";
        if (value instanceof Number) return "a number";
        if (value instanceof Boolean) return "a boolean";
        return "a string";
    }
}
