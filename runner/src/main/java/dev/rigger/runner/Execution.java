package dev.rigger.runner;

import dev.rigger.core.error.InputException;
import dev.rigger.core.internal.text.NearNames;
import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.executor.Attributes;
import dev.rigger.core.executor.Block;
import dev.rigger.core.executor.DynamicInclude;
import dev.rigger.core.executor.Play;
import dev.rigger.core.executor.PlaybookRun;
import dev.rigger.core.executor.RunOptions;
import dev.rigger.core.executor.RunListener;
import dev.rigger.core.executor.RunResult;
import dev.rigger.core.executor.RoleScope;
import dev.rigger.core.executor.Task;
import dev.rigger.core.executor.TaskNode;
import dev.rigger.core.inventory.HostPattern;
import dev.rigger.core.inventory.Inventory;
import dev.rigger.core.inventory.InventoryConnections;
import dev.rigger.core.inventory.InventoryLoader;
import dev.rigger.core.loader.LoadedPlaybook;
import dev.rigger.core.loader.Preflight;
import dev.rigger.core.report.ConsoleReporter;
import dev.rigger.core.report.JsonLinesWriter;
import dev.rigger.core.transport.Connections;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.PatternSyntaxException;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * What {@code play} and {@code apply} do once a playbook is loaded: check everything that can be
 * checked without a host, then list or run. Bad input never reaches a host: inventory, extra vars,
 * flags and preflight problems all stop here with exit code 2.
 */
final class Execution {
    private final RunFlags flags;
    private final Settings settings;
    private final PrintStream out;
    private final PrintStream err;
    private final List<RunListener> listeners = new ArrayList<>();

    Execution(RunFlags flags, Settings settings, PrintStream out, PrintStream err) {
        this.flags = flags;
        this.settings = settings;
        this.out = out;
        this.err = err;
    }

    /** Also tells {@code listener} every event of the run ({@code rigger lab idempotence} counts changes so). */
    Execution listener(RunListener listener) {
        listeners.add(listener);
        return this;
    }

    /** @param title how listings name the playbook: the path as given, as ansible-playbook prints it */
    int run(LoadedPlaybook loaded, String title) {
        Inventory inventory = InventoryLoader.load(settings.inventories);
        Map<String, Object> extraVars = ExtraVars.parse(flags.extraVars);
        RunOptions options = RunOptions.builder()
                .checkMode(flags.check).diffMode(flags.diff).limit(flags.limit)
                .tags(Set.copyOf(flags.tags)).skipTags(Set.copyOf(flags.skipTags))
                .extraVars(extraVars).forks(settings.forks).startAtTask(flags.startAtTask)
                .build();
        if (flags.limit != null) HostPattern.parse(flags.limit, SourceLocation.unknown("--limit")).select(inventory).requireAllMatched();
        List<InputException> problems = Preflight.check(loaded, inventory, extraVars);
        if (!problems.isEmpty()) {
            for (InputException p : problems) err.println("error: " + p.oneLine());
            return Main.EXIT_BAD_INPUT;
        }
        if (flags.startAtTask != null) requireStartTask(loaded.playbook().plays(), options);
        if (flags.syntaxCheck) {
            out.println();
            out.println("playbook: " + title);
            return 0;
        }
        if (flags.listHosts || flags.listTasks) {
            list(loaded.playbook().plays(), title, inventory, options);
            return 0;
        }
        // Read now: an unreadable ssh config is bad input, found before any host is contacted.
        InventoryConnections connections = new InventoryConnections(inventory, settings.connectionEnv)
                .withDefaults(settings.user, settings.privateKey);
        JsonLinesWriter json = flags.json != null ? openJson() : null;
        try (ConsoleReporter console = new ConsoleReporter(out, System.console() != null, settings.verbosity); json) {
            PlaybookRun run = PlaybookRun.of(settings.withBecomeDefaults(loaded.playbook())).inventory(inventory).options(options)
                    .listener(console).traceExecs(settings.verbosity >= 3)
                    .step(flags.step ? new StepPrompt(System.console(), out) : null)
                    .connector(host -> Connections.open(settings.adjust(connections.settingsFor(host), inventory, host)));
            if (json != null) run.listener(json);
            listeners.forEach(run::listener);
            RunResult result;
            try (Interrupts interrupts = Interrupts.forward(run)) {
                result = run.execute();
            }
            if (result.exitCode() == RunResult.EXIT_INTERRUPTED) err.println("error: User interrupted execution");
            return result.exitCode();
        }
    }

    /**
     * While a run goes on, SIGINT and SIGTERM interrupt it (see {@link PlaybookRun#interrupt()}) so
     * it ends with a recap, a complete JSON log and nothing left running on the hosts, instead of
     * the JVM dying mid-task. A second signal means "now": the process exits at once.
     */
    private static final class Interrupts implements AutoCloseable {
        private static final List<String> SIGNALS = List.of("INT", "TERM");
        private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();

        static Interrupts forward(PlaybookRun run) {
            Interrupts interrupts = new Interrupts();
            AtomicBoolean once = new AtomicBoolean();
            for (String name : SIGNALS) {
                Signal signal = new Signal(name);
                interrupts.previous.put(signal, Signal.handle(signal, s -> {
                    if (once.getAndSet(true)) Runtime.getRuntime().halt(RunResult.EXIT_INTERRUPTED);
                    run.interrupt();
                }));
            }
            return interrupts;
        }

        @Override
        public void close() {
            previous.forEach(Signal::handle);
        }
    }

    /** Opened before the run, so a path that cannot be written is bad input, not a failure halfway. */
    private JsonLinesWriter openJson() {
        SourceLocation at = SourceLocation.unknown("--json " + flags.json);
        Path folder = flags.json.toAbsolutePath().getParent();
        if (!Files.isDirectory(folder)) throw new InputException(at, "folder " + folder + " does not exist");
        try {
            return new JsonLinesWriter(flags.json);
        } catch (UncheckedIOException e) {
            throw new InputException(at, "cannot write the file (" + e.getCause().getMessage() + ")");
        }
    }

    /**
     * A {@code --start-at-task} that names no task would skip the whole run after connecting to
     * every host; say so now instead. Tasks of run-time includes are only known later, so a
     * playbook with includes is not checked.
     */
    private static void requireStartTask(List<Play> plays, RunOptions options) {
        List<Listed> all = plays.stream().flatMap(p -> tasks(p).stream()).toList();
        if (all.stream().anyMatch(t -> t.node() instanceof DynamicInclude)) return;
        List<String> names = all.stream()
                .filter(t -> t.node() instanceof Task && options.selectsTags(t.attributes().tags()))
                .map(t -> t.node().name()).toList();
        try {
            if (names.stream().anyMatch(options::startsAt)) return;
        } catch (PatternSyntaxException e) {
            throw new InputException(SourceLocation.unknown("--start-at-task"), "not a valid glob: " + e.getDescription());
        }
        throw new InputException(SourceLocation.unknown("--start-at-task"),
                "no task to run is named '" + options.startAtTask() + "'", NearNames.closest(options.startAtTask(), names).orElse(null));
    }

    /** As ansible-playbook's --list-hosts/--list-tasks: inherited tags, role tasks as 'role : task', --tags applied. */
    private void list(List<Play> plays, String title, Inventory inventory, RunOptions options) {
        out.println();
        out.println("playbook: " + title);
        for (int i = 0; i < plays.size(); i++) {
            Play play = plays.get(i);
            out.println();
            out.println("  play #" + (i + 1) + " (" + play.hosts() + "): " + play.name() + "\tTAGS: " + sorted(play.attributes().tags()));
            if (flags.listHosts) {
                List<String> hosts = HostPattern.parse(play.hosts()).select(inventory).hosts();
                if (flags.limit != null) {
                    Set<String> limit = new LinkedHashSet<>(HostPattern.parse(flags.limit).select(inventory).hosts());
                    hosts = hosts.stream().filter(limit::contains).toList();
                }
                out.println("    pattern: ['" + play.hosts() + "']");
                out.println("    hosts (" + hosts.size() + "):");
                hosts.forEach(h -> out.println("      " + h));
            }
            if (flags.listTasks) {
                out.println("    tasks:");
                for (Listed t : tasks(play)) {
                    if (t.node() instanceof Task && !options.selectsTags(t.attributes().tags())) continue;
                    RoleScope role = t.attributes().role();
                    String name = role != null ? role.name() + " : " + t.node().name() : t.node().name();
                    if (t.node() instanceof DynamicInclude) name += " (included at run time)";
                    out.println("      " + name + "\tTAGS: " + sorted(t.attributes().tags()));
                }
            }
        }
    }

    /** A task, include or flush with the attributes its blocks, role and play give it. */
    private record Listed(TaskNode node, Attributes attributes) {}

    /** Every task, include and flush of a play in run order; handlers are not listed, as in Ansible. */
    private static List<Listed> tasks(Play play) {
        List<Listed> out = new ArrayList<>();
        for (List<TaskNode> section : List.of(play.preTasks(), play.tasks(), play.postTasks())) {
            collect(section, play.attributes(), out);
        }
        return out;
    }

    private static void collect(List<TaskNode> nodes, Attributes outer, List<Listed> out) {
        for (TaskNode node : nodes) {
            Attributes attributes = node.attributes().within(outer);
            if (node instanceof Block b) {
                for (List<TaskNode> part : List.of(b.tasks(), b.rescue(), b.always())) collect(part, attributes, out);
            } else {
                out.add(new Listed(node, attributes));
            }
        }
    }

    private static String sorted(Set<String> tags) {
        return new TreeSet<>(tags).toString();
    }
}
