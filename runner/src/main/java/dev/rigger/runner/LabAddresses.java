package dev.rigger.runner;

import dev.rigger.core.error.InputException;
import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.secret.Secret;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Moves an inventory's IPv4 addresses onto the lab network, for {@code rigger lab up}. A host's
 * address becomes its lab container's address. Any other address in the same /24 as a host's
 * (a VIP, a peer, a network such as {@code 192.168.55.0/24}) is taken for an address of that
 * network too: {@code .0} and {@code .255} become the lab network's, and every other one the next
 * spare address of the lab ({@code .201}, {@code .202}, ... in the order they are met), the same
 * one everywhere it appears. Addresses of other networks stay as they are. Pure: no host, no file.
 */
final class LabAddresses {
    /** An IPv4 address not inside a longer run of digits and dots (a version string, another address). */
    private static final Pattern IPV4 = Pattern.compile("(?<![0-9.])((?:[0-9]{1,3}\\.){3})([0-9]{1,3})(?![0-9]|\\.[0-9])");

    private final Map<String, String> mapped = new LinkedHashMap<>();
    private final Set<String> networks;
    private final String labPrefix;
    private final Iterator<String> spare;
    private final int spareCount;

    /**
     * @param hostAddresses each host's address in the inventory → its lab address
     * @param labPrefix     the lab network's first three octets with the dot, e.g. {@code 10.213.7.}
     * @param spare         the lab's free addresses, handed out in this order
     */
    LabAddresses(Map<String, String> hostAddresses, String labPrefix, List<String> spare) {
        this.labPrefix = labPrefix;
        this.spare = spare.iterator();
        this.spareCount = spare.size();
        Set<String> nets = new java.util.LinkedHashSet<>();
        hostAddresses.forEach((from, to) -> {
            Matcher m = IPV4.matcher(from);
            if (m.matches() && valid(from)) {
                mapped.put(from, to);
                nets.add(m.group(1));
            }
        });
        this.networks = Collections.unmodifiableSet(nets);
    }

    /** True for a dotted quad of numbers 0..255. */
    static boolean isIpv4(String text) {
        return IPV4.matcher(text).matches() && valid(text);
    }

    /**
     * The value with every address of the hosts' networks replaced: strings, and the strings
     * inside lists and mappings. The same instance when nothing changed. Secrets are never read:
     * their text stays theirs (and is never written into the lab's files).
     */
    Object map(Object value) {
        if (value instanceof String s) return mapText(s);
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            boolean changed = false;
            for (Object item : list) {
                Object m = map(item);
                changed |= m != item;
                out.add(m);
            }
            return changed ? out : value;
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            boolean changed = false;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                Object m = map(e.getValue());
                changed |= m != e.getValue();
                out.put(e.getKey(), m);
            }
            return changed ? out : value;
        }
        return value;
    }

    /** Every address mapped so far, inventory address → lab address, hosts first. */
    Map<String, String> mapped() {
        return Collections.unmodifiableMap(mapped);
    }

    /** True when the value holds a secret anywhere (it is then not written to the lab's files). */
    static boolean holdsSecret(Object value) {
        if (value instanceof Secret) return true;
        if (value instanceof List<?> list) return list.stream().anyMatch(LabAddresses::holdsSecret);
        if (value instanceof Map<?, ?> map) return map.values().stream().anyMatch(LabAddresses::holdsSecret);
        return false;
    }

    private String mapText(String text) {
        Matcher m = IPV4.matcher(text);
        StringBuilder out = new StringBuilder();
        boolean changed = false;
        while (m.find()) {
            String address = m.group();
            String to = valid(address) && networks.contains(m.group(1)) ? labAddress(address, m.group(2)) : address;
            changed |= !to.equals(address);
            m.appendReplacement(out, Matcher.quoteReplacement(to));
        }
        if (!changed) return text;
        m.appendTail(out);
        return out.toString();
    }

    private String labAddress(String address, String lastOctet) {
        String known = mapped.get(address);
        if (known != null) return known;
        String to;
        if (Integer.parseInt(lastOctet) == 0 || Integer.parseInt(lastOctet) == 255) {
            to = labPrefix + Integer.parseInt(lastOctet);
        } else if (spare.hasNext()) {
            to = spare.next();
        } else {
            throw new InputException(SourceLocation.unknown(address), "the lab has no spare address left for it (it has "
                    + spareCount + " for addresses of the hosts' networks that are no host's)");
        }
        mapped.put(address, to);
        return to;
    }

    private static boolean valid(String address) {
        for (String octet : address.split("\\.")) {
            if (Integer.parseInt(octet) > 255) return false;
        }
        return true;
    }
}
