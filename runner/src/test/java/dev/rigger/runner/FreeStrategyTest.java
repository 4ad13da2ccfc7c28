package dev.rigger.runner;

import static dev.rigger.runner.Cli.DIR;
import static dev.rigger.runner.Cli.rigger;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strategy: free} on six hosts of the local transport. Every host logs what runs on it to
 * its own file, so each test reads the real order per host. Races show only now and then, so each
 * test repeats ({@value #REPEAT} times in a row).
 */
class FreeStrategyTest {
    private static final int REPEAT = 20;
    private static final String SIX = DIR + "free/six.yml";
    private static final String FLUSH = DIR + "free/flush.yml";
    private static final List<String> HOSTS = List.of("h1", "h2", "h3", "h4", "h5", "h6");

    @TempDir
    Path workdir;

    /** A flush runs each host's own handlers on that host's thread: once, after its earlier tasks. */
    @RepeatedTest(REPEAT)
    void eachHostRunsItsHandlerExactlyOncePerFlushInItsOwnOrder() throws IOException {
        Cli run = rigger("play", FLUSH, "-i", SIX, "-e", "workdir=" + workdir);
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        for (String host : HOSTS) {
            assertThat(log(host)).as(host).containsExactly("first", "second", "handler", "third", "handler");
        }
    }

    /**
     * Fewer workers than hosts, every host waiting in a flush: a flush that handed work to the pool
     * it runs on would wait for itself forever.
     */
    @RepeatedTest(REPEAT)
    void twoForksAndSixHostsFlushingFinishInBoundedTime() throws IOException {
        Cli run = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> rigger("play", FLUSH, "-i", SIX, "-e", "workdir=" + workdir, "--forks", "2"));
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        for (String host : HOSTS) {
            assertThat(log(host)).as(host).containsExactly("first", "second", "handler", "third", "handler");
        }
    }

    /** h1's first task can only finish once h2 has finished the whole play, its flush included. */
    @RepeatedTest(REPEAT)
    void aHostRunsAheadOfASlowOne() throws IOException {
        Cli run = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> rigger("play", DIR + "free/ahead.yml", "-i", SIX, "-e", "workdir=" + workdir));
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.resultsOf("h1").get(0)).isEqualTo("changed: [h1]");
        assertThat(log("h1")).containsExactly("notify", "handler");
        assertThat(log("h2")).containsExactly("notify", "handler");
        assertThat(workdir.resolve("h1.done")).exists();
    }

    /** Every host starts at the named task, however the others are doing. */
    @RepeatedTest(REPEAT)
    void everyHostStartsAtTheStartTask() throws IOException {
        Cli run = rigger("play", FLUSH, "-i", SIX, "-e", "workdir=" + workdir, "--start-at-task", "Second");
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        for (String host : HOSTS) {
            assertThat(log(host)).as(host).containsExactly("second", "third", "handler");
        }
    }

    private List<String> log(String host) throws IOException {
        Path file = workdir.resolve(host + ".log");
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }
}
