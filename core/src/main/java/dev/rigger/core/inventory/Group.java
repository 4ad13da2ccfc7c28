package dev.rigger.core.inventory;

import dev.rigger.core.error.SourceLocation;
import java.util.List;
import java.util.Map;

/**
 * A group: hosts listed directly in it, child groups, its variables (group_vars), and where it was
 * declared. {@code all} and {@code ungrouped} exist in every inventory, as in Ansible.
 */
public record Group(String name, List<String> hosts, List<String> children, Map<String, Object> vars,
                    SourceLocation declaredAt) {
    public Group {
        hosts = List.copyOf(hosts);
        children = List.copyOf(children);
        vars = Map.copyOf(vars);
    }
}
