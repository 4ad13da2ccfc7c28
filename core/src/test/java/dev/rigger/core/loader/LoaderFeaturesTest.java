package dev.rigger.core.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rigger.core.error.InputException;
import dev.rigger.core.executor.Block;
import dev.rigger.core.executor.Play;
import dev.rigger.core.executor.PlaybookRun;
import dev.rigger.core.executor.RunEvent.HostResult;
import dev.rigger.core.executor.RunResult;
import dev.rigger.core.executor.Status;
import dev.rigger.core.executor.Task;
import dev.rigger.core.executor.TaskNode;
import dev.rigger.core.inventory.Inventory;
import dev.rigger.core.module.ModuleRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loader features, each on a small playbook written for the test. */
class LoaderFeaturesTest {
    @TempDir
    Path dir;

    private final Inventory inventory = Inventory.builder()
            .group("web", Map.of("http_port", 80), "web1", "web2")
            .host("db1", Map.of("pg_port", 5432))
            .build();

    private void write(String path, String text) {
        try {
            Path file = dir.resolve(path);
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private LoadedPlaybook load(String file, LoaderOptions.Builder options) {
        return new PlaybookLoader(ModuleRegistry.load(getClass().getClassLoader()), options.displayRoot(dir).build()).load(dir.resolve(file));
    }

    private LoadedPlaybook load(String file) {
        return load(file, LoaderOptions.builder());
    }

    private List<String> preflight(LoadedPlaybook playbook, Map<String, Object> extraVars) {
        return Preflight.check(playbook, inventory, extraVars).stream().map(InputException::oneLine).toList();
    }

    private RunResult run(LoadedPlaybook playbook) {
        return PlaybookRun.of(playbook.playbook()).inventory(inventory).connector(new RecordingHosts())
                .facts(connection -> Map.of("ansible_os_family", "Debian")).execute();
    }

    @SuppressWarnings("unchecked")
    private static Object arg(HostResult r, String name) {
        return ((Map<String, Object>) r.registered().get("args")).get(name);
    }

    @Test
    void preflightAcceptsVariablesFromEverySource() {
        write("roles/r/defaults/main.yml", "role_default: 1\n");
        write("roles/r/vars/main.yml", "role_var: 2\n");
        write("roles/r/tasks/main.yml", """
                - echo: msg="{{ role_default }} {{ role_var }} {{ role_param }} {{ role_name }} {{ role_path }}"
                """);
        write("site.yml", """
                - hosts: all
                  vars: {play_var: 1}
                  roles:
                    - role: r
                      role_param: 3
                  tasks:
                    - block:
                        - command: echo {{ block_var }} {{ http_port }} {{ pg_port }} {{ extra }}
                          register: out
                          vars: {task_var: 1}
                          changed_when: out.rc != 0 and task_var
                      vars: {block_var: 1}
                    - set_fact:
                        fact_a: 1
                    - set_fact: fact_b={{ fact_a }}
                    - echo: msg="{{ pkg }} {{ ansible_loop.index }} {{ ansible_distribution }}"
                      loop: [a]
                      loop_control: {loop_var: pkg}
                    - echo: msg="{{ item }} {{ inventory_hostname }} {{ groups.web }} {{ hostvars[inventory_hostname].http_port }}"
                      with_items: "{{ play_hosts or ansible_play_hosts }}"
                    - echo: msg="{{ maybe | default('x') }} {{ later }}"
                      when: later is defined and optional_thing is not defined
                    - include_tasks: inc.yml
                      vars: {inc_param: 1}
                    - include_role:
                        name: r
                        vars: {role_param: 4}
                """);
        write("inc.yml", "- echo: msg=\"{{ inc_param }} {{ playbook_dir }} {{ group_names }}\"\n");
        assertThat(preflight(load("site.yml"), Map.of("extra", 1))).isEmpty();
        assertThat(preflight(load("site.yml"), Map.of())).containsExactly(
                "site.yml:8:74: undefined variable 'extra'");
    }

    @Test
    void preflightSkipsVariablesWhenAnIncludeIsOnlyKnownAtRunTime() {
        write("site.yml", """
                - hosts: all
                  tasks:
                    - include_tasks: "{{ inventory_hostname }}.yml"
                    - echo: msg={{ set_in_the_included_file }}
                """);
        assertThat(preflight(load("site.yml"), Map.of())).isEmpty();
    }

    @Test
    void notifyMayNameAListenTopicOrARoleQualifiedHandler() {
        write("roles/web/handlers/main.yml", "- name: restart web\n  service: name=nginx state=restarted\n");
        write("roles/web/tasks/main.yml", "- touch: path=/a\n  notify:\n    - 'web : restart web'\n    - config changed\n");
        write("site.yml", """
                - hosts: web
                  roles: [web]
                  handlers:
                    - name: reload
                      echo: msg=reloaded
                      listen: config changed
                """);
        LoadedPlaybook playbook = load("site.yml");
        assertThat(preflight(playbook, Map.of())).isEmpty();
        RunResult result = run(playbook);
        assertThat(result.resultsOf("restart web")).extracting(HostResult::status).containsExactly(Status.OK, Status.OK);
        assertThat(result.resultsOf("reload")).extracting(HostResult::status).containsExactly(Status.OK, Status.OK);
    }

    @Test
    void rolesComeFromRolesPathsThenTheClasspath() throws IOException {
        Path elsewhere = Files.createDirectories(dir.resolve("shared/roles/extra/tasks"));
        Files.writeString(elsewhere.resolve("main.yaml"), "- echo: msg=extra\n");
        write("site.yml", "- hosts: web1\n  roles: [extra, packaged]\n");
        LoadedPlaybook playbook = load("site.yml", LoaderOptions.builder().rolesPath(dir.resolve("shared/roles")));
        RunResult result = run(playbook);
        assertThat(result.resultsOf("echo")).extracting(r -> arg(r, "msg")).containsExactly("extra");
        assertThat(result.resultsOf("packaged")).extracting(r -> arg(r, "msg")).containsExactly("packaged 9000");
        Block packaged = (Block) playbook.playbook().plays().get(0).tasks().get(1);
        assertThat(packaged.attributes().role().dir()).isNull();
    }

    @Test
    void rolesPackagedInAJarAreFoundAndSuggested() throws IOException {
        Path jar = dir.resolve("roles.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (String entry : List.of("roles/", "roles/jarred/", "roles/jarred/tasks/")) out.putNextEntry(new JarEntry(entry));
            out.putNextEntry(new JarEntry("roles/jarred/tasks/main.yml"));
            out.write("- name: from the jar\n  echo: msg=jar\n".getBytes(StandardCharsets.UTF_8));
        }
        try (URLClassLoader classpath = new URLClassLoader(new URL[] {jar.toUri().toURL()}, getClass().getClassLoader())) {
            write("site.yml", "- hosts: web1\n  roles: [jarred]\n");
            LoaderOptions.Builder options = LoaderOptions.builder().classLoader(classpath);
            assertThat(run(load("site.yml", options)).resultsOf("from the jar")).extracting(r -> arg(r, "msg")).containsExactly("jar");
            write("typo.yml", "- hosts: web1\n  roles: [jared]\n");
            assertThatThrownBy(() -> load("typo.yml", LoaderOptions.builder().classLoader(classpath))).isInstanceOf(InputException.class)
                    .hasMessage("typo.yml:2:11: role 'jared' not found; looked for roles/jared, classpath:roles/jared (did you mean 'jarred'?)");
        }
    }

    @Test
    void aRoleInRolesRunsOncePerPlayForTheSameParameters() {
        write("roles/common/tasks/main.yml", "- name: common\n  echo: msg={{ who | default('nobody') }}\n");
        write("roles/a/meta/main.yml", "dependencies: [common]\n");
        write("roles/b/meta/main.yml", "dependencies: [common, {role: common, who: b}]\n");
        write("site.yml", """
                - hosts: web1
                  roles: [a, b, common]
                  tasks:
                    - include_role: {name: common}
                    - import_role: {name: b}
                """);
        RunResult result = run(load("site.yml"));
        // include_role and import_role run the role again, but not the dependencies roles: already ran.
        assertThat(result.resultsOf("common")).extracting(r -> arg(r, "msg")).containsExactly("nobody", "b", "nobody");
    }

    @Test
    void groupHostsGivesTheHostsOfAGroupNamedByAVariable() {
        write("site.yml", """
                - hosts: db1
                  gather_facts: false
                  vars:
                    backend_group: web
                    backends: "{{ group_hosts[backend_group] }}"
                  tasks:
                    - echo: msg="{{ backends | length }} {{ backends[1].name }} {{ backends[1].http_port }}"
                    - echo: msg="{{ group_hosts.nope is defined }}"
                """);
        RunResult r = run(load("site.yml"));
        assertThat(r.resultsOf("echo")).extracting(h -> arg(h, "msg")).containsExactly("2 web2 80", false);
    }

    @Test
    void taskKeywordsReachTheTask() {
        write("site.yml", """
                - hosts: web
                  tasks:
                    - name: waits
                      touch: path=/x
                      retries: 2
                      delay: 0
                      until: result.changed
                      register: result
                      tags: "a, b"
                      run_once: yes
                      become: true
                      become_user: postgres
                      delegate_to: "{{ groups.web[1] }}"
                      changed_when: [true, result.failed == false]
                      check_mode: no
                      ignore_errors: true
                """);
        Task task = (Task) load("site.yml").playbook().plays().get(0).tasks().get(0);
        assertThat(task.retries()).isEqualTo(2);
        assertThat(task.delay()).isEqualTo(Duration.ZERO);
        assertThat(task.until().text()).isEqualTo("result.changed");
        assertThat(task.attributes().tags()).containsExactlyInAnyOrder("a", "b");
        assertThat(task.runOnce()).isTrue();
        assertThat(task.attributes().become()).isTrue();
        assertThat(task.attributes().becomeUser()).isEqualTo("postgres");
        assertThat(task.attributes().checkMode()).isFalse();
        assertThat(task.attributes().ignoreErrors()).isTrue();
        assertThat(task.delegateTo().apply(Map.of("groups", Map.of("web", List.of("web1", "web2"))))).isEqualTo("web2");
        assertThat(task.changedWhen().text()).isEqualTo("true and result.failed == false");
        assertThat(task.changedWhen().test(Map.of("result", Map.of("failed", false)))).isTrue();
        assertThat(task.changedWhen().test(Map.of("result", Map.of("failed", true)))).isFalse();
    }

    @Test
    void aTemplatedIncludeThatFailsAtRunTimeFailsOnlyThatHost() {
        write("web1.yml", "- name: included\n  echo: msg=here\n");
        write("site.yml", """
                - hosts: web
                  tasks:
                    - include_tasks: "{{ inventory_hostname }}.yml"
                    - name: after
                      echo: msg=after
                """);
        RunResult result = run(load("site.yml"));
        assertThat(result.resultsOf("included")).extracting(HostResult::host).containsExactly("web1");
        HostResult failed = result.result("web2", "include_tasks").orElseThrow();
        assertThat(failed.status()).isEqualTo(Status.FAILED);
        assertThat(failed.message()).isEqualTo("site.yml:3:22: include_tasks: file 'web2.yml' not found; looked for web2.yml");
        assertThat(result.resultsOf("after")).extracting(HostResult::host).containsExactly("web1");
    }

    @Test
    void importPlaybookAddsItsPlaysWithTheirOwnRolesFolder() {
        write("sub/roles/local/tasks/main.yml", "- name: local\n  echo: msg=local\n");
        write("sub/other.yml", "- hosts: db1\n  roles: [local]\n");
        write("site.yml", "- hosts: web1\n  tasks: [{echo: msg=first}]\n- import_playbook: sub/other.yml\n");
        List<Play> plays = load("site.yml").playbook().plays();
        assertThat(plays).extracting(Play::hosts).containsExactly("web1", "db1");
        assertThat(((Block) plays.get(1).tasks().get(0)).tasks()).extracting(TaskNode::name).containsExactly("local");
    }

    @Test
    void templatedTasksAreCheckedForTypesWhenTheyRun() {
        write("site.yml", """
                - hosts: web1
                  vars: {cache: perhaps}
                  tasks:
                    - apt:
                        name: nginx
                        update_cache: "{{ cache }}"
                """);
        HostResult r = run(load("site.yml")).result("web1", "apt").orElseThrow();
        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.message()).isEqualTo("site.yml:6:9: apt: 'update_cache' must be true or false, got 'perhaps'");
    }

    @Test
    void aRecursiveVariableFailsTheTaskNotTheRun() {
        write("site.yml", """
                - hosts: web1
                  vars: {a: "{{ b }}", b: "{{ a }}"}
                  tasks:
                    - echo: msg={{ a }}
                """);
        HostResult r = run(load("site.yml")).result("web1", "echo").orElseThrow();
        assertThat(r.message()).isEqualTo("site.yml:4:7: variable 'a' is defined in terms of itself: a -> b -> a");
    }

    @Test
    void errorsInImportedFilesNameThatFile() {
        write("tasks/more.yml", "- name: bad\n  apt: name=x state=gone\n");
        write("site.yml", "- hosts: web1\n  tasks:\n    - import_tasks: tasks/more.yml\n");
        assertThatThrownBy(() -> load("site.yml")).isInstanceOf(InputException.class)
                .hasMessage("tasks/more.yml:2:15: apt: 'state' must be one of present, absent, latest, got 'gone'");
    }
}
