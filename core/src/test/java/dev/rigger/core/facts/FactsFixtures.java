package dev.rigger.core.facts;

import dev.rigger.core.facts.Facts.IpAddress;
import dev.rigger.core.facts.Facts.NetworkInterface;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Loads fixtures and reduces facts to views that different sources must agree on. */
final class FactsFixtures {

    private FactsFixtures() {
    }

    static String fixture(String name) {
        try (InputStream in = FactsFixtures.class.getResourceAsStream("/facts/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture /facts/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Facts parseFixture(String name) {
        return FactsGatherer.parse(fixture(name));
    }

    /**
     * An interface with its addresses as sets: {@code ip} lists them primary first, the /proc
     * fallback in address order, and both are right.
     */
    record NicView(Optional<String> mac, int mtu, boolean up, Set<String> ipv4, Set<String> ipv6) {
        static NicView of(NetworkInterface nic) {
            return new NicView(nic.mac(), nic.mtu(), nic.up(),
                    nic.ipv4().stream().map(IpAddress::toString).collect(Collectors.toSet()),
                    nic.ipv6().stream().map(IpAddress::toString).collect(Collectors.toSet()));
        }
    }

    static Map<String, NicView> networkView(Facts facts) {
        Map<String, NicView> view = new TreeMap<>();
        facts.interfaces().forEach(nic -> view.put(nic.name(), NicView.of(nic)));
        return view;
    }
}
