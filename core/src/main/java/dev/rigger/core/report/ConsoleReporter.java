package dev.rigger.core.report;

import dev.rigger.core.executor.PlayRecap;
import dev.rigger.core.executor.RunEvent;
import dev.rigger.core.executor.RunEvent.HostResult;
import dev.rigger.core.executor.RunEvent.PlayStarted;
import dev.rigger.core.executor.RunEvent.RunFinished;
import dev.rigger.core.executor.RunEvent.TaskStarted;
import dev.rigger.core.executor.RunListener;
import dev.rigger.core.executor.Status;
import dev.rigger.core.module.Change;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Prints a run the way ansible-playbook does — PLAY / TASK headers, one line per host result,
 * diffs with {@code --diff}, a PLAY RECAP — and, on a terminal, a live status line naming the hosts
 * still running the current task and how long it has taken. Colors only on a terminal and when
 * {@code NO_COLOR} is unset.
 */
public final class ConsoleReporter implements RunListener, AutoCloseable {
    private static final String RESET = "\u001b[0m";
    private final PrintStream out;
    private final boolean color;
    private final boolean live;
    private final int verbosity;
    private final Set<String> running = new LinkedHashSet<>();
    private String currentTask;
    private long taskStarted;
    private boolean statusShown;
    private final ScheduledExecutorService ticker;

    /**
     * @param verbosity 0 normal; 1 also shows ok results' messages and exec counts; 3 also each
     *                  script sent to a host, as {@link RunEvent.Exec} events bring them
     */
    public ConsoleReporter(PrintStream out, boolean terminal, int verbosity) {
        this.out = out;
        this.color = terminal && System.getenv("NO_COLOR") == null;
        this.live = terminal;
        this.verbosity = verbosity;
        if (live) {
            ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "rigger-console-progress");
                t.setDaemon(true);
                return t;
            });
            ticker.scheduleAtFixedRate(this::drawStatus, 500, 500, TimeUnit.MILLISECONDS);
        } else {
            ticker = null;
        }
    }

    /** A reporter for {@code System.out} that detects a terminal itself. */
    public static ConsoleReporter toStdout(int verbosity) {
        return new ConsoleReporter(System.out, System.console() != null, verbosity);
    }

    /** Prints the event (a header, a result line, the recap) and updates the live status line. */
    @Override
    public synchronized void on(RunEvent event) {
        clearStatus();
        if (event instanceof PlayStarted p) {
            header("PLAY [" + p.name() + "]");
            if (p.hosts().isEmpty()) out.println(paint("skipping: no hosts matched", "35"));
        } else if (event instanceof TaskStarted t) {
            header((t.handler() ? "RUNNING HANDLER [" : "TASK [") + t.name() + "]");
            currentTask = t.name();
            taskStarted = System.nanoTime();
            running.clear();
            running.addAll(t.hosts());
        } else if (event instanceof HostResult r) {
            printResult(r);
            if (r.item() == null) running.remove(r.host());
        } else if (event instanceof RunFinished f) {
            printRecap(f.recap(), f.duration());
        } else if (event instanceof RunEvent.Exec x && verbosity >= 3) {
            // As ansible-playbook -vvv: what runs where, as which user; secrets are masked already.
            out.println("<" + x.host() + "> EXEC" + (x.becomeUser() != null ? " (become " + x.becomeUser() + ")" : "") + ":");
            x.script().lines().forEach(l -> out.println("    " + l));
        }
        out.flush();
    }

    private void printResult(HostResult r) {
        // Ansible's words, so people and scripts used to ansible-playbook read it the same way.
        String label = switch (r.status()) {
            case OK -> "ok";
            case CHANGED -> "changed";
            case SKIPPED -> "skipping";
            case FAILED, UNREACHABLE, IGNORED -> "fatal";
            case RESCUED -> "rescued";
            case INTERRUPTED -> "interrupted";
        };
        String code = switch (r.status()) {
            case OK -> "32";
            case CHANGED -> "33";
            case FAILED, UNREACHABLE -> "31";
            case SKIPPED -> "36";
            case RESCUED, IGNORED, INTERRUPTED -> "35";
        };
        StringBuilder line = new StringBuilder(label).append(": [").append(r.host()).append(']');
        if (r.item() != null) line.append(" => (item=").append(r.item()).append(')');
        if (r.status() == Status.FAILED || r.status() == Status.IGNORED) {
            line.append(": FAILED! => ").append(r.message());
        } else if (r.status() == Status.UNREACHABLE) {
            line.append(": UNREACHABLE! => ").append(r.message());
        } else if (!r.message().isEmpty() && (r.status() != Status.SKIPPED || verbosity > 0)) {
            line.append(" => ").append(r.message());
        }
        if (verbosity > 0 && r.item() == null) line.append(String.format(Locale.ROOT, "  (%d exec%s, %d ms)", r.execs(), r.execs() == 1 ? "" : "s", r.duration().toMillis()));
        out.println(paint(line.toString(), code));
        if (r.status() == Status.IGNORED) out.println(paint("...ignoring", "36"));
        if (r.status() == Status.CHANGED && r.item() == null) {
            for (Change c : r.changes()) {
                if (!c.summary().equals(r.message())) out.println("    " + c.summary());
                c.unifiedDiff().ifPresent(this::printDiff);
            }
        }
    }

    private void printDiff(String diff) {
        for (String line : diff.split("\n", -1)) {
            if (line.isEmpty()) continue;
            String code = line.startsWith("+") && !line.startsWith("+++") ? "32" : line.startsWith("-") && !line.startsWith("---") ? "31" : line.startsWith("@@") ? "36" : null;
            out.println(code == null ? line : paint(line, code));
        }
    }

    private void printRecap(PlayRecap recap, Duration duration) {
        header("PLAY RECAP");
        int width = recap.hosts().keySet().stream().mapToInt(String::length).max().orElse(4);
        recap.hosts().forEach((host, c) -> {
            String code = c.failed() > 0 || c.unreachable() > 0 ? "31" : c.changed() > 0 ? "33" : "32";
            out.println(paint(String.format(Locale.ROOT, "%-" + width + "s", host), code)
                    + String.format(Locale.ROOT, " : ok=%-4d changed=%-4d unreachable=%-4d failed=%-4d skipped=%-4d rescued=%-4d ignored=%d",
                    c.ok(), c.changed(), c.unreachable(), c.failed(), c.skipped(), c.rescued(), c.ignored()));
        });
        out.println(String.format(Locale.ROOT, "%nfinished in %.1f s", duration.toMillis() / 1000.0));
    }

    private void header(String title) {
        out.println();
        out.println(title + " " + "*".repeat(Math.max(3, 78 - title.length())));
    }

    private synchronized void drawStatus() {
        if (running.isEmpty() || currentTask == null) return;
        double seconds = (System.nanoTime() - taskStarted) / 1e9;
        if (seconds < 1) return;
        String hosts = String.join(", ", running);
        if (hosts.length() > 60) hosts = hosts.substring(0, 57) + "...";
        out.print("\r\u001b[2K" + paint(String.format(Locale.ROOT, "  … %s: waiting for %s (%.0f s)", currentTask, hosts, seconds), "2"));
        out.flush();
        statusShown = true;
    }

    private void clearStatus() {
        if (statusShown) {
            out.print("\r\u001b[2K");
            statusShown = false;
        }
    }

    private String paint(String text, String code) {
        return color ? "\u001b[" + code + "m" + text + RESET : text;
    }

    /** Stops the live status line; the stream stays open. */
    @Override
    public void close() {
        if (ticker != null) ticker.shutdownNow();
    }
}
