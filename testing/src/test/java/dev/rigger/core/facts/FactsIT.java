package dev.rigger.core.facts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.LIST;
import static org.assertj.core.api.InstanceOfAssertFactories.MAP;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rigger.core.facts.Facts.IpAddress;
import dev.rigger.core.facts.Facts.NetworkInterface;
import dev.rigger.core.transport.Connection;
import dev.rigger.core.transport.Connections;
import dev.rigger.testing.Lab;
import dev.rigger.testing.LabHost;
import dev.rigger.testing.LabHosts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Facts gathered over SSH against what the container really is, read separately through Docker
 * ({@code hostname}, {@code ip -j}, {@code /etc/os-release}, ...). Two hosts, gathered at once, so
 * a mix-up between hosts would show.
 */
@LabHosts({"facts1", "facts2"})
class FactsIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void factsOverSshMatchWhatDockerSees(Lab lab) throws Exception {
        List<CompletableFuture<Facts>> gathering = new ArrayList<>();
        for (LabHost host : lab.hosts()) {
            gathering.add(CompletableFuture.supplyAsync(() -> gatherOverSsh(host)));
        }
        for (int i = 0; i < lab.hosts().size(); i++) {
            checkAgainstDocker(lab, lab.hosts().get(i), gathering.get(i).join());
        }
    }

    private static Facts gatherOverSsh(LabHost host) {
        try (Connection connection = Connections.open(host.settings())) {
            Facts facts = FactsGatherer.gather(connection);
            assertThat(connection.execCount()).as("facts cost exactly one exec").isEqualTo(1);
            return facts;
        }
    }

    private static void checkAgainstDocker(Lab lab, LabHost host, Facts facts) throws Exception {
        String name = host.name();
        assertThat(facts.hostname()).isEqualTo(name).isEqualTo(lab.shell(name, "hostname").strip());
        assertThat(facts.kernel()).isEqualTo(lab.shell(name, "uname -r").strip());
        assertThat(facts.architecture()).isEqualTo(lab.shell(name, "uname -m").strip());
        assertThat(facts.cpus()).isEqualTo(Integer.parseInt(lab.shell(name, "nproc").strip()));
        assertThat(facts.memTotalMb()).isEqualTo(
                Long.parseLong(lab.shell(name, "sed -n 's/^MemTotal: *\\([0-9]*\\) kB/\\1/p' /proc/meminfo").strip()) / 1024);

        String[] release = lab.shell(name, ". /etc/os-release && echo \"$ID $VERSION_CODENAME\"").strip().split(" ");
        assertThat(facts.os().distribution()).isEqualTo(release[0]).isEqualTo("debian");
        assertThat(facts.os().codename()).contains(release[1]);
        assertThat(facts.os().family()).isEqualTo("Debian");
        assertThat(facts.os().version()).contains(lab.shell(name, "cat /etc/debian_version").strip());

        assertThat(facts.initSystem()).isEqualTo(lab.shell(name, "cat /proc/1/comm").strip()).isEqualTo("systemd");
        assertThat(facts.packageManager()).contains("apt");
        assertThat(facts.inContainer()).isTrue();
        assertThat(facts.virtualization().type()).contains("docker");

        assertInterfacesMatch(facts, JSON.readTree(lab.shell(name, "ip -j addr show")));

        JsonNode route = JSON.readTree(lab.shell(name, "ip -j -4 route show default")).get(0);
        assertThat(facts.defaultIpv4()).hasValueSatisfying(r -> {
            assertThat(r.interfaceName()).isEqualTo(route.get("dev").asText());
            assertThat(r.gateway()).contains(route.get("gateway").asText());
            assertThat(r.address()).map(IpAddress::address).as("the lab's address for the host").contains(host.ip());
        });

        Map<String, Object> vars = facts.toVariables();
        assertThat(vars).containsEntry("ansible_hostname", name).containsEntry("ansible_distribution", "Debian");
        assertThat(vars.get("ansible_default_ipv4")).asInstanceOf(MAP)
                .containsEntry("address", host.ip());
        assertThat(vars.get("ansible_all_ipv4_addresses")).asInstanceOf(LIST).containsExactly(host.ip());
    }

    /** Same interfaces in the same order, with the MACs, MTUs, states and addresses ip -j reports. */
    private static void assertInterfacesMatch(Facts facts, JsonNode ipAddr) {
        List<String> names = new ArrayList<>();
        ipAddr.forEach(link -> names.add(link.get("ifname").asText()));
        assertThat(facts.interfaces()).extracting(NetworkInterface::name).containsExactlyElementsOf(names);

        for (JsonNode link : ipAddr) {
            NetworkInterface nic = facts.networkInterface(link.get("ifname").asText()).orElseThrow();
            List<IpAddress> ipv4 = new ArrayList<>();
            List<IpAddress> ipv6 = new ArrayList<>();
            for (JsonNode addr : link.get("addr_info")) {
                IpAddress ip = new IpAddress(addr.get("local").asText(), addr.get("prefixlen").asInt());
                (addr.get("family").asText().equals("inet6") ? ipv6 : ipv4).add(ip);
            }
            assertThat(nic.mac()).as(nic.name()).contains(link.get("address").asText());
            assertThat(nic.mtu()).as(nic.name()).isEqualTo(link.get("mtu").asInt());
            assertThat(nic.up()).as(nic.name()).isEqualTo(Set.of("UP", "UNKNOWN").contains(link.get("operstate").asText()));
            assertThat(nic.ipv4()).as(nic.name()).isEqualTo(ipv4);
            assertThat(nic.ipv6()).as(nic.name()).isEqualTo(ipv6);
        }
    }
}
