package dev.rigger.core.executor;

import dev.rigger.core.error.SourceLocation;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code include_tasks}/{@code include_role}: tasks resolved per host at run time (the file name or
 * the vars may depend on the host), once per loop item when {@code loop} is set.
 */
public record DynamicInclude(String name, SourceLocation location, Attributes attributes, LoopSource loop,
                             String loopVar, Function<Map<String, Object>, List<TaskNode>> resolver) implements TaskNode {
}
