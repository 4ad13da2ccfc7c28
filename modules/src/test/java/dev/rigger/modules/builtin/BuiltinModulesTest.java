package dev.rigger.modules.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assertions.fail;

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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** set_fact, debug, assert and fail, loaded from YAML and run: none of them may touch a host. */
class BuiltinModulesTest {
    @TempDir
    Path dir;

    private final Inventory inventory = Inventory.builder()
            .group("db", Map.of("pg_version", 15), "db1", "db2")
            .build();

    private LoadedPlaybook load(String yaml) throws IOException {
        Files.writeString(dir.resolve("site.yml"), yaml);
        return new PlaybookLoader(ModuleRegistry.load(), LoaderOptions.builder().displayRoot(dir).build()).load(dir.resolve("site.yml"));
    }

    private RunResult run(LoadedPlaybook playbook) {
        assertThat(Preflight.check(playbook, inventory, Map.of())).isEmpty();
        return PlaybookRun.of(playbook.playbook()).inventory(inventory)
                .connector(host -> fail("a built-in module contacted " + host))
                .execute();
    }

    @Test
    void setFactDebugAndPassingAssertRunWithoutAnyExec() throws IOException {
        RunResult result = run(load("""
                - hosts: db
                  gather_facts: false
                  tasks:
                    - set_fact:
                        primary: "{{ groups.db[0] }}"
                        replicas: "{{ groups.db }}"
                    - set_fact: role_label=replica
                      when: inventory_hostname != primary
                    - name: show
                      debug: msg="{{ inventory_hostname }} follows {{ primary }}"
                    - name: show var
                      debug: var=replicas
                    - name: show missing
                      debug:
                        var: role_label
                    - name: check
                      assert:
                        that:
                          - replicas | length == 2
                          - pg_version >= 14
                        success_msg: cluster is fine
                """));
        assertThat(result.exitCode()).isZero();
        assertThat(result.hostResults()).allSatisfy(r -> assertThat(r.execs()).isZero());
        // Hosts run in parallel, so results are looked up per host.
        assertThat(result.result("db1", "show").orElseThrow().message()).isEqualTo("db1 follows db1");
        assertThat(result.result("db2", "show").orElseThrow().message()).isEqualTo("db2 follows db1");
        assertThat(result.result("db1", "show var").orElseThrow().registered()).containsEntry("replicas", List.of("db1", "db2"));
        assertThat(result.result("db1", "show var").orElseThrow().message()).isEqualTo("replicas: [db1, db2]");
        assertThat(result.result("db1", "show missing").orElseThrow().message()).isEqualTo("role_label: VARIABLE IS NOT DEFINED!");
        assertThat(result.result("db2", "show missing").orElseThrow().message()).isEqualTo("role_label: replica");
        assertThat(result.resultsOf("check")).extracting(HostResult::status, HostResult::message)
                .containsExactly(tuple(Status.OK, "cluster is fine"), tuple(Status.OK, "cluster is fine"));
    }

    @Test
    void failingAssertAndFailFailTheHostWithTheirMessage() throws IOException {
        RunResult result = run(load("""
                - hosts: db
                  gather_facts: false
                  tasks:
                    - name: version
                      assert:
                        that: pg_version >= 16
                      ignore_errors: true
                    - name: custom
                      assert:
                        that: [inventory_hostname == 'db1']
                        fail_msg: only db1 may run this
                      ignore_errors: true
                    - name: stop
                      fail: msg="{{ inventory_hostname }} stops here"
                      when: inventory_hostname == 'db2'
                """));
        assertThat(result.resultsOf("version")).extracting(HostResult::message)
                .containsExactly("assertion failed: pg_version >= 16", "assertion failed: pg_version >= 16");
        assertThat(result.result("db2", "custom").orElseThrow().message()).isEqualTo("only db1 may run this");
        assertThat(result.result("db2", "stop").orElseThrow().status()).isEqualTo(Status.FAILED);
        assertThat(result.result("db2", "stop").orElseThrow().message()).isEqualTo("db2 stops here");
        assertThat(result.result("db1", "stop").orElseThrow().status()).isEqualTo(Status.SKIPPED);
        assertThat(result.exitCode()).isEqualTo(2);
    }

    @Test
    void mistakesInBuiltinArgumentsAreLoadTimeErrors() {
        assertThatThrownBy(() -> load("""
                - hosts: db
                  tasks:
                    - assert:
                        that:
                          - pg_version >=
                """)).isInstanceOf(InputException.class)
                .hasMessage("site.yml:5:26: bad expression 'pg_version >=': expected a value after '>='");
        assertThatThrownBy(() -> load("""
                - hosts: db
                  tasks:
                    - debug: msg=hi var=x
                """)).isInstanceOf(InputException.class)
                .hasMessage("site.yml:3:21: debug: give either 'msg' or 'var', not both");
        assertThatThrownBy(() -> load("""
                - hosts: db
                  tasks:
                    - fail: mgs=x
                """)).isInstanceOf(InputException.class)
                .hasMessage("site.yml:3:13: fail: unknown parameter 'mgs' (did you mean 'msg'?)");
    }

    @Test
    void preflightKnowsWhatSetFactDefinesAndWhatAssertReads() throws IOException {
        LoadedPlaybook playbook = load("""
                - hosts: db
                  tasks:
                    - set_fact: {primary: db1}
                    - assert:
                        that: primry == 'db1'
                """);
        assertThat(Preflight.check(playbook, inventory, Map.of())).extracting(InputException::oneLine)
                .containsExactly("site.yml:5:15: undefined variable 'primry' (did you mean 'primary'?)");
    }
}
