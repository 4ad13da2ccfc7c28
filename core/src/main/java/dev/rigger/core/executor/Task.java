package dev.rigger.core.executor;

import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.module.Module;
import dev.rigger.core.transport.BecomeMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * One task: a module plus the keywords that say when, how often and as whom it runs.
 *
 * <pre>{@code
 * Task t = Task.named("install redis")
 *     .module(AptPackage.builder("redis-server").build())
 *     .notify("restart redis")
 *     .when(vars -> "debian".equals(vars.get("ansible_distribution_id")))
 *     .build();
 * }</pre>
 *
 * @param delegateTo host to run on instead (computed from the task's variables), or null
 * @param throttle   at most this many hosts run the task at once ({@code throttle}); 0 for no limit
 * @param async      {@code async}/{@code poll}: a time limit, and whether the task waits for its job; or null
 */
public record Task(String name, SourceLocation location, ModuleFactory module, Attributes attributes,
                   String register, LoopSource loop, String loopVar, List<String> notifies, List<String> listen,
                   int retries, Duration delay, Condition until, boolean runOnce,
                   Function<Map<String, Object>, String> delegateTo,
                   Condition changedWhen, Condition failedWhen, int throttle, Async async) implements TaskNode {

    /**
     * Ansible's {@code async: seconds} with {@code poll}: with {@code poll > 0} the task runs to its
     * end but fails after {@code seconds}; with {@code poll: 0} its change is started as a background
     * job on the host (see {@code AsyncJobs}) and the task goes on at once, registering
     * {@code ansible_job_id} for {@code async_status}.
     */
    public record Async(int seconds, int poll) {
        public Async {
            if (seconds < 1) throw new IllegalArgumentException("async needs at least 1 second, got " + seconds);
            if (poll < 0) throw new IllegalArgumentException("poll must not be negative, got " + poll);
        }

        public boolean background() {
            return poll == 0;
        }
    }

    public Task {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(module, "module");
        notifies = List.copyOf(notifies);
        listen = List.copyOf(listen);
    }

    /**
     * A task built in code; give it a module, then {@link Builder#build()}.
     * @throws InvalidPlaybookException when the name is null or blank
     */
    public static Builder named(String name) {
        return new Builder(name);
    }

    /** A builder holding this task's settings, to derive a changed copy. */
    public Builder toBuilder() {
        Builder b = new Builder(name);
        b.location = location; b.module = module; b.attributes = attributes; b.register = register;
        b.loop = loop; b.loopVar = loopVar; b.notify = new ArrayList<>(notifies); b.listen = new ArrayList<>(listen);
        b.retries = retries; b.delay = delay; b.until = until; b.runOnce = runOnce; b.delegateTo = delegateTo;
        b.changedWhen = changedWhen; b.failedWhen = failedWhen; b.throttle = throttle; b.async = async;
        return b;
    }

    /** The task as it appears inside an enclosing block/role/play with attributes {@code outer}. */
    Task within(Attributes outer) {
        Builder b = toBuilder();
        b.attributes = attributes.within(outer);
        return b.build();
    }

    /** Builds a {@link Task}; every setter returns the builder. */
    public static final class Builder {
        private final String name;
        private SourceLocation location = SourceLocation.unknown("java");
        private ModuleFactory module;
        private Attributes attributes = Attributes.NONE;
        private String register;
        private LoopSource loop;
        private String loopVar = "item";
        private List<String> notify = new ArrayList<>();
        private List<String> listen = new ArrayList<>();
        private int retries;
        private Duration delay = Duration.ofSeconds(5);
        private Condition until;
        private boolean runOnce;
        private Function<Map<String, Object>, String> delegateTo;
        private Condition changedWhen;
        private Condition failedWhen;
        private int throttle;
        private Async async;

        private Builder(String name) {
            this.name = InvalidPlaybookException.requireText(name, "Task.named(name): the task name");
        }

        /** Where the task was written, for messages (loaders set it; code may leave it). */
        public Builder location(SourceLocation value) { this.location = value; return this; }
        /** What the task does: a module built in code ({@code AptPackage.builder("nginx").build()}). */
        public Builder module(Module<?> value) { this.module = ModuleFactory.of(value); return this; }
        /** What the task does, built per host from its variables (loaders use this for templated arguments). */
        public Builder module(ModuleFactory value) { this.module = value; return this; }
        /** when, tags, become, vars, check_mode, ignore_errors at once, replacing those set before. */
        public Builder attributes(Attributes value) { this.attributes = value; return this; }
        /** Runs only on hosts where this holds ({@code when}); otherwise the task is skipped. */
        public Builder when(Condition value) { this.attributes = attributes.withWhen(value); return this; }
        /** The task's tags, for {@link RunOptions.Builder#tags} and {@link RunOptions.Builder#skipTags}. */
        public Builder tags(String... values) { this.attributes = attributes.withTags(Set.of(values)); return this; }
        /** Runs as root through sudo ({@code become}). */
        public Builder become(boolean value) { this.attributes = attributes.withBecome(value, attributes.becomeUser()); return this; }
        /** Runs as this user through sudo ({@code become_user}, become included). */
        public Builder becomeUser(String user) { this.attributes = attributes.withBecome(true, user); return this; }
        /** Becomes the user with su instead of sudo, or back ({@code become_method}). */
        public Builder becomeMethod(BecomeMethod value) { this.attributes = attributes.withBecomeMethod(value); return this; }
        /** Task variables ({@code vars}), over play and inventory variables. */
        public Builder vars(Map<String, Object> value) { this.attributes = attributes.withVars(value); return this; }
        /** true: always in check mode; false: runs for real even in a check run ({@code check_mode}); null: as the run. */
        public Builder checkMode(Boolean value) { this.attributes = attributes.withCheckMode(value); return this; }
        /** A failure is reported as ignored and the host goes on ({@code ignore_errors}). */
        public Builder ignoreErrors(boolean value) { this.attributes = attributes.withIgnoreErrors(value); return this; }
        /** Stores the result in this variable for later tasks ({@code register}). */
        public Builder register(String value) { this.register = value; return this; }
        /** Runs once per item the source yields per host ({@code loop}). */
        public Builder loop(LoopSource value) { this.loop = value; return this; }
        /** Runs once per item ({@code loop}); each run sees it as {@code item} (see {@link #loopVar}). */
        public Builder loop(List<?> items) { this.loop = LoopSource.of(items); return this; }
        /** The loop item's variable name (default {@code item}). */
        public Builder loopVar(String value) { this.loopVar = value; return this; }
        /** Handlers (names or listen topics) to run when this task changed something ({@code notify}). */
        public Builder notify(String... handlers) { this.notify.addAll(List.of(handlers)); return this; }
        /** For a handler: topics it answers besides its name ({@code listen}). */
        public Builder listen(String... topics) { this.listen.addAll(List.of(topics)); return this; }
        /** How often the task is tried until {@link #until} holds (default 3 when only until is given). */
        public Builder retries(int value) { this.retries = value; return this; }
        /** Wait between tries (default 5 s). */
        public Builder delay(Duration value) { this.delay = value; return this; }
        /** Tries again (up to {@link #retries}) until this holds on the result ({@code until}). */
        public Builder until(Condition value) { this.until = value; return this; }
        /** Runs on the first host of the batch only and hands its result to all ({@code run_once}). */
        public Builder runOnce(boolean value) { this.runOnce = value; return this; }
        /** Runs on this inventory host instead, with the task's host variables ({@code delegate_to}). */
        public Builder delegateTo(String host) { this.delegateTo = vars -> host; return this; }
        /** Runs on the host computed from the task's variables ({@code delegate_to} with a template). */
        public Builder delegateTo(Function<Map<String, Object>, String> value) { this.delegateTo = value; return this; }
        /** Whether the result counts as changed, decided from it ({@code changed_when}). */
        public Builder changedWhen(Condition value) { this.changedWhen = value; return this; }
        /** Whether the result counts as failed, decided from it ({@code failed_when}). */
        public Builder failedWhen(Condition value) { this.failedWhen = value; return this; }
        /** At most this many hosts run the task at the same time ({@code throttle}); 0 (default) for no limit. */
        public Builder throttle(int value) { this.throttle = value; return this; }
        /** A time limit, run in the background when {@code poll} is 0 ({@code async}/{@code poll}); null for none. */
        public Builder async(Async value) { this.async = value; return this; }

        /**
         * The task.
         * @throws IllegalStateException when no module was given
         */
        public Task build() {
            if (module == null) throw new IllegalStateException("task '" + name + "' has no module");
            if (until != null && retries == 0) retries = 3; // Ansible's default when only until is given
            return new Task(name, location, module, attributes, register, loop, loopVar, notify, listen,
                    retries, delay, until, runOnce, delegateTo, changedWhen, failedWhen, throttle, async);
        }
    }
}
