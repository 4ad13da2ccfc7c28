package dev.rigger.modules.builtin;

import dev.rigger.core.module.Args;
import dev.rigger.core.module.Module;
import dev.rigger.core.module.ModuleContext;
import dev.rigger.core.module.ModuleType;
import dev.rigger.core.module.Plan;
import dev.rigger.core.module.Probe;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Ansible's {@code pause} with a time: waits {@code seconds} (or {@code minutes}) before the play goes
 * on, on the controller, for each host. Never changes anything; no exec. Rigger does not prompt, so
 * a pause without a time (waiting for Enter) is refused naming the alternative.
 *
 * <pre>{@code
 * - pause: seconds=5
 * }</pre>
 * <pre>{@code
 * Play.builder("web").task(Task.named("settle").module(new Pause(Duration.ofSeconds(5))).build());
 * }</pre>
 */
public record Pause(Duration duration) implements Module<Boolean> {

    @Override
    public String moduleName() {
        return "pause";
    }

    /** The wait is what the task is for, so it happens in check mode too (as in Ansible). */
    @Override
    public Probe<Boolean> probe(ModuleContext context) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Probe.none(true);
    }

    @Override
    public Plan plan(Boolean state, ModuleContext context) {
        return Plan.noChange(Map.of("delta", duration.toSeconds()));
    }

    public static final class Type implements ModuleType {
        @Override public List<String> names() { return List.of("pause"); }
        @Override public Set<String> parameters() { return Set.of("seconds", "minutes", "prompt", "echo"); }

        @Override
        public Module<?> create(Args args) {
            args.requireKnown(parameters());
            if (!args.has("seconds") && !args.has("minutes")) {
                throw args.error(args.has("prompt") ? "prompt" : "seconds",
                        "pause without seconds or minutes waits for a key press, and Rigger does not prompt; give seconds: (or pass values with -e)");
            }
            long seconds = args.integer("seconds", 0) + 60L * args.integer("minutes", 0);
            if (seconds < 0) throw args.error(args.has("seconds") ? "seconds" : "minutes", "must not be negative");
            return new Pause(Duration.ofSeconds(seconds));
        }
    }
}
