package dev.rigger.core.facts;

import dev.rigger.core.facts.Facts.DefaultRoute;
import dev.rigger.core.facts.Facts.IpAddress;
import dev.rigger.core.facts.Facts.NetworkInterface;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Interfaces and the default route, from {@code ip -o} output (iproute2 or busybox) or, when the
 * host has no {@code ip}, from {@code /sys/class/net}, {@code /proc/net/if_inet6},
 * {@code /proc/net/fib_trie} and {@code /proc/net/route}.
 */
final class NetworkFacts {

    /** The network part of the facts. */
    record Result(List<NetworkInterface> interfaces, Optional<DefaultRoute> defaultIpv4) {
    }

    // "16: eth0@if17: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 ... state UP ...\    link/ether 02:42:ac:11:00:02 brd ..."
    private static final Pattern IP_LINK = Pattern.compile("^(\\d+):\\s+([^:@\\s]+)(?:@\\S*?)?:\\s+<([^>]*)>(.*)$");
    // "16: eth0    inet 172.17.0.2/16 brd 172.17.255.255 scope global eth0\ ..."
    private static final Pattern IP_ADDR = Pattern.compile("^\\d+:\\s+([^:@\\s]+)\\S*\\s+(inet6?)\\s+(\\S+)(.*)$");
    private static final Pattern MTU = Pattern.compile("\\bmtu (\\d+)");
    private static final Pattern STATE = Pattern.compile("\\bstate (\\S+)");
    private static final Pattern MAC = Pattern.compile("link/\\S+ ([0-9a-fA-F]{2}(?::[0-9a-fA-F]{2})+)(?:\\s|$)");
    private static final Pattern PEER_PREFIX = Pattern.compile("\\bpeer \\S+/(\\d+)");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(?:\\.\\d{1,3}){3}");
    private static final Pattern FIB_LEAF = Pattern.compile("\\|-- (\\d+\\.\\d+\\.\\d+\\.\\d+)");

    /** Operational states in which an administratively-up interface still passes no traffic. */
    private static final Set<String> DOWN_STATES = Set.of("down", "lowerlayerdown", "notpresent");
    private static final int IFF_UP = 0x1;
    private static final int IFF_LOOPBACK = 0x8;
    /** /proc/net/route prints addresses as host-order hex; these machines are big-endian. */
    private static final Set<String> BIG_ENDIAN_ARCHS = Set.of("s390x", "s390", "ppc64", "ppc", "sparc64", "mips", "mips64");

    private NetworkFacts() {
    }

    static Result parse(ProbeOutput out, String architecture) {
        Optional<List<String>> ipLink = out.section("ip-link");
        if (ipLink.isPresent()) {
            return fromIp(ipLink.get(), out.section("ip-addr").orElse(List.of()),
                    out.section("ip-route-default").orElse(List.of()));
        }
        return fromProc(out.section("sys-net").orElse(List.of()), out.section("if-inet6").orElse(List.of()),
                out.section("fib-trie").orElse(List.of()), out.section("proc-net-route").orElse(List.of()),
                BIG_ENDIAN_ARCHS.contains(architecture));
    }

    /** Mutable while parsing; frozen into a {@link NetworkInterface} at the end. */
    private static final class Nic {
        final String name;
        String mac;
        int mtu;
        boolean up;
        boolean loopback;
        final List<IpAddress> ipv4 = new ArrayList<>();
        final List<IpAddress> ipv6 = new ArrayList<>();

        Nic(String name) {
            this.name = name;
        }

        NetworkInterface freeze() {
            return new NetworkInterface(name, Optional.ofNullable(mac), mtu, up, ipv4, ipv6);
        }
    }

    // ---- ip -o link / ip -o addr / ip route show default

    private static Result fromIp(List<String> links, List<String> addrs, List<String> routes) {
        Map<String, Nic> nics = new LinkedHashMap<>();
        for (String line : links) {
            Matcher m = IP_LINK.matcher(line);
            if (!m.matches()) {
                continue;
            }
            Nic nic = nics.computeIfAbsent(m.group(2), Nic::new);
            List<String> flags = List.of(m.group(3).split(","));
            String rest = m.group(4);
            nic.mtu = firstInt(MTU, rest).orElse(0);
            nic.mac = firstGroup(MAC, rest).orElse(null);
            // iproute2 prints the operational state; busybox does not, but flags NO-CARRIER when
            // the interface is up without a link.
            Optional<String> state = firstGroup(STATE, rest).map(String::toLowerCase);
            boolean linkDown = state.map(DOWN_STATES::contains).orElse(flags.contains("NO-CARRIER"));
            nic.up = flags.contains("UP") && !linkDown;
        }
        for (String line : addrs) {
            Matcher m = IP_ADDR.matcher(line);
            Nic nic = m.matches() ? nics.get(m.group(1)) : null;
            if (nic == null) {
                continue;
            }
            boolean v6 = m.group(2).equals("inet6");
            String[] addressAndPrefix = m.group(3).split("/", 2);
            if (!v6 && !IPV4.matcher(addressAndPrefix[0]).matches()) {
                continue;
            }
            // A point-to-point address has no prefix of its own; its peer's prefix is the link's.
            int prefix = addressAndPrefix.length == 2 ? parseInt(addressAndPrefix[1]).orElse(v6 ? 128 : 32)
                    : firstInt(PEER_PREFIX, m.group(4)).orElse(v6 ? 128 : 32);
            (v6 ? nic.ipv6 : nic.ipv4).add(new IpAddress(addressAndPrefix[0], prefix));
        }
        List<NetworkInterface> interfaces = nics.values().stream().map(Nic::freeze).toList();
        return new Result(interfaces, defaultFromIpRoute(routes, interfaces));
    }

    /** Only "default" lines count: busybox 1.35's {@code ip route show default} lists every route. */
    private static Optional<DefaultRoute> defaultFromIpRoute(List<String> routes, List<NetworkInterface> interfaces) {
        for (String line : routes) {
            List<String> words = List.of(line.trim().split("\\s+"));
            if (!words.get(0).equals("default")) {
                continue;
            }
            Optional<String> dev = wordAfter(words, "dev");
            if (dev.isEmpty()) {
                continue;
            }
            // "via inet6 fe80::1" (an IPv6 next hop for IPv4) names no IPv4 gateway.
            Optional<String> gateway = wordAfter(words, "via").filter(via -> IPV4.matcher(via).matches());
            Optional<IpAddress> address = wordAfter(words, "src")
                    .flatMap(src -> findAddress(interfaces, dev.get(), src))
                    .or(() -> sourceAddress(interfaces, dev.get(), gateway));
            return Optional.of(new DefaultRoute(dev.get(), gateway, address));
        }
        return Optional.empty();
    }

    // ---- /sys/class/net, /proc/net/if_inet6, /proc/net/fib_trie, /proc/net/route

    /** One line of /proc/net/route. */
    private record Route(String iface, long destination, long gateway, int metric, long mask) {
        int prefix() {
            return Long.bitCount(mask);
        }

        boolean contains(long address) {
            return (address & mask) == destination;
        }
    }

    private static Result fromProc(List<String> sysNet, List<String> ifInet6, List<String> fibTrie,
                                   List<String> procRoute, boolean bigEndian) {
        Map<String, Nic> nics = new LinkedHashMap<>();
        Map<String, Integer> ifindex = new LinkedHashMap<>();
        for (String line : sysNet) {
            String[] words = line.trim().split("\\s+");
            if (words.length < 2) {
                continue;
            }
            Nic nic = nics.computeIfAbsent(words[0], Nic::new);
            Map<String, String> attrs = new LinkedHashMap<>();
            for (int i = 1; i < words.length; i++) {
                String[] kv = words[i].split("=", 2);
                attrs.put(kv[0], kv.length == 2 ? kv[1] : "");
            }
            int flags = parseHex(attrs.getOrDefault("flags", "")).orElse(0);
            nic.mac = attrs.getOrDefault("mac", "").isEmpty() ? null : attrs.get("mac");
            nic.mtu = parseInt(attrs.getOrDefault("mtu", "")).orElse(0);
            nic.loopback = (flags & IFF_LOOPBACK) != 0;
            nic.up = (flags & IFF_UP) != 0 && !DOWN_STATES.contains(attrs.getOrDefault("operstate", ""));
            ifindex.put(nic.name, parseInt(attrs.getOrDefault("ifindex", "")).orElse(Integer.MAX_VALUE));
        }

        // address(hex) ifindex(hex) prefix(hex) scope(hex) flags(hex) name
        for (String line : ifInet6) {
            String[] words = line.trim().split("\\s+");
            Nic nic = words.length == 6 && words[0].length() == 32 ? nics.get(words[5]) : null;
            if (nic != null) {
                parseHex(words[2]).ifPresent(prefix -> nic.ipv6.add(new IpAddress(ipv6FromHex(words[0]), prefix)));
            }
        }

        List<Route> routes = parseProcRoutes(procRoute, bigEndian);
        for (String address : localIpv4Addresses(fibTrie)) {
            long value = ipv4ToLong(address);
            if (address.startsWith("127.")) {
                // Loopback addresses have no route in the main table; they live on the loopback device.
                nics.values().stream().filter(n -> n.loopback).findFirst()
                        .ifPresent(lo -> lo.ipv4.add(new IpAddress(address, 8)));
                continue;
            }
            // The most specific on-link route covering the address names its interface and prefix.
            routes.stream()
                    .filter(r -> r.gateway() == 0 && r.contains(value) && nics.containsKey(r.iface()))
                    .max(Comparator.comparingInt(Route::prefix))
                    .ifPresent(r -> nics.get(r.iface()).ipv4.add(new IpAddress(address, r.prefix())));
        }

        List<NetworkInterface> interfaces = nics.values().stream()
                .sorted(Comparator.comparing(n -> ifindex.get(n.name)))
                .map(Nic::freeze)
                .toList();
        Optional<DefaultRoute> defaultRoute = routes.stream()
                .filter(r -> r.destination() == 0 && r.mask() == 0)
                .min(Comparator.comparingInt(Route::metric))
                .map(r -> {
                    Optional<String> gateway = r.gateway() == 0 ? Optional.empty() : Optional.of(longToIpv4(r.gateway()));
                    return new DefaultRoute(r.iface(), gateway, sourceAddress(interfaces, r.iface(), gateway));
                });
        return new Result(interfaces, defaultRoute);
    }

    /** Iface Destination Gateway Flags RefCnt Use Metric Mask ... (header line first). */
    private static List<Route> parseProcRoutes(List<String> lines, boolean bigEndian) {
        List<Route> routes = new ArrayList<>();
        for (String line : lines) {
            String[] w = line.trim().split("\\s+");
            if (w.length < 8 || w[0].equals("Iface")) {
                continue;
            }
            Optional<Integer> metric = parseInt(w[6]);
            Optional<Long> destination = hexAddress(w[1], bigEndian);
            Optional<Long> gateway = hexAddress(w[2], bigEndian);
            Optional<Long> mask = hexAddress(w[7], bigEndian);
            if (metric.isPresent() && destination.isPresent() && gateway.isPresent() && mask.isPresent()) {
                routes.add(new Route(w[0], destination.get(), gateway.get(), metric.get(), mask.get()));
            }
        }
        return routes;
    }

    /** The host's own IPv4 addresses: the fib_trie leaves marked "/32 host LOCAL". */
    private static Set<String> localIpv4Addresses(List<String> fibTrie) {
        Set<String> addresses = new LinkedHashSet<>();
        String leaf = null;
        for (String line : fibTrie) {
            Matcher m = FIB_LEAF.matcher(line);
            if (m.find()) {
                leaf = m.group(1);
            } else if (leaf != null && line.trim().equals("/32 host LOCAL")) {
                addresses.add(leaf);
            }
        }
        return addresses;
    }

    // ---- helpers

    /**
     * The address the kernel would send from towards the gateway: the interface's first address on
     * the gateway's subnet, else its first address. (/proc/net/fib_trie lists addresses sorted, not
     * primary first, so "first" alone could pick a secondary address.)
     */
    private static Optional<IpAddress> sourceAddress(List<NetworkInterface> interfaces, String name,
                                                     Optional<String> gateway) {
        List<IpAddress> addresses = interfaces.stream().filter(i -> i.name().equals(name)).findFirst()
                .map(NetworkInterface::ipv4).orElse(List.of());
        return addresses.stream()
                .filter(a -> gateway.filter(gw -> sameSubnet(a, gw)).isPresent())
                .findFirst()
                .or(() -> addresses.stream().findFirst());
    }

    private static boolean sameSubnet(IpAddress address, String other) {
        long mask = address.prefix() == 0 ? 0 : (0xFFFFFFFFL << (32 - address.prefix())) & 0xFFFFFFFFL;
        return (ipv4ToLong(address.address()) & mask) == (ipv4ToLong(other) & mask);
    }

    private static Optional<IpAddress> findAddress(List<NetworkInterface> interfaces, String name, String address) {
        return interfaces.stream().filter(i -> i.name().equals(name)).findFirst()
                .flatMap(i -> i.ipv4().stream().filter(a -> a.address().equals(address)).findFirst());
    }

    private static Optional<String> wordAfter(List<String> words, String key) {
        int i = words.indexOf(key);
        return i >= 0 && i + 1 < words.size() ? Optional.of(words.get(i + 1)) : Optional.empty();
    }

    private static Optional<String> firstGroup(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    private static Optional<Integer> firstInt(Pattern pattern, String text) {
        return firstGroup(pattern, text).flatMap(NetworkFacts::parseInt);
    }

    private static Optional<Integer> parseInt(String text) {
        try {
            return Optional.of(Integer.parseInt(text.trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<Integer> parseHex(String text) {
        try {
            return Optional.of(Integer.parseInt(text.trim().replaceFirst("^0[xX]", ""), 16));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** An 8-digit /proc/net/route address as a 32-bit value in network order. */
    private static Optional<Long> hexAddress(String hex, boolean bigEndian) {
        if (hex.length() != 8) {
            return Optional.empty();
        }
        try {
            long value = Long.parseLong(hex, 16);
            return Optional.of(bigEndian ? value : Integer.toUnsignedLong(Integer.reverseBytes((int) value)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static long ipv4ToLong(String address) {
        long value = 0;
        for (String octet : address.split("\\.")) {
            value = (value << 8) | Integer.parseInt(octet);
        }
        return value;
    }

    private static String longToIpv4(long value) {
        return ((value >> 24) & 0xff) + "." + ((value >> 16) & 0xff) + "." + ((value >> 8) & 0xff) + "." + (value & 0xff);
    }

    /** 32 hex digits → RFC 5952 text (lower case, longest run of zero groups as "::"), as ip prints it. */
    static String ipv6FromHex(String hex) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = Integer.parseInt(hex.substring(i * 4, i * 4 + 4), 16);
        }
        int bestStart = -1;
        int bestLength = 1; // a single zero group is not shortened
        for (int i = 0; i < 8; i++) {
            int length = 0;
            while (i + length < 8 && groups[i + length] == 0) {
                length++;
            }
            if (length > bestLength) {
                bestStart = i;
                bestLength = length;
            }
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }
}
