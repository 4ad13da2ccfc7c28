package dev.rigger.core.facts;

import static dev.rigger.core.facts.FactsFixtures.fixture;
import static dev.rigger.core.facts.FactsFixtures.networkView;
import static dev.rigger.core.facts.FactsFixtures.parseFixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rigger.core.facts.Facts.DefaultRoute;
import dev.rigger.core.facts.Facts.IpAddress;
import dev.rigger.core.facts.Facts.NetworkInterface;
import dev.rigger.core.facts.Facts.Os;
import dev.rigger.core.facts.Facts.Virtualization;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The parser against outputs captured from real systems and hand-made ones; see facts/README.md. */
class FactsParserTest {

    @Nested
    class RealDebianContainer {
        // Expected values were read in the container separately from the script: hostname, nproc,
        // uname -r, /proc/meminfo, /etc/debian_version and ip -j addr.
        private final Facts facts = parseFixture("debian12-container.txt");

        @Test
        void identityAndHardware() {
            assertThat(facts.os()).isEqualTo(new Os("Debian", "debian", "Debian", Optional.of("12.15"), Optional.of("bookworm")));
            assertThat(facts.os().majorVersion()).contains("12");
            assertThat(facts.hostname()).isEqualTo("web1.lab.test");
            assertThat(facts.fqdn()).isEqualTo("web1.lab.test");
            assertThat(facts.kernel()).isEqualTo("6.18.44-fc-v657");
            assertThat(facts.architecture()).isEqualTo("x86_64");
            assertThat(facts.cpus()).isEqualTo(2);
            assertThat(facts.memTotalMb()).isEqualTo(24684092L / 1024);
        }

        @Test
        void systemAndContainer() {
            assertThat(facts.initSystem()).isEqualTo("systemd");
            assertThat(facts.packageManager()).contains("apt");
            assertThat(facts.virtualization()).isEqualTo(new Virtualization(Optional.of("docker"), true));
            assertThat(facts.inContainer()).isTrue();
        }

        @Test
        void interfacesInKernelOrderWithState() {
            assertThat(facts.interfaces()).containsExactly(
                    new NetworkInterface("lo", Optional.of("00:00:00:00:00:00"), 65536, true,
                            List.of(ip("127.0.0.1", 8)), List.of(ip("::1", 128))),
                    // admin down
                    new NetworkInterface("v1", Optional.of("e6:4c:e5:07:d4:37"), 1500, false, List.of(), List.of()),
                    // admin up, but its veth peer is down: LOWERLAYERDOWN
                    new NetworkInterface("v0", Optional.of("52:8c:36:7f:dd:0f"), 9000, false,
                            List.of(ip("10.77.0.1", 16)), List.of()),
                    new NetworkInterface("eth0", Optional.of("02:42:ac:11:00:02"), 1500, true,
                            List.of(ip("172.17.0.2", 16), ip("10.9.8.7", 24), ip("172.17.99.1", 16)),
                            List.of(ip("fd00:5::2", 64), ip("fe80::42:acff:fe11:2", 64))));
        }

        @Test
        void defaultRouteUsesTheAddressOnTheGatewaysSubnet() {
            assertThat(facts.defaultIpv4()).contains(
                    new DefaultRoute("eth0", Optional.of("172.17.0.1"), Optional.of(ip("172.17.0.2", 16))));
        }

        @Test
        void keepsRawValues() {
            assertThat(facts.raw()).containsEntry("debian_version", "12.15")
                    .containsEntry("detect_virt_vm", "kvm")
                    .containsEntry("os_release.PRETTY_NAME", "Debian GNU/Linux 12 (bookworm)");
        }
    }

    @Nested
    class FallbacksAgreeWithIproute2 {
        private final Facts full = parseFixture("debian12-container.txt");

        @Test
        void withoutAnyToolsTheSameHostReadsTheSame() {
            Facts bare = parseFixture("debian12-container-no-tools.txt");

            assertThat(fixture("debian12-container-no-tools.txt")).contains("@section fib-trie").doesNotContain("@section ip-link");
            assertThat(networkView(bare)).isEqualTo(networkView(full));
            assertThat(bare.interfaces()).extracting(NetworkInterface::name).containsExactly("lo", "v1", "v0", "eth0");
            assertThat(bare.defaultIpv4()).isEqualTo(full.defaultIpv4());
            assertThat(bare.hostname()).isEqualTo(full.hostname());
            assertThat(bare.fqdn()).as("no hostname -f: falls back to the hostname").isEqualTo("web1.lab.test");
            assertThat(bare.cpus()).isEqualTo(full.cpus());
            assertThat(bare.os()).isEqualTo(full.os());
            assertThat(bare.virtualization()).as("from /.dockerenv").isEqualTo(full.virtualization());
            assertThat(bare.packageManager()).as("apt-get not on the PATH").isEmpty();
        }

        @Test
        void busyboxToolsReadTheSame() {
            Facts busybox = parseFixture("debian12-busybox.txt");

            assertThat(networkView(busybox)).isEqualTo(networkView(full));
            assertThat(busybox.defaultIpv4()).isEqualTo(full.defaultIpv4());
            assertThat(busybox.fqdn()).isEqualTo(full.fqdn());
            assertThat(busybox.cpus()).isEqualTo(full.cpus());
            assertThat(busybox.virtualization()).isEqualTo(full.virtualization());
        }
    }

    @Test
    void realBuildMachine() {
        Facts facts = parseFixture("host-firecracker-vm.txt");

        assertThat(facts.os().version()).contains("12.11");
        assertThat(facts.initSystem()).as("PID 1 is not an init system here").isEqualTo("process_api");
        assertThat(facts.virtualization()).as("systemd-detect-virt says docker, /.dockerenv exists")
                .isEqualTo(new Virtualization(Optional.of("docker"), true));
        assertThat(facts.networkInterface("eth0")).hasValueSatisfying(eth0 -> {
            assertThat(eth0.mtu()).isEqualTo(1400);
            assertThat(eth0.ipv4()).containsExactly(ip("192.0.2.2", 24));
            assertThat(eth0.ipv6()).containsExactly(ip("fd00::2", 64), ip("fe80::fc:ff:fe00:1", 64));
        });
        assertThat(facts.networkInterface("ifb0")).hasValueSatisfying(ifb0 -> assertThat(ifb0.up()).isFalse());
        assertThat(facts.defaultIpv4()).contains(
                new DefaultRoute("eth0", Optional.of("192.0.2.1"), Optional.of(ip("192.0.2.2", 24))));
    }

    @Test
    void alpineWithBusyboxOnKvm() {
        Facts facts = parseFixture("alpine-busybox-kvm.txt");

        assertThat(facts.os()).isEqualTo(new Os("Alpine", "alpine", "Alpine", Optional.of("3.20.3"), Optional.empty()));
        assertThat(facts.os().majorVersion()).contains("3");
        assertThat(facts.fqdn()).isEqualTo("alpine-1");
        assertThat(facts.architecture()).isEqualTo("aarch64");
        assertThat(facts.cpus()).isEqualTo(4);
        assertThat(facts.memTotalMb()).isEqualTo(988);
        assertThat(facts.initSystem()).isEqualTo("init");
        assertThat(facts.packageManager()).contains("apk");
        assertThat(facts.virtualization()).as("from DMI").isEqualTo(new Virtualization(Optional.of("kvm"), false));
        assertThat(facts.interfaces()).containsExactly(
                new NetworkInterface("lo", Optional.of("00:00:00:00:00:00"), 65536, true, List.of(ip("127.0.0.1", 8)), List.of()),
                new NetworkInterface("eth0", Optional.of("52:54:00:12:34:56"), 1500, true,
                        List.of(ip("192.168.122.50", 24)), List.of(ip("fe80::5054:ff:fe12:3456", 64))),
                new NetworkInterface("wg0", Optional.empty(), 1420, true, List.of(ip("10.200.0.1", 32)), List.of()),
                new NetworkInterface("eth1", Optional.of("52:54:00:ab:cd:ef"), 1500, false, List.of(), List.of()));
        assertThat(facts.defaultIpv4()).as("busybox lists every route; only the default line counts").contains(
                new DefaultRoute("eth0", Optional.of("192.168.122.1"), Optional.of(ip("192.168.122.50", 24))));
        assertThat(facts.raw()).containsEntry("a_key_from_a_newer_script", "ignored");
    }

    @Test
    void rockyOnVmware() {
        Facts facts = parseFixture("rocky9-vmware.txt");

        assertThat(facts.os()).isEqualTo(new Os("RedHat", "rocky", "Rocky", Optional.of("9.4"), Optional.of("Blue Onyx")));
        assertThat(facts.os().majorVersion()).contains("9");
        assertThat(facts.packageManager()).as("dnf wins over its yum alias").contains("dnf");
        assertThat(facts.virtualization()).isEqualTo(new Virtualization(Optional.of("vmware"), false));
        assertThat(facts.inContainer()).isFalse();
        assertThat(facts.defaultIpv4()).as("the route's src wins").contains(
                new DefaultRoute("ens192", Optional.of("10.20.28.1"), Optional.of(ip("10.20.30.99", 22))));
    }

    @Test
    void ubuntuInPodmanOnBigEndianWithoutIp() {
        Facts facts = parseFixture("ubuntu-podman-s390x-no-ip.txt");

        assertThat(facts.os()).as("debian_version 'bookworm/sid' is ignored on Ubuntu")
                .isEqualTo(new Os("Debian", "ubuntu", "Ubuntu", Optional.of("22.04"), Optional.of("jammy")));
        assertThat(facts.virtualization()).isEqualTo(new Virtualization(Optional.of("podman"), true));
        assertThat(facts.cpus()).as("garbled").isZero();
        assertThat(facts.memTotalMb()).as("missing").isZero();
        assertThat(facts.interfaces()).containsExactly(
                new NetworkInterface("lo", Optional.of("00:00:00:00:00:00"), 65536, true,
                        List.of(ip("127.0.0.1", 8)), List.of(ip("::1", 128))),
                new NetworkInterface("eth0", Optional.of("0a:58:0a:58:00:05"), 1500, true,
                        List.of(ip("10.88.0.5", 16)), List.of(ip("fe80::858:ff:fe58:5", 64))));
        assertThat(facts.defaultIpv4()).as("big-endian /proc/net/route").contains(
                new DefaultRoute("eth0", Optional.of("10.88.0.1"), Optional.of(ip("10.88.0.5", 16))));
    }

    @Test
    void emptyOutputGivesDefaults() {
        Facts facts = FactsGatherer.parse("@rigger-facts 1\n@end\n");

        assertThat(facts.os()).isEqualTo(new Os("Linux", "linux", "Linux", Optional.empty(), Optional.empty()));
        assertThat(facts.hostname()).isEmpty();
        assertThat(facts.interfaces()).isEmpty();
        assertThat(facts.defaultIpv4()).isEmpty();
        assertThat(facts.initSystem()).isEqualTo("unknown");
        assertThat(facts.packageManager()).isEmpty();
        assertThat(facts.virtualization()).isEqualTo(Virtualization.NONE);
    }

    @Test
    void linesBeforeTheHeaderAreIgnored() {
        Facts facts = FactsGatherer.parse("Welcome to host!\nhostname=not-this\n@rigger-facts 1\nhostname=h1\n@end\n");

        assertThat(facts.hostname()).isEqualTo("h1");
    }

    @Test
    void garbledNetworkLinesAreSkipped() {
        Facts facts = FactsGatherer.parse("""
                @rigger-facts 1
                @section ip-link
                nonsense
                2: eth0: <UP,LOWER_UP> mtu 1500 state UP\\    link/ether 02:00:00:00:00:01 brd ff:ff:ff:ff:ff:ff
                @section ip-addr
                2: eth0    inet 999.x.1.1/24 scope global eth0
                2: eth0    inet 10.0.0.9/24 scope global eth0
                9: ghost    inet 10.1.1.1/24 scope global ghost
                @section ip-route-default
                default via inet6 fe80::1 dev eth0
                @end
                """);

        assertThat(facts.interfaces()).containsExactly(new NetworkInterface("eth0", Optional.of("02:00:00:00:00:01"),
                1500, true, List.of(ip("10.0.0.9", 24)), List.of()));
        assertThat(facts.defaultIpv4()).contains(new DefaultRoute("eth0", Optional.empty(), Optional.of(ip("10.0.0.9", 24))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "hostname=x\n", "@rigger-facts 1\nhostname=x\n@section ip-link\n1: lo: <UP> mtu 1\n"})
    void rejectsOutputThatIsNotCompleteFactsOutput(String stdout) {
        assertThatThrownBy(() -> FactsGatherer.parse(stdout)).isInstanceOf(FactsException.class);
    }

    private static IpAddress ip(String address, int prefix) {
        return new IpAddress(address, prefix);
    }
}
