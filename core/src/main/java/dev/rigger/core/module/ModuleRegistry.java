package dev.rigger.core.module;

import dev.rigger.core.internal.text.NearNames;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * The modules YAML can name, found with {@link ServiceLoader}. {@code ansible.builtin.x} and
 * {@code ansible.posix.x} resolve to {@code x}, so task files written for Ansible run unchanged.
 */
public final class ModuleRegistry {
    private final Map<String, ModuleType> byName;

    private ModuleRegistry(Map<String, ModuleType> byName) {
        this.byName = Map.copyOf(byName);
    }

    /** Every module on the class path of {@code loader}. */
    public static ModuleRegistry load(ClassLoader loader) {
        Map<String, ModuleType> byName = new LinkedHashMap<>();
        for (ModuleType type : ServiceLoader.load(ModuleType.class, loader)) {
            for (String name : type.names()) {
                ModuleType previous = byName.putIfAbsent(name, type);
                if (previous != null && previous.getClass() != type.getClass()) {
                    throw new IllegalStateException("two modules claim the name '" + name + "': "
                            + previous.getClass().getName() + " and " + type.getClass().getName());
                }
            }
        }
        return new ModuleRegistry(byName);
    }

    public static ModuleRegistry load() {
        return load(Thread.currentThread().getContextClassLoader());
    }

    public Optional<ModuleType> find(String name) {
        return Optional.ofNullable(byName.get(canonical(name)));
    }

    public boolean knows(String name) {
        return byName.containsKey(canonical(name));
    }

    public Optional<String> nearest(String name) {
        return NearNames.closest(canonical(name), byName.keySet());
    }

    public Set<String> names() {
        return byName.keySet();
    }

    static String canonical(String name) {
        for (String prefix : new String[] {"ansible.builtin.", "ansible.posix.", "ansible.legacy.", "community.general.", "rigger."}) {
            if (name.startsWith(prefix)) return name.substring(prefix.length());
        }
        return name;
    }
}
