package dev.rigger.core.executor;

import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.module.Module;
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
 *     .module(new AptPackage(List.of("redis-server"), ...))
 *     .notify("restart redis")
 *     .when(vars -> "debian".equals(vars.get("ansible_distribution_id")))
 *     .build();
 * }</pre>
 *
 * @param delegateTo host to run on instead (computed from the task's variables), or null
 */
public record Task(String name, SourceLocation location, ModuleFactory module, Attributes attributes,
                   String register, LoopSource loop, String loopVar, List<String> notifies, List<String> listen,
                   int retries, Duration delay, Condition until, boolean runOnce,
                   Function<Map<String, Object>, String> delegateTo,
                   Condition changedWhen, Condition failedWhen) implements TaskNode {

    public Task {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(module, "module");
        notifies = List.copyOf(notifies);
        listen = List.copyOf(listen);
    }

    public static Builder named(String name) {
        return new Builder(name);
    }

    public Builder toBuilder() {
        Builder b = new Builder(name);
        b.location = location; b.module = module; b.attributes = attributes; b.register = register;
        b.loop = loop; b.loopVar = loopVar; b.notify = new ArrayList<>(notifies); b.listen = new ArrayList<>(listen);
        b.retries = retries; b.delay = delay; b.until = until; b.runOnce = runOnce; b.delegateTo = delegateTo;
        b.changedWhen = changedWhen; b.failedWhen = failedWhen;
        return b;
    }

    /** The task as it appears inside an enclosing block/role/play with attributes {@code outer}. */
    Task within(Attributes outer) {
        Builder b = toBuilder();
        b.attributes = attributes.within(outer);
        return b.build();
    }

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

        private Builder(String name) {
            this.name = InvalidPlaybookException.requireText(name, "Task.named(name): the task name");
        }

        public Builder location(SourceLocation value) { this.location = value; return this; }
        public Builder module(Module<?> value) { this.module = ModuleFactory.of(value); return this; }
        public Builder module(ModuleFactory value) { this.module = value; return this; }
        public Builder attributes(Attributes value) { this.attributes = value; return this; }
        public Builder when(Condition value) { this.attributes = attributes.withWhen(value); return this; }
        public Builder tags(String... values) { this.attributes = attributes.withTags(Set.of(values)); return this; }
        public Builder become(boolean value) { this.attributes = attributes.withBecome(value, attributes.becomeUser()); return this; }
        public Builder becomeUser(String user) { this.attributes = attributes.withBecome(true, user); return this; }
        public Builder vars(Map<String, Object> value) { this.attributes = attributes.withVars(value); return this; }
        public Builder checkMode(Boolean value) { this.attributes = attributes.withCheckMode(value); return this; }
        public Builder ignoreErrors(boolean value) { this.attributes = attributes.withIgnoreErrors(value); return this; }
        public Builder register(String value) { this.register = value; return this; }
        public Builder loop(LoopSource value) { this.loop = value; return this; }
        public Builder loop(List<?> items) { this.loop = LoopSource.of(items); return this; }
        public Builder loopVar(String value) { this.loopVar = value; return this; }
        public Builder notify(String... handlers) { this.notify.addAll(List.of(handlers)); return this; }
        public Builder listen(String... topics) { this.listen.addAll(List.of(topics)); return this; }
        public Builder retries(int value) { this.retries = value; return this; }
        public Builder delay(Duration value) { this.delay = value; return this; }
        public Builder until(Condition value) { this.until = value; return this; }
        public Builder runOnce(boolean value) { this.runOnce = value; return this; }
        public Builder delegateTo(String host) { this.delegateTo = vars -> host; return this; }
        public Builder delegateTo(Function<Map<String, Object>, String> value) { this.delegateTo = value; return this; }
        public Builder changedWhen(Condition value) { this.changedWhen = value; return this; }
        public Builder failedWhen(Condition value) { this.failedWhen = value; return this; }

        public Task build() {
            if (module == null) throw new IllegalStateException("task '" + name + "' has no module");
            if (until != null && retries == 0) retries = 3; // Ansible's default when only until is given
            return new Task(name, location, module, attributes, register, loop, loopVar, notify, listen,
                    retries, delay, until, runOnce, delegateTo, changedWhen, failedWhen);
        }
    }
}
