package dev.rigger.core.loader;

import dev.rigger.core.error.InputException;
import dev.rigger.core.internal.text.NearNames;
import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.executor.Attributes;
import dev.rigger.core.executor.Block;
import dev.rigger.core.executor.DynamicInclude;
import dev.rigger.core.executor.FlushHandlers;
import dev.rigger.core.executor.LoopSource;
import dev.rigger.core.executor.ModuleFactory;
import dev.rigger.core.executor.Task;
import dev.rigger.core.executor.TaskNode;
import dev.rigger.core.expr.Lookups;
import dev.rigger.core.module.Module;
import dev.rigger.core.module.ModuleRegistry;
import dev.rigger.core.render.ScalarPositions;
import dev.rigger.core.render.TemplatedLoop;
import dev.rigger.core.render.TemplatedString;
import dev.rigger.core.render.TemplatedText;
import dev.rigger.core.render.ValueTemplate;
import dev.rigger.core.internal.yaml.YamlMapping;
import dev.rigger.core.internal.yaml.YamlNode;
import dev.rigger.core.internal.yaml.YamlScalar;
import dev.rigger.core.internal.yaml.YamlSequence;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Turns task lists (a play's sections, a role's task files, included files) into the executor's
 * nodes: tasks, {@code block}s, static imports ({@code import_tasks}, {@code import_role}), dynamic
 * includes ({@code include_tasks}, {@code include_role}) and {@code meta: flush_handlers}.
 */
final class TaskListLoader {
    private static final Set<String> TASK_KEYWORDS = with(Keywords.INHERITED, "name", "register", "loop", "with_items",
            "loop_control", "notify", "listen", "retries", "delay", "until", "run_once", "delegate_to", "changed_when",
            "failed_when", "args", "throttle", "async", "poll", "module_defaults");
    private static final Set<String> BLOCK_KEYS = with(Keywords.INHERITED, "name", "block", "rescue", "always", "module_defaults");
    private static final Set<String> IMPORT_KEYS = with(Keywords.INHERITED, "name", "module_defaults");
    private static final Set<String> INCLUDE_KEYS = with(Keywords.INHERITED, "name", "loop", "with_items", "loop_control", "module_defaults");
    private static final Set<String> ROLE_ARGS = Keywords.sorted(List.of("name", "tasks_from", "vars"));
    /** Ansible task keywords Rigger does not implement: refused, never silently ignored. */
    private static final Map<String, String> UNSUPPORTED = unsupported();

    private final ModuleRegistry modules;
    private final RoleLoader roles;

    TaskListLoader(ModuleRegistry modules, RoleLoader roles) {
        this.modules = modules;
        this.roles = roles;
    }

    /** The tasks of a file; an empty file has none. */
    List<TaskNode> file(Folder.SourceText source, Scope scope) {
        return Folder.parse(source).map(doc -> list(doc, scope)).orElse(List.of());
    }

    List<TaskNode> list(YamlNode node, Scope scope) {
        if (!(node instanceof YamlSequence sequence)) {
            throw new InputException(node.location(), "expected a list of tasks ('- name: ...'), got " + node.describe());
        }
        List<TaskNode> out = new ArrayList<>();
        for (YamlNode item : sequence) out.add(entry(item.asMapping(), scope));
        return out;
    }

    /** Handlers are plain tasks; their names and {@code listen} topics are what {@code notify} may name. */
    List<Task> handlers(YamlNode node, Scope scope) {
        List<Task> out = new ArrayList<>();
        for (YamlNode item : node.asSequence()) {
            YamlMapping m = item.asMapping();
            if (!(entry(m, scope) instanceof Task handler)) {
                throw new InputException(m.location(), "a handler must be a single task, not a block, import or include");
            }
            scope.symbols().handlers.add(handler.name());
            scope.symbols().handlers.addAll(handler.listen());
            out.add(handler);
        }
        return out;
    }

    private TaskNode entry(YamlMapping written, Scope outer) {
        YamlMapping m = LegacyTaskForms.normalize(written);
        Scope scope = outer.withModuleDefaults(m);
        if (m.has("block")) return block(m, scope);
        if (m.has("import_tasks")) return importTasks(m, scope);
        if (m.has("include_tasks")) return includeTasks(m, scope);
        if (m.has("import_role")) return role(m, "import_role", scope);
        if (m.has("include_role")) return role(m, "include_role", scope);
        if (m.has("meta")) return meta(m);
        return task(m, scope);
    }

    private Block block(YamlMapping m, Scope scope) {
        m.requireKnownKeys(BLOCK_KEYS, "block");
        Attributes attributes = Keywords.attributes(m, scope.symbols());
        List<TaskNode> tasks = list(m.require("block"), scope);
        List<TaskNode> rescue = m.optional("rescue").map(n -> list(n, scope)).orElse(List.of());
        List<TaskNode> always = m.optional("always").map(n -> list(n, scope)).orElse(List.of());
        return new Block(m.optionalString("name").orElse("block"), m.location(), attributes, tasks, rescue, always);
    }

    private Task task(YamlMapping m, Scope scope) {
        String moduleKey = moduleKey(m);
        ModuleFactory module = ModuleFactory.of(ModuleBinding.read(moduleKey, modules.find(moduleKey).orElseThrow(), m, scope));
        Symbols symbols = scope.symbols();
        Attributes attributes = Keywords.attributes(m, symbols);
        Optional<String> indexVar = indexVar(m, symbols);
        // index_var is the loop position the executor already gives as ansible_loop.index0, under the name asked for.
        if (indexVar.isPresent()) attributes = attributes.withVars(Map.of(indexVar.get(), "{{ ansible_loop.index0 }}"));
        Task.Builder task = Task.named(m.optionalString("name").orElse(moduleKey))
                .location(m.location())
                .module(module)
                .attributes(attributes);
        m.optional("register").ifPresent(n -> {
            String name = Keywords.identifier(m, "register", "register name");
            symbols.variables.add(name);
            task.register(name);
        });
        LoopSource loop = loop(m, symbols);
        if (loop != null) task.loop(loop);
        loopVar(m, loop != null, symbols).ifPresent(task::loopVar);
        m.optional("notify").ifPresent(n -> {
            for (YamlNode item : n instanceof YamlSequence s ? s.items() : List.of(n)) {
                String handler = Keywords.strings(item).get(0);
                // Ansible's "role : handler" names the role's handler; the executor knows handlers by their own name.
                if (handler.contains(" : ")) handler = handler.substring(handler.indexOf(" : ") + 3);
                // A templated handler name is only known per host; the preflight cannot check it.
                if (!TemplatedString.isTemplated(handler)) symbols.notifications.add(new Symbols.Notification(handler, item.location()));
                task.notify(handler);
            }
        });
        m.optional("listen").ifPresent(n -> task.listen(Keywords.strings(n).toArray(String[]::new)));
        m.optionalInt("retries").ifPresent(task::retries);
        m.optionalInt("delay").ifPresent(seconds -> task.delay(Duration.ofSeconds(seconds)));
        m.optional("until").ifPresent(n -> task.until(Keywords.allOf(Keywords.conditions(n, symbols))));
        m.optionalBool("run_once").ifPresent(task::runOnce);
        m.optional("delegate_to").ifPresent(n -> task.delegateTo(delegateTo(n, symbols)));
        m.optional("changed_when").ifPresent(n -> task.changedWhen(Keywords.allOf(Keywords.conditions(n, symbols))));
        m.optional("failed_when").ifPresent(n -> task.failedWhen(Keywords.allOf(Keywords.conditions(n, symbols))));
        m.optional("async").ifPresent(n -> task.async(async(m)));
        m.optional("throttle").ifPresent(n -> {
            int limit = m.requireInt("throttle");
            if (limit < 0) throw new InputException(n.location(), "throttle must be 0 (no limit) or more hosts, got " + limit);
            task.throttle(limit);
        });
        return task.build();
    }

    /**
     * The one key of a task that is not a keyword: its module. A key close to a keyword is a
     * misspelt keyword; any other unknown key is an unknown module.
     */
    private String moduleKey(YamlMapping m) {
        List<String> known = new ArrayList<>();
        for (YamlMapping.Entry e : m.entries()) {
            String key = e.key();
            if (TASK_KEYWORDS.contains(key)) continue;
            if (UNSUPPORTED.containsKey(key)) throw new InputException(e.keyLocation(), UNSUPPORTED.get(key));
            if (key.startsWith("with_")) {
                String lookup = key.substring("with_".length());
                if (Lookups.exists(lookup)) continue;
                throw new InputException(e.keyLocation(), "unknown loop lookup '" + key + "'",
                        NearNames.closest(key, Lookups.loopNames().stream().map(n -> "with_" + n).toList()).orElse(null));
            }
            if (modules.knows(key)) {
                known.add(key);
                continue;
            }
            Optional<String> keyword = NearNames.closest(key, TASK_KEYWORDS);
            if (keyword.isPresent()) throw new InputException(e.keyLocation(), "unknown key '" + key + "' in task", keyword.get());
            if (m.entries().stream().anyMatch(other -> modules.knows(other.key()))) {
                throw new InputException(e.keyLocation(), "unknown key '" + key + "' in task");
            }
            String family = unsupportedFamily(key);
            if (family != null) throw new InputException(e.keyLocation(), "module '" + key + "' " + family);
            throw new InputException(e.keyLocation(), "unknown module '" + key + "'", modules.nearest(key).orElse(null));
        }
        if (known.isEmpty()) throw new InputException(m.location(), "task has no module (a key naming the module to run, such as 'command:')");
        if (known.size() > 1) {
            throw new InputException(m.keyLocation(known.get(1)).orElseThrow(),
                    "task names two modules, '" + known.get(0) + "' and '" + known.get(1) + "'; a task runs exactly one");
        }
        return known.get(0);
    }

    /**
     * {@code loop:}, or {@code with_<lookup>:} (Ansible's older loops: {@code with_items} flattens one
     * level, {@code with_dict} gives key/value items, {@code with_nested} every combination...; see
     * {@link Lookups}).
     */
    private static LoopSource loop(YamlMapping m, Symbols symbols) {
        List<String> keywords = m.keys().stream().filter(k -> k.equals("loop") || k.startsWith("with_") && Lookups.exists(k.substring(5))).toList();
        if (keywords.size() > 1) {
            throw new InputException(m.keyLocation(keywords.get(1)).orElseThrow(), "use either " + keywords.get(0) + " or " + keywords.get(1) + ", not both");
        }
        if (keywords.isEmpty()) return null;
        String keyword = keywords.get(0);
        YamlNode node = m.require(keyword);
        boolean expression = node instanceof YamlScalar s && s.value() instanceof String text && TemplatedString.isTemplated(text);
        String lookup = keyword.equals("loop") ? null : keyword.substring("with_".length());
        // A lookup may take one term as it is: with_sequence: start=1 end=4, with_fileglob: files/*.conf.
        boolean single = lookup != null && node instanceof YamlScalar;
        if (!(node instanceof YamlSequence) && !expression && !single) {
            throw new InputException(node.location(), "'" + keyword + "' needs a list or a '{{ }}' expression giving one, got " + node.describe());
        }
        ValueTemplate items = ValueTemplate.compile(node);
        items.collect(symbols.expressions);
        return LoopSource.of(new TemplatedLoop(items, lookup, keyword, node.location()));
    }

    /** {@code loop_control: {index_var: i}}: the name under which a task sees the loop position (from 0). */
    private static Optional<String> indexVar(YamlMapping m, Symbols symbols) {
        Optional<YamlMapping> control = m.optionalMapping("loop_control");
        if (control.isEmpty() || !control.get().has("index_var")) return Optional.empty();
        String name = Keywords.identifier(control.get(), "index_var", "index_var");
        symbols.variables.add(name);
        return Optional.of(name);
    }

    /**
     * {@code loop_control: {loop_var: x}}; {@code label} and {@code extended} only change what Ansible
     * shows and sets (Rigger always sets {@code ansible_loop}), so they are accepted.
     */
    private static Optional<String> loopVar(YamlMapping m, boolean hasLoop, Symbols symbols) {
        Optional<YamlMapping> control = m.optionalMapping("loop_control");
        if (control.isEmpty()) return Optional.empty();
        if (!hasLoop) throw new InputException(m.keyLocation("loop_control").orElseThrow(), "loop_control without a loop");
        control.get().requireKnownKeys(List.of("loop_var", "label", "index_var", "extended", "extended_allitems", "pause"), "loop_control");
        control.get().optional("pause").ifPresent(n -> {
            throw new InputException(n.location(), "loop_control pause is not supported: Rigger runs loop items back to back");
        });
        if (!control.get().has("loop_var")) return Optional.empty();
        String name = Keywords.identifier(control.get(), "loop_var", "loop_var");
        symbols.variables.add(name);
        return Optional.of(name);
    }

    /**
     * {@code async: N} (seconds; 0 means no async, as in Ansible) with {@code poll} (seconds between
     * checks, default 15 as Ansible's; 0 starts a background job). Rigger waits for a polled job on
     * its open connection rather than checking every {@code poll} seconds: the outcome is the same.
     */
    private static Task.Async async(YamlMapping m) {
        int seconds = m.requireInt("async");
        int poll = m.optionalInt("poll").orElse(15);
        if (seconds < 0) throw new InputException(m.require("async").location(), "async must be 0 or more seconds, got " + seconds);
        if (poll < 0) throw new InputException(m.require("poll").location(), "poll must be 0 or more seconds, got " + poll);
        return seconds == 0 ? null : new Task.Async(seconds, poll);
    }

    private static Function<Map<String, Object>, String> delegateTo(YamlNode node, Symbols symbols) {
        YamlScalar scalar = node.asScalar();
        ValueTemplate host = ValueTemplate.text(scalar.text(), i -> ScalarPositions.of(scalar, i));
        host.collect(symbols.expressions);
        return new TemplatedText(host, scalar.location());
    }

    private static FlushHandlers meta(YamlMapping m) {
        m.requireKnownKeys(List.of("meta", "name"), "meta task");
        YamlScalar action = m.require("meta").asScalar();
        if (!action.text().equals("flush_handlers")) {
            throw new InputException(action.location(), "meta: '" + action.text() + "' is not supported (only flush_handlers)");
        }
        return new FlushHandlers(m.location());
    }

    private Block importTasks(YamlMapping m, Scope scope) {
        m.requireKnownKeys(with(IMPORT_KEYS, "import_tasks"), "import_tasks");
        YamlScalar file = m.require("import_tasks").asScalar();
        if (TemplatedString.isTemplated(file.text())) {
            throw new InputException(file.location(), "import_tasks needs a literal file name; use include_tasks for a templated one");
        }
        Attributes attributes = Keywords.attributes(m, scope.symbols());
        return new Block(m.optionalString("name").orElse("import_tasks: " + file.text()), m.location(), attributes,
                taskFile(file.text(), file.location(), "import_tasks", scope), List.of(), List.of());
    }

    private DynamicInclude includeTasks(YamlMapping m, Scope scope) {
        m.requireKnownKeys(with(INCLUDE_KEYS, "include_tasks"), "include_tasks");
        m.optionalMapping("loop_control").filter(c -> c.has("index_var")).ifPresent(c -> {
            throw new InputException(c.keyLocation("index_var").orElseThrow(), "index_var is supported on tasks, not on include_tasks; use ansible_loop.index0");
        });
        YamlNode spec = m.require("include_tasks");
        YamlScalar file;
        if (spec instanceof YamlMapping options) {
            options.requireKnownKeys(List.of("file"), "include_tasks");
            file = options.require("file").asScalar();
        } else {
            file = spec.asScalar();
        }
        Attributes attributes = Keywords.attributes(m, scope.symbols());
        LoopSource loop = loop(m, scope.symbols());
        String loopVar = loopVar(m, loop != null, scope.symbols()).orElse("item");
        String name = m.optionalString("name").orElse("include_tasks: " + file.text());
        Function<Map<String, Object>, List<TaskNode>> resolver;
        if (TemplatedString.isTemplated(file.text())) {
            ValueTemplate fileName = ValueTemplate.text(file.text(), i -> ScalarPositions.of(file, i));
            fileName.collect(scope.symbols().expressions);
            TemplatedText fileNameText = new TemplatedText(fileName, file.location());
            scope.symbols().opaque = true;
            resolver = vars -> atRunTime("include_tasks", file.location(), () -> {
                String rendered = fileNameText.apply(vars);
                return taskFile(rendered, file.location(), "include_tasks", runTimeScope(scope));
            });
        } else {
            // A literal file is loaded now: a missing or broken file is a load-time error.
            List<TaskNode> tasks = taskFile(file.text(), file.location(), "include_tasks", scope);
            resolver = vars -> tasks;
        }
        return new DynamicInclude(name, m.location(), attributes, loop, loopVar, resolver);
    }

    /** Loads a task file named relatively: next to the current file, in the role's tasks/, next to the playbook. */
    private List<TaskNode> taskFile(String name, SourceLocation at, String keyword, Scope scope) {
        for (Folder folder : scope.taskFileFolders()) {
            Optional<Folder.SourceText> source = folder.read(name);
            if (source.isEmpty()) continue;
            String origin = source.get().origin();
            if (scope.files().contains(origin)) {
                List<String> chain = new ArrayList<>(scope.files().subList(scope.files().indexOf(origin), scope.files().size()));
                chain.add(origin);
                throw new InputException(at, keyword + " loop: " + String.join(" -> ", chain));
            }
            int slash = name.lastIndexOf('/');
            Folder parent = slash < 0 ? folder : folder.resolve(name.substring(0, slash));
            return file(source.get(), scope.inFile(origin, parent));
        }
        throw new InputException(at, keyword + ": file '" + name + "' not found; " + Folder.lookedFor(scope.taskFileFolders(), name));
    }

    private TaskNode role(YamlMapping m, String keyword, Scope scope) {
        boolean dynamic = keyword.equals("include_role");
        m.requireKnownKeys(with(dynamic ? INCLUDE_KEYS : IMPORT_KEYS, keyword), keyword);
        YamlMapping spec = m.requireMapping(keyword);
        spec.requireKnownKeys(ROLE_ARGS, keyword);
        YamlScalar name = spec.require("name").asScalar();
        String tasksFrom = spec.optionalString("tasks_from").orElse(null);
        Attributes attributes = Keywords.attributes(m, scope.symbols());
        if (spec.has("vars")) attributes = attributes.withVars(Keywords.vars(spec.require("vars"), scope.symbols()));
        String title = m.optionalString("name").orElse(keyword + ": " + name.text());
        if (!dynamic) {
            if (TemplatedString.isTemplated(name.text())) {
                throw new InputException(name.location(), "import_role needs a literal role name; use include_role for a templated one");
            }
            List<TaskNode> nodes = roles.expand(roles.load(name.text(), tasksFrom, name.location(), scope), Attributes.NONE, name.location(), scope.unit());
            return new Block(title, m.location(), attributes, nodes, List.of(), List.of());
        }
        LoopSource loop = loop(m, scope.symbols());
        String loopVar = loopVar(m, loop != null, scope.symbols()).orElse("item");
        Function<Map<String, Object>, List<TaskNode>> resolver;
        if (TemplatedString.isTemplated(name.text())) {
            ValueTemplate roleName = ValueTemplate.text(name.text(), i -> ScalarPositions.of(name, i));
            roleName.collect(scope.symbols().expressions);
            TemplatedText roleNameText = new TemplatedText(roleName, name.location());
            scope.symbols().opaque = true;
            resolver = vars -> atRunTime(keyword, name.location(), () -> {
                String rendered = roleNameText.apply(vars);
                Scope runTime = runTimeScope(scope);
                return roles.expand(roles.load(rendered, tasksFrom, name.location(), runTime), Attributes.NONE, name.location(), runTime.unit());
            });
        } else {
            List<TaskNode> nodes = roles.expand(roles.load(name.text(), tasksFrom, name.location(), scope), Attributes.NONE, name.location(), scope.unit());
            resolver = vars -> nodes;
        }
        return new DynamicInclude(title, m.location(), attributes, loop, loopVar, resolver);
    }

    /** Files loaded while the play runs collect into a unit of their own: the preflight is long over. */
    private static Scope runTimeScope(Scope scope) {
        return scope.withUnit(new Unit());
    }

    /**
     * Runs a run-time load; a bad file then fails the host with the file's error (as a task that
     * fails), instead of aborting the whole run.
     */
    private static List<TaskNode> atRunTime(String keyword, SourceLocation at, Supplier<List<TaskNode>> load) {
        try {
            return load.get();
        } catch (InputException e) {
            ModuleFactory failing = new ModuleFactory() {
                @Override
                public Module<?> create(Map<String, Object> vars) {
                    throw e;
                }

                @Override
                public String moduleName() {
                    return keyword;
                }
            };
            return List.of(Task.named(keyword).location(at).module(failing).build());
        }
    }

    /** Why a well-known Ansible module (of another OS family or collection, or add_host) is not here, or null. */
    private static String unsupportedFamily(String key) {
        String name = key.substring(key.lastIndexOf('.') + 1);
        if (Set.of("yum", "dnf", "yum_repository", "rpm_key", "zypper", "zypper_repository", "pacman", "apk", "pkgng", "portage",
                "homebrew", "openbsd_pkg", "swupd", "snap", "dnf5").contains(name)) {
            return "manages another OS family's packages, which Rigger does not support: it manages Debian hosts (use apt or package)";
        }
        if (name.startsWith("win_")) return "is a Windows module; Rigger manages Debian hosts over ssh";
        if (name.equals("add_host")) {
            return "is not supported: Rigger adds no hosts during a run (put the hosts in the inventory; group_by makes"
                    + " groups of inventory hosts, or pick hosts with a pattern such as 'web:&dc1' or with when:)";
        }
        boolean known = key.startsWith("ansible.") || key.startsWith("community.general.") || key.startsWith("rigger.");
        if (key.indexOf('.') > 0 && !known) {
            return "comes from the collection " + key.substring(0, key.lastIndexOf('.')) + ", which Rigger does not support (cloud, network and database collections stay out)";
        }
        return null;
    }

    private static Set<String> with(Set<String> base, String... more) {
        List<String> out = new ArrayList<>(base);
        out.addAll(List.of(more));
        return Keywords.sorted(out);
    }

    private static Map<String, String> unsupported() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : List.of("connection", "delegate_facts", "diff", "any_errors_fatal", "debugger",
                "collections", "timeout", "remote_user", "become_flags", "vars_files")) {
            out.put(key, "'" + key + "' is not supported on tasks by Rigger");
        }
        return Map.copyOf(out);
    }
}
