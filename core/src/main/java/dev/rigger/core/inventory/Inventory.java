package dev.rigger.core.inventory;

import dev.rigger.core.error.SourceLocation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Hosts, groups and their variables; immutable once built. Read one from Ansible-format files with
 * {@code InventoryLoader}, or build one in code:
 *
 * <pre>{@code
 * Inventory inv = Inventory.builder()
 *     .host("pg1", Map.of("ansible_host", "10.0.0.11"))
 *     .host("pg2", Map.of("ansible_host", "10.0.0.12"))
 *     .group("postgres", Map.of("pg_version", 15), "pg1", "pg2")
 *     .build();
 * }</pre>
 */
public final class Inventory {
    public static final String ALL = "all";
    public static final String UNGROUPED = "ungrouped";

    private final Map<String, Host> hosts;
    private final Map<String, Group> groups;

    private Inventory(Map<String, Host> hosts, Map<String, Group> groups) {
        this.hosts = Collections.unmodifiableMap(new LinkedHashMap<>(hosts));
        this.groups = Collections.unmodifiableMap(new LinkedHashMap<>(groups));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** All hosts, in the order they were first declared. */
    public List<Host> hosts() {
        return List.copyOf(hosts.values());
    }

    public Optional<Host> host(String name) {
        return Optional.ofNullable(hosts.get(name));
    }

    /** All groups by name, including {@code all} and {@code ungrouped}. */
    public Map<String, Group> groups() {
        return groups;
    }

    public Optional<Group> group(String name) {
        return Optional.ofNullable(groups.get(name));
    }

    /** Every host in the group or, recursively, its children; in declaration order. */
    public List<String> hostsOf(String groupName) {
        Set<String> out = new LinkedHashSet<>();
        collect(groupName, out, new LinkedHashSet<>());
        List<String> ordered = new ArrayList<>();
        for (String h : hosts.keySet()) {
            if (out.contains(h)) ordered.add(h);
        }
        return ordered;
    }

    private void collect(String groupName, Set<String> out, Set<String> seen) {
        if (!seen.add(groupName)) return;
        Group g = groups.get(groupName);
        if (g == null) return;
        if (g.name().equals(ALL)) out.addAll(hosts.keySet());
        out.addAll(g.hosts());
        for (String child : g.children()) collect(child, out, seen);
    }

    /** Groups the host belongs to, directly or through a child group, {@code all} first. */
    public List<String> groupsOf(String hostName) {
        List<String> out = new ArrayList<>();
        for (String g : groupsByDepth()) {
            if (hostsOf(g).contains(hostName)) out.add(g);
        }
        return out;
    }

    /** Group name → member host names, for templates' {@code groups} variable. */
    public Map<String, List<String>> groupMembers() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String g : groups.keySet()) out.put(g, hostsOf(g));
        return out;
    }

    /**
     * The host's variables merged as Ansible merges them: {@code all}, then each group from parent
     * to child (siblings at the same depth in name order), then the host's own variables.
     */
    public Map<String, Object> varsOf(String hostName) {
        Host host = hosts.get(hostName);
        if (host == null) throw new IllegalArgumentException("no host '" + hostName + "' in inventory");
        Map<String, Object> merged = new LinkedHashMap<>();
        for (String g : groupsOf(hostName)) merged.putAll(groups.get(g).vars());
        merged.putAll(host.vars());
        return merged;
    }

    /** Group names ordered by depth below {@code all}, then by name, so children override parents. */
    private List<String> groupsByDepth() {
        Map<String, Integer> depth = new LinkedHashMap<>();
        depth.put(ALL, 0);
        boolean grew = true;
        while (grew) {
            grew = false;
            for (Group g : groups.values()) {
                Integer d = depth.get(g.name());
                if (d == null) continue;
                for (String child : g.children()) {
                    Integer cd = depth.get(child);
                    if (groups.containsKey(child) && (cd == null || cd < d + 1) && d + 1 <= groups.size()) {
                        depth.put(child, d + 1);
                        grew = true;
                    }
                }
            }
        }
        for (String g : groups.keySet()) depth.putIfAbsent(g, 1);
        List<String> names = new ArrayList<>(depth.keySet());
        names.sort((a, b) -> depth.get(a).equals(depth.get(b)) ? a.compareTo(b) : depth.get(a) - depth.get(b));
        return names;
    }

    /**
     * Builds an inventory in code. Hosts not put in any group land in {@code ungrouped}; every
     * group is a child of {@code all}.
     */
    public static final class Builder {
        private final Map<String, Host> hosts = new LinkedHashMap<>();
        private final Map<String, MutableGroup> groups = new LinkedHashMap<>();

        private Builder() {
            groups.put(ALL, new MutableGroup(ALL, SourceLocation.unknown("inventory")));
            groups.put(UNGROUPED, new MutableGroup(UNGROUPED, SourceLocation.unknown("inventory")));
        }

        public Builder host(String name, Map<String, Object> vars) {
            return host(name, vars, SourceLocation.unknown("inventory"));
        }

        public Builder host(String name, Map<String, Object> vars, SourceLocation at) {
            Host existing = hosts.get(name);
            Map<String, Object> merged = new LinkedHashMap<>();
            if (existing != null) merged.putAll(existing.vars());
            merged.putAll(vars);
            hosts.put(name, new Host(name, merged, existing != null ? existing.declaredAt() : at));
            return this;
        }

        public Builder group(String name, Map<String, Object> vars, String... members) {
            return group(name, vars, SourceLocation.unknown("inventory"), members);
        }

        public Builder group(String name, Map<String, Object> vars, SourceLocation at, String... members) {
            MutableGroup g = groups.computeIfAbsent(name, n -> new MutableGroup(n, at));
            g.vars.putAll(vars);
            for (String m : members) addHost(name, m);
            return this;
        }

        public Builder addHost(String group, String host) {
            hosts.computeIfAbsent(host, h -> new Host(h, Map.of(), SourceLocation.unknown("inventory")));
            groups.computeIfAbsent(group, n -> new MutableGroup(n, SourceLocation.unknown("inventory"))).hosts.add(host);
            return this;
        }

        public Builder addChild(String parent, String child) {
            groups.computeIfAbsent(parent, n -> new MutableGroup(n, SourceLocation.unknown("inventory"))).children.add(child);
            groups.computeIfAbsent(child, n -> new MutableGroup(n, SourceLocation.unknown("inventory")));
            return this;
        }

        public boolean hasHost(String name) {
            return hosts.containsKey(name);
        }

        public boolean hasGroup(String name) {
            return groups.containsKey(name);
        }

        public Inventory build() {
            Set<String> grouped = new LinkedHashSet<>();
            Set<String> childGroups = new LinkedHashSet<>();
            for (MutableGroup g : groups.values()) {
                if (!g.name.equals(ALL) && !g.name.equals(UNGROUPED)) grouped.addAll(g.hosts);
                childGroups.addAll(g.children);
            }
            MutableGroup ungrouped = groups.get(UNGROUPED);
            for (String h : hosts.keySet()) {
                if (!grouped.contains(h) && !groups.get(ALL).hosts.contains(h)) ungrouped.hosts.add(h);
            }
            MutableGroup all = groups.get(ALL);
            for (String g : groups.keySet()) {
                if (!g.equals(ALL) && !childGroups.contains(g)) all.children.add(g);
            }
            Map<String, Group> built = new LinkedHashMap<>();
            for (MutableGroup g : groups.values()) {
                built.put(g.name, new Group(g.name, List.copyOf(g.hosts), List.copyOf(g.children), g.vars, g.at));
            }
            return new Inventory(hosts, built);
        }
    }

    private static final class MutableGroup {
        final String name;
        final SourceLocation at;
        final Set<String> hosts = new LinkedHashSet<>();
        final Set<String> children = new LinkedHashSet<>();
        final Map<String, Object> vars = new LinkedHashMap<>();

        MutableGroup(String name, SourceLocation at) {
            this.name = name;
            this.at = at;
        }
    }
}
