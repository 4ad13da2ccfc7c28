package dev.rigger.modules.builtin;

import dev.rigger.core.module.Args;
import dev.rigger.core.module.Module;
import dev.rigger.core.module.ModuleContext;
import dev.rigger.core.module.ModuleException;
import dev.rigger.core.module.ModuleType;
import dev.rigger.core.module.Plan;
import dev.rigger.core.module.Probe;
import java.util.List;
import java.util.Set;

/**
 * Fails the host with a message, usually under a {@code when:}. Runs on the controller: no exec.
 * Parameter: {@code msg} (default "Failed as requested from task").
 *
 * <pre>{@code
 * - fail: msg="{{ inventory_hostname }} is not a Debian host"
 *   when: ansible_os_family != 'Debian'
 * }</pre>
 */
public record Fail(String msg) implements Module<Boolean> {

    @Override
    public String moduleName() {
        return "fail";
    }

    @Override
    public Probe<Boolean> probe(ModuleContext context) {
        return Probe.none(true);
    }

    /** ModuleException is how a module reports a failure it found while planning. */
    @Override
    public Plan plan(Boolean state, ModuleContext context) {
        throw new ModuleException(msg);
    }

    public static final class Type implements ModuleType {
        @Override public List<String> names() { return List.of("fail"); }
        @Override public Set<String> parameters() { return Set.of("msg"); }

        @Override
        public Module<?> create(Args args) {
            args.requireKnown(parameters());
            return new Fail(args.string("msg", "Failed as requested from task"));
        }
    }
}
