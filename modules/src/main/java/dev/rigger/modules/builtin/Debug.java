package dev.rigger.modules.builtin;

import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.expr.Expression;
import dev.rigger.core.expr.UndefinedVariableException;
import dev.rigger.core.module.Args;
import dev.rigger.core.module.Module;
import dev.rigger.core.module.ModuleContext;
import dev.rigger.core.module.ModuleType;
import dev.rigger.core.module.Plan;
import dev.rigger.core.module.Probe;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Shows a message, or the value of a variable, in the run's output. Runs on the controller: no
 * exec. Parameters: {@code msg} (any value, default "Hello world!") or {@code var} (a variable
 * name or expression, shown with its value; an undefined one shows "VARIABLE IS NOT DEFINED!", as
 * in Ansible).
 *
 * <pre>{@code
 * - debug: msg="primary is {{ primary }}"
 * - debug: var=result.stdout_lines
 * }</pre>
 *
 * @param var the expression of {@code var}, or null when showing {@code msg}
 */
public record Debug(Object msg, Expression var) implements Module<Boolean> {

    @Override
    public String moduleName() {
        return "debug";
    }

    @Override
    public Probe<Boolean> probe(ModuleContext context) {
        return Probe.none(true);
    }

    @Override
    public Plan plan(Boolean state, ModuleContext context) {
        if (var == null) return Plan.noChange(Map.of("msg", msg == null ? "None" : msg));
        Map<String, Object> data = new LinkedHashMap<>();
        try {
            Object value = var.evaluate(context.vars());
            data.put("msg", var.text() + ": " + value);
            if (value != null) data.put(var.text(), value);
        } catch (UndefinedVariableException e) {
            data.put("msg", var.text() + ": VARIABLE IS NOT DEFINED!");
        }
        return Plan.noChange(data);
    }

    public static final class Type implements ModuleType {
        private static final Set<String> PARAMETERS = Set.of("msg", "var");

        @Override public List<String> names() { return List.of("debug"); }
        @Override public Set<String> parameters() { return PARAMETERS; }

        @Override
        public Module<?> create(Args args) {
            args.requireKnown(PARAMETERS);
            if (args.has("msg") && args.has("var")) throw args.error("var", "give either 'msg' or 'var', not both");
            if (!args.has("var")) return new Debug(args.has("msg") ? args.raw("msg") : "Hello world!", null);
            SourceLocation at = args.at("var");
            return new Debug(null, Expression.parse(args.string("var"), at));
        }
    }
}
