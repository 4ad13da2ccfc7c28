package dev.rigger.core.executor;

import dev.rigger.core.executor.RunEvent.HostResult;
import dev.rigger.core.executor.RunEvent.PlayStarted;
import dev.rigger.core.executor.RunEvent.TaskStarted;
import dev.rigger.core.module.Change;
import dev.rigger.core.secret.SecretMask;
import java.util.List;
import java.util.Map;

/**
 * Run events as listeners see them: every secret the run has seen shows as {@code ********} in
 * messages, change lines, diffs, loop items and registered values. This is the one way out of a
 * run, so a module cannot leak a secret it was given, however it reports it.
 */
final class MaskedEvents implements RunListener {
    private final SecretMask secrets;
    private final List<RunListener> listeners;

    MaskedEvents(SecretMask secrets, List<RunListener> listeners) {
        this.secrets = secrets;
        this.listeners = List.copyOf(listeners);
    }

    @Override
    public void on(RunEvent event) {
        RunEvent shown = secrets.isEmpty() ? event : mask(event);
        for (RunListener l : listeners) l.on(shown);
    }

    @SuppressWarnings("unchecked")
    private RunEvent mask(RunEvent event) {
        if (event instanceof HostResult r) {
            List<Change> changes = r.changes().stream()
                    .map(c -> new Change(secrets.mask(c.summary()), secrets.mask(c.diff()))).toList();
            return new HostResult(r.host(), secrets.mask(r.task()), r.location(), r.status(), secrets.mask(r.message()),
                    changes, r.duration(), r.execs(), secrets.mask(r.item()), (Map<String, Object>) secrets.mask((Object) r.registered()));
        }
        if (event instanceof TaskStarted t) return new TaskStarted(secrets.mask(t.name()), t.location(), t.hosts(), t.handler());
        if (event instanceof PlayStarted p) return new PlayStarted(secrets.mask(p.name()), p.hosts());
        if (event instanceof RunEvent.Exec x) return new RunEvent.Exec(x.host(), secrets.mask(x.script()), x.becomeUser());
        return event;
    }
}
