package dev.rigger.core.facts;

import static dev.rigger.core.facts.FactsFixtures.networkView;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.rigger.core.facts.Facts.IpAddress;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real script through this machine's /bin/sh and checks the result against what Java and
 * the usual tools report separately.
 */
class LocalHostFactsTest {

    @BeforeAll
    static void needsLinux() {
        assumeTrue(System.getProperty("os.name").equals("Linux") && Files.isExecutable(Path.of("/bin/sh")),
                "needs Linux with /bin/sh: the facts script reads /proc and /sys");
    }

    private static Facts gather(Map<String, String> environment) {
        LocalShell shell = new LocalShell(environment);
        Facts facts = FactsGatherer.gather(shell);
        assertThat(shell.execCount()).as("facts cost one exec").isEqualTo(1);
        return facts;
    }

    private static Facts gatherWithNormalPath() {
        return gather(Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")));
    }

    @Test
    void matchesWhatTheToolsSay() throws Exception {
        Facts facts = gatherWithNormalPath();

        assertThat(facts.architecture()).isEqualTo(run("uname", "-m"));
        assertThat(facts.kernel()).isEqualTo(run("uname", "-r"));
        assertThat(facts.hostname()).isEqualTo(run("hostname"));
        assertThat(facts.cpus()).isEqualTo(Integer.parseInt(run("nproc")));
        assertThat(facts.memTotalMb()).isEqualTo(memTotalKbFromJava() / 1024);
        assertThat(facts.os().distribution()).isEqualTo(osReleaseId());
    }

    @Test
    void interfacesMatchJava() throws Exception {
        Map<String, JavaNic> before = javaInterfaces();
        Facts facts = gatherWithNormalPath();
        Map<String, JavaNic> after = javaInterfaces();
        // Other processes create and remove interfaces (container veths); compare the stable ones.
        before.keySet().retainAll(after.keySet());
        before.entrySet().retainAll(after.entrySet());
        assertThat(before).as("Java sees at least the loopback interface").isNotEmpty();

        for (JavaNic expected : before.values()) {
            assertThat(facts.networkInterface(expected.name())).as(expected.name()).hasValueSatisfying(nic -> {
                assertThat(nic.mtu()).as(expected.name() + " mtu").isEqualTo(expected.mtu());
                assertThat(nic.up()).as(expected.name() + " up").isEqualTo(expected.up());
                assertThat(nic.ipv4().stream().map(IpAddress::toString).collect(Collectors.toSet()))
                        .as(expected.name() + " IPv4").isEqualTo(expected.ipv4());
                assertThat(nic.ipv6().stream().map(LocalHostFactsTest::hexWithPrefix).collect(Collectors.toSet()))
                        .as(expected.name() + " IPv6").isEqualTo(expected.ipv6());
                if (!expected.mac().isEmpty()) {
                    assertThat(nic.mac()).as(expected.name() + " MAC").contains(expected.mac());
                }
            });
        }
    }

    @Test
    void withoutToolsTheFallbacksReadTheSame(@TempDir Path bin) throws Exception {
        // Only uname: no ip, hostname, nproc, getconf, systemd-detect-virt, cat.
        Path uname = bin.resolve("uname");
        Files.writeString(uname, "#!/bin/sh\nexec " + run("sh", "-c", "command -v uname") + " \"$@\"\n");
        assertThat(uname.toFile().setExecutable(true)).isTrue();
        Facts full = gatherWithNormalPath();
        Facts bare = gather(Map.of("PATH", bin.toString()));

        assertThat(bare.raw()).as("really without ip").doesNotContainKey("detect_virt_container");
        assertThat(stable(networkView(bare))).isEqualTo(stable(networkView(full)));
        assertThat(bare.defaultIpv4()).isEqualTo(full.defaultIpv4());
        assertThat(bare.hostname()).isEqualTo(full.hostname());
        assertThat(bare.cpus()).isEqualTo(full.cpus());
        assertThat(bare.memTotalMb()).isEqualTo(full.memTotalMb());
        assertThat(bare.os()).isEqualTo(full.os());
        assertThat(bare.initSystem()).isEqualTo(full.initSystem());
        assertThat(bare.inContainer()).isEqualTo(full.inContainer());
    }

    /** Drops interfaces that come and go with other people's containers between the two runs. */
    private static Map<String, FactsFixtures.NicView> stable(Map<String, FactsFixtures.NicView> view) {
        Map<String, FactsFixtures.NicView> copy = new TreeMap<>(view);
        copy.keySet().removeIf(name -> name.startsWith("veth"));
        return copy;
    }

    private record JavaNic(String name, String mac, int mtu, boolean up, Set<String> ipv4, Set<String> ipv6) {
    }

    private static Map<String, JavaNic> javaInterfaces() throws SocketException {
        Map<String, JavaNic> nics = new TreeMap<>();
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            Set<String> ipv4 = new HashSet<>();
            Set<String> ipv6 = new HashSet<>();
            for (InterfaceAddress address : nic.getInterfaceAddresses()) {
                InetAddress ip = address.getAddress();
                if (ip instanceof Inet4Address) {
                    ipv4.add(ip.getHostAddress() + "/" + address.getNetworkPrefixLength());
                } else if (ip instanceof Inet6Address) {
                    ipv6.add(HexFormat.of().formatHex(ip.getAddress()) + "/" + address.getNetworkPrefixLength());
                }
            }
            byte[] mac = nic.getHardwareAddress();
            String macText = mac == null ? "" : HexFormat.ofDelimiter(":").formatHex(mac);
            nics.put(nic.getName(), new JavaNic(nic.getName(), macText, nic.getMTU(), nic.isUp(), ipv4, ipv6));
        }
        return nics;
    }

    /** IPv6 text forms vary (Java never shortens with "::"); compare the bytes. */
    private static String hexWithPrefix(IpAddress address) {
        try {
            return HexFormat.of().formatHex(InetAddress.getByName(address.address()).getAddress()) + "/" + address.prefix();
        } catch (IOException e) {
            throw new AssertionError("not an address: " + address, e);
        }
    }

    private static long memTotalKbFromJava() throws IOException {
        return Files.readAllLines(Path.of("/proc/meminfo")).stream()
                .filter(line -> line.startsWith("MemTotal:"))
                .map(line -> Long.parseLong(line.replaceAll("\\D+", "")))
                .findFirst().orElseThrow();
    }

    private static String osReleaseId() throws IOException {
        Path file = Files.exists(Path.of("/etc/os-release")) ? Path.of("/etc/os-release") : Path.of("/usr/lib/os-release");
        return Files.readAllLines(file).stream()
                .filter(line -> line.startsWith("ID="))
                .map(line -> line.substring(3).replace("\"", ""))
                .findFirst().orElse("linux");
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
        return out;
    }
}
