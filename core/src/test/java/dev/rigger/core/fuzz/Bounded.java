package dev.rigger.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rigger.core.error.InputException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one fuzz case on a worker thread with a time limit, so a parser that loops forever fails
 * the property instead of hanging the build, and checks the one outcome allowed besides success:
 * an {@link InputException} that says where and reads as a message, not as Java.
 */
final class Bounded {
    /** Far above any real case (they take about a millisecond) so a loaded CI machine does not flake. */
    private static final long LIMIT_SECONDS = 10;
    private static ExecutorService worker = newWorker();

    private Bounded() {}

    interface Case {
        void run() throws Exception;
    }

    /** Runs {@code body}; success or a located InputException passes, anything else fails with the input shown. */
    static void check(String input, Case body) {
        Future<?> done = worker.submit(() -> {
            try {
                body.run();
            } catch (InputException e) {
                assertLocated(e);
            }
            return null;
        });
        try {
            done.get(LIMIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            done.cancel(true);
            worker.shutdownNow();
            worker = newWorker(); // the stuck thread may never stop; the next case gets a fresh one
            throw new AssertionError("no result within " + LIMIT_SECONDS + " s for input " + show(input));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof AssertionError a) throw new AssertionError(a.getMessage() + "\ninput " + show(input), a);
            throw new AssertionError(cause + " for input " + show(input), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    static void assertLocated(InputException e) {
        assertThat(e.location()).as("location of: %s", e.getMessage()).isNotNull();
        assertThat(e.location().file()).as("file of: %s", e.getMessage()).isNotBlank();
        assertThat(e.oneLine()).as("message").startsWith(e.location().toString())
                .doesNotContain("Exception").doesNotContain("at dev.rigger").doesNotContain("java.");
    }

    /** The input as a Java string literal, so a failure report can be pasted into a regression test. */
    static String show(String input) {
        String text = input.length() > 600 ? input.substring(0, 600) + "...(" + input.length() + " chars)" : input;
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20 || c > 0x7e) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
        return out.append('"').toString();
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-case");
            t.setDaemon(true);
            return t;
        });
    }
}
