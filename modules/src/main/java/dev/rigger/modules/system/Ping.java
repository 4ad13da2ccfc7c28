package dev.rigger.modules.system;

import dev.rigger.core.module.Args;
import dev.rigger.core.module.Module;
import dev.rigger.core.module.ModuleContext;
import dev.rigger.core.module.ModuleException;
import dev.rigger.core.module.ModuleType;
import dev.rigger.core.module.Plan;
import dev.rigger.core.module.Probe;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Ansible's {@code ping}: proves the host can be reached and runs a shell, as Rigger needs it (no
 * Python is involved). One exec; never changes anything; registers {@code ping: pong} (or the
 * {@code data} given). {@code data: crash} fails the task, as in Ansible.
 *
 * <pre>{@code
 * - ping:
 * }</pre>
 * <pre>{@code
 * Play.builder("all").task(Task.named("reach").module(new Ping("pong")).build());
 * }</pre>
 */
public record Ping(String data) implements Module<String> {

    @Override
    public String moduleName() {
        return "ping";
    }

    @Override
    public Probe<String> probe(ModuleContext context) {
        return Probe.of("echo pong", r -> {
            if (r.exitCode() != 0 || !r.stdout().strip().equals("pong")) {
                throw new ModuleException("ping: the host ran no shell (exit " + r.exitCode() + "): " + r.stderr().strip());
            }
            return r.stdout().strip();
        });
    }

    @Override
    public Plan plan(String state, ModuleContext context) {
        if (data.equals("crash")) throw new ModuleException("boom (ping asked to crash with data=crash)");
        return Plan.noChange(Map.of("ping", data));
    }

    public static final class Type implements ModuleType {
        @Override public List<String> names() { return List.of("ping"); }
        @Override public Set<String> parameters() { return Set.of("data"); }

        @Override
        public Module<?> create(Args args) {
            args.requireKnown(parameters());
            return new Ping(args.string("data", "pong"));
        }
    }
}
