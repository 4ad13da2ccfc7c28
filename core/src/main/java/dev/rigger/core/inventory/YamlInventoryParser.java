package dev.rigger.core.inventory;

import dev.rigger.core.error.InputException;
import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.internal.yaml.YamlMapping;
import dev.rigger.core.internal.yaml.YamlNode;
import dev.rigger.core.internal.yaml.YamlScalar;
import java.util.List;

/**
 * Ansible's YAML inventory format: top-level keys are groups; each group has optional
 * {@code hosts} (host pattern → host variables), {@code vars} and {@code children} (nested groups
 * in the same shape). Where Ansible only warns and skips (an unknown key in a group, a group that
 * is not a mapping), this is an error, because the skipped part is what the user meant to say.
 */
final class YamlInventoryParser {
    private static final List<String> GROUP_KEYS = List.of("hosts", "vars", "children");

    private final FileDeclarations out;

    private YamlInventoryParser(FileDeclarations out) {
        this.out = out;
    }

    static void parse(YamlMapping root, FileDeclarations out) {
        root.keyLocation("plugin").ifPresent(at -> {
            throw new InputException(at, "inventory plugin configuration files are not supported (plugin: "
                    + root.get("plugin").map(Object::toString).orElse("") + ")");
        });
        YamlInventoryParser parser = new YamlInventoryParser(out);
        for (YamlMapping.Entry e : root.entries()) parser.group(e.key(), e.keyLocation(), e.value());
    }

    private void group(String name, SourceLocation at, YamlNode data) {
        out.group(name, at);
        if (isNull(data)) return;
        if (!(data instanceof YamlMapping group)) {
            throw new InputException(data.location(), "expected a mapping with hosts, vars or children for group '"
                    + name + "', got " + data.describe());
        }
        group.requireKnownKeys(GROUP_KEYS, "group '" + name + "'");
        for (YamlMapping.Entry e : group.entries()) {
            if (isNull(e.value())) continue;
            switch (e.key()) {
                case "hosts" -> hosts(name, e.value());
                case "vars" -> {
                    for (YamlMapping.Entry v : group.requireMapping("vars").entries()) {
                        out.groupVar(name, v.key(), v.value().toJava(), v.keyLocation());
                    }
                }
                default -> children(name, e.value());
            }
        }
    }

    /** {@code hosts:} maps host patterns to their variables; Ansible also accepts a single name. */
    private void hosts(String group, YamlNode hosts) {
        if (hosts instanceof YamlScalar single) {
            host(group, single.text(), single.location(), null);
            return;
        }
        if (!(hosts instanceof YamlMapping map)) {
            throw new InputException(hosts.location(), "expected a mapping of host names for 'hosts' of group '"
                    + group + "', got " + hosts.describe());
        }
        for (YamlMapping.Entry e : map.entries()) host(group, e.key(), e.keyLocation(), e.value());
    }

    private void host(String group, String pattern, SourceLocation at, YamlNode vars) {
        HostNames.Expanded expanded = HostNames.expand(pattern, at);
        YamlMapping varMap = null;
        if (vars != null && !isNull(vars)) {
            if (!(vars instanceof YamlMapping m)) {
                throw new InputException(vars.location(), "expected a mapping of variables for host '" + pattern
                        + "', got " + vars.describe());
            }
            varMap = m;
        }
        for (String name : expanded.names()) {
            out.addHost(group, name, at);
            if (expanded.port() != null) out.hostVar(name, "ansible_port", expanded.port(), at);
            if (varMap == null) continue;
            for (YamlMapping.Entry v : varMap.entries()) {
                out.hostVar(name, v.key(), v.value().toJava(), v.keyLocation());
            }
        }
    }

    /** {@code children:} maps child group names to group bodies; Ansible also accepts a single name. */
    private void children(String parent, YamlNode children) {
        if (children instanceof YamlScalar single) {
            out.group(single.text(), single.location());
            out.addChild(parent, single.text(), single.location());
            return;
        }
        if (!(children instanceof YamlMapping map)) {
            throw new InputException(children.location(), "expected a mapping of group names for 'children' of group '"
                    + parent + "', got " + children.describe());
        }
        for (YamlMapping.Entry e : map.entries()) {
            group(e.key(), e.keyLocation(), e.value());
            out.addChild(parent, e.key(), e.keyLocation());
        }
    }

    private static boolean isNull(YamlNode node) {
        return node instanceof YamlScalar s && s.isNull();
    }
}
