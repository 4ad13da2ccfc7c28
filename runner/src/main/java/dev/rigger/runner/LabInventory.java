package dev.rigger.runner;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.rigger.core.inventory.Host;
import dev.rigger.core.inventory.Inventory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The lab's inventory: an inventory folder holding only {@code host_vars/HOST.yml} files, loaded
 * after the user's inventory ({@code -i theirs -i .rigger-lab/inventory}), so its values win while
 * groups, group and host variables stay the user's. For every host it sets how to reach the lab
 * container (address, root, the lab's key and known_hosts) and, moved onto the lab network by
 * {@link LabAddresses}, every variable of the host whose value names an address of the hosts'
 * networks (VIPs, peers, networks). The values are the host's merged ones, so Ansible's precedence
 * between the user's group and host variables is kept as it was.
 *
 * <p>Secrets never reach these files: a variable holding one is left as it is, and listed.
 */
final class LabInventory {
    /** Connection variables the lab sets itself; the user's values for these are not mapped. */
    private static final Set<String> CONNECTION = Set.of("ansible_host", "ansible_port", "ansible_user", "ansible_connection",
            "ansible_ssh_private_key_file", "rigger_known_hosts_file", "ansible_ssh_common_args", "lab_ip", "lab_subnet_prefix");

    /** Per host, the variables the lab's inventory sets; and the variables left unmapped because they hold secrets. */
    record Overlay(Map<String, Map<String, Object>> hostVars, Map<String, String> addresses, List<String> secretsNotMapped) {}

    private LabInventory() {}

    /**
     * @param labAddresses host name → the address of its lab container
     * @param labPrefix    the lab network's first three octets with the dot
     */
    static Overlay overlay(Inventory inventory, Map<String, String> labAddresses, String labPrefix, List<String> spare,
                           Path privateKey, Path knownHosts) {
        Map<String, String> hostAddresses = new LinkedHashMap<>();
        for (Host h : inventory.hosts()) {
            Object address = inventory.varsOf(h.name()).getOrDefault("ansible_host", h.name());
            if (address instanceof String a && LabAddresses.isIpv4(a)) hostAddresses.put(a, labAddresses.get(h.name()));
        }
        LabAddresses addresses = new LabAddresses(hostAddresses, labPrefix, spare);
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        List<String> secrets = new ArrayList<>();
        for (Host h : inventory.hosts()) {
            Map<String, Object> vars = new LinkedHashMap<>();
            vars.put("ansible_host", labAddresses.get(h.name()));
            vars.put("ansible_port", 22);
            vars.put("ansible_user", "root");
            vars.put("ansible_connection", "ssh");
            vars.put("ansible_ssh_private_key_file", privateKey.toString());
            vars.put("rigger_known_hosts_file", knownHosts.toString());
            // A ProxyJump or ConnectTimeout of the real network has no place in the lab's.
            vars.put("ansible_ssh_common_args", "");
            vars.put("lab_ip", labAddresses.get(h.name()));
            vars.put("lab_subnet_prefix", labPrefix);
            inventory.varsOf(h.name()).forEach((name, value) -> {
                if (CONNECTION.contains(name)) return;
                if (LabAddresses.holdsSecret(value)) {
                    if (addresses.map(value) != value) secrets.add(h.name() + ": " + name);
                    return;
                }
                Object mapped = addresses.map(value);
                if (mapped != value) vars.put(name, mapped);
            });
            out.put(h.name(), vars);
        }
        return new Overlay(out, addresses.mapped(), secrets);
    }

    /** Writes {@code dir/host_vars/HOST.yml} for every host; {@code dir} is the inventory to load after the user's. */
    static void write(Path dir, Overlay overlay) {
        ObjectMapper yaml = new YAMLMapper();
        try {
            Path hostVars = Files.createDirectories(dir.resolve("host_vars"));
            for (var e : overlay.hostVars().entrySet()) {
                String text = "# Written by rigger lab up: how to reach " + e.getKey() + " in the lab, and its addresses moved onto the lab network.\n"
                        + yaml.writeValueAsString(e.getValue());
                Files.writeString(hostVars.resolve(e.getKey() + ".yml"), text);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
