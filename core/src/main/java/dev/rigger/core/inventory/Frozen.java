package dev.rigger.core.inventory;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Immutable copies that, unlike {@code Map.copyOf}, keep order and allow null values (YAML {@code ~}). */
final class Frozen {
    private Frozen() {}

    static <V> Map<String, V> map(Map<String, V> source) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(source));
    }
}
