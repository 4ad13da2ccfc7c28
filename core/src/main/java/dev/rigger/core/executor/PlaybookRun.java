package dev.rigger.core.executor;

import dev.rigger.core.executor.RunEvent.RunFinished;
import dev.rigger.core.executor.RunEvent.RunStarted;
import dev.rigger.core.facts.FactsGatherer;
import dev.rigger.core.inventory.Inventory;
import dev.rigger.core.inventory.InventoryConnections;
import dev.rigger.core.transport.Connections;
import dev.rigger.core.module.ModuleContext;
import dev.rigger.core.template.Rendered;
import dev.rigger.core.template.TemplateRenderer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a playbook against an inventory: the embedding API's front door.
 *
 * <pre>{@code
 * Playbook playbook = Playbook.of(Play.builder("web").become(true)
 *     .task(Task.named("nginx").module(AptPackage.builder("nginx").build()).build())
 *     .build());
 * try (JsonLinesWriter json = new JsonLinesWriter(Path.of("events.jsonl"))) {
 *     RunResult result = PlaybookRun.of(playbook)
 *         .inventory(InventoryLoader.load(Path.of("hosts.yml")))
 *         .options(RunOptions.builder().checkMode(true).diffMode(true).build())
 *         .listener(ConsoleReporter.toStdout(0))
 *         .listener(json)
 *         .execute();
 *     System.exit(result.exitCode());
 * }
 * }</pre>
 *
 * Connections (SSH as the inventory says) and facts have defaults; {@link #connector} and
 * {@link #facts} replace them. docs/embedding.md has a complete program.
 *
 * Each call to {@link #execute()} is an independent run: its connections, host states, threads
 * and events belong to it alone, so runs in one JVM can proceed at the same time.
 */
public final class PlaybookRun {
    private final Playbook playbook;
    private Inventory inventory;
    private RunOptions options = RunOptions.builder().build();
    private HostConnector connector;
    private boolean traceExecs;
    private TaskGate step;
    private FactSource facts;
    private TemplateEngine templates;
    private final List<RunListener> listeners = new ArrayList<>();
    private final AtomicBoolean interrupted = new AtomicBoolean();
    private volatile Map<String, HostState> running = Map.of();

    private PlaybookRun(Playbook playbook) {
        if (playbook == null) throw new InvalidPlaybookException("PlaybookRun.of(playbook): the playbook must not be null");
        this.playbook = playbook;
    }

    /**
     * A run of {@code playbook}; set at least the inventory, then {@link #execute()}.
     * @throws InvalidPlaybookException when the playbook is null
     */
    public static PlaybookRun of(Playbook playbook) {
        return new PlaybookRun(playbook);
    }

    /** The hosts and their variables (required): {@code InventoryLoader.load(...)}, {@code Inventory.builder()} or a lab's. */
    public PlaybookRun inventory(Inventory value) { this.inventory = value; return this; }
    /** Check mode, diff mode, limit, tags, extra vars, forks...; the defaults of {@link RunOptions#builder()} when not set. */
    public PlaybookRun options(RunOptions value) { this.options = value; return this; }
    /**
     * Opens each host's connection; by default SSH (or local) as the inventory's variables say ({@code InventoryConnections}).
     * Replace it to change connection settings, such as the connect timeout, in code.
     */
    public PlaybookRun connector(HostConnector value) { this.connector = value; return this; }

    /**
     * Also sends every script to the listeners, before it runs, as a {@link RunEvent.Exec} with
     * secrets masked (what {@code -vvv} prints). Off by default: scripts are long.
     */
    public PlaybookRun traceExecs(boolean value) { this.traceExecs = value; return this; }

    /** Asks {@code gate} before each task and handler whether it runs ({@code --step}); null runs them all. */
    public PlaybookRun step(TaskGate gate) { this.step = gate; return this; }
    /** Gathers a host's facts ({@code ansible_*}); by default {@code FactsGatherer}, one exec per host. */
    public PlaybookRun facts(FactSource value) { this.facts = value; return this; }
    /** Renders templates; by default Mustache with strict variables (docs/templates.md). */
    public PlaybookRun templates(TemplateEngine value) { this.templates = value; return this; }
    /**
     * Adds a listener that sees every event as it happens ({@code ConsoleReporter}, {@code JsonLinesWriter}, your own).
     * A listener that throws is reported on standard error and the run goes on.
     */
    public PlaybookRun listener(RunListener value) { listeners.add(value); return this; }

    /** Connects as the inventory says ({@code ansible_host}, {@code ansible_user}, keys, become password...). */
    private static HostConnector sshFromInventory(Inventory inventory) {
        InventoryConnections settings = new InventoryConnections(inventory);
        return host -> Connections.open(settings.settingsFor(host));
    }

    /** Mustache with strict variables: the default engine; one renderer (and its cache) per run. */
    private static TemplateEngine mustache() {
        TemplateRenderer renderer = new TemplateRenderer();
        return (name, source, vars) -> {
            Rendered r = renderer.render(name, source, vars);
            return new ModuleContext.RenderedTemplate(r.content(), r.redacted());
        };
    }

    /**
     * Checks the playbook against the inventory and options without contacting a host, as the
     * loader checks a YAML playbook: every {@code notify} is answered by a handler or listen topic
     * of its play, every host pattern parses and matches a host. {@link #execute()} calls it first.
     *
     * @return warnings, such as a host pattern that matches nothing (Ansible's warning)
     * @throws InvalidPlaybookException listing every problem, or when no inventory was given
     */
    public List<String> validate() {
        if (inventory == null) {
            throw new InvalidPlaybookException("no inventory: call inventory(...) before execute() or validate()");
        }
        PlaybookCheck check = new PlaybookCheck(playbook, inventory, options);
        if (!check.problems.isEmpty()) throw new InvalidPlaybookException(check.problems);
        return List.copyOf(check.warnings);
    }

    /**
     * Validates, then runs every play. Warnings from {@link #validate()} go to standard error.
     *
     * @throws InvalidPlaybookException when {@link #validate()} finds a problem; no host is contacted then
     */
    public RunResult execute() {
        validate().forEach(System.err::println);
        HostConnector connector = this.connector != null ? this.connector : sshFromInventory(inventory);
        TemplateEngine templates = this.templates != null ? this.templates : mustache();
        FactSource facts = this.facts != null ? this.facts : connection -> FactsGatherer.gather(connection).toVariables();
        long started = System.nanoTime();
        List<RunEvent> events = Collections.synchronizedList(new ArrayList<>());
        List<RunListener> all = new ArrayList<>();
        all.add(events::add);
        for (RunListener l : options.listeners()) all.add(new GuardedListener(l, System.err));
        for (RunListener l : listeners) all.add(new GuardedListener(l, System.err));
        Map<String, HostState> hosts = new ConcurrentHashMap<>();
        running = hosts;
        Path dir = playbook.dir();
        Variables variables = new Variables(inventory, hosts, options, dir != null ? dir.toString() : null);
        ExecutorService workers = Executors.newFixedThreadPool(options.forks(), r -> {
            Thread t = new Thread(r, "rigger-worker");
            t.setDaemon(true);
            return t;
        });
        // Every event leaves the run through the mask: no listener sees a secret the run has seen.
        List<RunListener> masked = List.of(new MaskedEvents(variables.secrets(), all));
        // Traced scripts leave through the run's one ordered, masked way out, which exists once the context does.
        java.util.concurrent.atomic.AtomicReference<RunContext> context = new java.util.concurrent.atomic.AtomicReference<>();
        HostConnector opening = traceExecs ? host -> new TracedConnection(connector.open(host), e -> context.get().emit(e)) : connector;
        RunContext run = new RunContext(options, hosts, variables, opening, facts, templates, dir, workers, masked,
                new AtomicBoolean(options.startAtTask() != null), interrupted, new ChangeLog(), step);
        context.set(run);
        try {
            run.emit(new RunStarted(playbook.name(), options.checkMode(), options.diffMode()));
            for (Play play : playbook.plays()) {
                if (interrupted.get() || !new PlayExecution(run, play).run()) break;
            }
        } finally {
            workers.shutdownNow();
            for (HostState h : hosts.values()) {
                try {
                    h.closeConnection();
                } catch (RuntimeException ignored) {
                    // Closing a broken session cannot fail the run; the results are already known.
                }
            }
        }
        Map<String, PlayRecap.Counts> counts = new LinkedHashMap<>();
        for (var h : inventory.hosts()) {
            HostState s = hosts.get(h.name());
            if (s != null) counts.put(h.name(), s.counts());
        }
        hosts.forEach((name, s) -> counts.putIfAbsent(name, s.counts()));
        PlayRecap recap = new PlayRecap(counts);
        Duration duration = Duration.ofNanos(System.nanoTime() - started);
        int exitCode = interrupted.get() ? RunResult.EXIT_INTERRUPTED : recap.exitCode();
        run.emit(new RunFinished(recap, exitCode, duration));
        return new RunResult(recap, exitCode, duration, events);
    }

    /**
     * Interrupts the run, from any thread (a signal handler): no further task starts, the scripts
     * running now are stopped on their hosts with all their processes, and {@link #execute()}
     * returns once they have ended, with the recap so far and exit code
     * {@link RunResult#EXIT_INTERRUPTED}, as ansible-playbook on Ctrl-C. Later runs of this
     * object start no task either.
     */
    public void interrupt() {
        interrupted.set(true);
        running.values().forEach(HostState::stopRunning);
    }
}
