package dev.rigger.core.executor;

import dev.rigger.core.transport.Connection;
import java.util.Map;

/** Gathers a host's facts as variables ({@code ansible_*}) with exactly one exec. */
@FunctionalInterface
public interface FactSource {
    Map<String, Object> gather(Connection connection);
}
