package dev.rigger.modules.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rigger.core.error.InputException;
import dev.rigger.core.executor.PlaybookRun;
import dev.rigger.core.executor.RunEvent.HostResult;
import dev.rigger.core.executor.RunResult;
import dev.rigger.core.executor.Status;
import dev.rigger.core.inventory.Inventory;
import dev.rigger.core.loader.LoadedPlaybook;
import dev.rigger.core.loader.LoaderOptions;
import dev.rigger.core.loader.PlaybookLoader;
import dev.rigger.core.loader.Preflight;
import dev.rigger.core.module.ModuleRegistry;
import dev.rigger.core.transport.ConnectionSettings;
import dev.rigger.core.transport.LocalConnection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code async}/{@code poll} and {@code async_status}, loaded from YAML and run on this machine
 * through the local connection: real background jobs under $HOME/.rigger_async, real time limits.
 * Each play runs with {@code environment: {HOME: <temp folder>}}, so the jobs' files land there and
 * never in the real home; each test checks that its jobs left nothing behind.
 */
class AsyncTest {
    @TempDir
    Path dir;

    private final Inventory inventory = Inventory.builder().host("local", Map.of("ansible_connection", "local")).build();

    private RunResult run(String yaml) throws IOException {
        Files.createDirectories(dir.resolve("home"));
        String withHome = yaml.replace("- hosts: local\n", "- hosts: local\n  environment: {HOME: \"" + dir.resolve("home") + "\"}\n");
        assertThat(withHome).as("every play gets the temporary HOME").isNotEqualTo(yaml);
        Files.writeString(dir.resolve("site.yml"), withHome);
        LoadedPlaybook playbook = new PlaybookLoader(ModuleRegistry.load(), LoaderOptions.builder().displayRoot(dir).build())
                .load(dir.resolve("site.yml"));
        assertThat(Preflight.check(playbook, inventory, Map.of())).isEmpty();
        return PlaybookRun.of(playbook.playbook()).inventory(inventory)
                .connector(host -> new LocalConnection(ConnectionSettings.builder(host).local().commandTimeout(Duration.ofSeconds(60)).build()))
                .execute();
    }

    /** The job files left in the temporary HOME. */
    private List<String> jobFiles() throws IOException {
        Path jobs = dir.resolve("home/.rigger_async");
        if (!Files.isDirectory(jobs)) return List.of();
        try (Stream<Path> files = Files.list(jobs)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void pollZeroStartsABackgroundJobThatAsyncStatusWaitsFor() throws IOException {
        Path marker = dir.resolve("done");
        long started = System.nanoTime();
        RunResult r = run("""
                - hosts: local
                  gather_facts: false
                  tasks:
                    - name: long job
                      shell: "sleep 2; echo finished; echo warn >&2; touch %s"
                      async: 30
                      poll: 0
                      register: job
                    - name: right after
                      command: test ! -e %s
                      changed_when: false
                    - name: wait
                      async_status: jid={{ job.ansible_job_id }}
                      register: result
                      until: result.finished
                      retries: 20
                      delay: 1
                    - name: failing job
                      command: "false"
                      async: 30
                      poll: 0
                      register: bad
                    - name: wait for the failure
                      async_status: jid={{ bad.ansible_job_id }}
                      register: bad_result
                      until: bad_result.finished
                      retries: 20
                      delay: 1
                      ignore_errors: true
                    - name: cleanup
                      async_status: jid={{ job.ansible_job_id }} mode=cleanup
                    - name: cleanup the failed one
                      async_status: jid={{ bad.ansible_job_id }} mode=cleanup
                """.formatted(marker, marker));
        HostResult job = r.result("local", "long job").orElseThrow();
        assertThat(job.status()).isEqualTo(Status.CHANGED);
        assertThat(job.registered()).containsEntry("started", 1).containsEntry("finished", 0);
        assertThat(job.execs()).as("no probe (no creates), the launch in the apply exec").isEqualTo(1);
        assertThat(r.result("local", "right after").orElseThrow().status()).as("the play went on before the job ended").isEqualTo(Status.OK);

        HostResult done = r.result("local", "wait").orElseThrow();
        assertThat(done.status()).isEqualTo(Status.CHANGED);
        assertThat(done.registered()).containsEntry("finished", 1).containsEntry("rc", 0).containsEntry("stdout", "finished")
                .containsEntry("stderr", "warn");
        assertThat(marker).exists();
        assertThat(r.result("local", "wait for the failure").orElseThrow().status()).isEqualTo(Status.IGNORED);
        assertThat(r.result("local", "wait for the failure").orElseThrow().registered()).containsEntry("rc", 1);
        assertThat(r.result("local", "cleanup").orElseThrow().status()).isEqualTo(Status.CHANGED);
        String jid = (String) job.registered().get("ansible_job_id");
        assertThat(dir.resolve("home/.rigger_async")).as("the jobs ran under the play's HOME").isDirectory();
        assertThat(Path.of(System.getProperty("user.home"), ".rigger_async", jid + ".out")).as("nothing in the real home").doesNotExist();
        assertThat(jobFiles()).as("cleanup removed both jobs' files").isEmpty();
        System.out.printf("async job of 2 s seen finished after %.1f s%n", (System.nanoTime() - started) / 1e9);
    }

    @Test
    void pollingAsyncFailsATaskThatOutlastsItsLimit() throws IOException {
        RunResult r = run("""
                - hosts: local
                  gather_facts: false
                  tasks:
                    - name: too slow
                      command: sleep 5
                      async: 1
                      poll: 1
                """);
        HostResult slow = r.hostResults().get(0);
        assertThat(slow.status()).isEqualTo(Status.FAILED);
        assertThat(slow.message()).isEqualTo("async task did not complete within the requested time - 1s");
        assertThat(slow.duration()).isLessThan(Duration.ofSeconds(4));

        RunResult quick = run("""
                - hosts: local
                  gather_facts: false
                  tasks:
                    - name: quick
                      command: "true"
                      async: 10
                      poll: 2
                """);
        assertThat(quick.hostResults()).extracting(HostResult::status).containsExactly(Status.CHANGED);
    }

    @Test
    void aBackgroundJobStoppedAtItsLimitFailsAsAnsibleSaysWithoutAnExitCode() throws IOException {
        Path never = dir.resolve("never");
        RunResult r = run("""
                - hosts: local
                  gather_facts: false
                  tasks:
                    - name: too slow
                      shell: "echo begun; sleep 30; touch %s"
                      async: 1
                      poll: 0
                      register: job
                    - name: wait
                      async_status: jid={{ job.ansible_job_id }}
                      register: result
                      until: result.finished
                      retries: 20
                      delay: 1
                      ignore_errors: true
                    - name: cleanup
                      async_status: jid={{ job.ansible_job_id }} mode=cleanup
                """.formatted(never));
        HostResult waited = r.result("local", "wait").orElseThrow();
        assertThat(waited.status()).isEqualTo(Status.IGNORED);
        assertThat(waited.message()).isEqualTo("async task did not complete within the requested time - 1s");
        assertThat(waited.registered()).containsEntry("finished", 1).containsEntry("stdout", "begun").doesNotContainKey("rc");
        assertThat(waited.duration()).as("stopped at its limit, not after the sleep").isLessThan(Duration.ofSeconds(10));
        assertThat(never).doesNotExist();
        assertThat(jobFiles()).isEmpty();
    }

    @Test
    void aTaskWithNothingToDoStartsNoJobAndAsyncStatusSaysItIsDone() throws IOException {
        Path exists = Files.writeString(dir.resolve("there"), "x");
        RunResult r = run("""
                - hosts: local
                  gather_facts: false
                  tasks:
                    - name: guarded
                      command: touch %s
                      args:
                        creates: %s
                      async: 30
                      poll: 0
                      register: job
                    - name: status
                      async_status: jid={{ job.ansible_job_id }}
                      register: s
                """.formatted(exists, exists));
        assertThat(r.hostResults()).extracting(HostResult::status).containsExactly(Status.OK, Status.OK);
        assertThat(r.result("local", "status").orElseThrow().registered()).containsEntry("finished", 1);
        assertThat(r.result("local", "status").orElseThrow().execs()).isZero();
    }

    @Test
    void badAsyncArgumentsAreRefusedWhereTheyAreWritten() throws IOException {
        Files.writeString(dir.resolve("bad.yml"), "- hosts: local\n  tasks:\n    - command: 'true'\n      async: 10\n      poll: -1\n");
        PlaybookLoader loader = new PlaybookLoader(ModuleRegistry.load(), LoaderOptions.builder().displayRoot(dir).build());
        assertThatThrownBy(() -> loader.load(dir.resolve("bad.yml"))).isInstanceOf(InputException.class)
                .hasMessage("bad.yml:5:13: poll must be 0 or more seconds, got -1");
        Files.writeString(dir.resolve("jid.yml"), "- hosts: local\n  tasks:\n    - async_status: jid=1234\n");
        assertThatThrownBy(() -> loader.load(dir.resolve("jid.yml"))).isInstanceOf(InputException.class)
                .hasMessageContaining("'1234' is not a job id");
    }
}
