package dev.rigger.core.executor;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How a run behaves: check mode (plan only, never change a host), diff mode, host limit, tags,
 * extra vars (highest precedence), parallelism and listeners.
 *
 * @param forks        most hosts worked on at once (default 256)
 * @param startAtTask  skip tasks until one with this name (glob) is reached, or null
 * @param strictHostPatterns a play whose host pattern matches no host is an error
 *                     ({@link InvalidPlaybookException}) instead of Ansible's warning
 * @param batchProbes  take the probes of a host's next tasks in one exec (docs/performance.md):
 *                     a play where nothing changes then costs one exec per host instead of one per
 *                     task; results are the same. On by default (system property
 *                     {@code rigger.batchProbes=false} turns it off for every run)
 */
public record RunOptions(boolean checkMode, boolean diffMode, String limit, Set<String> tags, Set<String> skipTags,
                         Map<String, Object> extraVars, int forks, String startAtTask, List<RunListener> listeners,
                         boolean strictHostPatterns, boolean batchProbes) {

    public RunOptions {
        tags = Set.copyOf(tags);
        skipTags = Set.copyOf(skipTags);
        extraVars = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(extraVars));
        listeners = List.copyOf(listeners);
        if (forks < 1) throw new IllegalArgumentException("forks must be at least 1");
    }

    /**
     * Whether a task with these tags (its own and inherited) runs under {@code --tags}/{@code --skip-tags},
     * by Ansible's rules: 'always' runs unless skipped explicitly, 'never' only when asked for.
     */
    public boolean selectsTags(Set<String> taskTags) {
        for (String t : taskTags) {
            if (skipTags.contains(t)) return false;
        }
        if (taskTags.contains("never") && taskTags.stream().noneMatch(tags::contains)) return false;
        if (tags.isEmpty() || tags.contains("all")) return true;
        if (taskTags.contains("always")) return true;
        if (tags.contains("tagged") && !taskTags.isEmpty()) return true;
        if (tags.contains("untagged") && taskTags.isEmpty()) return true;
        return taskTags.stream().anyMatch(tags::contains);
    }

    /** Whether {@code --start-at-task} names this task: its exact name or a glob matching it. */
    public boolean startsAt(String taskName) {
        if (startAtTask == null) return false;
        if (taskName.equals(startAtTask)) return true;
        // A path matcher globs one file name, so '/' in a task name must not split it.
        return FileSystems.getDefault().getPathMatcher("glob:" + startAtTask).matches(Path.of(taskName.replace('/', '_')));
    }

    /** Options with Ansible's defaults: a real run, no diff, every host, every tag, 256 forks. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link RunOptions}; every setter returns the builder. */
    public static final class Builder {
        private boolean checkMode;
        private boolean diffMode;
        private String limit;
        private final Set<String> tags = new LinkedHashSet<>();
        private final Set<String> skipTags = new LinkedHashSet<>();
        private final Map<String, Object> extraVars = new LinkedHashMap<>();
        private int forks = 256;
        private String startAtTask;
        private final List<RunListener> listeners = new ArrayList<>();
        private boolean strictHostPatterns;
        private boolean batchProbes = Boolean.parseBoolean(System.getProperty("rigger.batchProbes", "true"));

        /** Check mode ({@code --check}): probe and plan only, never change a host. */
        public Builder checkMode(boolean value) { this.checkMode = value; return this; }
        /** Diff mode ({@code --diff}): results carry the before/after of files and settings. */
        public Builder diffMode(boolean value) { this.diffMode = value; return this; }
        /** Only hosts matching this pattern ({@code --limit}, e.g. {@code db:&dc1}); null for all. */
        public Builder limit(String value) { this.limit = value; return this; }
        /** Only tasks with one of these tags ({@code --tags}); adds to those set before. */
        public Builder tags(Set<String> value) { tags.addAll(value); return this; }
        /** Not the tasks with one of these tags ({@code --skip-tags}); adds to those set before. */
        public Builder skipTags(Set<String> value) { skipTags.addAll(value); return this; }
        /** Variables over every other source ({@code -e}); adds to those set before. */
        public Builder extraVars(Map<String, Object> value) { extraVars.putAll(value); return this; }
        /** Most hosts worked on at once (default 256; at least 1). */
        public Builder forks(int value) { this.forks = value; return this; }
        /** Skips tasks until one whose name is or matches (glob) this ({@code --start-at-task}). */
        public Builder startAtTask(String value) { this.startAtTask = value; return this; }
        /** A listener for every run made with these options (as {@link PlaybookRun#listener}). */
        public Builder listener(RunListener value) { listeners.add(value); return this; }
        /** A play whose host pattern matches no host is an error ({@link InvalidPlaybookException}), not a warning. */
        public Builder strictHostPatterns(boolean value) { this.strictHostPatterns = value; return this; }
        public Builder batchProbes(boolean value) { this.batchProbes = value; return this; }

        /** The options. */
        public RunOptions build() {
            return new RunOptions(checkMode, diffMode, limit, tags, skipTags, extraVars, forks, startAtTask, listeners, strictHostPatterns, batchProbes);
        }
    }
}
