package dev.rigger.core.inventory;

import dev.rigger.core.error.InputException;
import dev.rigger.core.error.SourceLocation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Hosts, groups and their variables; immutable once built. Read one from Ansible-format files with
 * {@link InventoryLoader}, or build one in code:
 *
 * <pre>{@code
 * Inventory inv = Inventory.builder()
 *     .host("pg1", Map.of("ansible_host", "10.0.0.11"))
 *     .host("pg2", Map.of("ansible_host", "10.0.0.12"))
 *     .group("postgres", Map.of("pg_version", 15), "pg1", "pg2")
 *     .build();
 * }</pre>
 *
 * <p>As in Ansible, {@code localhost} (also {@code 127.0.0.1}, {@code ::1}) exists implicitly when
 * the inventory does not declare it: it is in no group, not even {@code all}, connects locally and
 * sees the variables of {@code all} and its own host_vars.
 */
public final class Inventory {
    public static final String ALL = "all";
    public static final String UNGROUPED = "ungrouped";
    /** Names Ansible treats as the implicit local host. */
    public static final Set<String> LOCALHOST_NAMES = Set.of("localhost", "127.0.0.1", "::1");
    /** Ansible's variable that orders sibling groups when their variables are merged. */
    static final String GROUP_PRIORITY = "ansible_group_priority";

    private static final SourceLocation IN_CODE = SourceLocation.unknown("inventory");

    private final Map<String, Host> hosts;
    private final Map<String, Group> groups;
    private final Map<String, Host> implicitLocalhosts;
    private final Map<String, List<String>> members;
    private final Map<String, List<String>> groupsByHost;

    private Inventory(Map<String, Host> hosts, Map<String, Group> groups, Map<String, Host> implicitLocalhosts,
                      Map<String, Integer> priorities) {
        this.hosts = Collections.unmodifiableMap(new LinkedHashMap<>(hosts));
        this.groups = Collections.unmodifiableMap(new LinkedHashMap<>(groups));
        this.implicitLocalhosts = Map.copyOf(implicitLocalhosts);
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (String g : groups.keySet()) m.put(g, List.copyOf(collectMembers(g, new HashMap<>())));
        this.members = Collections.unmodifiableMap(m);
        Map<String, List<String>> byHost = new HashMap<>();
        for (String g : orderGroups(priorities)) {
            for (String h : members.get(g)) byHost.computeIfAbsent(h, k -> new ArrayList<>()).add(g);
        }
        byHost.replaceAll((h, gs) -> List.copyOf(gs));
        this.groupsByHost = byHost;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** All declared hosts, in the order they were first declared. */
    public List<Host> hosts() {
        return List.copyOf(hosts.values());
    }

    /** A declared host; the implicit localhost is not one (see {@link #isImplicitLocalhost}). */
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

    /** True for {@code localhost}, {@code 127.0.0.1} and {@code ::1} when the inventory does not declare them. */
    public boolean isImplicitLocalhost(String name) {
        return LOCALHOST_NAMES.contains(name) && !hosts.containsKey(name);
    }

    /** Every host in the group or, recursively, its children; in declaration order. Empty for an unknown group. */
    public List<String> hostsOf(String groupName) {
        return members.getOrDefault(groupName, List.of());
    }

    /** Groups the host belongs to, directly or through a child group: {@code all} first, parents before children. */
    public List<String> groupsOf(String hostName) {
        return groupsByHost.getOrDefault(hostName, List.of());
    }

    /** Group name → member host names, for templates' {@code groups} variable. */
    public Map<String, List<String>> groupMembers() {
        return members;
    }

    /**
     * The host's variables merged as Ansible merges inventory variables, each layer overriding the
     * one before: group variables from inventory files ({@code all}, then parents before children,
     * siblings by {@code ansible_group_priority} then name), then group_vars files in the same
     * order, then the host's own variables (inline, then host_vars files).
     */
    public Map<String, Object> varsOf(String hostName) {
        Map<String, Object> merged = new LinkedHashMap<>();
        for (Layer layer : layersOf(hostName)) merged.putAll(layer.vars());
        return Collections.unmodifiableMap(merged);
    }

    /** Where the value {@link #varsOf} gives for {@code varName} was set, when known. */
    public Optional<SourceLocation> originOf(String hostName, String varName) {
        List<Layer> layers = layersOf(hostName);
        for (int i = layers.size() - 1; i >= 0; i--) {
            Layer layer = layers.get(i);
            if (layer.vars().containsKey(varName)) return Optional.ofNullable(layer.origins().get(varName));
        }
        return Optional.empty();
    }

    /**
     * This inventory with {@code host} a member of {@code group}, which is made a child of each of
     * {@code parents}; missing groups are made: the change Ansible's {@code group_by} makes for the
     * rest of a run. A host that was ungrouped is no longer. The same inventory when nothing changes.
     *
     * @throws IllegalArgumentException when the inventory has no such host
     * @throws InputException when a parent is the group itself or below it (a cycle)
     */
    public Inventory withGroupMember(String host, String group, List<String> parents, SourceLocation at) {
        if (!hosts.containsKey(host) && !isImplicitLocalhost(host)) throw new IllegalArgumentException("no host '" + host + "' in inventory");
        if (group.equals(ALL)) return this; // every host is in it
        Group existing = groups.get(group);
        boolean known = existing != null && existing.hosts().contains(host)
                && parents.stream().allMatch(p -> groups.containsKey(p) && groups.get(p).children().contains(group));
        if (known) return this;
        Builder b = toBuilder();
        if (isImplicitLocalhost(host)) {
            // Declared now, it keeps connecting locally, as it did while implicit.
            Host local = implicitLocalhosts.getOrDefault(host, implicitLocalhost(host, Map.of(), Map.of()));
            local.vars().forEach((k, v) -> b.hostVar(host, k, v, local.varOrigins().getOrDefault(k, at)));
        }
        b.addHost(group, host, at);
        for (String parent : parents) b.addChild(parent, group, at);
        return b.build();
    }

    /** A builder holding this inventory as it is, for a changed copy. */
    private Builder toBuilder() {
        Builder b = new Builder();
        hosts.values().forEach(h -> b.hosts.put(h.name(), MutableHost.copyOf(h)));
        implicitLocalhosts.values().forEach(h -> b.implicitLocalhosts.put(h.name(), MutableHost.copyOf(h)));
        groups.values().forEach(g -> {
            MutableGroup m = new MutableGroup(g.name(), g.declaredAt());
            m.hosts.addAll(g.hosts());
            m.children.addAll(g.children());
            m.vars.putAll(g.vars());
            m.fileVars.putAll(g.fileVars());
            m.origins.putAll(g.varOrigins());
            b.groups.put(g.name(), m);
        });
        return b;
    }

    private record Layer(Map<String, Object> vars, Map<String, SourceLocation> origins) {}

    private List<Layer> layersOf(String hostName) {
        Host host = hosts.get(hostName);
        List<String> hostGroups;
        if (host != null) {
            hostGroups = groupsOf(hostName);
        } else if (isImplicitLocalhost(hostName)) {
            host = implicitLocalhosts.getOrDefault(hostName, implicitLocalhost(hostName, Map.of(), Map.of()));
            hostGroups = List.of(ALL);
        } else {
            throw new IllegalArgumentException("no host '" + hostName + "' in inventory");
        }
        List<Layer> layers = new ArrayList<>();
        for (String g : hostGroups) layers.add(new Layer(groups.get(g).vars(), groups.get(g).varOrigins()));
        for (String g : hostGroups) layers.add(new Layer(groups.get(g).fileVars(), groups.get(g).varOrigins()));
        layers.add(new Layer(host.vars(), host.varOrigins()));
        return layers;
    }

    private static Host implicitLocalhost(String name, Map<String, Object> fileVars, Map<String, SourceLocation> origins) {
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("ansible_connection", "local");
        vars.putAll(fileVars);
        return new Host(name, vars, origins, SourceLocation.unknown("implicit " + name));
    }

    private Set<String> collectMembers(String groupName, Map<String, Set<String>> memo) {
        Set<String> done = memo.get(groupName);
        if (done != null) return done;
        Group g = groups.get(groupName);
        Set<String> found = new LinkedHashSet<>(g.name().equals(ALL) ? hosts.keySet() : g.hosts());
        for (String child : g.children()) found.addAll(collectMembers(child, memo));
        // Report members in inventory declaration order, whatever the group structure.
        Set<String> ordered = new LinkedHashSet<>();
        for (String h : hosts.keySet()) {
            if (found.contains(h)) ordered.add(h);
        }
        memo.put(groupName, ordered);
        return ordered;
    }

    /** Ansible's sort_groups: by depth below {@code all} (longest path), then priority, then name. */
    private List<String> orderGroups(Map<String, Integer> priorities) {
        Map<String, Integer> depth = new HashMap<>();
        assignDepth(ALL, 0, depth);
        List<String> names = new ArrayList<>(groups.keySet());
        names.sort(Comparator.<String>comparingInt(g -> depth.getOrDefault(g, 1))
                .thenComparingInt(g -> priorities.getOrDefault(g, 1))
                .thenComparing(Comparator.naturalOrder()));
        return List.copyOf(names);
    }

    private void assignDepth(String group, int d, Map<String, Integer> depth) {
        Integer known = depth.get(group);
        if (known != null && known >= d) return;
        depth.put(group, d);
        for (String child : groups.get(group).children()) assignDepth(child, d + 1, depth);
    }

    /**
     * Builds an inventory in code or from loaders. Hosts not put in any group land in
     * {@code ungrouped}; every group that is no other group's child is a child of {@code all}.
     * Methods that take a {@link SourceLocation} record it for error messages and
     * {@link Inventory#originOf}.
     */
    public static final class Builder {
        private final Map<String, MutableHost> hosts = new LinkedHashMap<>();
        private final Map<String, MutableGroup> groups = new LinkedHashMap<>();
        private final Map<String, MutableHost> implicitLocalhosts = new LinkedHashMap<>();

        private Builder() {
            groups.put(ALL, new MutableGroup(ALL, IN_CODE));
            groups.put(UNGROUPED, new MutableGroup(UNGROUPED, IN_CODE));
        }

        /** Declares a host with variables; declaring it again merges the variables. */
        public Builder host(String name, Map<String, Object> vars) {
            return host(name, vars, IN_CODE);
        }

        public Builder host(String name, Map<String, Object> vars, SourceLocation at) {
            host(name, at);
            vars.forEach((k, v) -> hostVar(name, k, v, at));
            return this;
        }

        /** Declares a host; the first declaration's location is kept. */
        public Builder host(String name, SourceLocation at) {
            hosts.computeIfAbsent(name, n -> new MutableHost(n, at));
            return this;
        }

        public Builder hostVar(String host, String var, Object value, SourceLocation at) {
            host(host, at);
            hosts.get(host).set(var, value, at);
            return this;
        }

        /** Declares a group with variables and direct member hosts. */
        public Builder group(String name, Map<String, Object> vars, String... members) {
            return group(name, vars, IN_CODE, members);
        }

        public Builder group(String name, Map<String, Object> vars, SourceLocation at, String... members) {
            group(name, at);
            vars.forEach((k, v) -> groupVar(name, k, v, at));
            for (String m : members) addHost(name, m, at);
            return this;
        }

        /** Declares a group; the first declaration's location is kept. */
        public Builder group(String name, SourceLocation at) {
            MutableGroup g = groups.computeIfAbsent(name, n -> new MutableGroup(n, at));
            if (g.at == IN_CODE) g.at = at; // 'all' and 'ungrouped' exist before any file declares them
            return this;
        }

        /** A group variable written in an inventory file (or in code). */
        public Builder groupVar(String group, String var, Object value, SourceLocation at) {
            group(group, at);
            MutableGroup g = groups.get(group);
            g.vars.put(var, value);
            g.origins.put(var, at);
            return this;
        }

        /** A group variable from a {@code group_vars/} file, which outranks every inventory-file group variable. */
        public Builder groupFileVar(String group, String var, Object value, SourceLocation at) {
            group(group, at);
            MutableGroup g = groups.get(group);
            g.fileVars.put(var, value);
            g.origins.put(var, at);
            return this;
        }

        /** A host_vars variable for {@code localhost} (or 127.0.0.1, ::1) while the inventory does not declare it. */
        public Builder implicitLocalhostVar(String name, String var, Object value, SourceLocation at) {
            if (!LOCALHOST_NAMES.contains(name)) throw new IllegalArgumentException(name + " is not a localhost name");
            implicitLocalhosts.computeIfAbsent(name, n -> new MutableHost(n, at)).set(var, value, at);
            return this;
        }

        public Builder addHost(String group, String host) {
            return addHost(group, host, IN_CODE);
        }

        public Builder addHost(String group, String host, SourceLocation at) {
            host(host, at);
            group(group, at);
            groups.get(group).hosts.add(host);
            return this;
        }

        public Builder addChild(String parent, String child) {
            return addChild(parent, child, IN_CODE);
        }

        /**
         * Makes {@code child} a child group of {@code parent}.
         *
         * @throws InputException at {@code at} when that would make a cycle, as Ansible refuses too
         */
        public Builder addChild(String parent, String child, SourceLocation at) {
            if (child.equals(ALL)) throw new InputException(at, "group 'all' cannot be a child of group '" + parent + "'");
            group(parent, at);
            group(child, at);
            List<String> path = pathBetween(child, parent);
            if (path != null) {
                throw new InputException(at, "circular children: group '" + child + "' cannot be a child of '" + parent
                        + "' (" + String.join(" -> ", path) + " -> " + child + ")");
            }
            groups.get(parent).children.add(child);
            return this;
        }

        /** The groups from {@code from} down to {@code to} through children, or null when there is no such path. */
        private List<String> pathBetween(String from, String to) {
            if (from.equals(to)) return new ArrayList<>(List.of(from));
            for (String c : groups.get(from).children) {
                List<String> rest = pathBetween(c, to);
                if (rest != null) {
                    rest.add(0, from);
                    return rest;
                }
            }
            return null;
        }

        public boolean hasHost(String name) {
            return hosts.containsKey(name);
        }

        public boolean hasGroup(String name) {
            return groups.containsKey(name);
        }

        public Set<String> hostNames() {
            return Collections.unmodifiableSet(hosts.keySet());
        }

        public Set<String> groupNames() {
            return Collections.unmodifiableSet(groups.keySet());
        }

        public Inventory build() {
            Map<String, Integer> priorities = new HashMap<>();
            Set<String> inNamedGroup = new LinkedHashSet<>();
            Set<String> childGroups = new LinkedHashSet<>();
            for (MutableGroup g : groups.values()) {
                if (!g.name.equals(ALL) && !g.name.equals(UNGROUPED)) inNamedGroup.addAll(g.hosts);
                childGroups.addAll(g.children);
                if (g.vars.containsKey(GROUP_PRIORITY)) priorities.put(g.name, priority(g));
            }
            Map<String, Group> built = new LinkedHashMap<>();
            for (MutableGroup g : groups.values()) {
                Set<String> members = new LinkedHashSet<>(g.hosts);
                Set<String> children = new LinkedHashSet<>(g.children);
                if (g.name.equals(UNGROUPED)) {
                    // As Ansible's reconcile step: a host in no named group is ungrouped, even when
                    // listed under 'all'; a host in a named group is not, even when listed here.
                    for (String h : hosts.keySet()) {
                        if (!inNamedGroup.contains(h)) members.add(h);
                    }
                    members.removeAll(inNamedGroup);
                } else if (g.name.equals(ALL)) {
                    for (String other : groups.keySet()) {
                        if (!other.equals(ALL) && !childGroups.contains(other)) children.add(other);
                    }
                }
                built.put(g.name, new Group(g.name, List.copyOf(members), List.copyOf(children), g.vars, g.fileVars,
                        g.origins, g.at));
            }
            Map<String, Host> builtHosts = new LinkedHashMap<>();
            hosts.forEach((name, h) -> builtHosts.put(name, h.toHost()));
            Map<String, Host> localhosts = new HashMap<>();
            implicitLocalhosts.forEach((name, h) -> localhosts.put(name, implicitLocalhost(name, h.vars, h.origins)));
            return new Inventory(builtHosts, built, localhosts, priorities);
        }

        private static int priority(MutableGroup g) {
            Object value = g.vars.get(GROUP_PRIORITY);
            if (value instanceof Integer i) return i;
            if (value instanceof String s && s.strip().matches("[-+]?\\d{1,9}")) return Integer.parseInt(s.strip());
            throw new InputException(g.origins.getOrDefault(GROUP_PRIORITY, g.at),
                    GROUP_PRIORITY + " of group '" + g.name + "' must be an integer, got '" + value + "'");
        }
    }

    private static final class MutableHost {
        final String name;
        final SourceLocation at;
        final Map<String, Object> vars = new LinkedHashMap<>();
        final Map<String, SourceLocation> origins = new HashMap<>();

        MutableHost(String name, SourceLocation at) {
            this.name = name;
            this.at = at;
        }

        static MutableHost copyOf(Host h) {
            MutableHost m = new MutableHost(h.name(), h.declaredAt());
            m.vars.putAll(h.vars());
            m.origins.putAll(h.varOrigins());
            return m;
        }

        void set(String var, Object value, SourceLocation where) {
            vars.put(var, value);
            origins.put(var, where);
        }

        Host toHost() {
            return new Host(name, vars, origins, at);
        }
    }

    private static final class MutableGroup {
        final String name;
        SourceLocation at;
        final Set<String> hosts = new LinkedHashSet<>();
        final Set<String> children = new LinkedHashSet<>();
        final Map<String, Object> vars = new LinkedHashMap<>();
        final Map<String, Object> fileVars = new LinkedHashMap<>();
        final Map<String, SourceLocation> origins = new HashMap<>();

        MutableGroup(String name, SourceLocation at) {
            this.name = name;
            this.at = at;
        }
    }
}
