package dev.rigger.core.executor;

import dev.rigger.core.transport.Connection;

/** Opens the connection to an inventory host; called once per host per run. */
@FunctionalInterface
public interface HostConnector {
    Connection open(String hostName);
}
