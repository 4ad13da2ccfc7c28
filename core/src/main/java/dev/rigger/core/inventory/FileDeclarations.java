package dev.rigger.core.inventory;

import dev.rigger.core.error.InputException;
import dev.rigger.core.error.SourceLocation;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What one inventory file declares, passed on to the shared builder. Ansible lets a later line
 * silently override an earlier one when a file gives the same host (or group) two values for one
 * variable; within one file that is nearly always a copy-paste slip, so it is an error here.
 */
final class FileDeclarations {
    private record Assignment(Object value, SourceLocation at) {}

    private final Inventory.Builder builder;
    private final Map<String, Assignment> hostVars = new HashMap<>();
    private final Map<String, Assignment> groupVars = new HashMap<>();

    FileDeclarations(Inventory.Builder builder) {
        this.builder = builder;
    }

    void group(String name, SourceLocation at) {
        if (name.isBlank()) throw new InputException(at, "empty group name");
        builder.group(name, at);
    }

    boolean hasGroup(String name) {
        return builder.hasGroup(name);
    }

    Set<String> groupNames() {
        return builder.groupNames();
    }

    void addHost(String group, String host, SourceLocation at) {
        builder.addHost(group, host, at);
    }

    void addChild(String parent, String child, SourceLocation at) {
        builder.addChild(parent, child, at);
    }

    void hostVar(String host, String var, Object value, SourceLocation at) {
        check(hostVars, "host", host, var, value, at);
        builder.hostVar(host, var, value, at);
    }

    void groupVar(String group, String var, Object value, SourceLocation at) {
        check(groupVars, "group", group, var, value, at);
        builder.groupVar(group, var, value, at);
    }

    private static void check(Map<String, Assignment> seen, String kind, String owner, String var, Object value,
                              SourceLocation at) {
        Assignment first = seen.putIfAbsent(owner + "\u0000" + var, new Assignment(value, at));
        if (first != null && !Objects.equals(first.value(), value)) {
            throw new InputException(at, "conflicting values for '" + var + "' on " + kind + " '" + owner + "': '"
                    + value + "' here, '" + first.value() + "' at line " + first.at().line());
        }
    }
}
