package dev.rigger.modules.builtin;

import dev.rigger.core.expr.Expression;
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
 * Fails the host unless every condition holds. Runs on the controller: no exec. Parameters:
 * {@code that} (an expression or a list of them, as in {@code when:}; required), {@code fail_msg}
 * (alias {@code msg}; default names the first condition that failed), {@code success_msg}.
 *
 * <pre>{@code
 * - assert:
 *     that:
 *       - groups.postgres | length >= 2
 *       - pg_version is version('14', '>=')
 *     fail_msg: a cluster needs two postgres hosts on version 14 or later
 * }</pre>
 */
public record Assert(List<Expression> that, String failMsg, String successMsg) implements Module<Boolean> {

    public Assert {
        that = List.copyOf(that);
    }

    @Override
    public String moduleName() {
        return "assert";
    }

    @Override
    public Probe<Boolean> probe(ModuleContext context) {
        return Probe.none(true);
    }

    /** A false condition fails the task; ModuleException is how a module reports a failure it found while planning. */
    @Override
    public Plan plan(Boolean state, ModuleContext context) {
        for (Expression condition : that) {
            if (!condition.test(context.vars())) {
                throw new ModuleException(failMsg != null ? failMsg : "assertion failed: " + condition.text());
            }
        }
        return Plan.noChange(Map.of("msg", successMsg != null ? successMsg : "All assertions passed"));
    }

    public static final class Type implements ModuleType {
        private static final Set<String> PARAMETERS = Set.of("that", "fail_msg", "msg", "success_msg");

        @Override public List<String> names() { return List.of("assert"); }
        @Override public Set<String> parameters() { return PARAMETERS; }
        @Override public Set<String> required() { return Set.of("that"); }

        @Override
        public Module<?> create(Args args) {
            args.requireKnown(PARAMETERS);
            if (args.has("fail_msg") && args.has("msg")) throw args.error("msg", "'msg' is an alias of 'fail_msg'; give one of them");
            List<String> texts = args.raw("that") instanceof List<?> ? args.stringList("that") : List.of(args.string("that"));
            if (texts.isEmpty()) throw args.missing("that");
            List<Expression> that = texts.stream().map(text -> Expression.parse(text, args.at("that"))).toList();
            return new Assert(that, args.optionalString("fail_msg").or(() -> args.optionalString("msg")).orElse(null),
                    args.optionalString("success_msg").orElse(null));
        }
    }
}
