package dev.rigger.core.render;

import dev.rigger.core.error.SourceLocation;
import java.util.Map;
import java.util.function.Function;

/** A one-line value such as {@code delegate_to: "{{ groups.db[0] }}"}, rendered per host to text. */
public record TemplatedText(ValueTemplate template, SourceLocation at) implements Function<Map<String, Object>, String> {

    @Override
    public String apply(Map<String, Object> vars) {
        return String.valueOf(template.render(TemplatedVariables.of(vars, at)));
    }
}
