package dev.rigger.core.executor;

import java.io.PrintStream;

/**
 * A caller's listener that cannot stop the run: a listener is an observer, so when it throws
 * (a bug, a full disk, a missing class on the class path) the hosts are still worked on and the
 * result still returned. The listener keeps getting events; its first failure is reported on
 * standard error (a library may run without a logging binding) and later ones are dropped quietly,
 * so a listener that fails on every event does not flood the output.
 */
final class GuardedListener implements RunListener {
    private final RunListener listener;
    private final PrintStream err;
    private boolean reported;

    GuardedListener(RunListener listener, PrintStream err) {
        this.listener = listener;
        this.err = err;
    }

    @Override
    public void on(RunEvent event) {
        try {
            listener.on(event);
        } catch (RuntimeException | LinkageError e) {
            // Events are delivered one at a time (RunContext.emit), so no lock is needed here.
            if (reported) return;
            reported = true;
            err.println("rigger: run listener " + listener.getClass().getName() + " failed on "
                    + event.getClass().getSimpleName() + " (reported once; the run goes on): " + e);
        }
    }
}
