package dev.rigger.modules.builtin;

import dev.rigger.core.error.InputException;
import dev.rigger.core.module.Args;
import dev.rigger.core.module.Module;
import dev.rigger.core.module.ModuleContext;
import dev.rigger.core.module.ModuleException;
import dev.rigger.core.module.ModuleType;
import dev.rigger.core.module.Plan;
import dev.rigger.core.module.Probe;
import dev.rigger.core.internal.yaml.YamlMapping;
import dev.rigger.core.internal.yaml.YamlNode;
import dev.rigger.core.internal.yaml.YamlReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Ansible's {@code include_vars}: reads a YAML file of variables on the controller (from the role's
 * {@code vars/}, then the playbook's {@code vars/} and folder) and sets them on the host for the
 * rest of the run, as {@code set_fact} does. With {@code name}, the variables go under that one
 * name. No exec, never a change. Directories ({@code dir}) are not supported.
 *
 * <pre>{@code
 * - include_vars: vars/Debian.yml
 * - include_vars:
 *     file: app.yml
 *     name: app
 * }</pre>
 * <pre>{@code
 * new IncludeVars("vars/Debian.yml", null)
 * }</pre>
 */
public record IncludeVars(String file, String name) implements Module<Boolean> {

    @Override
    public String moduleName() {
        return "include_vars";
    }

    @Override
    public Probe<Boolean> probe(ModuleContext context) {
        return Probe.none(true);
    }

    @Override
    public Plan plan(Boolean state, ModuleContext context) {
        String text = new String(context.readLocalFile(file, "vars"), StandardCharsets.UTF_8);
        Map<String, Object> vars = new LinkedHashMap<>();
        try {
            YamlNode doc = YamlReader.parse(text, file).orElse(null);
            if (doc != null) {
                if (!(doc instanceof YamlMapping m)) throw new ModuleException("include_vars: " + file + " must hold a mapping of variables, not " + doc.describe());
                vars.putAll(m.toJava());
            }
        } catch (InputException e) {
            throw new ModuleException("include_vars: " + e.getMessage());
        }
        Map<String, Object> facts = name == null ? vars : Map.of(name, vars);
        return Plan.noChange(Map.of("ansible_facts", facts, "ansible_included_var_files", List.of(file)));
    }

    public static final class Type implements ModuleType {
        @Override public List<String> names() { return List.of("include_vars"); }
        @Override public Set<String> parameters() { return Set.of("file", "name", "dir"); }
        @Override public String freeForm() { return "file"; }

        @Override
        public Module<?> create(Args args) {
            args.requireKnown(parameters());
            if (args.has("dir")) throw args.error("dir", "dir: not supported; include each file");
            if (!args.has("file")) throw args.missing("file");
            return new IncludeVars(args.string("file"), args.optionalString("name").orElse(null));
        }
    }
}
