package dev.rigger.core.executor;

import dev.rigger.core.error.InputException;
import dev.rigger.core.executor.RunEvent.HostResult;
import dev.rigger.core.module.AsyncJobs;
import dev.rigger.core.module.Change;
import dev.rigger.core.module.Module;
import dev.rigger.core.module.ModuleContext;
import dev.rigger.core.module.ModuleException;
import dev.rigger.core.module.Outcome;
import dev.rigger.core.module.Plan;
import dev.rigger.core.module.Probe;
import dev.rigger.core.transport.BecomeMethod;
import dev.rigger.core.transport.Connection;
import dev.rigger.core.transport.ExecRequest;
import dev.rigger.core.transport.ExecResult;
import dev.rigger.core.transport.ShellQuote;
import dev.rigger.core.transport.Stdin;
import dev.rigger.core.transport.TransportException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Runs one task on one host: conditions, loop items, probe → plan → apply with retries, then
 * register, notify and report. Check mode stops after plan. Each result carries the number of
 * scripts the task ran on the host, so the exec budget is visible and testable.
 */
final class TaskExecution {
    static final String AFTER_PENDING_CHANGE = "would change (after pending change)";
    /** What {@code no_log: true} shows instead of a result, in Ansible's words. */
    /** What an interrupted task reports, in ansible-playbook's words for Ctrl-C. */
    static final String INTERRUPTED = "User interrupted execution";
    static final String HIDDEN = "the output has been hidden due to the fact that 'no_log: true' was specified for this result";

    private final RunContext run;
    private final Play play;
    private final List<String> playHosts;
    private final List<String> taskHosts;
    /** Controller files this task reads, by location: every host streams the same one, hashed once. */
    private final Map<String, Stdin> localFiles = new ConcurrentHashMap<>();
    /** The plain tasks after this one whose probes a batch may take ahead (empty: no batching). */
    private final List<Task> after;
    /**
     * The run's change log position as this task started. Probes taken ahead serve it only if
     * nothing recorded between their taking and this moment may touch what they read; what other
     * hosts change while this task runs races with its probe with or without batching (hosts of
     * one task run in no set order).
     */
    private final long changesAtStart;

    TaskExecution(RunContext run, Play play, List<String> playHosts, List<String> taskHosts, List<Task> after) {
        this.run = run;
        this.play = play;
        this.playHosts = playHosts;
        this.taskHosts = List.copyOf(taskHosts);
        this.after = List.copyOf(after);
        this.changesAtStart = run.changes().position();
    }

    /** Runs the task on the host and returns its final status (also counted and reported). */
    Status run(Task task, HostState host) {
        long started = System.nanoTime();
        Map<String, Object> vars = run.variables().forTask(host.name, task.attributes(), play, playHosts);
        Attempt result;
        if (task.loop() == null) {
            result = guarded(task, host, vars, null);
        } else {
            result = runLoop(task, host, vars, started);
        }
        result = joinGroups(task, host, result);
        finish(task, host, result, null, started);
        return result.status;
    }

    private Attempt runLoop(Task task, HostState host, Map<String, Object> vars, long started) {
        List<Object> items;
        try {
            items = task.loop().items(vars);
        } catch (RuntimeException e) {
            return Attempt.failed(describe(e), 0);
        }
        // Items built from secrets by filters are secrets the variables did not hold as they are.
        run.variables().secrets().addAll(items);
        List<Map<String, Object>> results = new ArrayList<>();
        List<Change> changes = new ArrayList<>();
        boolean anyChanged = false;
        boolean anyFailed = false;
        boolean allSkipped = true;
        int execs = 0;
        String firstFailure = null;
        for (int i = 0; i < items.size(); i++) {
            Object item = items.get(i);
            Map<String, Object> itemVars = new LinkedHashMap<>(vars);
            itemVars.put(task.loopVar(), item);
            itemVars.put("ansible_loop", Map.of("index", i + 1, "index0", i, "first", i == 0, "last", i == items.size() - 1, "length", items.size()));
            long itemStart = System.nanoTime();
            Attempt a = guarded(task, host, itemVars, item);
            run.emit(shown(task, new HostResult(host.name, task.name(), task.location().toString(), a.status, a.message,
                    a.changes, Duration.ofNanos(System.nanoTime() - itemStart), a.execs, display(item), a.registered)));
            Map<String, Object> r = new LinkedHashMap<>(a.registered);
            r.put(task.loopVar(), item);
            results.add(r);
            changes.addAll(a.changes);
            execs += a.execs;
            anyChanged |= a.status == Status.CHANGED;
            boolean failed = a.status == Status.FAILED || a.status == Status.UNREACHABLE;
            if (failed && firstFailure == null) firstFailure = display(item) + ": " + a.message;
            anyFailed |= failed;
            allSkipped &= a.status == Status.SKIPPED;
            // Unreachable or interrupted: the items after it cannot run either.
            if (a.status == Status.UNREACHABLE || a.status == Status.INTERRUPTED) return new Attempt(a.status, a.message, changes, execs, a.registered);
        }
        Map<String, Object> registered = new LinkedHashMap<>();
        registered.put("results", results);
        registered.put("changed", anyChanged);
        registered.put("failed", anyFailed);
        registered.put("skipped", !items.isEmpty() && allSkipped);
        registered.put("msg", anyFailed ? "One or more items failed" : "All items completed");
        Status status = anyFailed ? Status.FAILED
                : anyChanged ? Status.CHANGED
                : (allSkipped && !items.isEmpty()) ? Status.SKIPPED : Status.OK;
        return new Attempt(status, anyFailed ? "one or more items failed; first: " + firstFailure : "", changes, execs, registered);
    }

    /**
     * One task run (or one loop item) with every failure turned into a result, never thrown. A
     * script stopped by the run's interrupt ends failed (killed, or its session closed): that is
     * reported as interrupted, not as the task's failure.
     */
    private Attempt guarded(Task task, HostState host, Map<String, Object> vars, Object item) {
        Attempt a = unguarded(task, host, vars);
        if (run.interrupted().get() && (a.status == Status.FAILED || a.status == Status.UNREACHABLE)) {
            return new Attempt(Status.INTERRUPTED, INTERRUPTED, List.of(), a.execs, TaskExecution.registered(false, true, INTERRUPTED, Map.of()));
        }
        return a;
    }

    private Attempt unguarded(Task task, HostState host, Map<String, Object> vars) {
        try {
            for (Condition c : task.attributes().when()) {
                if (!c.test(vars)) return Attempt.skipped("conditional result was false: " + c.text());
            }
            return attempt(task, host, vars);
        } catch (TransportException e) {
            if (e.kind() == TransportException.Kind.UNREACHABLE) return new Attempt(Status.UNREACHABLE, e.getMessage(), List.of(), 0, Map.of("unreachable", true, "msg", e.getMessage()));
            return Attempt.failed(e.getMessage(), 0);
        } catch (RuntimeException e) {
            return Attempt.failed(describe(e), 0);
        }
    }

    private Attempt attempt(Task task, HostState host, Map<String, Object> vars) {
        boolean checkMode = checkModeOf(task);
        Module<?> module = task.module().create(vars, run.variables().secrets()::add);
        if (checkMode && !module.supportsCheckMode()) {
            return Attempt.skipped(module.moduleName() + " does not run in check mode");
        }
        String target = task.delegateTo() != null ? task.delegateTo().apply(vars) : host.name;
        HostState targetState = run.host(target);
        // Opened on the first exec only: modules that need none (set_fact, debug) never contact the host.
        Supplier<Connection> connection = () -> targetState.connection(run.connector());
        ModuleContext context = new Context(host.name, task.module().variables(vars), checkMode, task.attributes().role());
        // As in Ansible, a delegated task becomes as the variables of the host it runs on say.
        Map<String, Object> connectionVars = target.equals(host.name) ? vars : run.variables().forTask(target, task.attributes(), play, playHosts);
        Become become = BecomeVariables.of(task.attributes(), connectionVars, task.location());
        Map<String, String> environment;
        try {
            environment = task.attributes().environment(vars);
        } catch (RuntimeException e) {
            return Attempt.failed("environment: " + describe(e), 0);
        }
        // Probes taken ahead serve a plain task on its own host; retries want the state as it is now.
        boolean ahead = run.options().batchProbes() && target.equals(host.name) && task.loop() == null && task.until() == null
                && environment.isEmpty() && task.async() == null;
        // async with polling: the task runs to its end, but no exec of it may outlast the limit.
        Duration limit = task.async() != null && !task.async().background() ? Duration.ofSeconds(task.async().seconds()) : null;

        int attempts = task.until() != null ? task.retries() + 1 : 1;
        int execs = 0;
        Attempt last = null;
        for (int n = 1; n <= attempts; n++) {
            Counter counter = new Counter(connection, become, environment, limit);
            Probes probes = ahead ? probe -> probeAhead(probe, counter, host, checkMode) : probe -> counter.exec(probe.script(), null);
            try {
                last = once(module, context, counter, probes, checkMode, host, task.async());
            } catch (TransportException e) {
                if (limit == null || e.kind() != TransportException.Kind.TIMEOUT) throw e;
                return Attempt.failed("async task did not complete within the requested time - " + task.async().seconds() + "s", execs + counter.count);
            }
            execs += counter.count;
            last = last.withExecs(execs);
            last = applyOverrides(task, vars, last);
            if (task.until() == null || last.status == Status.FAILED && n == attempts) break;
            Map<String, Object> untilVars = withRegistered(task, vars, last.registered);
            boolean done;
            try {
                done = task.until().test(untilVars);
            } catch (RuntimeException e) {
                return Attempt.failed(describe(e), execs);
            }
            if (done) break;
            if (n == attempts) {
                last = new Attempt(Status.FAILED, "retries exhausted (" + task.retries() + ") waiting until " + task.until().text(),
                        last.changes, execs, last.registered);
                break;
            }
            sleep(task.delay());
        }
        return last;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Attempt once(Module module, ModuleContext context, Counter connection, Probes probes, boolean checkMode, HostState host,
                         Task.Async async) {
        Object state;
        Plan plan;
        try {
            Probe<?> probe = module.probe(context);
            state = probe.needsExec() ? probe.parser().apply(probes.run(probe)) : probe.constant();
            plan = module.plan(state, context);
        } catch (ModuleException e) {
            if (checkMode && host.pendingChange) {
                return new Attempt(Status.CHANGED, AFTER_PENDING_CHANGE, List.of(Change.of(AFTER_PENDING_CHANGE)),
                        0, registered(true, false, AFTER_PENDING_CHANGE, Map.of()));
            }
            return Attempt.failed(e.getMessage(), 0);
        }
        boolean background = async != null && async.background() && !checkMode;
        if (!plan.hasChanges()) {
            // A module may explain an unchanged result (debug's message, a skipped command's reason).
            String message = plan.data().get("msg") != null ? String.valueOf(plan.data().get("msg")) : "";
            Map<String, Object> data = background ? job(AsyncJobs.newId() + AsyncJobs.NO_CHANGE, plan.data()) : plan.data();
            return new Attempt(Status.OK, message, List.of(), 0, registered(false, false, "", data));
        }
        if (checkMode) {
            host.pendingChange = true;
            return new Attempt(Status.CHANGED, "", plan.changes(), 0, registered(true, false, "", plan.data()));
        }
        if (background) return startJob(plan, async, connection);
        // Recorded before and after (what it waits for after included): probes taken ahead on any
        // host that read what it may write are stale from here on.
        Outcome outcome;
        run.changes().record(plan.writes());
        try {
            outcome = plan.interpreter().apply(connection.exec(plan.applyScript(), plan.applyInput()));
            if (!outcome.failed() && plan.afterApply() != null) {
                outcome = plan.afterApply().await(outcome, script -> connection.exec(script, null));
            }
        } finally {
            run.changes().record(plan.writes());
        }
        Status status = outcome.failed() ? Status.FAILED : outcome.changed() ? Status.CHANGED : Status.OK;
        return new Attempt(status, outcome.message(), plan.changes(), 0,
                registered(outcome.changed(), outcome.failed(), outcome.message(), outcome.data()));
    }

    /** poll: 0 — the apply script becomes a background job on the host; the task reports it started. */
    private Attempt startJob(Plan plan, Task.Async async, Counter connection) {
        if (plan.applyInput() != null) {
            return Attempt.failed("async with poll: 0 cannot hand this task's input (file content) to a background job; use poll: N to wait for it", 0);
        }
        String jid = AsyncJobs.newId();
        // The job writes after this exec ended, as long as it runs: it races with every later probe,
        // batched or not, as it races with every later task.
        run.changes().record(plan.writes());
        ExecResult started;
        try {
            started = connection.exec(AsyncJobs.launch(jid, plan.applyScript(), async.seconds()), null);
        } finally {
            run.changes().record(plan.writes());
        }
        if (!started.succeeded()) return Attempt.failed("could not start the background job: " + started.stderr().strip(), 0);
        return new Attempt(Status.CHANGED, "", plan.changes(), 0, registered(true, false, "", job(jid, Map.of())));
    }

    /** What a task started with poll: 0 registers, as Ansible's: the id async_status reads. */
    private static Map<String, Object> job(String jid, Map<String, Object> data) {
        Map<String, Object> out = new LinkedHashMap<>(data);
        out.put("ansible_job_id", jid);
        out.put("started", 1);
        out.put("finished", jid.endsWith(AsyncJobs.NO_CHANGE) ? 1 : 0);
        return out;
    }

    /** Whom a task's scripts run as, and how they become that user; null: the login user. */
    record Become(String user, BecomeMethod method) {}

    private boolean checkModeOf(Task task) {
        return task.attributes().checkMode() != null ? task.attributes().checkMode() : run.options().checkMode();
    }

    /**
     * Batched probes (RunOptions#batchProbes): the result of {@code script} as taken ahead by an
     * earlier task's batch when nothing may have changed since; otherwise this probe and those of
     * the plain tasks after it in one exec, kept for them. A later task uses a kept result only
     * for exactly the same script, so whatever its arguments turn out to be (registered results,
     * facts set meanwhile), it never sees another probe's answer. A batch cut short costs one
     * more exec: the probe alone, as without batching.
     */
    private ExecResult probeAhead(Probe<?> probe, Counter counter, HostState host, boolean checkMode) {
        String script = probe.script();
        ExecResult kept = host.takeProbe(script, counter.become, changesAtStart, run.changes(), probe::readsOf);
        if (kept != null) return kept;
        long at = run.changes().position();
        List<String> scripts = new ArrayList<>(List.of(script));
        for (Task next : after) {
            String s = probeScriptOf(next, host, counter.become, checkMode);
            if (s != null && !scripts.contains(s)) scripts.add(s);
        }
        if (scripts.size() == 1) return counter.exec(script, null);
        ProbeBatch batch = new ProbeBatch(scripts);
        ExecResult all;
        try {
            all = counter.exec(batch.script(), null);
        } catch (TransportException e) {
            if (e.kind() != TransportException.Kind.TIMEOUT) throw e;
            return counter.exec(script, null);
        }
        List<ExecResult> split = batch.split(all);
        if (split == null) return counter.exec(script, null);
        Map<String, ExecResult> byScript = new LinkedHashMap<>();
        for (int i = 1; i < scripts.size(); i++) byScript.put(scripts.get(i), split.get(i));
        host.keepProbes(byScript, counter.become, at);
        return split.get(0);
    }

    /**
     * The probe script {@code next} would run on the host if it ran now, or null when it would
     * not run one (skipped by tags or {@code when}, another become user or check mode, a loop,
     * retries, delegation) or cannot tell yet (its arguments need results still to come).
     */
    private String probeScriptOf(Task next, HostState host, Become become, boolean checkMode) {
        try {
            if (!run.options().selectsTags(next.attributes().tags())) return null;
            if (next.loop() != null || next.until() != null || next.delegateTo() != null) return null;
            if (next.attributes().environment() != null || next.async() != null) return null;
            if (checkModeOf(next) != checkMode) return null;
            Map<String, Object> vars = run.variables().forTask(host.name, next.attributes(), play, playHosts);
            if (!java.util.Objects.equals(BecomeVariables.of(next.attributes(), vars, next.location()), become)) return null;
            for (Condition c : next.attributes().when()) {
                if (!c.test(vars)) return null;
            }
            Module<?> module = next.module().create(vars, run.variables().secrets()::add);
            if (checkMode && !module.supportsCheckMode()) return null;
            Probe<?> probe = module.probe(new Context(host.name, next.module().variables(vars), checkMode, next.attributes().role()));
            return probe.needsExec() ? probe.script() : null;
        } catch (RuntimeException cannotTellYet) {
            return null;
        }
    }

    /** Runs a probe's script: at once, or through batched probes. */
    @FunctionalInterface
    private interface Probes {
        ExecResult run(Probe<?> probe);
    }

    /** {@code changed_when} / {@code failed_when} see the result under the task's register name. */
    private Attempt applyOverrides(Task task, Map<String, Object> vars, Attempt a) {
        if (a.status == Status.SKIPPED || a.status == Status.UNREACHABLE) return a;
        if (task.changedWhen() == null && task.failedWhen() == null) return a;
        Map<String, Object> scope = withRegistered(task, vars, a.registered);
        Status status = a.status;
        String message = a.message;
        Map<String, Object> reg = new LinkedHashMap<>(a.registered);
        // As in Ansible, changed_when decides "changed" for a failed result too: a command that
        // exits non-zero under failed_when: false and changed_when: false is ok, not changed.
        if (task.changedWhen() != null) {
            boolean changed = task.changedWhen().test(scope);
            if (status != Status.FAILED) status = changed ? Status.CHANGED : Status.OK;
            reg.put("changed", changed);
        }
        if (task.failedWhen() != null) {
            boolean failed = task.failedWhen().test(scope);
            if (failed) {
                status = Status.FAILED;
                message = "failed_when: " + task.failedWhen().text();
            } else if (status == Status.FAILED) {
                status = Boolean.TRUE.equals(reg.get("changed")) ? Status.CHANGED : Status.OK;
                message = "";
            }
            reg.put("failed", failed);
        }
        return new Attempt(status, message, a.changes, a.execs, reg);
    }

    private void finish(Task task, HostState host, Attempt result, Object item, long started) {
        Status status = result.status;
        if (status == Status.FAILED && Boolean.TRUE.equals(task.attributes().ignoreErrors())) status = Status.IGNORED;
        mergeFacts(host, result.registered);
        if (task.register() != null) host.registered.put(task.register(), result.registered);
        if (status == Status.CHANGED) {
            for (String h : task.notifies()) host.notifyHandler(h);
        }
        if (status == Status.FAILED) {
            host.failed = true;
            host.lastFailedTask = task.name();
            host.lastFailure = task.attributes().hidesOutput() ? HIDDEN : result.message;
        }
        if (status == Status.UNREACHABLE) host.unreachable = true;
        host.count(status);
        run.emit(shown(task, new HostResult(host.name, task.name(), task.location().toString(), status, result.message,
                result.changes, Duration.ofNanos(System.nanoTime() - started), result.execs, display(item), result.registered)));
    }

    /**
     * A result as reporters may see it: under {@code no_log: true} its message, changes, diffs,
     * item and registered values give way to one fixed line, as in Ansible; the status, timing
     * and exec count stay. The registered variable itself keeps the real values for later tasks.
     */
    private static HostResult shown(Task task, HostResult r) {
        if (!task.attributes().hidesOutput()) return r;
        Map<String, Object> registered = new LinkedHashMap<>();
        registered.put("censored", HIDDEN);
        for (String flag : List.of("changed", "failed", "skipped")) {
            if (r.registered().containsKey(flag)) registered.put(flag, r.registered().get(flag));
        }
        List<Change> changes = r.changes().isEmpty() ? List.of() : List.of(Change.of(HIDDEN));
        return new HostResult(r.host(), r.task(), r.location(), r.status(), HIDDEN, changes, r.duration(), r.execs(),
                r.item() == null ? null : "None", registered);
    }

    /**
     * group_by's result ({@code add_group}, {@code parent_groups}, as Ansible's action returns):
     * the host joins the group for the rest of the run, changed when it was not in it yet.
     */
    private Attempt joinGroups(Task task, HostState host, Attempt a) {
        List<Map<?, ?>> results = new ArrayList<>();
        if (a.registered.get("results") instanceof List<?> items) {
            for (Object item : items) if (item instanceof Map<?, ?> m) results.add(m);
        }
        results.add(a.registered);
        boolean joined = false;
        try {
            for (Map<?, ?> r : results) {
                if (!(r.get("add_group") instanceof String group) || Boolean.TRUE.equals(r.get("failed"))) continue;
                List<String> parents = r.get("parent_groups") instanceof List<?> names ? names.stream().map(String::valueOf).toList() : List.of();
                joined |= run.variables().addToGroup(host.name, group, parents, task.location());
            }
        } catch (RuntimeException e) {
            return Attempt.failed(describe(e), a.execs);
        }
        if (!joined) return a;
        Map<String, Object> registered = new LinkedHashMap<>(a.registered);
        registered.put("changed", true);
        return new Attempt(a.status == Status.OK ? Status.CHANGED : a.status, a.message, a.changes, a.execs, registered);
    }

    /**
     * Modules such as {@code set_fact} return {@code ansible_facts}; as in Ansible, those become
     * variables of the host (for a loop, each item's in turn). The host's variable map cannot hold
     * null, so a fact set to null is left out (reading it gives "undefined" instead of none).
     */
    private static void mergeFacts(HostState host, Map<String, Object> registered) {
        if (registered.get("results") instanceof List<?> items) {
            for (Object item : items) {
                if (item instanceof Map<?, ?> m && m.get("ansible_facts") instanceof Map<?, ?> facts) putFacts(host, facts);
            }
        }
        if (registered.get("ansible_facts") instanceof Map<?, ?> facts) putFacts(host, facts);
    }

    private static void putFacts(HostState host, Map<?, ?> facts) {
        facts.forEach((name, value) -> {
            if (value != null) host.registered.put(String.valueOf(name), value);
        });
    }

    private static Map<String, Object> withRegistered(Task task, Map<String, Object> vars, Map<String, Object> registered) {
        Map<String, Object> scope = new LinkedHashMap<>(vars);
        scope.putAll(registered);
        if (task.register() != null) scope.put(task.register(), registered);
        return scope;
    }

    private static Map<String, Object> registered(boolean changed, boolean failed, String msg, Map<String, Object> data) {
        Map<String, Object> r = new LinkedHashMap<>(data);
        r.put("changed", changed);
        r.put("failed", failed);
        r.put("skipped", false);
        r.putIfAbsent("msg", msg);
        return r;
    }

    private static String describe(RuntimeException e) {
        if (e instanceof InputException input) return input.oneLine();
        String m = e.getMessage();
        return m != null ? m : e.getClass().getSimpleName();
    }

    static String display(Object item) {
        if (item == null) return null;
        if (item instanceof Map<?, ?> m) {
            for (String key : List.of("name", "key", "path", "dest")) {
                if (m.get(key) != null) return String.valueOf(m.get(key));
            }
        }
        String s = String.valueOf(item);
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to retry", e);
        }
    }


    /** Runs scripts on the task's connection, as the task's become user with its environment, and counts them. */
    private static final class Counter {
        private final Supplier<Connection> connection;
        private final Become become;
        /** {@code export NAME='value'} lines for the task's {@code environment}, before each script. */
        private final String exports;
        int count;

        /** Each exec's time limit ({@code async} with polling), or null for the connection's own. */
        private final Duration limit;

        Counter(Supplier<Connection> connection, Become become, Map<String, String> environment, Duration limit) {
            this.connection = connection;
            this.become = become;
            this.limit = limit;
            StringBuilder lines = new StringBuilder();
            environment.forEach((name, value) -> lines.append("export ").append(name).append('=').append(ShellQuote.quote(value)).append('\n'));
            this.exports = lines.toString();
        }

        ExecResult exec(String script, Stdin stdin) {
            count++;
            ExecRequest request = ExecRequest.of(exports + script);
            if (stdin != null) request = request.withStdin(stdin);
            if (become != null) request = request.as(become.user(), become.method());
            if (limit != null) request = request.withTimeout(limit);
            return connection.get().exec(request);
        }
    }

    /** A class path resource as stdin: its size is known only by reading it once. */
    private static Stdin resource(ClassLoader loader, String name) {
        Supplier<InputStream> opener = () -> {
            InputStream in = loader.getResourceAsStream(name);
            if (in == null) throw new UncheckedIOException(new IOException("classpath resource " + name + " is gone"));
            return in;
        };
        long size;
        try (InputStream in = opener.get()) {
            size = in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException | UncheckedIOException e) {
            throw new ModuleException("cannot read classpath resource " + name + ": " + e.getMessage());
        }
        return Stdin.of("classpath:" + name, size, opener);
    }

    /** The module's view of the run. */
    private final class Context implements ModuleContext {
        private final String hostName;
        private final Map<String, Object> vars;
        private final boolean checkMode;
        private final RoleScope role;

        Context(String hostName, Map<String, Object> vars, boolean checkMode, RoleScope role) {
            this.hostName = hostName;
            this.vars = java.util.Collections.unmodifiableMap(vars);
            this.checkMode = checkMode;
            this.role = role;
        }

        @Override public String hostName() { return hostName; }
        @Override public Map<String, Object> vars() { return vars; }
        @Override public boolean checkMode() { return checkMode; }
        @Override public boolean diffMode() { return run.options().diffMode(); }
        @Override public List<String> taskHosts() { return taskHosts; }

        @Override
        public byte[] readLocalFile(String path, String kind) {
            Stdin file = localFile(path, kind);
            try {
                return file.readAll();
            } catch (UncheckedIOException e) {
                throw new ModuleException(e.getMessage());
            }
        }

        @Override
        public Stdin localFile(String path, String kind) {
            List<Path> candidates = new ArrayList<>();
            Path given = Path.of(path);
            if (given.isAbsolute()) candidates.add(given);
            if (role != null && role.dir() != null) {
                candidates.add(role.dir().resolve(kind).resolve(path));
                candidates.add(role.dir().resolve(path));
            }
            if (run.playbookDir() != null) {
                candidates.add(run.playbookDir().resolve(kind).resolve(path));
                candidates.add(run.playbookDir().resolve(path));
            }
            for (Path p : candidates) {
                if (Files.isRegularFile(p)) {
                    return localFiles.computeIfAbsent(p.toAbsolutePath().normalize().toString(), key -> {
                        try {
                            return Stdin.of(p);
                        } catch (IOException e) {
                            throw new ModuleException("cannot read " + p + ": " + e.getMessage());
                        }
                    });
                }
            }
            // Roles packaged in a jar keep their Ansible layout under roles/NAME/ on the classpath.
            List<String> resources = new ArrayList<>();
            if (role != null) resources.add("roles/" + role.name() + "/" + kind + "/" + path);
            resources.add(path);
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            for (String r : resources) {
                if (loader.getResource(r) == null) continue;
                return localFiles.computeIfAbsent("classpath:" + r, key -> resource(loader, r));
            }
            throw new ModuleException("file not found: '" + path + "' (looked in " + candidates + " and the classpath)");
        }

        @Override
        public RenderedTemplate renderTemplate(String name, String source) {
            if (run.templates() == null) throw new IllegalStateException("no template engine configured for this run");
            return run.templates().render(name, source, vars);
        }
    }

    /** The result of one run of the task (or of one loop item) on one host. */
    private record Attempt(Status status, String message, List<Change> changes, int execs, Map<String, Object> registered) {
        static Attempt failed(String message, int execs) {
            return new Attempt(Status.FAILED, message, List.of(), execs, TaskExecution.registered(false, true, message, Map.of()));
        }

        static Attempt skipped(String reason) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("changed", false);
            r.put("skipped", true);
            r.put("skip_reason", reason);
            return new Attempt(Status.SKIPPED, reason, List.of(), 0, r);
        }

        Attempt withExecs(int n) {
            return new Attempt(status, message, changes, n, registered);
        }
    }
}
