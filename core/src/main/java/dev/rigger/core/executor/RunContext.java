package dev.rigger.core.executor;

import dev.rigger.core.inventory.Inventory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/** Everything one run shares between its plays and workers. Nothing here outlives the run. */
record RunContext(Inventory inventory, RunOptions options, Map<String, HostState> hosts, Variables variables,
                  HostConnector connector, FactSource facts, TemplateEngine templates, Path playbookDir,
                  ExecutorService workers, List<RunListener> listeners) {

    void emit(RunEvent event) {
        // One event at a time, so listeners see a consistent order and need no locking of their own.
        synchronized (listeners) {
            for (RunListener l : listeners) l.on(event);
        }
    }

    HostState host(String name) {
        return hosts.computeIfAbsent(name, HostState::new);
    }
}
