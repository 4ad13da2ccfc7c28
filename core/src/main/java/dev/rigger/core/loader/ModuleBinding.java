package dev.rigger.core.loader;

import dev.rigger.core.error.InputException;
import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.module.ModuleType;
import dev.rigger.core.render.ModuleTemplate;
import dev.rigger.core.render.ScalarPositions;
import dev.rigger.core.render.ValueTemplate;
import dev.rigger.core.internal.yaml.YamlMapping;
import dev.rigger.core.internal.yaml.YamlNode;
import dev.rigger.core.internal.yaml.YamlScalar;
import dev.rigger.core.internal.yaml.YamlSequence;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a YAML task's module: its arguments from {@code args:} and the mapping or one-line text
 * under the module's key, compiled into a {@link ModuleTemplate} that renders and binds them per host.
 */
final class ModuleBinding {
    private static final java.util.regex.Pattern OCTAL = java.util.regex.Pattern.compile("0[0-7]{3,4}");

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
        // module_defaults of the play, blocks and task: arguments the task does not give itself.
        YamlMapping defaults = scope.moduleDefaults().get(name);
        if (defaults != null) {
            for (YamlMapping.Entry e : defaults.entries()) {
                if (values.containsKey(e.key())) continue;
                values.put(e.key(), compileArg(e.key(), e.value()));
                locations.put(e.key(), e.keyLocation());
            }
        }
        ValueTemplate.MappingOf args = new ValueTemplate.MappingOf(values);
        args.collect(scope.symbols().expressions);
        recordModuleSymbols(name, value, args, locations, scope);
        return new ModuleTemplate(name, type, args, locations, m.location());
    }

    private static void addAll(YamlMapping args, Map<String, ValueTemplate> values, Map<String, SourceLocation> locations) {
        for (YamlMapping.Entry e : args.entries()) {
            values.put(e.key(), compileArg(e.key(), e.value()));
            locations.put(e.key(), e.keyLocation());
        }
    }

    /**
     * An unquoted {@code mode: 0755} is a YAML 1.1 octal number, the mode Ansible applies; it is
     * kept as the octal text it was written as. A decimal lookalike ({@code mode: 755}) stays a
     * number, which the module refuses with the reason.
     */
    private static ValueTemplate compileArg(String key, YamlNode value) {
        if (key.equals("mode") && value instanceof YamlScalar s && s.plain() && s.value() instanceof Number && OCTAL.matcher(s.text()).matches()) {
            return new ValueTemplate.Constant(s.text());
        }
        return ValueTemplate.compile(value);
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
            case "include_vars" -> {
                // The file's variables are defined from here on; a templated file name is only known per host.
                ValueTemplate file = args.entries().get("file");
                if (!(file instanceof ValueTemplate.Constant c) || c.value() == null) {
                    if (file != null) symbols.opaque = true;
                    return;
                }
                List<Folder> searched = new ArrayList<>();
                if (scope.role() != null) searched.addAll(List.of(scope.role().resolve("vars"), scope.role()));
                searched.addAll(List.of(scope.playbook().resolve("vars"), scope.playbook()));
                for (Folder folder : searched) {
                    var source = folder.read(String.valueOf(c.value()));
                    if (source.isEmpty()) continue;
                    Folder.parse(source.get()).ifPresent(doc -> {
                        if (doc instanceof YamlMapping vars) symbols.variables.addAll(vars.keys());
                    });
                    return;
                }
                throw new InputException(locations.get("file"), "include_vars: file '" + c.value() + "' not found; " + Folder.lookedFor(searched, String.valueOf(c.value())));
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
