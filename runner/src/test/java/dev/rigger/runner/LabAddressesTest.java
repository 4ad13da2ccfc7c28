package dev.rigger.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rigger.core.error.InputException;
import dev.rigger.core.inventory.Inventory;
import dev.rigger.core.secret.Secret;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How {@code rigger lab up} moves an inventory's addresses onto the lab network (no lab needed). */
class LabAddressesTest {
    private static final List<String> SPARE = List.of("10.213.7.201", "10.213.7.202");

    private final LabAddresses addresses = new LabAddresses(
            Map.of("192.168.55.101", "10.213.7.11", "192.168.55.102", "10.213.7.12"), "10.213.7.", SPARE);

    @Test
    void hostAddressesBecomeTheirContainersAndOtherAddressesOfTheirNetworkSpareOnes() {
        assertThat(addresses.map("192.168.55.101")).isEqualTo("10.213.7.11");
        // A VIP gets the first spare address, the same one wherever it appears again.
        assertThat(addresses.map("192.168.55.100")).isEqualTo("10.213.7.201");
        assertThat(addresses.map("http://192.168.55.100:8069/")).isEqualTo("http://10.213.7.201:8069/");
        assertThat(addresses.map(List.of("192.168.55.101", "192.168.55.102"))).isEqualTo(List.of("10.213.7.11", "10.213.7.12"));
        assertThat(addresses.map(Map.of("net", "192.168.55.0/24"))).isEqualTo(Map.of("net", "10.213.7.0/24"));
        assertThat(addresses.map("/dev/disk/by-path/ip-192.168.55.102:3260-iscsi-iqn.2026-11.dev.rigger:odoo-lun-1"))
                .isEqualTo("/dev/disk/by-path/ip-10.213.7.12:3260-iscsi-iqn.2026-11.dev.rigger:odoo-lun-1");
        assertThat(addresses.mapped()).containsEntry("192.168.55.100", "10.213.7.201").containsEntry("192.168.55.0", "10.213.7.0");
    }

    @Test
    void addressesOfOtherNetworksVersionsAndSecretsStay() {
        Object unchanged = List.of("10.0.0.1", "8.8.8.8");
        assertThat(addresses.map(unchanged)).isSameAs(unchanged);
        assertThat(addresses.map("1.192.168.55.101")).isEqualTo("1.192.168.55.101");
        assertThat(addresses.map("192.168.55.101.5")).isEqualTo("192.168.55.101.5");
        assertThat(addresses.map("version 18.0")).isEqualTo("version 18.0");
        Secret secret = Secret.of("192.168.55.101");
        assertThat(addresses.map(secret)).isSameAs(secret);
        assertThat(addresses.map(42)).isEqualTo(42);
    }

    @Test
    void runningOutOfSpareAddressesIsAnErrorNamingTheAddress() {
        addresses.map("192.168.55.201 192.168.55.202");
        assertThatThrownBy(() -> addresses.map("192.168.55.203"))
                .isInstanceOf(InputException.class).hasMessageContaining("192.168.55.203").hasMessageContaining("no spare address left");
    }

    @Test
    void theLabsInventorySetsConnectionsAndOnlyTheVariablesWhoseAddressesMoved() {
        Inventory inventory = Inventory.builder()
                .host("lb1", Map.of("ansible_host", "192.0.2.10", "ansible_port", 2222))
                .host("web1", Map.of("ansible_host", "192.0.2.21"))
                .group("all", Map.of("vip", "192.0.2.100", "port", 80, "password", Secret.of("pw"), "peers", List.of("192.0.2.21", Secret.of("192.0.2.10"))))
                .build();
        LabInventory.Overlay overlay = LabInventory.overlay(inventory, Map.of("lb1", "10.213.9.11", "web1", "10.213.9.12"), "10.213.9.",
                List.of("10.213.9.201"), Path.of("/lab/id_ed25519"), Path.of("/lab/known_hosts"));
        Map<String, Object> lb1 = overlay.hostVars().get("lb1");
        assertThat(lb1).containsEntry("ansible_host", "10.213.9.11").containsEntry("ansible_port", 22).containsEntry("ansible_user", "root")
                .containsEntry("ansible_ssh_private_key_file", "/lab/id_ed25519").containsEntry("rigger_known_hosts_file", "/lab/known_hosts")
                .containsEntry("vip", "10.213.9.201").containsEntry("lab_subnet_prefix", "10.213.9.")
                .doesNotContainKeys("port", "password", "peers");
        assertThat(overlay.hostVars().get("web1")).containsEntry("vip", "10.213.9.201");
        assertThat(overlay.secretsNotMapped()).containsExactly("lb1: peers", "web1: peers");
    }
}
