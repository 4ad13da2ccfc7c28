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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * changed_when and failed_when on commands that really run (a local shell): the status they give
 * a command that exits 0 and one that exits non-zero, as ansible-playbook reports them.
 */
class ResultOverridesTest {
    @TempDir
    Path dir;

    private RunResult run(String tasks) throws IOException {
        Files.writeString(dir.resolve("site.yml"), "- hosts: local\n  gather_facts: false\n  tasks:\n" + tasks);
        var playbook = new PlaybookLoader(ModuleRegistry.load(), LoaderOptions.builder().displayRoot(dir).build()).load(dir.resolve("site.yml"));
        Inventory inventory = Inventory.builder().host("local", Map.of("ansible_connection", "local")).build();
        return PlaybookRun.of(playbook.playbook()).inventory(inventory)
                .connector(host -> new LocalConnection(ConnectionSettings.builder(host).local().commandTimeout(Duration.ofSeconds(30)).build()))
                .execute();
    }

    private static Status status(RunResult r, String task) {
        return r.result("local", task).map(HostResult::status).orElseThrow();
    }

    @Test
    void aProbeCommandThatExitsNonZeroUnderFailedWhenFalseIsOkWhenChangedWhenIsFalse() throws IOException {
        RunResult r = run("""
                    - name: inactive service probe
                      command: "false"
                      register: probe
                      changed_when: false
                      failed_when: false
                    - name: exit code seen
                      assert:
                        that: [probe.rc == 1, probe is not changed, probe is not failed]
                    - name: non-zero without changed_when
                      command: "false"
                      failed_when: false
                    - name: zero with changed_when false
                      command: "true"
                      changed_when: false
                    - name: non-zero with changed_when true
                      command: "false"
                      changed_when: true
                      ignore_errors: true
                """);
        assertThat(status(r, "inactive service probe")).isEqualTo(Status.OK);
        assertThat(status(r, "exit code seen")).isEqualTo(Status.OK);
        // Ansible: a command that ran is changed unless changed_when says otherwise.
        assertThat(status(r, "non-zero without changed_when")).isEqualTo(Status.CHANGED);
        assertThat(status(r, "zero with changed_when false")).isEqualTo(Status.OK);
        // changed_when does not turn a failure into a success.
        assertThat(status(r, "non-zero with changed_when true")).isEqualTo(Status.IGNORED);
    }
}
