package dev.rigger.core.template;

import java.util.AbstractMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One host inside a {@code group_hosts.<group>} loop: {@code name} plus that host's variables.
 * A view rather than a copy, because it is built for every host of every group on every render.
 */
final class HostEntry extends AbstractMap<String, Object> {
    private final String name;
    private final Map<?, ?> vars;

    HostEntry(String name, Map<?, ?> vars) {
        this.name = name;
        this.vars = vars;
    }

    @Override
    public boolean containsKey(Object key) {
        return "name".equals(key) || vars.containsKey(key);
    }

    @Override
    public Object get(Object key) {
        return "name".equals(key) ? name : vars.get(key);
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        Map<String, Object> all = new LinkedHashMap<>();
        vars.forEach((key, value) -> all.put(String.valueOf(key), value));
        all.put("name", name);
        return all.entrySet();
    }
}
