package dev.rigger.core.executor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The order a play takes its hosts in ({@code order:}): it decides which hosts make up each
 * {@code serial} batch and which host a {@code run_once} task runs on, as in Ansible.
 */
public enum HostOrder {
    INVENTORY, REVERSE_INVENTORY, SORTED, REVERSE_SORTED, SHUFFLE;

    /** Ansible's name of the order ({@code reverse_sorted}). */
    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The hosts, given in inventory order, in this order. */
    public List<String> apply(List<String> hosts) {
        List<String> out = new ArrayList<>(hosts);
        switch (this) {
            case INVENTORY -> { }
            case REVERSE_INVENTORY -> Collections.reverse(out);
            case SORTED -> Collections.sort(out);
            case REVERSE_SORTED -> out.sort(Collections.reverseOrder());
            case SHUFFLE -> Collections.shuffle(out);
        }
        return List.copyOf(out);
    }
}
