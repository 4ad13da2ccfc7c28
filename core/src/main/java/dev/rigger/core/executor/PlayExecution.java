package dev.rigger.core.executor;

import dev.rigger.core.executor.RunEvent.HostResult;
import dev.rigger.core.executor.RunEvent.PlayFinished;
import dev.rigger.core.executor.RunEvent.PlayStarted;
import dev.rigger.core.executor.RunEvent.TaskStarted;
import dev.rigger.core.inventory.HostPattern;
import dev.rigger.core.transport.TransportException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * Runs one play: picks its hosts, splits them into serial batches, gathers facts once per host,
 * walks the task tree (linear: all hosts finish a task before the next; free: each host on its own)
 * and flushes handlers after pre_tasks, tasks and post_tasks.
 *
 * <p>Threads: the calling thread hands hosts to the run's workers; a worker works on its host alone
 * (a free walk, a dynamic include) and never hands work back to the pool, which could leave every
 * worker waiting for work queued behind itself. A host's handlers are flushed by whoever walks that
 * host, so no other thread touches it meanwhile.
 */
final class PlayExecution {
    /** True on a worker thread while it works for a host. */
    private static final ThreadLocal<Boolean> ON_WORKER = ThreadLocal.withInitial(() -> false);

    private final RunContext run;
    private final Play play;
    private volatile boolean aborted;
    private List<HostState> batch = List.of();
    private List<String> batchNames = List.of();
    /** Whether this play skips tasks until {@code --start-at-task}; read once, before any worker starts. */
    private final boolean startAtPending;
    /** Hosts that reached the {@code --start-at-task} task in this play; each host skips until it does. */
    private final Set<String> startedAt = ConcurrentHashMap.newKeySet();
    /**
     * A {@code throttle}d task's slots, by where it is written: under the free strategy each host
     * walks its own copy of the task, and all copies share the limit.
     */
    private final Map<String, Semaphore> throttles = new ConcurrentHashMap<>();

    PlayExecution(RunContext run, Play play) {
        this.run = run;
        this.play = play;
        this.startAtPending = run.startAtPending().get();
    }

    /** Runs the play; false when no host is left to go on with (the playbook stops, as Ansible's). */
    boolean run() {
        List<String> selected = selectHosts();
        run.emit(new PlayStarted(play.name(), selected));
        if (selected.isEmpty()) {
            run.emit(new PlayFinished(play.name()));
            return true;
        }
        for (List<String> names : play.serial().batches(selected)) {
            batch = names.stream().map(run::host).filter(HostState::active).toList();
            batchNames = batch.stream().map(h -> h.name).toList();
            if (batch.isEmpty()) continue;
            if (play.gatherFacts()) gatherFacts();
            for (List<TaskNode> section : List.of(play.preTasks(), play.tasks(), play.postTasks())) {
                if (section.isEmpty()) continue;
                runSection(section);
                if (aborted || run.interrupted().get()) break;
            }
            if (aborted || run.interrupted().get()) break;
        }
        // Only this thread writes it, after every worker of the play is done: later plays run in full.
        if (!startedAt.isEmpty()) run.startAtPending().set(false);
        run.emit(new PlayFinished(play.name()));
        return selected.stream().map(run::host).anyMatch(HostState::active);
    }

    private List<String> selectHosts() {
        List<String> hosts = play.order().apply(select(play.hosts()));
        if (run.options().limit() != null) {
            Set<String> limit = new LinkedHashSet<>(select(run.options().limit()));
            hosts = hosts.stream().filter(limit::contains).toList();
        }
        return hosts.stream().filter(h -> run.host(h).active()).toList();
    }

    private List<String> select(String pattern) {
        // The inventory as it is now: group_by in an earlier play may have added to it.
        return HostPattern.parse(pattern).select(run.variables().inventory()).hosts();
    }

    private void gatherFacts() {
        List<HostState> missing = batch.stream().filter(h -> h.facts == null).toList();
        if (missing.isEmpty() || run.facts() == null) return;
        run.emit(new TaskStarted("Gathering Facts", play.location().toString(), names(missing), false));
        parallel(missing, host -> {
            long started = System.nanoTime();
            Status status;
            String message = "";
            try {
                host.facts = Map.copyOf(run.facts().gather(host.connection(run.connector())));
                status = Status.OK;
            } catch (TransportException e) {
                status = e.kind() == TransportException.Kind.UNREACHABLE ? Status.UNREACHABLE : Status.FAILED;
                message = e.getMessage();
            } catch (RuntimeException e) {
                status = Status.FAILED;
                message = "gathering facts failed: " + e.getMessage();
            }
            if (status == Status.UNREACHABLE) host.unreachable = true;
            if (status == Status.FAILED) host.failed = true;
            host.count(status);
            run.emit(new HostResult(host.name, "Gathering Facts", play.location().toString(), status, message, List.of(),
                    Duration.ofNanos(System.nanoTime() - started), status == Status.UNREACHABLE ? 0 : 1, null, Map.of()));
        });
    }

    /**
     * Walks a section and flushes its handlers: the batch in lockstep (linear), or each host on its
     * own worker, flush included, without waiting for the others (free).
     */
    private void runSection(List<TaskNode> section) {
        if (play.strategy() == Strategy.FREE) {
            parallel(batch, host -> {
                walk(section, play.attributes(), List.of(host));
                flushHandlers(List.of(host));
            });
        } else {
            walk(section, play.attributes(), batch);
            flushHandlers(batch);
        }
    }

    private void walk(List<TaskNode> nodes, Attributes outer, List<HostState> hosts) {
        for (int i = 0; i < nodes.size(); i++) {
            TaskNode node = nodes.get(i);
            if (aborted || run.interrupted().get()) return;
            List<HostState> active = hosts.stream().filter(HostState::active).toList();
            if (active.isEmpty()) return;
            if (node instanceof Task task) runTask(task.within(outer), active, false, tasksAfter(nodes, i, outer));
            else if (node instanceof Block block) runBlock(block, outer, active);
            else if (node instanceof DynamicInclude include) runInclude(include, outer, active);
            else if (node instanceof FlushHandlers) flushHandlers(hosts);
        }
    }

    private void runBlock(Block block, Attributes outer, List<HostState> entered) {
        Attributes scope = block.attributes().within(outer);
        walk(block.tasks(), scope, entered);
        List<HostState> failedHere = entered.stream().filter(h -> h.failed && !h.unreachable).toList();
        if (!block.rescue().isEmpty() && !failedHere.isEmpty()) {
            for (HostState h : failedHere) {
                h.rescue();
                // Not counted again (rescue() moved the failure to 'rescued'); tells listeners why rescue runs.
                run.emit(new HostResult(h.name, block.name(), block.location().toString(), Status.RESCUED,
                        "rescuing after '" + h.lastFailedTask + "' failed: " + h.lastFailure, List.of(), Duration.ZERO, 0, null, Map.of()));
            }
            walk(block.rescue(), scope, failedHere);
        }
        if (!block.always().isEmpty()) {
            // always runs on every host that entered, failed ones included; they stay failed after.
            List<HostState> stillFailed = entered.stream().filter(h -> h.failed && !h.unreachable).toList();
            stillFailed.forEach(h -> h.failed = false);
            walk(block.always(), scope, entered.stream().filter(h -> !h.unreachable).toList());
            stillFailed.forEach(h -> h.failed = true);
        }
    }

    /** Each host resolves its own task list (file names and vars may differ per host). */
    private void runInclude(DynamicInclude include, Attributes outer, List<HostState> hosts) {
        Attributes scope = include.attributes().within(outer);
        parallel(hosts, host -> {
            Map<String, Object> vars = run.variables().forTask(host.name, scope, play, batchNames);
            for (Condition c : scope.when()) {
                if (!c.test(vars)) return;
            }
            List<Object> items = include.loop() != null ? include.loop().items(vars) : java.util.Collections.singletonList(null);
            for (Object item : items) {
                Map<String, Object> itemVars = vars;
                Attributes itemScope = scope.withWhen(alwaysTrue()).withVars(Map.of());
                if (include.loop() != null) {
                    itemVars = new java.util.LinkedHashMap<>(vars);
                    itemVars.put(include.loopVar(), item);
                    itemScope = itemScope.withVars(Map.of(include.loopVar(), item));
                }
                List<TaskNode> resolved = include.resolver().apply(itemVars);
                // The include's own conditions were checked above; its tasks must not re-check them
                // with variables that the included tasks may change (as Ansible's include_tasks).
                Attributes inner = new Attributes(List.of(), itemScope.tags(), itemScope.become(), itemScope.becomeUser(),
                        itemScope.vars(), itemScope.checkMode(), itemScope.ignoreErrors(), itemScope.role(), itemScope.noLog(),
                        itemScope.environment(), itemScope.becomeMethod());
                walk(resolved, inner, List.of(host));
            }
        });
    }

    private static Condition alwaysTrue() {
        return vars -> true;
    }

    /**
     * The plain tasks that follow node {@code i} in its list, up to the next block, include or
     * flush: whose probes a batch may take ahead (none when batching is off).
     */
    private List<Task> tasksAfter(List<TaskNode> nodes, int i, Attributes outer) {
        if (!run.options().batchProbes()) return List.of();
        List<Task> after = new ArrayList<>();
        for (int j = i + 1; j < nodes.size() && after.size() < ProbeBatch.MAX_TASKS && nodes.get(j) instanceof Task t; j++) {
            after.add(t.within(outer));
        }
        return after;
    }

    private void runTask(Task task, List<HostState> walking, boolean handler, List<Task> after) {
        if (!run.options().selectsTags(task.attributes().tags())) return;
        List<HostState> hosts = pastStartAt(task, walking);
        if (hosts.isEmpty()) return;
        List<HostState> targets = task.runOnce() ? List.of(hosts.get(0)) : hosts;
        if (run.step() != null && !run.step().allows(task.name(), task.location().toString())) return;
        run.emit(new TaskStarted(task.name(), task.location().toString(), names(targets), handler));
        TaskExecution execution = new TaskExecution(run, play, batchNames, names(targets), after);
        Semaphore slots = task.throttle() > 0
                ? throttles.computeIfAbsent(task.location() + "\u0000" + task.name(), k -> new Semaphore(task.throttle(), true)) : null;
        parallel(targets, host -> {
            if (slots == null) {
                execution.run(task, host);
                return;
            }
            slots.acquireUninterruptibly();
            try {
                execution.run(task, host);
            } finally {
                slots.release();
            }
        });
        if (task.runOnce() && task.register() != null) {
            Object result = targets.get(0).registered.get(task.register());
            if (result != null) hosts.forEach(h -> h.registered.put(task.register(), result));
        }
        long failed = batch.stream().filter(h -> !h.active()).count();
        if (play.anyErrorsFatal() && targets.stream().anyMatch(h -> !h.active())) aborted = true;
        if (play.maxFailPercentage() != null && failed * 100.0 / batch.size() > play.maxFailPercentage()) aborted = true;
    }

    /**
     * The hosts that have reached the {@code --start-at-task} task (all of them without the option).
     * Tracked per host, as Ansible's play iterator does: under free, one host reaching it must not
     * spare the others their skipping.
     */
    private List<HostState> pastStartAt(Task task, List<HostState> hosts) {
        if (!startAtPending) return hosts;
        if (run.options().startsAt(task.name())) hosts.forEach(h -> startedAt.add(h.name));
        return hosts.stream().filter(h -> startedAt.contains(h.name)).toList();
    }

    /** Runs the handlers notified on {@code hosts}, the hosts the calling thread walks. */
    private void flushHandlers(List<HostState> hosts) {
        for (Task handler : play.handlers()) {
            List<HostState> notified = hosts.stream()
                    .filter(h -> !h.unreachable && (h.active() || play.forceHandlers()))
                    .filter(h -> isNotified(h, handler))
                    .toList();
            if (notified.isEmpty()) continue;
            notified.forEach(h -> {
                h.clearNotified(handler.name());
                handler.listen().forEach(h::clearNotified);
            });
            List<HostState> forced = notified.stream().filter(h -> h.failed).toList();
            forced.forEach(h -> h.failed = false);
            runTask(handler.within(handlerScope()), notified, true, List.of());
            forced.forEach(h -> h.failed = true);
        }
    }

    /**
     * What the play passes down to its handlers, as Ansible does: become, become_method, check_mode, ignore_errors,
     * no_log and environment. Not tags: a notified handler runs whatever the tag selection.
     */
    private Attributes handlerScope() {
        Attributes p = play.attributes();
        return new Attributes(List.of(), Set.of(), p.become(), p.becomeUser(), Map.of(), p.checkMode(), p.ignoreErrors(), null,
                p.noLog(), p.environment(), p.becomeMethod());
    }

    private static boolean isNotified(HostState host, Task handler) {
        if (host.isNotified(handler.name())) return true;
        for (String topic : handler.listen()) {
            if (host.isNotified(topic)) return true;
        }
        return false;
    }

    /**
     * Runs work for each host on the run's workers and waits for all. Inline for a single host, and
     * one host after the other on a worker: a worker waiting for the pool it belongs to can deadlock.
     */
    private void parallel(List<HostState> hosts, Consumer<HostState> work) {
        if (hosts.size() == 1 || ON_WORKER.get()) {
            hosts.forEach(work);
            return;
        }
        List<Future<?>> futures = new ArrayList<>();
        for (HostState h : hosts) {
            futures.add(run.workers().submit(() -> {
                ON_WORKER.set(true);
                try {
                    work.accept(h);
                } finally {
                    ON_WORKER.remove();
                }
            }));
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    private static List<String> names(List<HostState> hosts) {
        return hosts.stream().map(h -> h.name).toList();
    }
}
