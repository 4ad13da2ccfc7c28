package dev.rigger.core.loader;

import dev.rigger.core.error.InputException;
import dev.rigger.core.internal.text.NearNames;
import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.expr.Expression;
import dev.rigger.core.inventory.Group;
import dev.rigger.core.inventory.Host;
import dev.rigger.core.inventory.HostPattern;
import dev.rigger.core.inventory.Inventory;
import dev.rigger.core.expr.JinjaTemplate;
import dev.rigger.core.template.TemplateRenderer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks a loaded playbook against an inventory and extra vars before any host is contacted (this
 * is also what {@code --syntax-check} runs):
 * <ul>
 *   <li>every {@code notify} names a handler or {@code listen} topic of its play;</li>
 *   <li>every variable read by a condition, a {@code {{ }}} value or a Mustache template used by a
 *       {@code template:} task with a literal {@code src} is defined somewhere: inventory, play,
 *       role, block or task vars, parameters, {@code register}, {@code set_fact}, loop variables,
 *       extra vars, magic variables, or facts ({@code ansible_*});</li>
 *   <li>those templates exist and compile.</li>
 * </ul>
 * It is conservative: names are checked against everything defined anywhere in the playbook, a
 * name tested with {@code is defined} or given a {@code default} anywhere is never reported, and
 * when a file or role is only known at run time the variable check is skipped, so a valid playbook
 * never fails it.
 */
public final class Preflight {
    /** What the executor and template engine define for every task (see Variables and TaskExecution). */
    static final Set<String> MAGIC = Set.of("inventory_hostname", "inventory_hostname_short", "group_names", "groups",
            "hostvars", "play_hosts", "playbook_dir", "role_name", "role_path", "item", "group_hosts", "omit");

    private Preflight() {}

    /** Every problem found, in playbook order; empty when the playbook may run. */
    public static List<InputException> check(LoadedPlaybook playbook, Inventory inventory, Map<String, ?> extraVars) {
        Map<String, InputException> problems = new LinkedHashMap<>();
        Set<Symbols> all = new LinkedHashSet<>();
        for (Symbols play : playbook.plays()) {
            Set<Symbols> units = play.withRoles();
            all.addAll(units);
            checkNotifications(units, problems);
            checkConnectionKeywords(play, inventory, problems);
            for (Symbols.Prompt prompt : play.prompts) {
                if (!extraVars.containsKey(prompt.name())) {
                    add(problems, new InputException(prompt.at(), "vars_prompt '" + prompt.name() + "': Rigger does not prompt; pass the value with -e "
                            + prompt.name() + "=..."));
                }
            }
        }
        List<Folder.SourceText> templates = compiledTemplates(all, problems);
        if (all.stream().noneMatch(s -> s.opaque)) {
            checkVariables(all, templates, defined(all, inventory, extraVars), problems);
        }
        return List.copyOf(problems.values());
    }

    private static void checkNotifications(Set<Symbols> play, Map<String, InputException> problems) {
        if (play.stream().anyMatch(s -> s.opaque)) return; // an include only known at run time may bring handlers
        Set<String> handlers = new LinkedHashSet<>();
        play.forEach(s -> handlers.addAll(s.handlers));
        for (Symbols s : play) {
            for (Symbols.Notification n : s.notifications) {
                if (handlers.contains(n.handler())) continue;
                add(problems, new InputException(n.at(), "notify: no handler or listen topic named '" + n.handler() + "'",
                        NearNames.closest(n.handler(), handlers).orElse(null)));
            }
        }
    }

    /**
     * A play's {@code connection}, {@code remote_user} and {@code port} apply in Ansible to the hosts
     * whose inventory does not set the matching variable. Rigger connects as the inventory says, so
     * the keyword means the same only when it asks for what Rigger does anyway; otherwise the hosts
     * that would differ are named, with the inventory variable to set.
     */
    private static void checkConnectionKeywords(Symbols play, Inventory inventory, Map<String, InputException> problems) {
        for (Symbols.ConnectionKeyword k : play.connectionKeywords) {
            List<String> differing = new ArrayList<>();
            for (String host : HostPattern.parse(k.hosts(), k.at()).select(inventory).hosts()) {
                Map<String, Object> vars = inventory.isImplicitLocalhost(host) ? Map.of("ansible_connection", "local") : inventory.varsOf(host);
                boolean local = "local".equals(String.valueOf(vars.get("ansible_connection")).replace("ansible.builtin.", ""));
                boolean same = switch (k.keyword()) {
                    case "connection" -> vars.containsKey("ansible_connection") || !k.value().endsWith("local");
                    case "remote_user" -> local || vars.containsKey("ansible_user") || vars.containsKey("ansible_ssh_user");
                    default -> local || vars.containsKey("ansible_port") || vars.containsKey("ansible_ssh_port") || k.value().equals("22");
                };
                if (!same) differing.add(host);
            }
            if (differing.isEmpty()) continue;
            String variable = switch (k.keyword()) {
                case "connection" -> "ansible_connection=local";
                case "remote_user" -> "ansible_user=" + k.value();
                default -> "ansible_port=" + k.value();
            };
            add(problems, new InputException(k.at(), k.keyword() + ": " + k.value() + " would apply to " + String.join(", ", differing)
                    + ", whose inventory sets no " + variable.substring(0, variable.indexOf('=')) + "; Rigger connects as the inventory says: set "
                    + variable + " for them"));
        }
    }

    private static Set<String> defined(Set<Symbols> all, Inventory inventory, Map<String, ?> extraVars) {
        Set<String> names = new TreeSet<>(MAGIC); // sorted: suggestions must not depend on hash order
        names.addAll(extraVars.keySet());
        for (Host host : inventory.hosts()) names.addAll(host.vars().keySet());
        for (Group group : inventory.groups().values()) {
            names.addAll(group.vars().keySet());
            names.addAll(group.fileVars().keySet());
        }
        all.forEach(s -> names.addAll(s.variables));
        return names;
    }

    private static void checkVariables(Set<Symbols> all, List<Folder.SourceText> templates, Set<String> defined,
                                       Map<String, InputException> problems) {
        List<Expression.VariableUse> uses = new ArrayList<>();
        for (Symbols s : all) {
            for (Expression e : s.expressions) uses.addAll(e.variables());
        }
        Set<String> guarded = new LinkedHashSet<>();
        uses.stream().filter(Expression.VariableUse::guarded).forEach(u -> guarded.add(u.name()));
        for (Expression.VariableUse use : uses) {
            if (!isDefined(use.name(), defined, guarded)) add(problems, undefined(use.name(), use.location(), defined));
        }
        for (Folder.SourceText template : templates) {
            if (TemplateRenderer.isJinja(template.origin())) {
                List<Expression.VariableUse> jinjaUses = new ArrayList<>();
                for (Expression e : JinjaTemplate.compile(template.origin(), template.text()).expressions()) jinjaUses.addAll(e.variables());
                jinjaUses.stream().filter(Expression.VariableUse::guarded).forEach(u -> guarded.add(u.name()));
                for (Expression.VariableUse use : jinjaUses) {
                    if (!isDefined(use.name(), defined, guarded)) add(problems, undefined(use.name(), use.location(), defined));
                }
                continue;
            }
            for (MustacheNames.Use use : MustacheNames.topLevel(template.text(), template.origin())) {
                if (!isDefined(use.name(), defined, guarded)) add(problems, undefined(use.name(), use.location(), defined));
            }
        }
    }

    /** The templates used with a literal src that exist and compile; the others are problems. */
    private static List<Folder.SourceText> compiledTemplates(Set<Symbols> all, Map<String, InputException> problems) {
        TemplateRenderer renderer = new TemplateRenderer();
        List<Folder.SourceText> out = new ArrayList<>();
        for (Symbols s : all) {
            for (Symbols.TemplateUse t : s.templates) {
                Optional<Folder.SourceText> source = find(t);
                if (source.isEmpty()) {
                    add(problems, new InputException(t.at(), "template '" + t.src() + "' not found; " + Folder.lookedFor(t.searched(), t.src())));
                    continue;
                }
                try {
                    if (TemplateRenderer.isJinja(source.get().origin())) renderer.jinja(source.get().origin(), source.get().text());
                    else renderer.compile(source.get().origin(), source.get().text());
                    out.add(source.get());
                } catch (InputException e) {
                    add(problems, e);
                }
            }
        }
        return out;
    }

    /** Facts are only known once gathered, so any {@code ansible_*} name may be one. */
    private static boolean isDefined(String name, Set<String> defined, Set<String> guarded) {
        return defined.contains(name) || guarded.contains(name) || name.startsWith("ansible_");
    }

    private static InputException undefined(String name, SourceLocation at, Set<String> defined) {
        return new InputException(at, "undefined variable '" + name + "'", NearNames.closest(name, defined).orElse(null));
    }

    private static Optional<Folder.SourceText> find(Symbols.TemplateUse t) {
        for (Folder folder : t.searched()) {
            Optional<Folder.SourceText> source = folder.read(t.src());
            if (source.isPresent()) return source;
        }
        return Optional.empty();
    }

    /** A role used by several plays is checked once; the same problem is reported once. */
    private static void add(Map<String, InputException> problems, InputException e) {
        problems.putIfAbsent(e.oneLine(), e);
    }
}
