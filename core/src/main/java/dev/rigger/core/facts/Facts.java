package dev.rigger.core.facts;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a host is, gathered once per run by {@link FactsGatherer} in a single exec.
 *
 * <p>Values the host could not tell are empty Optionals, empty lists, {@code 0} (CPUs, memory) or
 * {@code "unknown"} (init system): facts gathering never fails because one probe found nothing.
 *
 * @param os             distribution and family, from {@code /etc/os-release}
 * @param hostname       the kernel's host name as set (may hold dots)
 * @param fqdn           {@code hostname -f}, or {@code hostname} when that does not resolve
 * @param kernel         kernel release ({@code uname -r})
 * @param architecture   machine hardware name ({@code uname -m}), e.g. {@code x86_64}
 * @param cpus           CPUs online for this host (nproc), 0 when unknown
 * @param memTotalMb     total memory in MiB, 0 when unknown
 * @param interfaces     network interfaces in kernel (ifindex) order
 * @param defaultIpv4    the IPv4 default route, if there is one
 * @param initSystem     {@code systemd} when PID 1 is systemd, else PID 1's name
 * @param packageManager {@code apt}, {@code dnf}, {@code yum}, {@code apk}, {@code zypper} or {@code pacman}
 * @param virtualization the container or virtual machine the host runs in, if any
 * @param raw            every {@code key=value} line of the probe, and os-release as {@code os_release.KEY}
 */
public record Facts(
        Os os,
        String hostname,
        String fqdn,
        String kernel,
        String architecture,
        int cpus,
        long memTotalMb,
        List<NetworkInterface> interfaces,
        Optional<DefaultRoute> defaultIpv4,
        String initSystem,
        Optional<String> packageManager,
        Virtualization virtualization,
        Map<String, String> raw) {

    public Facts {
        Objects.requireNonNull(os, "os");
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(fqdn, "fqdn");
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(architecture, "architecture");
        interfaces = List.copyOf(interfaces);
        Objects.requireNonNull(defaultIpv4, "defaultIpv4");
        Objects.requireNonNull(initSystem, "initSystem");
        Objects.requireNonNull(packageManager, "packageManager");
        Objects.requireNonNull(virtualization, "virtualization");
        raw = Collections.unmodifiableMap(new LinkedHashMap<>(raw));
    }

    /**
     * The distribution.
     *
     * @param family       Ansible's {@code os_family}: {@code Debian}, {@code RedHat}, {@code Alpine}, ...
     * @param distribution os-release {@code ID}: {@code debian}, {@code ubuntu}, {@code rocky}, ...
     * @param name         Ansible's {@code distribution}: {@code Debian}, {@code Ubuntu}, {@code Rocky}, ...
     * @param version      {@code 12.11} on Debian (its point release), else os-release {@code VERSION_ID}
     * @param codename     {@code bookworm}, {@code jammy}; absent on rolling or codename-less distributions
     */
    public record Os(String family, String distribution, String name, Optional<String> version,
                     Optional<String> codename) {
        public Os {
            Objects.requireNonNull(family, "family");
            Objects.requireNonNull(distribution, "distribution");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(version, "version");
            Objects.requireNonNull(codename, "codename");
        }

        /** The version up to its first dot: {@code 12} for {@code 12.11}, {@code 22} for {@code 22.04}. */
        public Optional<String> majorVersion() {
            return version.map(v -> v.split("\\.", 2)[0]);
        }
    }

    /**
     * One network interface.
     *
     * @param mac  hardware address as the kernel prints it; absent for interfaces without one (tun)
     * @param up   administratively up and not reporting its link down (Ansible's {@code active})
     * @param ipv4 IPv4 addresses, primary first when the host's {@code ip} tool says which is primary
     * @param ipv6 IPv6 addresses, link-local included
     */
    public record NetworkInterface(String name, Optional<String> mac, int mtu, boolean up,
                                   List<IpAddress> ipv4, List<IpAddress> ipv6) {
        public NetworkInterface {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(mac, "mac");
            ipv4 = List.copyOf(ipv4);
            ipv6 = List.copyOf(ipv6);
        }
    }

    /** An address with its prefix length, e.g. {@code 172.17.0.2/16}. */
    public record IpAddress(String address, int prefix) {
        public IpAddress {
            Objects.requireNonNull(address, "address");
        }

        @Override
        public String toString() {
            return address + "/" + prefix;
        }
    }

    /**
     * The IPv4 default route.
     *
     * @param interfaceName the interface it leaves through
     * @param gateway       next hop; absent for a route straight onto a link (point-to-point)
     * @param address       the source address the host uses on that route (Ansible's
     *                      {@code ansible_default_ipv4.address})
     */
    public record DefaultRoute(String interfaceName, Optional<String> gateway, Optional<IpAddress> address) {
        public DefaultRoute {
            Objects.requireNonNull(interfaceName, "interfaceName");
            Objects.requireNonNull(gateway, "gateway");
            Objects.requireNonNull(address, "address");
        }
    }

    /**
     * What the host runs inside.
     *
     * @param type      systemd-detect-virt's identifier: {@code docker}, {@code podman}, {@code lxc},
     *                  {@code kvm}, {@code vmware}, ...; empty on bare metal
     * @param container true for a container (the type is a container engine), false for a VM
     */
    public record Virtualization(Optional<String> type, boolean container) {
        public static final Virtualization NONE = new Virtualization(Optional.empty(), false);

        public Virtualization {
            Objects.requireNonNull(type, "type");
        }
    }

    public boolean inContainer() {
        return virtualization.container();
    }

    public Optional<NetworkInterface> networkInterface(String name) {
        return interfaces.stream().filter(i -> i.name().equals(name)).findFirst();
    }

    /**
     * The facts under Ansible's variable names, for templates and {@code when} expressions. Values
     * are Strings, Integers, Lists and Maps only, so any template engine can walk them.
     */
    public Map<String, Object> toVariables() {
        Map<String, Object> vars = new LinkedHashMap<>();
        // Ansible's ansible_hostname is the short name; the name as set is ansible_nodename.
        vars.put("ansible_hostname", hostname.split("\\.", 2)[0]);
        vars.put("ansible_nodename", hostname);
        vars.put("ansible_fqdn", fqdn);
        vars.put("ansible_distribution", os.name());
        vars.put("ansible_distribution_version", os.version().orElse(""));
        vars.put("ansible_distribution_major_version", os.majorVersion().orElse(""));
        vars.put("ansible_distribution_release", os.codename().orElse(""));
        vars.put("ansible_os_family", os.family());
        vars.put("ansible_kernel", kernel);
        vars.put("ansible_architecture", architecture);
        vars.put("ansible_processor_vcpus", cpus);
        vars.put("ansible_memtotal_mb", memTotalMb);
        vars.put("ansible_default_ipv4", defaultIpv4Variable());
        vars.put("ansible_all_ipv4_addresses", addresses(true));
        vars.put("ansible_all_ipv6_addresses", addresses(false));
        vars.put("ansible_interfaces", interfaces.stream().map(NetworkInterface::name).toList());
        vars.put("ansible_service_mgr", initSystem);
        vars.put("ansible_pkg_mgr", packageManager.orElse("unknown"));
        // Ansible says "NA" for both when it finds no virtualization; Rigger only detects guests.
        vars.put("ansible_virtualization_type", virtualization.type().map(Facts::ansibleVirtType).orElse("NA"));
        vars.put("ansible_virtualization_role", virtualization.type().isPresent() ? "guest" : "NA");
        return Collections.unmodifiableMap(vars);
    }

    /** Ansible's own spelling where it differs from systemd-detect-virt's. */
    private static String ansibleVirtType(String type) {
        return switch (type) {
            case "vmware" -> "VMware";
            case "oracle" -> "virtualbox";
            case "microsoft" -> "VirtualPC";
            default -> type;
        };
    }

    /** Ansible gives an empty map when there is no default route. */
    private Map<String, Object> defaultIpv4Variable() {
        if (defaultIpv4.isEmpty()) {
            return Map.of();
        }
        DefaultRoute route = defaultIpv4.get();
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("interface", route.interfaceName());
        map.put("gateway", route.gateway().orElse(""));
        map.put("address", route.address().map(IpAddress::address).orElse(""));
        map.put("prefix", route.address().map(a -> String.valueOf(a.prefix())).orElse(""));
        networkInterface(route.interfaceName()).ifPresent(nic -> {
            map.put("macaddress", nic.mac().orElse(""));
            map.put("mtu", nic.mtu());
        });
        return Collections.unmodifiableMap(map);
    }

    /** Like Ansible's all_ipv4/all_ipv6_addresses: every address except loopback. */
    private List<String> addresses(boolean v4) {
        List<String> all = new ArrayList<>();
        for (NetworkInterface nic : interfaces) {
            for (IpAddress ip : v4 ? nic.ipv4() : nic.ipv6()) {
                boolean loopback = v4 ? ip.address().startsWith("127.") : ip.address().equals("::1");
                if (!loopback) {
                    all.add(ip.address());
                }
            }
        }
        return List.copyOf(all);
    }
}
