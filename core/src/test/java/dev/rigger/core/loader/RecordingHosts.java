package dev.rigger.core.loader;

import dev.rigger.core.executor.HostConnector;
import dev.rigger.core.transport.Connection;
import dev.rigger.core.transport.ExecRequest;
import dev.rigger.core.transport.ExecResult;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** Hosts where every script succeeds; remembers "host: script" and the request for each exec. */
final class RecordingHosts implements HostConnector {
    final List<String> execs = new CopyOnWriteArrayList<>();
    final List<ExecRequest> requests = new CopyOnWriteArrayList<>();

    @Override
    public Connection open(String host) {
        AtomicLong count = new AtomicLong();
        return new Connection() {
            @Override public String hostName() { return host; }
            @Override public long execCount() { return count.get(); }
            @Override public void close() {}

            @Override
            public ExecResult exec(ExecRequest request) {
                count.incrementAndGet();
                synchronized (requests) { // the same index in both lists: the same exec
                    execs.add(host + ": " + request.script());
                    requests.add(request);
                }
                return new ExecResult(0, "", "", Duration.ZERO);
            }
        };
    }
}
