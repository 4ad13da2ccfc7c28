package dev.rigger.core.render;

import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.expr.Expression;
import dev.rigger.core.expr.VariableScope;
import dev.rigger.core.internal.yaml.YamlMapping;
import dev.rigger.core.internal.yaml.YamlNode;
import dev.rigger.core.internal.yaml.YamlScalar;
import dev.rigger.core.internal.yaml.YamlSequence;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * A YAML value (module arguments, a {@code loop:} list) whose strings may hold {@code {{ }}},
 * compiled at load time and rendered per host into plain Java values.
 */
public sealed interface ValueTemplate {

    Object render(VariableScope variables);

    /** True when nothing in the value is templated, so it renders the same on every host. */
    boolean isConstant();

    /** Every expression in the value, for the preflight. */
    void collect(List<Expression> out);

    /** {@code !unsafe} strings are never templated, as in Ansible. */
    static ValueTemplate compile(YamlNode node) {
        if (node instanceof YamlMapping m) {
            Map<String, ValueTemplate> entries = new LinkedHashMap<>();
            for (YamlMapping.Entry e : m.entries()) entries.put(e.key(), compile(e.value()));
            return new MappingOf(entries);
        }
        if (node instanceof YamlSequence s) {
            List<ValueTemplate> items = new ArrayList<>();
            for (YamlNode item : s) items.add(compile(item));
            return new ListOf(items);
        }
        YamlScalar scalar = (YamlScalar) node;
        if (scalar.value() instanceof String text && !scalar.tag().filter("!unsafe"::equals).isPresent()) {
            return text(text, index -> ScalarPositions.of(scalar, index));
        }
        return new Constant(scalar.value());
    }

    static ValueTemplate text(String text, IntFunction<SourceLocation> at) {
        return TemplatedString.isTemplated(text) ? new Text(TemplatedString.parse(text, at)) : new Constant(text);
    }

    record Constant(Object value) implements ValueTemplate {
        @Override public Object render(VariableScope variables) { return value; }
        @Override public boolean isConstant() { return true; }
        @Override public void collect(List<Expression> out) {}
    }

    record Text(TemplatedString template) implements ValueTemplate {
        @Override public Object render(VariableScope variables) { return template.render(variables); }
        @Override public boolean isConstant() { return false; }
        @Override public void collect(List<Expression> out) { out.addAll(template.expressions()); }
    }

    record ListOf(List<ValueTemplate> items) implements ValueTemplate {
        @Override
        public Object render(VariableScope variables) {
            List<Object> out = new ArrayList<>(items.size());
            for (ValueTemplate item : items) out.add(item.render(variables));
            return Collections.unmodifiableList(out);
        }

        @Override public boolean isConstant() { return items.stream().allMatch(ValueTemplate::isConstant); }
        @Override public void collect(List<Expression> out) { items.forEach(i -> i.collect(out)); }
    }

    record MappingOf(Map<String, ValueTemplate> entries) implements ValueTemplate {
        @Override
        public Map<String, Object> render(VariableScope variables) {
            Map<String, Object> out = new LinkedHashMap<>();
            entries.forEach((k, v) -> out.put(k, v.render(variables)));
            return Collections.unmodifiableMap(out);
        }

        @Override public boolean isConstant() { return entries.values().stream().allMatch(ValueTemplate::isConstant); }
        @Override public void collect(List<Expression> out) { entries.values().forEach(v -> v.collect(out)); }
    }
}
