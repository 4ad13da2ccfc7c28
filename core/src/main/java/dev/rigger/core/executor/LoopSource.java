package dev.rigger.core.executor;

import dev.rigger.core.render.TemplatedLoop;
import java.util.List;
import java.util.Map;

/** The items of a {@code loop:}, computed per host from its variables. */
@FunctionalInterface
public interface LoopSource {
    List<Object> items(Map<String, Object> vars);

    /** A loop written with {@code {{ }}} (as YAML tasks are), rendered per host. */
    static LoopSource of(TemplatedLoop loop) {
        return loop::items;
    }

    static LoopSource of(List<?> items) {
        List<Object> copy = List.copyOf(items);
        return vars -> copy;
    }
}
