package dev.rigger.core.executor;

import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.inventory.Inventory;
import dev.rigger.core.render.ModuleTemplate;
import dev.rigger.core.render.TemplatedString;
import dev.rigger.core.secret.PasswordVariables;
import dev.rigger.core.secret.SecretMask;
import java.util.AbstractMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds the variables a task sees on a host. Precedence, lowest first (docs/playbooks.md, variable precedence):
 * <ol>
 *   <li>role defaults</li>
 *   <li>inventory: group_vars of {@code all}, then parent → child groups, then host_vars</li>
 *   <li>facts ({@code ansible_*})</li>
 *   <li>play vars (including vars_files)</li>
 *   <li>role vars</li>
 *   <li>block vars, then task vars (and include/role parameters)</li>
 *   <li>registered results and set facts</li>
 *   <li>extra vars ({@code -e})</li>
 * </ol>
 * plus the magic variables {@code inventory_hostname}, {@code group_names}, {@code groups},
 * {@code hostvars}, {@code group_hosts}, {@code ansible_play_hosts}, {@code ansible_check_mode},
 * {@code role_name}.
 */
final class Variables {
    private final Map<String, HostState> hosts;
    private final Map<String, Object> extraVars;
    private final boolean checkMode;
    private final boolean diffMode;
    private final String playbookDir;
    /** The inventory as the run has it now; replaced as a whole when {@code group_by} changes it. */
    private volatile Snapshot current;
    private final SecretMask secrets = new SecretMask();
    private static final Set<String> ACROSS_HOSTS = Set.of("hostvars", "group_hosts", "groups", "group_names",
            "ansible_play_hosts", "ansible_play_batch", "play_hosts");

    /**
     * An inventory and what it derives per host, computed once per inventory: otherwise every task
     * on every host re-walks every group (hot with many hosts and groups).
     */
    private record Snapshot(Inventory inventory, Map<String, List<String>> groupMembers,
                            Map<String, Map<String, Object>> inventoryVars, Map<String, List<String>> groupNames) {
        Snapshot(Inventory inventory) {
            this(inventory, inventory.groupMembers(), new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
        }
    }

    Variables(Inventory inventory, Map<String, HostState> hosts, RunOptions options, String playbookDir) {
        this.current = new Snapshot(inventory);
        this.hosts = hosts;
        this.extraVars = options.extraVars();
        this.checkMode = options.checkMode();
        this.diffMode = options.diffMode();
        this.playbookDir = playbookDir;
    }

    /** The inventory as it is now: the one the run started with, plus what group_by added. */
    Inventory inventory() {
        return current.inventory();
    }

    /**
     * Puts {@code host} in {@code group} under {@code parents} for the rest of the run, as
     * Ansible's group_by: later plays' host patterns, {@code groups}, {@code group_names} and
     * {@code hostvars} see it.
     *
     * @return whether the inventory changed
     */
    synchronized boolean addToGroup(String host, String group, List<String> parents, SourceLocation at) {
        Inventory before = current.inventory();
        Inventory after = before.withGroupMember(host, group, parents, at);
        if (after == before) return false;
        current = new Snapshot(after);
        return true;
    }

    Map<String, Object> forTask(String host, Attributes attributes, Play play, List<String> playHosts) {
        Snapshot now = current;
        Map<String, Object> vars = new LinkedHashMap<>();
        RoleScope role = attributes.role();
        if (role != null) vars.putAll(role.defaults());
        vars.putAll(hostVars(now, host));
        vars.putAll(play.vars());
        if (role != null) vars.putAll(role.vars());
        vars.putAll(attributes.vars());
        HostState state = hosts.get(host);
        if (state != null) vars.putAll(state.registered);
        vars.putAll(extraVars);
        vars.put("inventory_hostname", host);
        vars.put("inventory_hostname_short", host.contains(".") ? host.substring(0, host.indexOf('.')) : host);
        vars.put("group_names", now.groupNames().computeIfAbsent(host, h -> now.inventory().groupsOf(h).stream()
                .filter(g -> !g.equals(Inventory.ALL) && !g.equals(Inventory.UNGROUPED)).toList()));
        vars.put("groups", now.groupMembers());
        vars.put("hostvars", new HostVarsView(now));
        vars.put("group_hosts", new GroupHostsView(now));
        vars.put("ansible_play_hosts", playHosts);
        vars.put("ansible_play_batch", playHosts);
        vars.put("play_hosts", playHosts);
        vars.put("ansible_check_mode", checkMode);
        vars.put("ansible_diff_mode", diffMode);
        vars.put("omit", ModuleTemplate.OMIT);
        if (playbookDir != null) vars.put("playbook_dir", playbookDir);
        if (role != null) {
            vars.put("role_name", role.name());
            if (role.dir() != null) vars.put("role_path", role.dir().toString());
        }
        passwordsAsSecrets(vars);
        recordSecrets(vars);
        return vars;
    }

    /** Every secret the run has seen, for masking its output. */
    SecretMask secrets() {
        return secrets;
    }

    /**
     * Records the secrets a task can see before it runs, so whatever it reports is masked. The
     * magic variables over every host are left out (names only, or views: what a task reads
     * through {@code hostvars} reaches its arguments, and the secrets there are recorded when the
     * module is made), so a task's cost does not grow with the inventory.
     */
    private void recordSecrets(Map<String, Object> vars) {
        vars.forEach((name, value) -> {
            if (!ACROSS_HOSTS.contains(name)) secrets.addAll(value);
        });
    }

    /** Connection passwords, whichever level set them; a templated one becomes a secret when it is rendered. */
    private static void passwordsAsSecrets(Map<String, Object> vars) {
        for (String name : PasswordVariables.NAMES) {
            Object value = vars.get(name);
            if (value != null && !(value instanceof String s && TemplatedString.isTemplated(s))) {
                vars.put(name, PasswordVariables.asSeen(name, value));
            }
        }
    }

    /** What {@code hostvars[host]} shows: inventory variables, facts, registered results. */
    Map<String, Object> hostVars(String host) {
        return hostVars(current, host);
    }

    private Map<String, Object> hostVars(Snapshot now, String host) {
        Map<String, Object> vars = new LinkedHashMap<>(now.inventoryVars().computeIfAbsent(host, h -> {
            Map<String, Object> own = new LinkedHashMap<>(now.inventory().varsOf(h));
            passwordsAsSecrets(own);
            return own;
        }));
        HostState state = hosts.get(host);
        if (state != null) {
            if (state.facts != null) vars.putAll(state.facts);
            vars.putAll(state.registered);
        }
        vars.put("inventory_hostname", host);
        return vars;
    }

    /** {@code hostvars}, computed per host when read, so every task does not copy every host. */
    private final class HostVarsView extends AbstractMap<String, Object> {
        private final Snapshot now;

        HostVarsView(Snapshot now) {
            this.now = now;
        }

        @Override
        public Object get(Object key) {
            return key instanceof String h && now.inventory().host(h).isPresent() ? hostVars(now, h) : null;
        }

        @Override
        public boolean containsKey(Object key) {
            return key instanceof String h && now.inventory().host(h).isPresent();
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            Set<Entry<String, Object>> entries = new LinkedHashSet<>();
            for (var h : now.inventory().hosts()) entries.add(new SimpleImmutableEntry<>(h.name(), hostVars(now, h.name())));
            return entries;
        }
    }

    /**
     * {@code group_hosts}: group name → its hosts, each {@code name} plus that host's
     * {@code hostvars}, as Mustache templates see it. Expressions need it too, because they cannot
     * map a list of names to {@code hostvars} entries: {@code "{{ group_hosts[backend_group] }}"}
     * hands a template the hosts of a group chosen by a variable. Computed when read.
     */
    private final class GroupHostsView extends AbstractMap<String, Object> {
        private final Snapshot now;

        GroupHostsView(Snapshot now) {
            this.now = now;
        }

        @Override
        public Object get(Object key) {
            List<String> members = key instanceof String g ? now.groupMembers().get(g) : null;
            if (members == null) return null;
            return members.stream().map(h -> {
                Map<String, Object> entry = hostVars(now, h);
                entry.put("name", h);
                return entry;
            }).toList();
        }

        @Override
        public boolean containsKey(Object key) {
            return key instanceof String g && now.groupMembers().containsKey(g);
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            Set<Entry<String, Object>> entries = new LinkedHashSet<>();
            for (String g : now.groupMembers().keySet()) entries.add(new SimpleImmutableEntry<>(g, get(g)));
            return entries;
        }
    }
}
