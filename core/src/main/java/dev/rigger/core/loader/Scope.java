package dev.rigger.core.loader;

import dev.rigger.core.error.InputException;
import dev.rigger.core.internal.yaml.YamlMapping;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the task list being loaded comes from: the playbook's folder, the current file's folder,
 * the role's folder (null outside roles), the unit collecting what it brings along, the files
 * and roles being loaded around it (to report import and dependency loops), and the
 * {@code module_defaults} of the play, blocks and task around it (module name to arguments).
 */
record Scope(Folder playbook, Folder folder, Folder role, Unit unit, List<String> files, List<String> roles,
             Map<String, YamlMapping> moduleDefaults) {

    Scope {
        files = List.copyOf(files);
        roles = List.copyOf(roles);
        moduleDefaults = Map.copyOf(moduleDefaults);
    }

    Symbols symbols() {
        return unit.symbols;
    }

    /** The same scope inside the file {@code origin}, whose folder is {@code folder}. */
    Scope inFile(String origin, Folder folder) {
        List<String> more = new ArrayList<>(files);
        more.add(origin);
        return new Scope(playbook, folder, role, unit, more, roles, moduleDefaults);
    }

    /** The same scope with a unit of its own: for files loaded while the play runs. */
    Scope withUnit(Unit other) {
        return new Scope(playbook, folder, role, other, files, roles, moduleDefaults);
    }

    /**
     * The scope inside a play, block or task whose {@code module_defaults} is {@code node}'s, if it
     * has one. As in Ansible, the inner defaults of a module replace the outer ones of that module
     * whole, and the task's own arguments go over both.
     */
    Scope withModuleDefaults(YamlMapping node) {
        YamlMapping inner = node.optionalMapping("module_defaults").orElse(null);
        if (inner == null) return this;
        Map<String, YamlMapping> all = new LinkedHashMap<>(moduleDefaults);
        for (YamlMapping.Entry e : inner.entries()) {
            if (e.key().startsWith("group/")) {
                throw new InputException(e.keyLocation(), "module_defaults groups ('" + e.key() + "') are not supported; name the modules");
            }
            all.put(e.key().substring(e.key().lastIndexOf('.') + 1), e.value().asMapping());
        }
        return new Scope(playbook, folder, role, unit, files, roles, all);
    }

    /** Where a relative task file is looked up: next to the current file, in the role's tasks/, next to the playbook. */
    List<Folder> taskFileFolders() {
        List<Folder> out = new ArrayList<>(List.of(folder));
        if (role != null) out.add(role.resolve("tasks"));
        out.add(playbook);
        return out.stream().distinct().toList();
    }
}
