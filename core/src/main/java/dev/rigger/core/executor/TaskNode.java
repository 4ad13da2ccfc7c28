package dev.rigger.core.executor;

import dev.rigger.core.error.SourceLocation;

/** An element of a play's task list: a task, a block, a dynamic include, or a meta action. */
public sealed interface TaskNode permits Task, Block, DynamicInclude, FlushHandlers {
    String name();

    SourceLocation location();

    /** The attributes a node passes to what it contains (when, tags, become, vars, role). */
    Attributes attributes();
}
