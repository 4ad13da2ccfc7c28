package dev.rigger.core.inventory;

import dev.rigger.core.error.InputException;
import dev.rigger.core.yaml.YamlMapping;
import dev.rigger.core.yaml.YamlNode;
import dev.rigger.core.yaml.YamlScalar;
import dev.rigger.core.yaml.YamlSequence;

/** Variable values read from YAML inventories and vars files. */
final class VarValues {
    static final String VAULT_HEADER = "$ANSIBLE_VAULT";

    private VarValues() {}

    /**
     * The value as plain Java. An {@code !vault} value is refused here rather than passed on as
     * ciphertext that would end up as a password or in a config file.
     */
    static Object toJava(YamlNode node) {
        rejectVault(node);
        return node.toJava();
    }

    private static void rejectVault(YamlNode node) {
        if (node instanceof YamlScalar s && s.tag().filter("!vault"::equals).isPresent()) {
            throw new InputException(s.location(), "Ansible Vault values are not supported (Rigger cannot decrypt them)");
        }
        if (node instanceof YamlMapping m) m.entries().forEach(e -> rejectVault(e.value()));
        if (node instanceof YamlSequence q) q.forEach(VarValues::rejectVault);
    }
}
