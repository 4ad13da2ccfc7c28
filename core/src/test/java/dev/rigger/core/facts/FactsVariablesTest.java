package dev.rigger.core.facts;

import static dev.rigger.core.facts.FactsFixtures.parseFixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FactsVariablesTest {

    @Test
    void debianContainerUnderAnsibleNames() {
        Map<String, Object> vars = parseFixture("debian12-container.txt").toVariables();

        assertThat(vars)
                .containsEntry("ansible_hostname", "web1")
                .containsEntry("ansible_nodename", "web1.lab.test")
                .containsEntry("ansible_fqdn", "web1.lab.test")
                .containsEntry("ansible_distribution", "Debian")
                .containsEntry("ansible_distribution_version", "12.15")
                .containsEntry("ansible_distribution_major_version", "12")
                .containsEntry("ansible_distribution_release", "bookworm")
                .containsEntry("ansible_os_family", "Debian")
                .containsEntry("ansible_kernel", "6.18.44-fc-v657")
                .containsEntry("ansible_architecture", "x86_64")
                .containsEntry("ansible_processor_vcpus", 2)
                .containsEntry("ansible_memtotal_mb", 24105L)
                .containsEntry("ansible_all_ipv4_addresses", List.of("10.77.0.1", "172.17.0.2", "10.9.8.7", "172.17.99.1"))
                .containsEntry("ansible_all_ipv6_addresses", List.of("fd00:5::2", "fe80::42:acff:fe11:2"))
                .containsEntry("ansible_interfaces", List.of("lo", "v1", "v0", "eth0"))
                .containsEntry("ansible_service_mgr", "systemd")
                .containsEntry("ansible_pkg_mgr", "apt")
                .containsEntry("ansible_virtualization_type", "docker")
                .containsEntry("ansible_virtualization_role", "guest");
        assertThat(vars.get("ansible_default_ipv4")).isEqualTo(Map.of(
                "address", "172.17.0.2", "interface", "eth0", "gateway", "172.17.0.1", "prefix", "16",
                "macaddress", "02:42:ac:11:00:02", "mtu", 1500));
    }

    @Test
    void absentValuesUseAnsiblesPlaceholders() {
        Map<String, Object> vars = FactsGatherer.parse("@rigger-facts 1\nhostname=h\n@end\n").toVariables();

        assertThat(vars)
                .containsEntry("ansible_default_ipv4", Map.of())
                .containsEntry("ansible_pkg_mgr", "unknown")
                .containsEntry("ansible_virtualization_type", "NA")
                .containsEntry("ansible_virtualization_role", "NA")
                .containsEntry("ansible_distribution_version", "");
    }

    @Test
    void vmwareIsSpelledAsAnsibleSpellsIt() {
        assertThat(parseFixture("rocky9-vmware.txt").toVariables())
                .containsEntry("ansible_virtualization_type", "VMware")
                .containsEntry("ansible_distribution", "Rocky")
                .containsEntry("ansible_os_family", "RedHat")
                .containsEntry("ansible_pkg_mgr", "dnf");
    }

    @Test
    void variablesCannotBeModified() {
        Map<String, Object> vars = parseFixture("debian12-container.txt").toVariables();

        assertThatThrownBy(() -> vars.put("ansible_hostname", "x"))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
