package dev.rigger.modules.system;

import dev.rigger.core.module.Args;
import dev.rigger.core.module.Change;
import dev.rigger.core.module.Module;
import dev.rigger.core.module.ModuleContext;
import dev.rigger.core.module.ModuleException;
import dev.rigger.core.module.ModuleType;
import dev.rigger.core.module.Plan;
import dev.rigger.core.module.Probe;
import dev.rigger.core.module.ModuleArgumentException;
import dev.rigger.core.transport.ExecResult;
import dev.rigger.core.transport.ShellQuote;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A local group.
 *
 * <p>Parameters (Ansible's {@code group}):
 * <ul>
 *   <li>{@code name} — the group (required).</li>
 *   <li>{@code gid} — its numeric id; an existing group with another id gets this one ({@code groupmod -g}).</li>
 *   <li>{@code state} — {@code present} (default) or {@code absent}.</li>
 *   <li>{@code system} — create it as a system group (id from the system range); ignored for an existing group.</li>
 * </ul>
 * The probe is one {@code getent group}.
 *
 * <pre>{@code
 * - name: the haproxy admins group
 *   group:
 *     name: lbadmin
 *     gid: 1500
 * }</pre>
 *
 * <pre>{@code
 * LocalGroup.present("lbadmin").gid(1500).build()
 * }</pre>
 */
public record LocalGroup(String name, Integer gid, boolean present, boolean system) implements Module<LocalGroup.GroupState> {

    public LocalGroup {
        Accounts.requireName("group", "name", "group", name);
        if (gid != null && gid < 0) throw new ModuleArgumentException("group", "gid", "must not be negative, got " + gid);
    }

    /** A group that must exist, with whatever id the system gives it. */
    public static Builder present(String name) {
        return new Builder(name, true);
    }

    /** A group that must not exist. */
    public static Builder absent(String name) {
        return new Builder(name, false);
    }

    /** Optional parameters of a group task; {@link #build()} checks them all. */
    public static final class Builder {
        private final String name;
        private final boolean present;
        private Integer gid;
        private boolean system;

        private Builder(String name, boolean present) {
            this.name = name;
            this.present = present;
        }

        public Builder gid(Integer value) { this.gid = value; return this; }
        /** Created as a system group (an id from the system range). */
        public Builder system(boolean value) { this.system = value; return this; }

        /** @throws ModuleArgumentException naming the parameter that cannot work */
        public LocalGroup build() {
            return new LocalGroup(name, gid, present, system);
        }
    }

    @Override
    public String moduleName() {
        return "group";
    }

    @Override
    public Probe<GroupState> probe(ModuleContext context) {
        return Probe.of("getent group -- " + ShellQuote.quote(name) + " || [ $? -eq 2 ]\n", GroupState::parse);
    }

    @Override
    public Plan plan(GroupState current, ModuleContext context) {
        String quoted = ShellQuote.quote(name);
        if (!present) {
            if (current.gid().isEmpty()) return Plan.noChange();
            return Plan.apply(Change.of("remove group " + name), "groupdel -- " + quoted + "\n");
        }
        if (current.gid().isEmpty()) {
            StringBuilder cmd = new StringBuilder("groupadd");
            if (system) cmd.append(" -r");
            if (gid != null) cmd.append(" -g ").append(gid);
            String summary = "create group " + name + (gid != null ? " (gid " + gid + ")" : system ? " (system)" : "");
            return Plan.apply(Change.of(summary), cmd.append(" -- ").append(quoted).append('\n').toString());
        }
        if (gid != null && current.gid().get().intValue() != gid) {
            return Plan.apply(Change.of("set gid of group " + name + ": " + current.gid().get() + " → " + gid),
                    "groupmod -g " + gid + " -- " + quoted + "\n");
        }
        return Plan.noChange();
    }

    /** The group's id, empty when the group does not exist. */
    public record GroupState(Optional<Integer> gid) {
        static GroupState parse(ExecResult r) {
            if (!r.succeeded()) throw new ModuleException("getent group failed (exit " + r.exitCode() + "): " + r.stderr().strip());
            String line = r.stdout().strip();
            if (line.isEmpty()) return new GroupState(Optional.empty());
            String[] fields = line.split(":", -1);
            if (fields.length < 3) throw new ModuleException("unexpected getent group output: " + line);
            try {
                return new GroupState(Optional.of(Integer.parseInt(fields[2])));
            } catch (NumberFormatException e) {
                throw new ModuleException("unexpected getent group output: " + line);
            }
        }
    }

    /** YAML binding: {@code group}. */
    public static final class Type implements ModuleType {
        private static final Set<String> PARAMETERS = Set.of("name", "gid", "state", "system");

        @Override
        public List<String> names() {
            return List.of("group");
        }

        @Override
        public Set<String> parameters() {
            return PARAMETERS;
        }

        @Override
        public Set<String> required() {
            return Set.of("name");
        }

        @Override
        public Module<?> create(Args args) {
            args.requireKnown(PARAMETERS);
            String name = args.string("name");
            boolean present = args.choice("state", List.of("present", "absent"), "present").equals("present");
            try {
                return new LocalGroup(name, args.optionalInt("gid").orElse(null), present, args.bool("system", false));
            } catch (IllegalArgumentException e) {
                throw args.error(e, "name");
            }
        }
    }
}
