package dev.rigger.core.executor;

import dev.rigger.core.transport.Connection;
import dev.rigger.core.transport.ExecRequest;
import dev.rigger.core.transport.ExecResult;

/**
 * A host's connection that tells the run each script before it runs ({@link PlaybookRun#traceExecs});
 * the run masks the secrets in it like in every other event. Only the script is told: bytes sent on
 * its stdin (file contents) are not.
 */
final class TracedConnection implements Connection {
    private final Connection delegate;
    private final RunListener listener;

    TracedConnection(Connection delegate, RunListener listener) {
        this.delegate = delegate;
        this.listener = listener;
    }

    @Override
    public String hostName() {
        return delegate.hostName();
    }

    @Override
    public ExecResult exec(ExecRequest request) {
        listener.on(new RunEvent.Exec(delegate.hostName(), request.script(), request.becomeUser()));
        return delegate.exec(request);
    }

    @Override
    public void stopRunning() {
        delegate.stopRunning();
    }

    @Override
    public long execCount() {
        return delegate.execCount();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
