package dev.rigger.core.executor;

import dev.rigger.core.error.SourceLocation;

/** {@code meta: flush_handlers}: runs the handlers notified so far, now instead of at the end of the play. */
public record FlushHandlers(SourceLocation location) implements TaskNode {
    @Override
    public String name() {
        return "meta: flush_handlers";
    }

    @Override
    public Attributes attributes() {
        return Attributes.NONE;
    }
}
