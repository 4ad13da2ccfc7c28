package dev.rigger.core.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rigger.core.error.InputException;
import dev.rigger.core.executor.PlaybookRun;
import dev.rigger.core.executor.RunEvent.HostResult;
import dev.rigger.core.executor.RunResult;
import dev.rigger.core.inventory.Inventory;
import dev.rigger.core.module.ModuleRegistry;
import dev.rigger.core.secret.Secret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ansible's play keywords and older task forms, loaded and run on recording hosts. */
class AnsibleFormsTest {
    @TempDir
    Path dir;

    private final Inventory inventory = Inventory.builder()
            .group("web", Map.of(), "web1", "web2")
            .host("db1", Map.of("ansible_user", "postgres", "ansible_connection", "ssh"))
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

    private LoadedPlaybook load(String text) {
        write("site.yml", text);
        return new PlaybookLoader(ModuleRegistry.load(getClass().getClassLoader()), LoaderOptions.builder().displayRoot(dir).build())
                .load(dir.resolve("site.yml"));
    }

    private List<String> preflight(LoadedPlaybook playbook, Map<String, Object> extraVars) {
        return Preflight.check(playbook, inventory, extraVars).stream().map(InputException::oneLine).toList();
    }

    private RunResult run(String text) {
        LoadedPlaybook playbook = load(text);
        assertThat(preflight(playbook, Map.of())).isEmpty();
        return PlaybookRun.of(playbook.playbook()).inventory(inventory).connector(new RecordingHosts())
                .facts(connection -> Map.of("ansible_os_family", "Debian")).execute();
    }

    @SuppressWarnings("unchecked")
    private static Object arg(HostResult r, String name) {
        return ((Map<String, Object>) r.registered().get("args")).get(name);
    }

    /** The msg of a task, or of each of its loop items in order. */
    private static List<Object> msgs(RunResult result, String task) {
        return values(result, task, "msg");
    }

    @SuppressWarnings("unchecked")
    private static List<Object> values(RunResult result, String task, String name) {
        List<Object> out = new java.util.ArrayList<>();
        for (HostResult r : result.resultsOf(task)) {
            if (r.registered().get("results") instanceof List<?> items) {
                for (Object item : items) out.add(((Map<String, Map<String, Object>>) item).get("args").get(name));
            } else {
                out.add(arg(r, name));
            }
        }
        return out;
    }

    @Test
    void withLookupsGiveAnsiblesItems() {
        RunResult r = run("""
                - hosts: web1
                  gather_facts: false
                  vars:
                    users: {alice: {shell: /bin/bash}, bob: {shell: /bin/sh}}
                    groups_of: [{name: a, members: [x, y]}, {name: b, members: [z]}]
                  tasks:
                    - name: dict
                      echo: msg="{{ item.key }}={{ item.value.shell }}"
                      with_dict: "{{ users }}"
                    - name: nested
                      echo: msg="{{ item[0] }}{{ item[1] }}"
                      with_nested: [[a, b], [1, 2]]
                    - name: together
                      echo: msg="{{ item.0 }}{{ item.1 }}"
                      with_together: [[a, b, c], [1, 2]]
                    - name: sequence
                      echo: msg={{ item }}
                      with_sequence: start=1 end=7 stride=3 format=q%02d
                    - name: count
                      echo: msg={{ item }}
                      with_sequence: count=2
                    - name: subelements
                      echo: msg="{{ item.0.name }}:{{ item.1 }}"
                      with_subelements:
                        - "{{ groups_of }}"
                        - members
                    - name: indexed
                      echo: msg="{{ item.0 }}:{{ item.1 }}"
                      with_indexed_items: [a, b]
                    - name: list
                      echo: value={{ item }}
                      with_list: [[1, 2], [3]]
                    - name: items
                      echo: value={{ item }}
                      with_items: [[1, 2], [3]]
                """);
        assertThat(msgs(r, "dict")).containsExactly("alice=/bin/bash", "bob=/bin/sh");
        assertThat(msgs(r, "nested")).containsExactly("a1", "a2", "b1", "b2");
        assertThat(msgs(r, "together")).containsExactly("a1", "b2", "c");
        assertThat(msgs(r, "sequence")).containsExactly("q01", "q04", "q07");
        assertThat(msgs(r, "count")).containsExactly("1", "2");
        assertThat(msgs(r, "subelements")).containsExactly("a:x", "a:y", "b:z");
        assertThat(msgs(r, "indexed")).containsExactly("0:a", "1:b");
        assertThat(values(r, "list", "value")).extracting(String::valueOf).containsExactly("[1, 2]", "[3]");
        assertThat(values(r, "items", "value")).extracting(String::valueOf).containsExactly("1", "2", "3");
    }

    @Test
    void withFileglobAndFirstFoundLookInThePlaybooksFiles() {
        write("files/conf.d/b.conf", "b");
        write("files/conf.d/a.conf", "a");
        write("files/default.yml", "x: 1");
        RunResult r = run("""
                - hosts: web1
                  gather_facts: false
                  tasks:
                    - name: glob
                      echo: msg={{ item | basename }}
                      with_fileglob: conf.d/*.conf
                    - name: first
                      echo: msg={{ item | basename }}
                      with_first_found: [missing.yml, default.yml]
                """);
        assertThat(msgs(r, "glob")).containsExactly("a.conf", "b.conf");
        assertThat(msgs(r, "first")).containsExactly("default.yml");
    }

    @Test
    void loopControlIndexVarAndLabel() {
        RunResult r = run("""
                - hosts: web1
                  gather_facts: false
                  tasks:
                    - name: indexed
                      echo: msg="{{ i }} {{ svc }}"
                      loop: [web, api]
                      loop_control: {loop_var: svc, index_var: i, label: "{{ svc }}"}
                """);
        assertThat(msgs(r, "indexed")).containsExactly("0 web", "1 api");
        assertThatThrownBy(() -> load("""
                - hosts: web1
                  tasks:
                    - echo: msg=x
                      loop: [1]
                      loop_control: {pause: 3}
                """)).hasMessage("site.yml:5:29: loop_control pause is not supported: Rigger runs loop items back to back");
    }

    @Test
    void actionLocalActionAndIncludeAreTheirModernForms() {
        write("common.yml", "- name: included\n  echo: msg={{ greeting }}\n");
        write("other.yml", "- hosts: db1\n  gather_facts: false\n  tasks:\n    - name: imported\n      echo: msg=db\n");
        RunResult r = run("""
                - hosts: web1
                  gather_facts: false
                  tasks:
                    - name: old action
                      action: echo msg="hello {{ inventory_hostname }}"
                    - name: mapping action
                      action: {module: echo, msg: mapped}
                    - name: local
                      local_action: echo msg=here
                    - include: common.yml greeting=hi
                - include: other.yml
                """);
        assertThat(msgs(r, "old action")).containsExactly("hello web1");
        assertThat(msgs(r, "mapping action")).containsExactly("mapped");
        assertThat(r.resultsOf("local")).extracting(HostResult::host).containsExactly("web1");
        assertThat(msgs(r, "included")).containsExactly("hi");
        assertThat(msgs(r, "imported")).containsExactly("db");
    }

    @Test
    void unquotedOctalModeIsTheModeAnsibleApplies() {
        RunResult r = run("""
                - hosts: web1
                  gather_facts: false
                  tasks:
                    - name: octal
                      copy: {dest: /x, content: x, mode: 0755}
                """);
        assertThat(r.resultsOf("octal")).extracting(h -> arg(h, "mode")).containsExactly("0755");
        assertThatThrownBy(() -> load("""
                - hosts: web1
                  tasks:
                    - copy: {dest: /x, content: x, mode: 644}
                """)).isInstanceOf(InputException.class)
                .hasMessageContaining("'mode' is the unquoted number 644, which YAML does not read as octal");
    }

    @Test
    void moduleDefaultsFillArgumentsTheTaskLeavesOut() {
        write("roles/app/tasks/main.yml", "- name: in role\n  copy: {dest: /y, content: y}\n");
        RunResult r = run("""
                - hosts: web1
                  gather_facts: false
                  module_defaults:
                    ansible.builtin.copy: {mode: "0600", owner: app}
                  roles: [app]
                  tasks:
                    - name: defaulted
                      copy: {dest: /x, content: x, owner: root}
                - hosts: web1
                  gather_facts: false
                  roles: [app]
                """);
        assertThat(r.resultsOf("defaulted")).extracting(h -> arg(h, "mode"), h -> arg(h, "owner"))
                .containsExactly(org.assertj.core.groups.Tuple.tuple("0600", "root"));
        // The play's defaults reach its roles' tasks, and only that play's.
        assertThat(r.resultsOf("in role")).extracting(h -> arg(h, "mode"), h -> arg(h, "owner"))
                .containsExactly(org.assertj.core.groups.Tuple.tuple("0600", "app"), org.assertj.core.groups.Tuple.tuple(null, null));
    }

    @Test
    void anArgumentRenderedToOmitIsLeftOutAsIfNotWritten() {
        RunResult r = run("""
                - hosts: web1
                  gather_facts: false
                  vars:
                    strict: false
                  tasks:
                    - name: omitted
                      copy:
                        dest: /x
                        content: x
                        mode: "{{ '0600' if strict else omit }}"
                        owner: "{{ owner_name | default(omit) }}"
                    - name: kept
                      copy: {dest: /y, content: y, mode: "{{ '0600' if not strict else omit }}"}
                """);
        // An omitted argument takes the module's default.
        assertThat(r.resultsOf("omitted")).extracting(h -> arg(h, "mode"), h -> arg(h, "owner"))
                .containsExactly(org.assertj.core.groups.Tuple.tuple(null, null));
        assertThat(r.resultsOf("kept")).extracting(h -> arg(h, "mode")).containsExactly("0600");
    }

    @Test
    void omitLeavesOutNestedKeysAndListItemsAtAnyDepth() {
        RunResult r = run("""
                - hosts: web1
                  gather_facts: false
                  vars:
                    port: 5432
                  tasks:
                    - name: nested
                      echo:
                        value:
                          listen: "{{ port }}"
                          tls: "{{ tls_mode | default(omit) }}"
                          peers:
                            - a
                            - "{{ extra_peer | default(omit) }}"
                            - {name: b, weight: "{{ weight | default(omit) }}"}
                            - [c, "{{ omit }}"]
                        msg: ["{{ omit }}"]
                    - name: untouched
                      echo:
                        value: {a: [1, "{{ port }}"]}
                """);
        // 2.19-and-later Ansible: an omitted key or list item goes; the mapping or list holding it stays.
        assertThat(r.resultsOf("nested")).extracting(h -> arg(h, "value"), h -> arg(h, "msg")).containsExactly(org.assertj.core.groups.Tuple.tuple(
                Map.of("listen", 5432, "peers", List.of("a", Map.of("name", "b"), List.of("c"))), List.of()));
        assertThat(r.resultsOf("untouched")).extracting(h -> arg(h, "value")).containsExactly(Map.of("a", List.of(1, 5432)));
    }

    @Test
    void moduleDefaultsOfBlocksAndTasksReplaceTheOuterOnesOfTheirModule() {
        write("roles/app/tasks/main.yml", "- name: role in block\n  copy: {dest: /y, content: y}\n");
        write("more.yml", "- name: included in block\n  copy: {dest: /z, content: z}\n");
        RunResult r = run("""
                - hosts: web1
                  gather_facts: false
                  module_defaults:
                    copy: {mode: "0600", owner: play}
                    echo: {msg: from play}
                  tasks:
                    - name: play level
                      copy: {dest: /a, content: a}
                    - block:
                        - name: block level
                          copy: {dest: /b, content: b}
                        - name: task level
                          copy: {dest: /c, content: c}
                          module_defaults:
                            ansible.builtin.copy: {owner: task}
                        - name: other module keeps the play's
                          echo: {}
                        - include_tasks: more.yml
                        - import_role: {name: app}
                      rescue:
                        - name: rescue level
                          copy: {dest: /d, content: d}
                      module_defaults:
                        copy: {owner: block}
                    - name: after the block
                      copy: {dest: /e, content: e}
                """);
        java.util.function.Function<String, org.assertj.core.groups.Tuple> args = task ->
                org.assertj.core.groups.Tuple.tuple(arg(r.resultsOf(task).get(0), "mode"), arg(r.resultsOf(task).get(0), "owner"));
        assertThat(args.apply("play level")).isEqualTo(org.assertj.core.groups.Tuple.tuple("0600", "play"));
        // The block's copy defaults replace the play's copy defaults whole (mode is gone), as Ansible merges them.
        assertThat(args.apply("block level")).isEqualTo(org.assertj.core.groups.Tuple.tuple(null, "block"));
        assertThat(args.apply("task level")).isEqualTo(org.assertj.core.groups.Tuple.tuple(null, "task"));
        assertThat(args.apply("included in block")).isEqualTo(org.assertj.core.groups.Tuple.tuple(null, "block"));
        assertThat(args.apply("role in block")).isEqualTo(org.assertj.core.groups.Tuple.tuple(null, "block"));
        assertThat(args.apply("after the block")).isEqualTo(org.assertj.core.groups.Tuple.tuple("0600", "play"));
        assertThat(arg(r.resultsOf("other module keeps the play's").get(0), "msg")).isEqualTo("from play");
        assertThat(r.resultsOf("rescue level")).as("the block did not fail").isEmpty();

        assertThatThrownBy(() -> load("- hosts: all\n  tasks:\n    - block: []\n      module_defaults:\n        group/ns.aws: {region: x}\n"))
                .hasMessage("site.yml:5:9: module_defaults groups ('group/ns.aws') are not supported; name the modules");
    }

    @Test
    void playConnectionKeywordsMustMeanWhatTheInventorySays() {
        assertThat(preflight(load("- hosts: localhost\n  connection: local\n  tasks: []\n"), Map.of())).isEmpty();
        assertThat(preflight(load("- hosts: db1\n  connection: local\n  remote_user: root\n  port: 2222\n  tasks: []\n"), Map.of()))
                .containsExactly("site.yml:4:9: port: 2222 would apply to db1, whose inventory sets no ansible_port; Rigger connects as the inventory says: set ansible_port=2222 for them");
        assertThat(preflight(load("- hosts: all\n  connection: ssh\n  become_method: sudo\n  remote_user: root\n  tasks: []\n"), Map.of()))
                .containsExactly("site.yml:4:16: remote_user: root would apply to web1, web2, whose inventory sets no ansible_user; Rigger connects as the inventory says: set ansible_user=root for them");
        assertThat(preflight(load("- hosts: web\n  connection: local\n  tasks: []\n"), Map.of()))
                .containsExactly("site.yml:2:15: connection: local would apply to web1, web2, whose inventory sets no ansible_connection; Rigger connects as the inventory says: set ansible_connection=local for them");
        assertThatThrownBy(() -> load("- hosts: all\n  become_method: doas\n  tasks: []\n"))
                .hasMessage("site.yml:2:18: become_method 'doas' is not supported: Rigger becomes another user with sudo or su");
        assertThatThrownBy(() -> load("- hosts: all\n  tasks:\n    - command: id\n      become_method: sudu\n"))
                .hasMessage("site.yml:4:22: become_method 'sudu' is not supported: Rigger becomes another user with sudo or su (did you mean 'sudo'?)");
    }

    @Test
    void becomeMethodIsInheritedAndTheInnermostWins() {
        RecordingHosts hosts = new RecordingHosts();
        LoadedPlaybook playbook = load("""
                - hosts: web1
                  gather_facts: false
                  become: true
                  become_method: su
                  tasks:
                    - touch: path=/from-play
                    - block:
                        - touch: path=/from-block
                        - touch: path=/from-task
                          become_method: ansible.builtin.su
                          become_user: app
                      become_method: sudo
                    - touch: path=/not-become
                      become: false
                """);
        assertThat(PlaybookRun.of(playbook.playbook()).inventory(inventory).connector(hosts).execute().exitCode()).isZero();

        Map<String, String> how = new java.util.LinkedHashMap<>();
        for (dev.rigger.core.transport.ExecRequest r : hosts.requests) {
            how.put(r.script().replace("touch /", ""), r.becomeUser() == null ? "login user" : r.becomeMethod().keyword() + " " + r.becomeUser());
        }
        assertThat(how).containsExactly(Map.entry("from-play", "su root"), Map.entry("from-block", "sudo root"),
                Map.entry("from-task", "su app"), Map.entry("not-become", "login user"));
    }

    @Test
    void becomeVariablesWinOverTheKeywordsAsInAnsible() {
        // web: su by group_vars; web2 becomes by its host vars even where the play does not say become;
        // a task delegated to db1 becomes as db1's variables say.
        Inventory hosts = Inventory.builder()
                .group("web", Map.of("ansible_become_method", "su", "ansible_become_user", "{{ admin }}", "admin", "root"), "web1", "web2")
                .host("web2", Map.of("ansible_become", "yes", "ansible_become_method", "ansible.builtin.sudo"))
                .host("db1", Map.of())
                .build();
        RecordingHosts recorder = new RecordingHosts();
        LoadedPlaybook playbook = load("""
                - hosts: web
                  gather_facts: false
                  become_method: sudo
                  tasks:
                    - touch: path=/plain
                    - touch: path=/keyword
                      become: true
                      become_user: app
                    - touch: path=/task-vars
                      become: true
                      vars:
                        ansible_become: false
                    - touch: path=/templated
                      become: true
                      vars:
                        admin: postgres
                - hosts: web1
                  gather_facts: false
                  tasks:
                    - touch: path=/delegated
                      become: true
                      delegate_to: db1
                """);
        assertThat(PlaybookRun.of(playbook.playbook()).inventory(hosts).connector(recorder).execute().exitCode()).isZero();

        Map<String, String> how = new java.util.TreeMap<>();
        for (int i = 0; i < recorder.requests.size(); i++) {
            dev.rigger.core.transport.ExecRequest r = recorder.requests.get(i);
            String host = recorder.execs.get(i).split(":")[0];
            how.put(host + " " + r.script().replace("touch /", ""), r.becomeUser() == null ? "login user" : r.becomeMethod().keyword() + " " + r.becomeUser());
        }
        assertThat(how).containsExactlyInAnyOrderEntriesOf(Map.of(
                "web1 plain", "login user", "web2 plain", "sudo root",
                "web1 keyword", "su root", "web2 keyword", "sudo root",
                "web1 task-vars", "login user", "web2 task-vars", "login user",
                "web1 templated", "su postgres", "web2 templated", "sudo postgres",
                "db1 delegated", "sudo root"));
    }

    @Test
    void aBecomeVariableNoTaskCanUseFailsTheTaskNamingIt() {
        Inventory hosts = Inventory.builder().host("web1", Map.of("ansible_become_method", "{{ 'doas' }}")).build();
        RunResult result = PlaybookRun.of(load("- hosts: web1\n  gather_facts: false\n  become: true\n  tasks:\n    - touch: path=/x\n").playbook())
                .inventory(hosts).connector(new RecordingHosts()).execute();
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.resultsOf("touch").get(0).message())
                .contains("ansible_become_method 'doas' is not supported: Rigger becomes another user with sudo or su");
    }

    @Test
    void groupByMakesGroupsThatTheSamePlayAndLaterPlaysSee() {
        LoadedPlaybook playbook = load("""
                - hosts: all
                  gather_facts: false
                  tasks:
                    - name: by kind
                      group_by: key="kind_{{ 'db' if inventory_hostname == 'db1' else 'web' }}" parents=fleet
                    - name: same play
                      echo: msg="{{ groups['kind_web'] }}"
                      run_once: true
                - hosts: kind_db
                  gather_facts: false
                  tasks:
                    - name: later play
                      echo:
                        msg: "{{ group_names }}"
                        value: "{{ groups.fleet }}"
                """);
        List<String> warnings = PlaybookRun.of(playbook.playbook()).inventory(inventory).validate();
        assertThat(warnings).as("kind_db is made at run time: no warning before").isEmpty();
        RecordingHosts hosts = new RecordingHosts();
        RunResult r = PlaybookRun.of(playbook.playbook()).inventory(inventory).connector(hosts).execute();

        assertThat(r.exitCode()).isZero();
        assertThat(r.resultsOf("by kind")).extracting(HostResult::status).containsOnly(dev.rigger.core.executor.Status.CHANGED).hasSize(3);
        assertThat(msgs(r, "same play")).containsExactly(List.of("web1", "web2"));
        assertThat(r.resultsOf("later play")).extracting(HostResult::host).containsExactly("db1");
        assertThat(msgs(r, "later play").get(0)).asList().containsExactlyInAnyOrder("fleet", "kind_db");
        assertThat(values(r, "later play", "value")).containsExactly(List.of("web1", "web2", "db1"));
        assertThat(hosts.execs).as("group_by runs no script").isEmpty();
    }

    @Test
    void modulesOfOtherFamiliesAreNamedAsSuch() {
        assertThatThrownBy(() -> load("- hosts: all\n  tasks:\n    - yum: name=httpd\n"))
                .hasMessage("site.yml:3:7: module 'yum' manages another OS family's packages, which Rigger does not support: it manages Debian hosts (use apt or package)");
        assertThatThrownBy(() -> load("- hosts: all\n  tasks:\n    - add_host: name=10.0.0.9 groups=new\n"))
                .hasMessage("site.yml:3:7: module 'add_host' is not supported: Rigger adds no hosts during a run (put the hosts in the inventory;"
                        + " group_by makes groups of inventory hosts, or pick hosts with a pattern such as 'web:&dc1' or with when:)");
        assertThatThrownBy(() -> load("- hosts: all\n  tasks:\n    - amazon.aws.ec2_instance: {name: x}\n"))
                .hasMessage("site.yml:3:7: module 'amazon.aws.ec2_instance' comes from the collection amazon.aws, which Rigger does not support (cloud, network and database collections stay out)");
    }

    @Test
    void varsPromptNamesDashE() {
        LoadedPlaybook p = load("""
                - hosts: web1
                  vars_prompt:
                    - name: release
                      prompt: which release?
                      private: no
                  tasks:
                    - echo: msg={{ release }}
                """);
        assertThat(preflight(p, Map.of())).containsExactly("site.yml:3:13: vars_prompt 'release': Rigger does not prompt; pass the value with -e release=...");
        assertThat(preflight(p, Map.of("release", "1.0"))).isEmpty();
    }

    @Test
    void jinjaStatementsInAValueRenderToText() {
        RunResult r = run("""
                - hosts: web1
                  gather_facts: false
                  vars:
                    env: prod
                    password: !secret s3cret
                  tasks:
                    - name: text
                      echo:
                        msg: |
                          {% if env == 'prod' %}
                          LEVEL=warn
                          {% else %}
                          LEVEL=debug
                          {% endif %}
                          HOST={{ inventory_hostname }}
                    - name: secret
                      echo:
                        msg: "{% if true %}pw={{ password }}{% endif %}"
                """);
        assertThat(msgs(r, "text")).containsExactly("LEVEL=warn\nHOST=web1\n");
        assertThat(msgs(r, "secret").get(0)).isInstanceOf(Secret.class).hasToString(Secret.REDACTED);
        assertThat(((Secret) msgs(r, "secret").get(0)).reveal()).isEqualTo("pw=s3cret");
    }

    @Test
    void jinjaTemplateFilesRenderAsAnsibleRendersThem() {
        write("templates/hosts.j2", """
                {# peers #}
                {% for h in groups['web'] %}
                server {{ h }}{{ ',' if not loop.last }}
                {% endfor %}
                {%- set n = groups['web'] | length %}
                count={{ n * 2 }}
                """);
        write("templates/bad.j2", "x={{ nope }}\n");
        RunResult r = run("""
                - hosts: web1
                  gather_facts: false
                  tasks:
                    - name: rendered
                      template: src=hosts.j2 dest=/etc/hosts
                """);
        assertThat(r.resultsOf("rendered")).extracting(h -> h.registered().get("content"))
                .containsExactly("server web1,\nserver web2\ncount=4\n");
        assertThat(preflight(load("- hosts: web1\n  tasks:\n    - template: src=bad.j2 dest=/x\n"), Map.of()))
                .containsExactly("templates/bad.j2:1:6: undefined variable 'nope'");
    }

    @Test
    void environmentOfPlayBlockAndTaskIsExportedBeforeEachScriptInnerOverOuter() {
        LoadedPlaybook playbook = load("""
                - hosts: web1
                  gather_facts: false
                  vars:
                    proxy: {http_proxy: "http://proxy:3128", LEVEL: play}
                  environment: "{{ proxy }}"
                  tasks:
                    - block:
                        - name: inner
                          touch: path=/a
                          environment:
                            LEVEL: "{{ 'task' }}"
                            QUOTED: "it's $HOME"
                        - name: block
                          touch: path=/b
                      environment: {LEVEL: block, ON: true}
                    - name: play
                      touch: path=/c
                      notify: h
                  handlers:
                    - name: h
                      touch: path=/h
                """);
        assertThat(preflight(playbook, Map.of())).isEmpty();
        RecordingHosts hosts = new RecordingHosts();
        RunResult r = PlaybookRun.of(playbook.playbook()).inventory(inventory).connector(hosts).execute();
        assertThat(r.exitCode()).isZero();
        assertThat(hosts.execs).containsExactly(
                "web1: export http_proxy='http://proxy:3128'\nexport LEVEL='task'\nexport ON='True'\nexport QUOTED='it'\\''s $HOME'\ntouch /a",
                "web1: export http_proxy='http://proxy:3128'\nexport LEVEL='block'\nexport ON='True'\ntouch /b",
                "web1: export http_proxy='http://proxy:3128'\nexport LEVEL='play'\ntouch /c",
                "web1: export http_proxy='http://proxy:3128'\nexport LEVEL='play'\ntouch /h");
    }

    @Test
    void environmentMustNameShellVariables() {
        assertThatThrownBy(() -> load("- hosts: web1\n  tasks:\n    - touch: path=/a\n      environment: {BAD-NAME: x}\n"))
                .isInstanceOf(InputException.class).hasMessageContaining("site.yml:4:21")
                .hasMessageContaining("'BAD-NAME' is not a shell variable name");
        assertThatThrownBy(() -> load("- hosts: web1\n  tasks:\n    - touch: path=/a\n      environment: [x]\n"))
                .isInstanceOf(InputException.class).hasMessageContaining("environment must be a mapping");
        RunResult r = run("- hosts: web1\n  gather_facts: false\n  vars: {e: [1]}\n  tasks:\n    - name: t\n      touch: path=/a\n      environment: '{{ e }}'\n");
        assertThat(r.resultsOf("t").get(0).message()).contains("environment must be a mapping");
    }

    @Test
    void throttleLimitsHostsRunningATaskAtOnceAndOrderSortsTheHosts() {
        Inventory four = Inventory.builder().group("web", Map.of(), "web3", "web1", "web4", "web2").build();
        LoadedPlaybook playbook = load("""
                - hosts: web
                  gather_facts: false
                  order: reverse_sorted
                  serial: 2
                  tasks:
                    - name: slow
                      touch: path=/a
                      throttle: 1
                    - name: wide
                      touch: path=/b
                """);
        java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
        Map<String, Integer> most = new java.util.concurrent.ConcurrentHashMap<>();
        List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
        RunResult r = PlaybookRun.of(playbook.playbook()).inventory(four).connector(host -> new dev.rigger.core.transport.Connection() {
            @Override public String hostName() { return host; }
            @Override public long execCount() { return 0; }
            @Override public void close() {}

            @Override
            public dev.rigger.core.transport.ExecResult exec(dev.rigger.core.transport.ExecRequest request) {
                String path = request.script().substring("touch ".length());
                if (path.equals("/a")) order.add(host);
                most.merge(path, running.incrementAndGet(), Math::max);
                try {
                    Thread.sleep(150);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    running.decrementAndGet();
                }
                return new dev.rigger.core.transport.ExecResult(0, "", "", java.time.Duration.ZERO);
            }
        }).execute();
        assertThat(r.exitCode()).isZero();
        assertThat(most).containsEntry("/a", 1).containsEntry("/b", 2);
        // Batches of two in reverse sorted order: web4, web3 first, then web2, web1.
        assertThat(order.subList(0, 2)).containsExactlyInAnyOrder("web4", "web3");
        assertThat(order.subList(2, 4)).containsExactlyInAnyOrder("web2", "web1");
        assertThatThrownBy(() -> load("- hosts: web\n  order: sorter\n  tasks: []\n"))
                .isInstanceOf(InputException.class).hasMessageContaining("site.yml:2:10: unknown order 'sorter'")
                .hasMessageContaining("sorted");
    }
}
