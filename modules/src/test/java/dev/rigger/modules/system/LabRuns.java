package dev.rigger.modules.system;

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

/** Runs modules on a lab host through the executor, as users do, and reads the results. */
final class LabRuns {
    private LabRuns() {}

    /** Runs each module as one task ("task 1", "task 2", ...) on {@code host}; every request sent is added to {@code sent}. */
    static RunResult run(Lab lab, String host, boolean checkMode, List<ExecRequest> sent, Module<?>... modules) {
        Play.Builder play = Play.builder(host).gatherFacts(false);
        for (int i = 0; i < modules.length; i++) play.task(Task.named("task " + (i + 1)).module(modules[i]).build());
        return PlaybookRun.of(Playbook.of(play.build()))
                .inventory(lab.inventory())
                .options(RunOptions.builder().checkMode(checkMode).build())
                .connector(name -> new Recording(Connections.open(lab.host(name).settings()), sent))
                .execute();
    }

    /** One task's result on {@code host}. */
    static HostResult apply(Lab lab, String host, Module<?> module) {
        return single(run(lab, host, false, new CopyOnWriteArrayList<>(), module), host);
    }

    static HostResult check(Lab lab, String host, Module<?> module) {
        return single(run(lab, host, true, new CopyOnWriteArrayList<>(), module), host);
    }

    static HostResult single(RunResult run, String host) {
        List<HostResult> results = run.hostResults().stream().filter(r -> r.host().equals(host)).toList();
        assertThat(results).hasSize(1);
        return results.get(0);
    }

    /** Asserts status and exec count, with the result's message when it is not as expected. */
    static HostResult expect(HostResult r, Status status, int execs) {
        assertThat(r.status()).as("status of %s: %s", r.task(), r.message()).isEqualTo(status);
        assertThat(r.execs()).as("execs of %s", r.task()).isEqualTo(execs);
        return r;
    }

    /** The changes' summaries. */
    static List<String> changes(HostResult r) {
        return r.changes().stream().map(c -> c.summary()).toList();
    }

    /** Passes requests through and remembers each one (script and stdin) for assertions. */
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
