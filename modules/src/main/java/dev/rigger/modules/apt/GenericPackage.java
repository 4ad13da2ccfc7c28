package dev.rigger.modules.apt;

import dev.rigger.core.module.Args;
import dev.rigger.core.module.Module;
import dev.rigger.core.module.ModuleType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Ansible's generic {@code package} module. Rigger manages Debian hosts, whose package manager is
 * apt, so {@code package} is {@link AptPackage} with the generic parameters ({@code name},
 * {@code state}: present, absent or latest; {@code use}: auto or apt). The task then behaves, counts
 * execs and reports exactly as the same {@code apt} task. A {@code use} naming another manager
 * (yum, dnf, ...) is refused: those families are not supported.
 *
 * <pre>{@code
 * - package:
 *     name: ntp
 *     state: present
 * }</pre>
 * <pre>{@code
 * Module<?> ntp = new GenericPackage.Type().create(Args.of("package", Map.of("name", "ntp")));
 * }</pre>
 */
public final class GenericPackage {
    private GenericPackage() {}

    /** YAML binding: {@code package}. */
    public static final class Type implements ModuleType {
        @Override public List<String> names() { return List.of("package"); }
        @Override public Set<String> parameters() { return Set.of("name", "state", "use"); }
        @Override public Set<String> required() { return Set.of("name"); }

        @Override
        public Module<?> create(Args args) {
            args.requireKnown(parameters());
            String use = args.string("use", "auto");
            if (!use.equals("auto") && !use.equals("apt")) {
                throw args.error("use", "use: package manager '" + use + "' is not supported: Rigger manages Debian hosts with apt (use: auto or apt)");
            }
            if (!args.has("use")) return new AptPackage.Type().create(args);
            Map<String, Object> apt = new LinkedHashMap<>();
            apt.put("name", args.raw("name"));
            if (args.has("state")) apt.put("state", args.raw("state"));
            return new AptPackage.Type().create(Args.of("package", apt));
        }
    }
}
