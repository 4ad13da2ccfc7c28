package dev.rigger.core.executor;

import dev.rigger.core.module.Change;
import dev.rigger.core.module.Module;
import dev.rigger.core.module.ModuleContext;
import dev.rigger.core.module.ModuleException;
import dev.rigger.core.module.Plan;
import dev.rigger.core.module.Probe;
import dev.rigger.core.transport.Connection;
import dev.rigger.core.transport.ExecRequest;
import dev.rigger.core.transport.ExecResult;
import dev.rigger.core.transport.TransportException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Pure unit-test doubles for the executor: hosts holding a set of "files" and a module that
 * manages one file. They understand exactly the two scripts {@link Marker} produces. The real
 * proof of modules and transport is in the lab integration tests.
 */
final class FakeHosts implements HostConnector {
    final Map<String, Set<String>> files = new ConcurrentHashMap<>();
    final Map<String, AtomicLong> execs = new ConcurrentHashMap<>();
    final Set<String> unreachable = ConcurrentHashMap.newKeySet();
    final Set<String> opened = ConcurrentHashMap.newKeySet();

    @Override
    public Connection open(String host) {
        opened.add(host);
        if (unreachable.contains(host)) throw new TransportException(TransportException.Kind.UNREACHABLE, host, "connection refused");
        Set<String> fs = files.computeIfAbsent(host, h -> ConcurrentHashMap.newKeySet());
        AtomicLong count = execs.computeIfAbsent(host, h -> new AtomicLong());
        return new Connection() {
            @Override public String hostName() { return host; }
            @Override public long execCount() { return count.get(); }
            @Override public void close() {}

            @Override
            public ExecResult exec(ExecRequest request) {
                count.incrementAndGet();
                String s = request.script();
                if (s.startsWith("probe ")) {
                    return new ExecResult(0, fs.contains(s.substring(6)) ? "present\n" : "absent\n", "", Duration.ZERO);
                }
                if (s.startsWith("create ")) {
                    String path = s.substring(7);
                    if (path.startsWith("/forbidden")) return new ExecResult(1, "", "permission denied: " + path, Duration.ZERO);
                    fs.add(path);
                    return new ExecResult(0, "", "", Duration.ZERO);
                }
                if (s.startsWith("facts")) return new ExecResult(0, "os=fake\n", "", Duration.ZERO);
                throw new AssertionError("unexpected script: " + s);
            }
        };
    }

    Map<String, Object> facts(Connection c) {
        ExecResult r = c.exec("facts");
        return Map.of("ansible_os_family", r.stdout().strip().substring(3));
    }

    /** Ensures a file exists: probe 1 exec, create 1 exec. Paths under /needs/ require /needs to exist first. */
    record Marker(String path) implements Module<Boolean> {
        @Override public String moduleName() { return "marker"; }

        @Override
        public Probe<Boolean> probe(ModuleContext context) {
            return Probe.of("probe " + path, r -> r.stdout().strip().equals("present"));
        }

        @Override
        public Plan plan(Boolean present, ModuleContext context) {
            if (present) return Plan.noChange(Map.of("path", path));
            return Plan.apply(List.of(Change.of("create " + path)), "create " + path);
        }
    }

    /** A module whose probe fails unless its dependency file exists (a service whose package is missing). */
    record NeedsFile(String dependency, String path) implements Module<Boolean> {
        @Override public String moduleName() { return "needs_file"; }

        @Override
        public Probe<Boolean> probe(ModuleContext context) {
            return Probe.of("probe " + dependency, r -> {
                if (!r.stdout().strip().equals("present")) throw new ModuleException(dependency + " is missing");
                return true;
            });
        }

        @Override
        public Plan plan(Boolean ok, ModuleContext context) {
            return Plan.apply(List.of(Change.of("create " + path)), "create " + path);
        }
    }
}
