package dev.rigger.core.loader;

import dev.rigger.core.error.InputException;
import dev.rigger.core.internal.text.NearNames;
import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.executor.Attributes;
import dev.rigger.core.executor.Block;
import dev.rigger.core.executor.Role;
import dev.rigger.core.executor.Task;
import dev.rigger.core.executor.TaskNode;
import dev.rigger.core.module.ModuleRegistry;
import dev.rigger.core.internal.yaml.YamlMapping;
import dev.rigger.core.internal.yaml.YamlNode;
import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Loads roles in Ansible's layout — {@code tasks/main.yml}, {@code handlers/main.yml},
 * {@code defaults/main.yml}, {@code vars/main.yml}, {@code meta/main.yml} ({@code dependencies:}),
 * with {@code templates/} and {@code files/} read by the modules at run time; {@code .yml} or
 * {@code .yaml}. A role is looked up in {@code roles/} next to the playbook, then in the
 * configured roles paths, then on the classpath under {@code roles/NAME/} (roles packaged in a
 * jar). Each role is loaded once per loader.
 */
final class RoleLoader {
    private static final List<String> ROLE_FILES = List.of("tasks/main", "handlers/main", "defaults/main", "vars/main", "meta/main");

    private final LoaderOptions options;
    private final TaskListLoader tasks;
    /** By role, task file and the module_defaults it was loaded under (YAML nodes compare by identity). */
    private final Map<List<Object>, LoadedRole> loaded = new HashMap<>();

    RoleLoader(ModuleRegistry modules, LoaderOptions options) {
        this.options = options;
        this.tasks = new TaskListLoader(modules, this);
    }

    TaskListLoader tasks() {
        return tasks;
    }

    /**
     * The role {@code name}, with the tasks of {@code tasks/TASKS_FROM.yml} (main when null).
     * Synchronized because includes of templated role names load roles while hosts run.
     *
     * @param at   where the role is named, for errors
     * @param from the scope naming it: its playbook decides where {@code roles/} is, its chain of
     *             roles being loaded reveals dependency loops
     */
    synchronized LoadedRole load(String name, String tasksFrom, SourceLocation at, Scope from) {
        if (from.roles().contains(name)) {
            List<String> chain = new ArrayList<>(from.roles().subList(from.roles().indexOf(name), from.roles().size()));
            chain.add(name);
            throw new InputException(at, "circular role dependency: " + String.join(" -> ", chain));
        }
        Folder folder = find(name, from.playbook(), at);
        String taskFile = tasksFrom == null ? "main" : tasksFrom.replaceFirst("\\.ya?ml$", "");
        // The module_defaults around the role reach its tasks; they are bound at load time, so a role
        // loaded under other defaults is loaded anew.
        Map<String, YamlMapping> moduleDefaults = from.moduleDefaults();
        List<Object> key = List.of(folder.describe(taskFile), moduleDefaults);
        LoadedRole role = loaded.get(key);
        if (role != null) return role;

        List<String> chain = new ArrayList<>(from.roles());
        chain.add(name);
        Unit unit = new Unit();
        Folder taskFolder = folder.resolve("tasks");
        Scope scope = new Scope(from.playbook(), taskFolder, folder, unit, List.of(), chain, moduleDefaults);
        Map<String, Object> defaults = variables(folder, "defaults/main", unit);
        Map<String, Object> vars = variables(folder, "vars/main", unit);
        List<LoadedRole.Dependency> dependencies = dependencies(folder, scope);

        Optional<Folder.SourceText> taskSource = taskFolder.readYaml(taskFile);
        if (taskSource.isEmpty() && tasksFrom != null) {
            throw new InputException(at, "role '" + name + "' has no tasks/" + taskFile + ".yml");
        }
        List<TaskNode> taskList = taskSource.map(s -> tasks.file(s, scope.inFile(s.origin(), taskFolder))).orElse(List.of());
        List<Task> handlers = folder.readYaml("handlers/main").flatMap(Folder::parse)
                .map(node -> tasks.handlers(node, scope)).orElse(List.of());
        Role built = Role.named(name).dir(folder.path()).defaults(defaults).vars(vars)
                .tasks(taskList).handlers(handlers).handlers(unit.roleHandlers).build();
        for (LoadedRole.Dependency d : dependencies) unit.symbols.roles.add(d.role().unit().symbols);
        role = new LoadedRole(built, folder, taskFile, dependencies, unit);
        loaded.put(key, role);
        return role;
    }

    /**
     * The nodes that run a role named in {@code roles:} or {@code dependencies:}: as in Ansible,
     * a role with the same parameters runs once per unit (play or role), so this gives nothing
     * the second time.
     *
     * @param extra what the reference adds: parameters as vars, tags, conditions
     */
    List<TaskNode> expandOnce(LoadedRole role, Attributes extra, SourceLocation at, Unit into) {
        if (!into.expanded.add(role.folder().describe(role.tasksFrom()) + " " + extra.vars())) return List.of();
        return expand(role, extra, at, into);
    }

    /**
     * The nodes that run a role, also for {@code import_role}/{@code include_role}, which run it
     * even when {@code roles:} already did: its dependencies first (each once), then its tasks in
     * a block that gives them the role's defaults and vars. Its handlers join the unit's, once.
     */
    List<TaskNode> expand(LoadedRole role, Attributes extra, SourceLocation at, Unit into) {
        List<TaskNode> out = new ArrayList<>();
        for (LoadedRole.Dependency d : role.dependencies()) out.addAll(expandOnce(d.role(), d.attributes().within(extra), at, into));
        Attributes scope = extra.withRole(role.role().scope());
        out.add(new Block("role: " + role.name(), at, scope, role.role().tasks(), List.of(), List.of()));
        if (into.expanded.add("handlers of " + role.folder().describe(""))) {
            for (Task h : role.role().handlers()) into.roleHandlers.add(h.toBuilder().attributes(h.attributes().within(scope)).build());
        }
        into.symbols.roles.add(role.unit().symbols);
        return out;
    }

    private static Map<String, Object> variables(Folder folder, String file, Unit unit) {
        return folder.readYaml(file).flatMap(Folder::parse).map(node -> Keywords.vars(node, unit.symbols)).orElse(Map.of());
    }

    private List<LoadedRole.Dependency> dependencies(Folder folder, Scope scope) {
        Optional<YamlNode> meta = folder.readYaml("meta/main").flatMap(Folder::parse);
        if (meta.isEmpty()) return List.of();
        YamlMapping m = meta.get().asMapping();
        // galaxy_info is Ansible Galaxy's metadata; it does not change how a role runs.
        m.requireKnownKeys(List.of("dependencies", "galaxy_info"), "role meta");
        List<LoadedRole.Dependency> out = new ArrayList<>();
        for (YamlNode entry : m.optionalSequence("dependencies").map(s -> s.items()).orElse(List.of())) {
            RoleReference ref = RoleReference.parse(entry, scope.symbols());
            out.add(new LoadedRole.Dependency(load(ref.name(), null, ref.at(), scope), ref.attributes()));
        }
        return out;
    }

    private Folder find(String name, Folder playbook, SourceLocation at) {
        List<Folder> roots = new ArrayList<>();
        roots.add(playbook.resolve("roles"));
        for (Path p : options.rolesPaths()) roots.add(new Folder.Disk(p, options.displayRoot()));
        roots.add(new Folder.Classpath(options.classLoader(), "roles"));
        for (Folder root : roots) {
            Folder candidate = root.resolve(name);
            if (isRole(candidate)) return candidate;
        }
        Set<String> known = new TreeSet<>();
        for (Folder root : roots) known.addAll(roleNames(root));
        throw new InputException(at, "role '" + name + "' not found; " + Folder.lookedFor(roots, name),
                NearNames.closest(name, known).orElse(null));
    }

    private static boolean isRole(Folder folder) {
        if (folder.path() != null) return Files.isDirectory(folder.path());
        Folder.Classpath cp = (Folder.Classpath) folder;
        return ROLE_FILES.stream().anyMatch(f -> cp.loader().getResource(cp.prefix() + "/" + f + ".yml") != null
                || cp.loader().getResource(cp.prefix() + "/" + f + ".yaml") != null);
    }

    /** Role names under a roots folder, for "did you mean"; unreadable places just offer none. */
    private static Set<String> roleNames(Folder root) {
        Set<String> names = new TreeSet<>();
        if (root.path() != null) {
            if (!Files.isDirectory(root.path())) return names;
            try (Stream<Path> children = Files.list(root.path())) {
                children.filter(Files::isDirectory).forEach(p -> names.add(p.getFileName().toString()));
            } catch (IOException e) {
                return names;
            }
            return names;
        }
        Folder.Classpath cp = (Folder.Classpath) root;
        try {
            Enumeration<URL> urls = cp.loader().getResources(cp.prefix());
            while (urls.hasMoreElements()) {
                URL url = urls.nextElement();
                if (url.getProtocol().equals("file")) {
                    names.addAll(roleNames(new Folder.Disk(Path.of(url.toURI()), Path.of("/"))));
                } else if (url.openConnection() instanceof JarURLConnection connection) {
                    connection.setUseCaches(false);
                    try (JarFile jar = connection.getJarFile()) {
                        String prefix = cp.prefix() + "/";
                        for (JarEntry entry : Collections.list(jar.entries())) {
                            String rest = entry.getName().startsWith(prefix) ? entry.getName().substring(prefix.length()) : "";
                            if (rest.contains("/")) names.add(rest.substring(0, rest.indexOf('/')));
                        }
                    }
                }
            }
        } catch (IOException | URISyntaxException e) {
            return names;
        }
        return names;
    }
}
