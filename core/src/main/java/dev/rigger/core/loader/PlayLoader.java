package dev.rigger.core.loader;

import dev.rigger.core.error.InputException;
import dev.rigger.core.internal.text.NearNames;
import dev.rigger.core.executor.Attributes;
import dev.rigger.core.executor.HostOrder;
import dev.rigger.core.executor.Play;
import dev.rigger.core.executor.Serial;
import dev.rigger.core.executor.Strategy;
import dev.rigger.core.executor.Task;
import dev.rigger.core.render.TemplatedString;
import dev.rigger.core.internal.yaml.YamlMapping;
import dev.rigger.core.internal.yaml.YamlNode;
import dev.rigger.core.internal.yaml.YamlScalar;
import dev.rigger.core.internal.yaml.YamlSequence;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Turns one play mapping into the executor's {@link Play}, with its roles expanded. */
final class PlayLoader {
    private static final Set<String> KEYS = Keywords.sorted(List.of("hosts", "name", "gather_facts", "vars", "vars_files", "roles",
            "pre_tasks", "tasks", "post_tasks", "handlers", "serial", "max_fail_percentage", "any_errors_fatal",
            "strategy", "become", "become_user", "force_handlers", "tags", "check_mode", "ignore_errors", "no_log",
            "remote_user", "connection", "port", "become_method", "vars_prompt", "order", "module_defaults", "gather_subset",
            "gather_timeout", "environment"));
    private static final Map<String, String> UNSUPPORTED = Map.of(
            "when", "plays have no 'when'; put it on a block or the tasks");
    /** Ansible's connection plugins that mean what Rigger's ssh and local connections do. */
    private static final List<String> CONNECTIONS = List.of("ssh", "smart", "paramiko", "local", "ansible.builtin.ssh", "ansible.builtin.local");
    private static final List<String> STRATEGIES = List.of("linear", "free");

    private final RoleLoader roles;

    PlayLoader(RoleLoader roles) {
        this.roles = roles;
    }

    /** @param playbook the folder of the playbook file holding the play */
    Play load(YamlMapping m, Folder playbook, Unit unit) {
        for (YamlMapping.Entry e : m.entries()) {
            if (UNSUPPORTED.containsKey(e.key())) throw new InputException(e.keyLocation(), UNSUPPORTED.get(e.key()));
        }
        m.requireKnownKeys(KEYS, "play");
        Scope scope = new Scope(playbook, playbook, null, unit, List.of(), List.of(), Map.of()).withModuleDefaults(m);
        TaskListLoader tasks = roles.tasks();
        Play.Builder play = Play.builder(hosts(m.require("hosts")))
                .location(m.location())
                .attributes(attributes(m, unit.symbols))
                .vars(vars(m, playbook, unit.symbols));
        m.optionalString("name").ifPresent(play::name);
        m.optionalBool("gather_facts").ifPresent(play::gatherFacts);
        m.optionalBool("any_errors_fatal").ifPresent(play::anyErrorsFatal);
        m.optionalBool("force_handlers").ifPresent(play::forceHandlers);
        m.optional("serial").ifPresent(n -> play.serial(serial(n)));
        m.optional("max_fail_percentage").ifPresent(n -> play.maxFailPercentage(percentage(m)));
        m.optional("strategy").ifPresent(n -> play.strategy(strategy(n.asScalar())));
        // gather_subset and gather_timeout only narrow or bound fact gathering: Rigger gathers all facts in one exec.
        connectionKeywords(m, unit.symbols);
        m.optional("vars_prompt").ifPresent(n -> prompts(n, unit.symbols));
        m.optional("order").ifPresent(n -> play.order(order(n.asScalar())));

        for (YamlNode entry : m.optionalSequence("roles").map(YamlSequence::items).orElse(List.of())) {
            RoleReference ref = RoleReference.parse(entry, unit.symbols);
            LoadedRole role = roles.load(ref.name(), null, ref.at(), scope);
            play.tasks(roles.expandOnce(role, ref.attributes(), ref.at(), unit));
        }
        m.optional("pre_tasks").ifPresent(n -> tasks.list(n, scope).forEach(play::preTask));
        m.optional("tasks").ifPresent(n -> play.tasks(tasks.list(n, scope)));
        m.optional("post_tasks").ifPresent(n -> tasks.list(n, scope).forEach(play::postTask));
        List<Task> handlers = m.optional("handlers").map(n -> tasks.handlers(n, scope)).orElse(List.of());
        // Role handlers first, as Ansible lists them; the play's own follow.
        unit.roleHandlers.forEach(play::handler);
        handlers.forEach(play::handler);
        return play.build();
    }

    /** Checked against the inventory by the preflight: see {@link Symbols.ConnectionKeyword}. */
    private static void connectionKeywords(YamlMapping m, Symbols symbols) {
        String hosts = hosts(m.require("hosts"));
        for (String keyword : List.of("connection", "remote_user", "port")) {
            m.optional(keyword).ifPresent(n -> {
                YamlScalar value = n.asScalar();
                if (keyword.equals("connection") && !CONNECTIONS.contains(value.text())) {
                    throw new InputException(value.location(), "connection '" + value.text() + "' is not supported (Rigger connects with ssh or local)");
                }
                if (keyword.equals("port") && !value.text().matches("\\d{1,5}")) {
                    throw new InputException(value.location(), "port must be a number 1-65535, got '" + value.text() + "'");
                }
                symbols.connectionKeywords.add(new Symbols.ConnectionKeyword(keyword, value.text(), hosts, value.location()));
            });
        }
    }

    /** {@code vars_prompt}: each variable must be given with -e (the preflight checks it); Rigger does not prompt. */
    private static void prompts(YamlNode node, Symbols symbols) {
        for (YamlNode item : node.asSequence()) {
            YamlMapping prompt = item.asMapping();
            prompt.requireKnownKeys(List.of("name", "prompt", "private", "default", "confirm", "encrypt", "salt_size", "salt", "unsafe"), "vars_prompt");
            String name = Keywords.identifier(prompt, "name", "variable name");
            symbols.prompts.add(new Symbols.Prompt(name, prompt.require("name").location()));
            symbols.variables.add(name);
        }
    }

    private static HostOrder order(YamlScalar value) {
        for (HostOrder order : HostOrder.values()) {
            if (order.keyword().equals(value.text())) return order;
        }
        List<String> names = Arrays.stream(HostOrder.values()).map(HostOrder::keyword).toList();
        String near = NearNames.closest(value.text(), names).orElse(null);
        String problem = "unknown order '" + value.text() + "'";
        throw new InputException(value.location(), near != null ? problem : problem + " (expected one of " + String.join(", ", names) + ")", near);
    }

    private static String hosts(YamlNode node) {
        List<String> patterns = Keywords.strings(node);
        if (patterns.isEmpty() || patterns.stream().anyMatch(String::isBlank)) {
            throw new InputException(node.location(), "'hosts' needs a host pattern, such as 'all' or 'web:db'");
        }
        return String.join(",", patterns);
    }

    /** Plays pass become, become_method, tags, check_mode, ignore_errors, no_log and environment down; their vars are play vars, a level of their own. */
    private static Attributes attributes(YamlMapping m, Symbols symbols) {
        return new Attributes(List.of(), m.optional("tags").map(Keywords::tags).orElse(Set.of()),
                m.optionalBool("become").orElse(null), m.optionalString("become_user").orElse(null), Map.of(),
                m.optionalBool("check_mode").orElse(null), m.optionalBool("ignore_errors").orElse(null), null,
                m.optionalBool("no_log").orElse(null), Keywords.environment(m, symbols), Keywords.becomeMethod(m));
    }

    /** {@code vars}, then each of {@code vars_files} over them, in order. */
    private static Map<String, Object> vars(YamlMapping m, Folder playbook, Symbols symbols) {
        Map<String, Object> vars = new LinkedHashMap<>(m.optional("vars").map(n -> Keywords.vars(n, symbols)).orElse(Map.of()));
        for (YamlNode item : m.optional("vars_files").map(n -> n instanceof YamlSequence s ? s.items() : List.of(n)).orElse(List.of())) {
            YamlScalar file = item.asScalar();
            if (TemplatedString.isTemplated(file.text())) {
                throw new InputException(file.location(), "vars_files names must be literal; templated names are not supported");
            }
            Folder.SourceText source = playbook.read(file.text()).orElseThrow(() ->
                    new InputException(file.location(), "vars file '" + file.text() + "' not found; " + Folder.lookedFor(List.of(playbook), file.text())));
            Folder.parse(source).ifPresent(doc -> vars.putAll(Keywords.vars(doc, symbols)));
        }
        return vars;
    }

    /** A batch size, a percentage, or a list of them; each step is checked where it is written. */
    private static Serial serial(YamlNode node) {
        List<String> steps = new ArrayList<>();
        for (YamlNode item : node instanceof YamlSequence s ? s.items() : List.of(node)) {
            YamlScalar step = item.asScalar();
            try {
                Serial.of(step.text());
            } catch (IllegalArgumentException e) {
                throw new InputException(step.location(), e.getMessage());
            }
            steps.add(step.text().strip());
        }
        if (steps.isEmpty()) throw new InputException(node.location(), "serial needs at least one batch size");
        return new Serial(steps);
    }

    private static int percentage(YamlMapping m) {
        int value = m.requireInt("max_fail_percentage");
        if (value < 0 || value > 100) {
            throw new InputException(m.require("max_fail_percentage").location(), "max_fail_percentage must be between 0 and 100, got " + value);
        }
        return value;
    }

    private static Strategy strategy(YamlScalar value) {
        String name = value.text().toLowerCase(Locale.ROOT);
        if (!STRATEGIES.contains(name)) {
            String near = NearNames.closest(name, STRATEGIES).orElse(null);
            String problem = "unknown strategy '" + value.text() + "'";
            throw new InputException(value.location(), near != null ? problem : problem + " (expected linear or free)", near);
        }
        return Strategy.valueOf(name.toUpperCase(Locale.ROOT));
    }
}
