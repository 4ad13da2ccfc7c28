package dev.rigger.core.executor;

import dev.rigger.core.error.InputException;
import dev.rigger.core.internal.text.NearNames;
import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.inventory.HostPattern;
import dev.rigger.core.inventory.Inventory;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What {@link PlaybookRun#validate()} checks before a run, for playbooks built in code as for
 * loaded ones: every {@code notify} names a handler or {@code listen} topic of its play, and every
 * play's host pattern matches a host (a warning as in Ansible, an error with
 * {@link RunOptions#strictHostPatterns()}). Names are checked where they are given, by the builders.
 */
final class PlaybookCheck {
    static final SourceLocation JAVA = SourceLocation.unknown("java");

    final List<InputException> problems = new ArrayList<>();
    final List<String> warnings = new ArrayList<>();

    PlaybookCheck(Playbook playbook, Inventory inventory, RunOptions options) {
        boolean groupsMayGrow = false;
        for (Play play : playbook.plays()) {
            // After a group_by, a pattern may match a group made at run time: the run says then.
            if (!groupsMayGrow) checkHosts(play, inventory, options.strictHostPatterns());
            checkNotifications(play);
            groupsMayGrow |= mayGroupBy(play);
        }
    }

    /** Whether the play has a group_by task, or a task list only known at run time that may hold one. */
    private static boolean mayGroupBy(Play play) {
        List<TaskNode> all = new ArrayList<>(play.preTasks());
        all.addAll(play.tasks());
        all.addAll(play.postTasks());
        all.addAll(play.handlers());
        List<Task> tasks = new ArrayList<>();
        if (!flatten(all, tasks)) return true;
        return tasks.stream().anyMatch(t -> t.module() != null && t.module().moduleName().replaceAll(".*\\.", "").equals("group_by"));
    }

    private void checkHosts(Play play, Inventory inventory, boolean strict) {
        List<String> hosts;
        try {
            hosts = HostPattern.parse(play.hosts()).select(inventory).hosts();
        } catch (InputException e) {
            problems.add(e);
            return;
        }
        if (!hosts.isEmpty()) return;
        Set<String> names = new LinkedHashSet<>(inventory.groups().keySet());
        inventory.hosts().forEach(h -> names.add(h.name()));
        String near = NearNames.closest(play.hosts(), names).orElse(null);
        if (strict) {
            problems.add(new InputException(play.location(), "hosts: no host or group matches '" + play.hosts() + "'", near));
        } else {
            // Ansible's words, so people who grep for them find them.
            warnings.add("[WARNING]: Could not match supplied host pattern, ignoring: " + play.hosts()
                    + (near != null ? " (did you mean '" + near + "'?)" : ""));
        }
    }

    private void checkNotifications(Play play) {
        List<TaskNode> all = new ArrayList<>(play.preTasks());
        all.addAll(play.tasks());
        all.addAll(play.postTasks());
        all.addAll(play.handlers());
        List<Task> tasks = new ArrayList<>();
        // A task list only resolved at run time may bring the handler: nothing to say before.
        if (!flatten(all, tasks)) return;
        Set<String> answered = new LinkedHashSet<>();
        for (Task h : play.handlers()) {
            answered.add(h.name());
            answered.addAll(h.listen());
        }
        for (Task task : tasks) {
            for (String handler : task.notifies()) {
                if (answered.contains(handler)) continue;
                problems.add(new InputException(task.location(), "task '" + task.name() + "' notifies '" + handler
                        + "', but no handler or listen topic of the play has that name", NearNames.closest(handler, answered).orElse(null)));
            }
        }
    }

    /** Collects the tasks under {@code nodes}; false when a dynamic include hides some. */
    private static boolean flatten(List<TaskNode> nodes, List<Task> out) {
        for (TaskNode node : nodes) {
            if (node instanceof Task t) out.add(t);
            else if (node instanceof Block b) {
                if (!flatten(b.tasks(), out) || !flatten(b.rescue(), out) || !flatten(b.always(), out)) return false;
            } else if (node instanceof DynamicInclude) return false;
        }
        return true;
    }
}
