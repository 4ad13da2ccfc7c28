package dev.rigger.core.executor;

import java.util.LinkedHashMap;
import java.util.Map;

/** Per-host counters at the end of a run, as ansible-playbook's PLAY RECAP. */
public record PlayRecap(Map<String, Counts> hosts) {

    public record Counts(int ok, int changed, int unreachable, int failed, int skipped, int rescued, int ignored) {}

    public PlayRecap {
        hosts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(hosts));
    }

    public Counts of(String host) {
        Counts c = hosts.get(host);
        if (c == null) throw new IllegalArgumentException("no host '" + host + "' in the recap; hosts: " + hosts.keySet());
        return c;
    }

    public int totalChanged() {
        return hosts.values().stream().mapToInt(Counts::changed).sum();
    }

    public int totalFailed() {
        return hosts.values().stream().mapToInt(Counts::failed).sum();
    }

    public int totalUnreachable() {
        return hosts.values().stream().mapToInt(Counts::unreachable).sum();
    }

    /** 0 all fine, 4 a host was unreachable, else 2 a task failed — ansible-playbook's order. */
    public int exitCode() {
        if (totalUnreachable() > 0) return 4;
        if (totalFailed() > 0) return 2;
        return 0;
    }
}
