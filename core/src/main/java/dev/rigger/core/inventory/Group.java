package dev.rigger.core.inventory;

import dev.rigger.core.error.SourceLocation;
import java.util.List;
import java.util.Map;

/**
 * A group: hosts listed directly in it, child groups, its variables and where it was declared.
 * {@code all} and {@code ungrouped} exist in every inventory, as in Ansible.
 *
 * <p>Variables come in two layers because Ansible ranks them apart: {@code vars} written in the
 * inventory file itself rank below every {@code group_vars/} file ({@code fileVars}), so
 * {@code group_vars/all.yml} beats {@code [web:vars]}. {@code varOrigins} says where each variable
 * was set; for a name in both layers, the group_vars file.
 */
public record Group(String name, List<String> hosts, List<String> children, Map<String, Object> vars,
                    Map<String, Object> fileVars, Map<String, SourceLocation> varOrigins, SourceLocation declaredAt) {
    public Group {
        hosts = List.copyOf(hosts);
        children = List.copyOf(children);
        vars = Frozen.map(vars);
        fileVars = Frozen.map(fileVars);
        varOrigins = Map.copyOf(varOrigins);
    }

    public Group(String name, List<String> hosts, List<String> children, Map<String, Object> vars,
                 SourceLocation declaredAt) {
        this(name, hosts, children, vars, Map.of(), Map.of(), declaredAt);
    }
}
