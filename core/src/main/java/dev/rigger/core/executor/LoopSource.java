package dev.rigger.core.executor;

import java.util.List;
import java.util.Map;

/** The items of a {@code loop:}, computed per host from its variables. */
@FunctionalInterface
public interface LoopSource {
    List<Object> items(Map<String, Object> vars);

    static LoopSource of(List<?> items) {
        List<Object> copy = List.copyOf(items);
        return vars -> copy;
    }
}
