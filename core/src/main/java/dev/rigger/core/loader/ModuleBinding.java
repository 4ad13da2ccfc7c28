package dev.rigger.core.loader;

import dev.rigger.core.error.InputException;
import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.module.ModuleType;
import dev.rigger.core.render.ModuleTemplate;
import dev.rigger.core.render.ScalarPositions;
import dev.rigger.core.render.ValueTemplate;
import dev.rigger.core.yaml.YamlMapping;
import dev.rigger.core.yaml.YamlNode;
import dev.rigger.core.yaml.YamlScalar;
import dev.rigger.core.yaml.YamlSequence;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a YAML task's module: its arguments from {@code args:} and the mapping or one-line text
 * under the module's key, compiled into a {@link ModuleTemplate} that renders and binds them per host.
 */
final class ModuleBinding {
    private ModuleBinding() {}

    /**
     * The module of task {@code m}, whose key is {@code key}: its arguments are {@code args:}, then
     * the mapping or one-line text under the key.
     */
    static ModuleTemplate read(String key, ModuleType type, YamlMapping m, Scope scope) {
        String name = key.substring(key.lastIndexOf('.') + 1);
        Map<String, ValueTemplate> values = new LinkedHashMap<>();
        Map<String, SourceLocation> locations = new LinkedHashMap<>();
        m.optional("args").ifPresent(args -> addAll(args.asMapping(), values, locations));
        YamlNode value = m.get(key).orElseThrow();
        if (value instanceof YamlMapping args) {
            addAll(args, values, locations);
        } else if (value instanceof YamlScalar scalar && !scalar.isNull()) {
            for (FreeFormArgs.Arg arg : FreeFormArgs.parse(scalar.text(), name, type, i -> ScalarPositions.of(scalar, i))) {
                values.put(arg.key(), ValueTemplate.text(arg.value(), i -> ScalarPositions.of(scalar, arg.valueStart() + i)));
                locations.put(arg.key(), ScalarPositions.of(scalar, arg.keyStart()));
            }
        } else if (value instanceof YamlSequence) {
            throw new InputException(value.location(), name + ": expected a mapping of arguments or key=value text, got a list");
        }
        ValueTemplate.MappingOf args = new ValueTemplate.MappingOf(values);
        args.collect(scope.symbols().expressions);
        recordModuleSymbols(name, value, args, locations, scope);
        return new ModuleTemplate(name, type, args, locations, m.location());
    }

    private static void addAll(YamlMapping args, Map<String, ValueTemplate> values, Map<String, SourceLocation> locations) {
        for (YamlMapping.Entry e : args.entries()) {
            values.put(e.key(), ValueTemplate.compile(e.value()));
            locations.put(e.key(), e.keyLocation());
        }
    }

    /**
     * The built-in modules whose arguments define or read names: set_fact defines variables,
     * assert's {@code that} and debug's {@code var} are expressions (parsed here too, so their
     * mistakes point at the exact place), template reads a Mustache file.
     */
    private static void recordModuleSymbols(String module, YamlNode value, ValueTemplate.MappingOf args,
                                            Map<String, SourceLocation> locations, Scope scope) {
        Symbols symbols = scope.symbols();
        switch (module) {
            case "set_fact" -> symbols.variables.addAll(args.entries().keySet());
            case "assert", "debug" -> {
                String key = module.equals("assert") ? "that" : "var";
                ValueTemplate expressions = args.entries().get(key);
                if (value instanceof YamlMapping m && expressions != null && expressions.isConstant()) {
                    m.optional(key).ifPresent(node -> Keywords.conditions(node, symbols));
                }
            }
            case "template" -> {
                if (args.entries().get("src") instanceof ValueTemplate.Constant c && c.value() != null) {
                    List<Folder> searched = new ArrayList<>();
                    if (scope.role() != null) searched.addAll(List.of(scope.role().resolve("templates"), scope.role()));
                    searched.addAll(List.of(scope.playbook().resolve("templates"), scope.playbook()));
                    symbols.templates.add(new Symbols.TemplateUse(String.valueOf(c.value()), searched, locations.get("src")));
                }
            }
            default -> { }
        }
    }
}
