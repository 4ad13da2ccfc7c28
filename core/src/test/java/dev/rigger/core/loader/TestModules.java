package dev.rigger.core.loader;

import dev.rigger.core.module.Args;
import dev.rigger.core.module.Change;
import dev.rigger.core.module.Module;
import dev.rigger.core.module.ModuleContext;
import dev.rigger.core.module.ModuleType;
import dev.rigger.core.module.Plan;
import dev.rigger.core.module.Probe;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Small module types for the loader's tests, registered in this module's test
 * META-INF/services. They bind their arguments with the same {@link Args} checks real modules use;
 * the module they make reports its bound arguments as the registered {@code args} and needs no
 * exec, except {@link Touch}, which changes the host with one exec.
 */
public final class TestModules {
    private TestModules() {}

    /** Reports what it was bound with; no exec. */
    record Bound(String moduleName, Map<String, Object> args) implements Module<Boolean> {
        @Override public Probe<Boolean> probe(ModuleContext context) { return Probe.none(true); }
        @Override public Plan plan(Boolean state, ModuleContext context) { return Plan.noChange(Map.of("args", args)); }
    }

    /** Always changes the host: one apply exec. */
    record Touch(String path) implements Module<Boolean> {
        @Override public String moduleName() { return "touch"; }
        @Override public Probe<Boolean> probe(ModuleContext context) { return Probe.none(false); }
        @Override public Plan plan(Boolean state, ModuleContext context) { return Plan.apply(Change.of("touch " + path), "touch " + path); }
    }

    private static Map<String, Object> raw(Args args) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String name : args.names()) out.put(name, args.raw(name));
        return out;
    }

    public static final class Apt implements ModuleType {
        @Override public List<String> names() { return List.of("apt"); }
        @Override public Set<String> parameters() { return Set.of("name", "state", "update_cache"); }
        @Override public Set<String> required() { return Set.of("name"); }

        @Override
        public Module<?> create(Args args) {
            args.requireKnown(parameters());
            return new Bound("apt", Map.of("name", args.stringList("name"),
                    "state", args.choice("state", List.of("present", "absent", "latest"), "present"),
                    "update_cache", args.bool("update_cache", false)));
        }
    }

    public static final class Copy implements ModuleType {
        @Override public List<String> names() { return List.of("copy"); }
        @Override public Set<String> parameters() { return Set.of("dest", "content", "src", "mode", "owner"); }
        @Override public Set<String> required() { return Set.of("dest"); }

        @Override
        public Module<?> create(Args args) {
            args.requireKnown(parameters());
            Map<String, Object> bound = raw(args);
            bound.put("dest", args.string("dest"));
            args.mode("mode").ifPresent(m -> bound.put("mode", m.text()));
            return new Bound("copy", bound);
        }
    }

    public static final class Command implements ModuleType {
        @Override public List<String> names() { return List.of("command"); }
        @Override public Set<String> parameters() { return Set.of("cmd", "chdir", "creates"); }
        @Override public Set<String> required() { return Set.of("cmd"); }
        @Override public String freeForm() { return "cmd"; }

        @Override
        public Module<?> create(Args args) {
            args.requireKnown(parameters());
            args.string("cmd");
            return new Bound("command", raw(args));
        }
    }

    /** Renders its Mustache source through the run's template engine and reports the text; no exec. */
    record Rendered(String src) implements Module<Boolean> {
        @Override public String moduleName() { return "template"; }
        @Override public Probe<Boolean> probe(ModuleContext context) { return Probe.none(true); }

        @Override
        public Plan plan(Boolean state, ModuleContext context) {
            String text = new String(context.readLocalFile(src, "templates"), java.nio.charset.StandardCharsets.UTF_8);
            return Plan.noChange(Map.of("content", context.renderTemplate(src, text).content()));
        }
    }

    public static final class Template implements ModuleType {
        @Override public List<String> names() { return List.of("template"); }
        @Override public Set<String> parameters() { return Set.of("src", "dest", "mode"); }
        @Override public Set<String> required() { return Set.of("src", "dest"); }

        @Override
        public Module<?> create(Args args) {
            args.requireKnown(parameters());
            args.mode("mode");
            return new Rendered(args.string("src"));
        }
    }

    /** Reports its arguments exactly as rendered, types kept. */
    public static final class Echo implements ModuleType {
        @Override public List<String> names() { return List.of("echo"); }
        @Override public Set<String> parameters() { return Set.of("msg", "value"); }

        @Override
        public Module<?> create(Args args) {
            args.requireKnown(parameters());
            return new Bound("echo", raw(args));
        }
    }

    /** Like the built-in set_fact: its arguments become host variables through ansible_facts. */
    public static final class SetFact implements ModuleType {
        @Override public List<String> names() { return List.of("set_fact"); }
        @Override public Set<String> parameters() { return Set.of(); }
        @Override public boolean openParameters() { return true; }

        @Override
        public Module<?> create(Args args) {
            Map<String, Object> facts = raw(args);
            return new Module<Boolean>() {
                @Override public String moduleName() { return "set_fact"; }
                @Override public Probe<Boolean> probe(ModuleContext context) { return Probe.none(true); }
                @Override public Plan plan(Boolean state, ModuleContext context) { return Plan.noChange(Map.of("ansible_facts", facts)); }
            };
        }
    }

    /** group_by as the modules' one returns it: the group, for the executor to put the host in. */
    public static final class GroupBy implements ModuleType {
        @Override public List<String> names() { return List.of("group_by"); }
        @Override public Set<String> parameters() { return Set.of("key", "parents"); }
        @Override public Set<String> required() { return Set.of("key"); }

        @Override
        public Module<?> create(Args args) {
            args.requireKnown(parameters());
            Map<String, Object> result = Map.of("add_group", args.string("key"),
                    "parent_groups", args.has("parents") ? args.stringList("parents") : List.of("all"));
            return new Module<Boolean>() {
                @Override public String moduleName() { return "group_by"; }
                @Override public Probe<Boolean> probe(ModuleContext context) { return Probe.none(true); }
                @Override public Plan plan(Boolean state, ModuleContext context) { return Plan.noChange(result); }
            };
        }
    }

    public static final class TouchType implements ModuleType {
        @Override public List<String> names() { return List.of("touch"); }
        @Override public Set<String> parameters() { return Set.of("path"); }
        @Override public Set<String> required() { return Set.of("path"); }

        @Override
        public Module<?> create(Args args) {
            args.requireKnown(parameters());
            return new Touch(args.string("path"));
        }
    }

    public static final class Service implements ModuleType {
        @Override public List<String> names() { return List.of("service"); }
        @Override public Set<String> parameters() { return Set.of("name", "state", "enabled"); }
        @Override public Set<String> required() { return Set.of("name"); }

        @Override
        public Module<?> create(Args args) {
            args.requireKnown(parameters());
            return new Bound("service", Map.of("name", args.string("name"),
                    "state", args.choice("state", List.of("started", "stopped", "restarted", "reloaded"), "started"),
                    "enabled", args.bool("enabled", true)));
        }
    }
}
