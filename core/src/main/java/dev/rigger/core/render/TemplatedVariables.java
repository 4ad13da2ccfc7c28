package dev.rigger.core.render;

import dev.rigger.core.error.InputException;
import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.expr.VariableScope;
import dev.rigger.core.secret.PasswordVariables;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A host's variables as expressions see them: a variable whose value holds {@code {{ }}} (say
 * {@code url: "http://{{ host }}:{{ port }}"}) is rendered when it is read, recursively, as Ansible
 * renders variables lazily. A variable that ends up needing itself is an error naming the chain.
 * One instance serves one evaluation; it caches what it rendered.
 */
public final class TemplatedVariables implements VariableScope {
    /** Deeper chains than this are surely a mistake, even without a loop. */
    static final int MAX_DEPTH = 32;

    private final Map<String, ?> variables;
    private final SourceLocation at;
    private final Set<String> rendering = new LinkedHashSet<>();
    private final Map<String, Object> rendered = new HashMap<>();

    private TemplatedVariables(Map<String, ?> variables, SourceLocation at) {
        this.variables = variables;
        this.at = at;
    }

    /** @param at where the expression being evaluated is, for errors about the variables it reads */
    public static VariableScope of(Map<String, ?> variables, SourceLocation at) {
        return new TemplatedVariables(variables, at);
    }

    /**
     * The same as a map, for code that reads variables by key (Mustache templates, modules): a
     * value is rendered when it is read.
     */
    public static Map<String, Object> asMap(Map<String, ?> variables, SourceLocation at) {
        TemplatedVariables scope = new TemplatedVariables(variables, at);
        return new AbstractMap<>() {
            @Override
            public boolean containsKey(Object key) {
                return variables.containsKey(key);
            }

            @Override
            public Object get(Object key) {
                return key instanceof String name && variables.containsKey(name) ? scope.get(name) : null;
            }

            /** Names without rendering: "did you mean" lists need no values. */
            @Override
            public Set<String> keySet() {
                return Collections.unmodifiableSet(variables.keySet());
            }

            @Override
            public int size() {
                return variables.size();
            }

            @Override
            public Set<Entry<String, Object>> entrySet() {
                Set<Entry<String, Object>> entries = new LinkedHashSet<>();
                for (String name : variables.keySet()) entries.add(new SimpleImmutableEntry<>(name, scope.get(name)));
                return entries;
            }
        };
    }

    @Override
    public boolean isDefined(String name) {
        return variables.containsKey(name);
    }

    @Override
    public Object get(String name) {
        Object value = variables.get(name);
        // hostvars is a live view over every host; its values are rendered where they are read.
        if (name.equals("hostvars") || !holdsTemplate(value)) return value;
        if (rendered.containsKey(name)) return rendered.get(name);
        if (rendering.contains(name)) {
            List<String> chain = new ArrayList<>(rendering);
            chain = chain.subList(chain.indexOf(name), chain.size());
            throw new InputException(at, "variable '" + name + "' is defined in terms of itself: "
                    + String.join(" -> ", chain) + " -> " + name);
        }
        if (rendering.size() >= MAX_DEPTH) {
            throw new InputException(at, "variables refer to variables more than " + MAX_DEPTH + " deep: "
                    + String.join(" -> ", rendering) + " -> " + name);
        }
        rendering.add(name);
        try {
            Object result = PasswordVariables.asSeen(name, render(value, name));
            rendered.put(name, result);
            return result;
        } finally {
            rendering.remove(name);
        }
    }

    @Override
    public Collection<String> names() {
        return variables.keySet();
    }

    private Object render(Object value, String name) {
        if (value instanceof String text && TemplatedString.isTemplated(text)) {
            return TemplatedString.parse(text, index -> SourceLocation.unknown("variable '" + name + "'")).render(this);
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (Object item : list) out.add(render(item, name));
            return Collections.unmodifiableList(out);
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(k, render(v, name)));
            return Collections.unmodifiableMap(out);
        }
        return value;
    }

    private static boolean holdsTemplate(Object value) {
        if (value instanceof String text) return TemplatedString.isTemplated(text);
        if (value instanceof List<?> list) return list.stream().anyMatch(TemplatedVariables::holdsTemplate);
        if (value instanceof Map<?, ?> map) return map.values().stream().anyMatch(TemplatedVariables::holdsTemplate);
        return false;
    }
}
