package dev.rigger.core.executor;

import dev.rigger.core.error.SourceLocation;
import java.util.List;

/**
 * {@code block}/{@code rescue}/{@code always}: the rescue tasks run on the hosts where a block task
 * failed (their failure is then counted as rescued), the always tasks run on every host that
 * entered the block.
 */
public record Block(String name, SourceLocation location, Attributes attributes,
                    List<TaskNode> tasks, List<TaskNode> rescue, List<TaskNode> always) implements TaskNode {
    public Block {
        tasks = List.copyOf(tasks);
        rescue = List.copyOf(rescue);
        always = List.copyOf(always);
    }
}
