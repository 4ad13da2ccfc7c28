package dev.rigger.modules.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rigger.core.executor.Play;
import dev.rigger.core.executor.Playbook;
import dev.rigger.core.executor.PlaybookRun;
import dev.rigger.core.executor.RunEvent.HostResult;
import dev.rigger.core.executor.RunOptions;
import dev.rigger.core.executor.RunResult;
import dev.rigger.core.executor.Status;
import dev.rigger.core.executor.Task;
import dev.rigger.core.module.Module;
import dev.rigger.core.transport.Connection;
import dev.rigger.core.transport.Connections;
import dev.rigger.core.transport.ExecRequest;
import dev.rigger.core.transport.ExecResult;
import dev.rigger.testing.Lab;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Runs storage modules on lab hosts through the executor, as users do, recording every script sent. */
final class StorageRuns {
    private StorageRuns() {}

    /** One task on the hosts {@code pattern} names; every request sent is added to {@code sent}. */
    static RunResult run(Lab lab, String pattern, boolean checkMode, boolean runOnce, List<ExecRequest> sent, Module<?> module) {
        Play play = Play.builder(pattern).gatherFacts(false)
                .task(Task.named("task").module(module).runOnce(runOnce).build()).build();
        return PlaybookRun.of(Playbook.of(play))
                .inventory(lab.inventory())
                .options(RunOptions.builder().checkMode(checkMode).diffMode(true).build())
                .connector(name -> new Recording(Connections.open(lab.host(name).settings()), sent))
                .execute();
    }

    static HostResult apply(Lab lab, String host, Module<?> module) {
        return single(run(lab, host, false, false, new CopyOnWriteArrayList<>(), module), host);
    }

    static HostResult check(Lab lab, String host, Module<?> module) {
        return single(run(lab, host, true, false, new CopyOnWriteArrayList<>(), module), host);
    }

    static HostResult single(RunResult run, String host) {
        List<HostResult> results = run.hostResults().stream().filter(r -> r.host().equals(host)).toList();
        assertThat(results).hasSize(1);
        return results.get(0);
    }

    /** Asserts status and exec count, with the result's message when it is not as expected. */
    static HostResult expect(HostResult r, Status status, int execs) {
        assertThat(r.status()).as("status of %s on %s: %s", r.task(), r.host(), r.message()).isEqualTo(status);
        assertThat(r.execs()).as("execs of %s on %s", r.task(), r.host()).isEqualTo(execs);
        return r;
    }

    static List<String> changes(HostResult r) {
        return r.changes().stream().map(c -> c.summary()).toList();
    }

    /** Everything a result shows a user: message, change lines, diffs, registered values. */
    static String shown(HostResult r) {
        return r.message() + r.changes() + r.registered();
    }

    private record Recording(Connection delegate, List<ExecRequest> sent) implements Connection {
        @Override public String hostName() { return delegate.hostName(); }
        @Override public long execCount() { return delegate.execCount(); }
        @Override public void close() { delegate.close(); }

        @Override
        public ExecResult exec(ExecRequest request) {
            sent.add(request);
            return delegate.exec(request);
        }
    }
}
