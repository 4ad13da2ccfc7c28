package dev.rigger.core.loader;

import java.util.ArrayList;
import java.util.List;

/**
 * Where the task list being loaded comes from: the playbook's folder, the current file's folder,
 * the role's folder (null outside roles), the unit collecting what it brings along, and the files
 * and roles being loaded around it (to report import and dependency loops).
 */
record Scope(Folder playbook, Folder folder, Folder role, Unit unit, List<String> files, List<String> roles) {

    Scope {
        files = List.copyOf(files);
        roles = List.copyOf(roles);
    }

    Symbols symbols() {
        return unit.symbols;
    }

    /** The same scope inside the file {@code origin}, whose folder is {@code folder}. */
    Scope inFile(String origin, Folder folder) {
        List<String> more = new ArrayList<>(files);
        more.add(origin);
        return new Scope(playbook, folder, role, unit, more, roles);
    }

    /** Where a relative task file is looked up: next to the current file, in the role's tasks/, next to the playbook. */
    List<Folder> taskFileFolders() {
        List<Folder> out = new ArrayList<>(List.of(folder));
        if (role != null) out.add(role.resolve("tasks"));
        out.add(playbook);
        return out.stream().distinct().toList();
    }
}
