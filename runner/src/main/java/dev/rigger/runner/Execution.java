package dev.rigger.runner;

import dev.rigger.core.error.InputException;
import dev.rigger.core.executor.Block;
import dev.rigger.core.executor.DynamicInclude;
import dev.rigger.core.executor.FlushHandlers;
import dev.rigger.core.executor.Play;
import dev.rigger.core.executor.PlaybookRun;
import dev.rigger.core.executor.RunOptions;
import dev.rigger.core.executor.RunResult;
import dev.rigger.core.executor.Task;
import dev.rigger.core.executor.TaskNode;
import dev.rigger.core.inventory.HostPattern;
import dev.rigger.core.inventory.Inventory;
import dev.rigger.core.inventory.InventoryLoader;
import dev.rigger.core.loader.LoadedPlaybook;
import dev.rigger.core.loader.Preflight;
import dev.rigger.core.report.ConsoleReporter;
import dev.rigger.core.report.JsonLinesWriter;
import java.io.PrintStream;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code play} and {@code apply} do once a playbook is loaded: check everything that can be
 * checked without a host, then list or run. Bad input never reaches a host: inventory, extra vars
 * and preflight problems all stop here with exit code 2.
 */
final class Execution {
    private final RunFlags flags;
    private final PrintStream out;
    private final PrintStream err;

    Execution(RunFlags flags, PrintStream out, PrintStream err) {
        this.flags = flags;
        this.out = out;
        this.err = err;
    }

    int run(LoadedPlaybook loaded) {
        Inventory inventory = InventoryLoader.load(flags.inventories);
        Map<String, Object> extraVars = ExtraVars.parse(flags.extraVars);
        if (flags.limit != null) HostPattern.parse(flags.limit).select(inventory).requireAllMatched();
        List<InputException> problems = Preflight.check(loaded, inventory, extraVars);
        if (!problems.isEmpty()) {
            for (InputException p : problems) err.println("error: " + p.oneLine());
            return Main.EXIT_BAD_INPUT;
        }
        if (flags.syntaxCheck) {
            out.println("playbook: " + loaded.playbook().name() + " — syntax OK, " + loaded.playbook().plays().size() + " play(s)");
            return 0;
        }
        if (flags.listHosts || flags.listTasks) {
            list(loaded, inventory);
            return 0;
        }
        RunOptions options = RunOptions.builder()
                .checkMode(flags.check).diffMode(flags.diff).limit(flags.limit)
                .tags(Set.copyOf(flags.tags)).skipTags(Set.copyOf(flags.skipTags))
                .extraVars(extraVars).forks(flags.forks).startAtTask(flags.startAtTask)
                .build();
        try (ConsoleReporter console = new ConsoleReporter(out, System.console() != null, flags.verbose.length);
             JsonLinesWriter json = flags.json != null ? new JsonLinesWriter(flags.json) : null) {
            PlaybookRun run = PlaybookRun.of(loaded.playbook()).inventory(inventory).options(options).listener(console);
            if (json != null) run.listener(json);
            RunResult result = run.execute();
            return result.exitCode();
        }
    }

    private void list(LoadedPlaybook loaded, Inventory inventory) {
        out.println("playbook: " + loaded.playbook().name());
        for (Play play : loaded.playbook().plays()) {
            List<String> hosts = HostPattern.parse(play.hosts()).select(inventory).hosts();
            if (flags.limit != null) {
                Set<String> limit = new LinkedHashSet<>(HostPattern.parse(flags.limit).select(inventory).hosts());
                hosts = hosts.stream().filter(limit::contains).toList();
            }
            out.println();
            out.println("  play #" + (loaded.playbook().plays().indexOf(play) + 1) + " (" + play.hosts() + "): " + play.name());
            if (flags.listHosts) {
                out.println("    hosts (" + hosts.size() + "):");
                hosts.forEach(h -> out.println("      " + h));
            }
            if (flags.listTasks) {
                out.println("    tasks:");
                for (List<TaskNode> section : List.of(play.preTasks(), play.tasks(), play.postTasks())) listTasks(section, "      ");
            }
        }
    }

    private void listTasks(List<TaskNode> nodes, String indent) {
        for (TaskNode node : nodes) {
            if (node instanceof Task t) {
                String tags = t.attributes().tags().isEmpty() ? "" : "\tTAGS: " + t.attributes().tags();
                out.println(indent + t.name() + tags);
            } else if (node instanceof Block b) {
                listTasks(b.tasks(), indent);
                listTasks(b.rescue(), indent);
                listTasks(b.always(), indent);
            } else if (node instanceof DynamicInclude d) {
                out.println(indent + d.name() + " (included at run time)");
            } else if (node instanceof FlushHandlers) {
                out.println(indent + "meta: flush_handlers");
            }
        }
    }
}
