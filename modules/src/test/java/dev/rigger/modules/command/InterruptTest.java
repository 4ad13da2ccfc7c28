package dev.rigger.modules.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rigger.core.executor.PlaybookRun;
import dev.rigger.core.executor.RunEvent.HostResult;
import dev.rigger.core.executor.RunResult;
import dev.rigger.core.executor.Status;
import dev.rigger.core.inventory.Inventory;
import dev.rigger.core.loader.LoaderOptions;
import dev.rigger.core.loader.PlaybookLoader;
import dev.rigger.core.module.ModuleRegistry;
import dev.rigger.core.transport.ConnectionSettings;
import dev.rigger.core.transport.LocalConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run interrupted while a task's script runs (what SIGINT to {@code rigger play} does), on this
 * machine through the local connection: the task is reported interrupted, as ansible-playbook
 * reports Ctrl-C, not failed with the killed script's exit code.
 */
class InterruptTest {
    @TempDir
    Path dir;

    @Test
    void aTaskStoppedByTheInterruptIsReportedInterruptedNotFailed() throws Exception {
        // A nap no other process on this machine takes, so pgrep finds only this one.
        int nap = 4000 + ThreadLocalRandom.current().nextInt(1000);
        Files.writeString(dir.resolve("site.yml"), """
                - hosts: local
                  gather_facts: false
                  tasks:
                    - name: nap
                      shell: "sleep %d"
                    - name: after
                      command: "true"
                """.formatted(nap));
        Inventory inventory = Inventory.builder().host("local", Map.of("ansible_connection", "local")).build();
        PlaybookRun run = PlaybookRun.of(new PlaybookLoader(ModuleRegistry.load(), LoaderOptions.builder().displayRoot(dir).build())
                        .load(dir.resolve("site.yml")).playbook())
                .inventory(inventory)
                .connector(host -> new LocalConnection(ConnectionSettings.builder(host).local().commandTimeout(Duration.ofSeconds(60)).build()));
        CompletableFuture<RunResult> running = CompletableFuture.supplyAsync(run::execute);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!napping(nap)) {
            assertThat(System.nanoTime()).as("the nap starts").isLessThan(deadline);
            Thread.sleep(50);
        }

        run.interrupt();
        RunResult result = running.get(30, TimeUnit.SECONDS);

        assertThat(result.exitCode()).isEqualTo(RunResult.EXIT_INTERRUPTED);
        HostResult napped = result.result("local", "nap").orElseThrow();
        assertThat(napped.status()).isEqualTo(Status.INTERRUPTED);
        assertThat(napped.message()).isEqualTo("User interrupted execution");
        assertThat(result.result("local", "after")).as("no task starts after the interrupt").isEmpty();
        assertThat(result.recap().hosts().get("local").failed()).as("not counted as a failure").isZero();
        assertThat(napping(nap)).as("the sleep was stopped").isFalse();
    }

    private static boolean napping(int nap) throws Exception {
        return new ProcessBuilder("pgrep", "-fx", "sleep " + nap).start().waitFor() == 0;
    }
}
