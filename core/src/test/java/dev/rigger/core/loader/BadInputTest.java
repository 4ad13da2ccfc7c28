package dev.rigger.core.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.rigger.core.error.InputException;
import dev.rigger.core.executor.HostConnector;
import dev.rigger.core.executor.PlaybookRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every playbook in {@code src/test/resources/bad/} is wrong in one way; loading it or running the
 * preflight must give exactly this one-line message, file names relative to {@code bad/}.
 */
class BadInputTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                arguments("bad_bool.yml", "bad_bool.yml:2:11: expected a boolean for 'become', got a string 'maybe'"),
                arguments("block_notify.yml", "block_notify.yml:5:7: unknown key 'notify' in block (expected one of: always, become, become_method, become_user, block, check_mode, environment, ignore_errors, module_defaults, name, no_log, rescue, tags, vars, when)"),
                arguments("include_role_unknown_key.yml", "include_role_unknown_key.yml:5:9: unknown key 'default_from' in include_role (expected one of: name, tasks_from, vars)"),
                arguments("bad_choice.yml", "bad_choice.yml:6:9: apt: 'state' must be one of present, absent, latest, got 'presnt' (did you mean 'present'?)"),
                arguments("bad_expression_argument.yml", "bad_expression_argument.yml:5:33: bad expression 'http_port )': unexpected ')'"),
                arguments("bad_expression_when.yml", "bad_expression_when.yml:5:33: bad expression 'ansible_os_family ==': expected a value after '=='"),
                arguments("bad_loop_control.yml", "bad_loop_control.yml:6:9: unknown key 'loop_vr' in loop_control (did you mean 'loop_var'?)"),
                arguments("bad_max_fail.yml", "bad_max_fail.yml:2:24: max_fail_percentage must be between 0 and 100, got 150"),
                arguments("bad_mustache.yml", "roles/bad_mustache/templates/broken.mustache:1: bad template: Failed to close 'servers' tag"),
                arguments("bad_register_name.yml", "bad_register_name.yml:4:17: invalid register name 'up-time': use letters, digits and underscores, not starting with a digit"),
                arguments("bad_role_meta.yml", "roles/badmeta/meta/main.yml:1:1: unknown key 'dependancies' in role meta (did you mean 'dependencies'?)"),
                arguments("bad_serial.yml", "bad_serial.yml:2:11: serial batch size must be positive, got '0'"),
                arguments("bad_serial_list.yml", "bad_serial_list.yml:2:15: serial percentage must be in (0, 100], got '150%'"),
                arguments("bad_serial_text.yml", "bad_serial_text.yml:2:11: serial takes a number, a percentage like '30%' or a list of them, got 'half'"),
                arguments("bad_strategy.yml", "bad_strategy.yml:2:13: unknown strategy 'fre' (did you mean 'free'?)"),
                arguments("bad_var_name.yml", "bad_var_name.yml:3:5: invalid variable name 'http-port': use letters, digits and underscores, not starting with a digit"),
                arguments("circular_roles.yml", "roles/cycle_b/meta/main.yml:2:11: circular role dependency: cycle_a -> cycle_b -> cycle_a"),
                arguments("duplicate_key.yml", "duplicate_key.yml:5:7: duplicate key 'name' (first at line 3)"),
                arguments("empty.yml", "empty.yml: the playbook is empty"),
                arguments("error_inside_role.yml", "roles/broken/tasks/main.yml:4:3: unknown module 'servce' (did you mean 'service'?)"),
                arguments("free_form_not_accepted.yml", "free_form_not_accepted.yml:3:12: apt: expected key=value arguments, got 'nginx' (apt takes no free-form text)"),
                arguments("handler_block.yml", "handler_block.yml:4:7: a handler must be a single task, not a block, import or include"),
                arguments("import_loop.yml", "tasks/loop_b.yml:2:17: import_tasks loop: tasks/loop_a.yml -> tasks/loop_b.yml -> tasks/loop_a.yml"),
                arguments("jinja_statement.yml", "jinja_statement.yml:5:36: unknown statement '{% endfi %}' (Rigger knows if, for, set and raw)"),
                arguments("legacy_include.yml", "legacy_include.yml:3:16: include_tasks: file 'tasks/other.yml' not found; looked for tasks/other.yml"),
                arguments("loop_and_with_items.yml", "loop_and_with_items.yml:5:7: use either loop or with_items, not both"),
                arguments("loop_control_without_loop.yml", "loop_control_without_loop.yml:4:7: loop_control without a loop"),
                arguments("loop_not_a_list.yml", "loop_not_a_list.yml:4:13: 'loop' needs a list or a '{{ }}' expression giving one, got a string 'nginx'"),
                arguments("missing_hosts.yml", "missing_hosts.yml:1:3: missing required key 'hosts'"),
                arguments("missing_import.yml", "missing_import.yml:3:21: import_tasks: file 'tasks/nothere.yml' not found; looked for tasks/nothere.yml"),
                arguments("missing_import_playbook.yml", "missing_import_playbook.yml:1:20: playbook 'other.yml' not found; looked for other.yml"),
                arguments("missing_include.yml", "missing_include.yml:3:22: include_tasks: file 'tasks/nothere.yml' not found; looked for tasks/nothere.yml"),
                arguments("missing_required.yml", "missing_required.yml:3:7: copy: missing required parameter 'dest'"),
                arguments("missing_required_templated.yml", "missing_required_templated.yml:3:7: copy: missing required parameter 'dest'"),
                arguments("missing_tasks_from.yml", "missing_tasks_from.yml:4:15: role 'templated' has no tasks/install.yml"),
                arguments("missing_template.yml", "missing_template.yml:4:9: template 'nowhere.conf.mustache' not found; looked for templates/nowhere.conf.mustache, nowhere.conf.mustache"),
                arguments("missing_vars_file.yml", "missing_vars_file.yml:3:7: vars file 'vars/nothere.yml' not found; looked for vars/nothere.yml"),
                arguments("no_module.yml", "no_module.yml:3:7: task has no module (a key naming the module to run, such as 'command:')"),
                arguments("not_a_list.yml", "not_a_list.yml:1:1: expected a list of plays ('- hosts: ...'), got a mapping"),
                arguments("octal_mode.yml", "octal_mode.yml:7:9: copy: 'mode' is the unquoted number 644, which YAML does not read as octal; quote it, e.g. mode: \"0644\""),
                arguments("role_entry_typo.yml", "role_entry_typo.yml:4:7: unknown key 'wen' in role entry; role parameters that look like keywords must go under vars: (did you mean 'when'?)"),
                arguments("role_not_found.yml", "role_not_found.yml:3:7: role 'templatd' not found; looked for roles/templatd, classpath:roles/templatd (did you mean 'templated'?)"),
                arguments("templated_import.yml", "templated_import.yml:3:21: import_tasks needs a literal file name; use include_tasks for a templated one"),
                arguments("two_modules.yml", "two_modules.yml:5:7: task names two modules, 'apt' and 'copy'; a task runs exactly one"),
                arguments("unclosed_expression.yml", "unclosed_expression.yml:5:20: '{{' is never closed with '}}'"),
                arguments("undefined_in_argument.yml", "undefined_in_argument.yml:7:19: undefined variable 'pakage' (did you mean 'package'?)"),
                arguments("undefined_in_free_form.yml", "undefined_in_free_form.yml:3:24: undefined variable 'http_prot' (did you mean 'http_port'?)"),
                arguments("undefined_in_loop.yml", "undefined_in_loop.yml:7:17: undefined variable 'pakages' (did you mean 'packages'?)"),
                arguments("undefined_in_mustache.yml", "roles/templated/templates/site.conf.mustache:3:19: undefined variable 'server_nme'"),
                arguments("undefined_in_vars.yml", "undefined_in_vars.yml:3:21: undefined variable 'inventory_hostnme' (did you mean 'inventory_hostname'?)"),
                arguments("undefined_in_when.yml", "undefined_in_when.yml:8:13: undefined variable 'reslt' (did you mean 'result'?)"),
                arguments("unknown_handler.yml", "unknown_handler.yml:5:15: notify: no handler or listen topic named 'restart ngnix' (did you mean 'restart nginx'?)"),
                arguments("unknown_handler_in_other_play.yml", "unknown_handler_in_other_play.yml:9:15: notify: no handler or listen topic named 'restart nginx'"),
                arguments("unknown_module.yml", "unknown_module.yml:4:7: unknown module 'aptt' (did you mean 'apt'?)"),
                arguments("unknown_parameter.yml", "unknown_parameter.yml:5:9: apt: unknown parameter 'nmae' (did you mean 'name'?)"),
                arguments("unknown_parameter_free_form.yml", "unknown_parameter_free_form.yml:3:23: apt: unknown parameter 'stat' (did you mean 'state'?)"),
                arguments("unknown_parameter_templated.yml", "unknown_parameter_templated.yml:8:9: apt: unknown parameter 'stat' (did you mean 'state'?)"),
                arguments("unknown_play_keyword.yml", "unknown_play_keyword.yml:1:3: unknown key 'hsts' in play (did you mean 'hosts'?)"),
                arguments("unknown_task_keyword.yml", "unknown_task_keyword.yml:5:7: unknown key 'regsiter' in task (did you mean 'register'?)"),
                arguments("unsupported_meta.yml", "unsupported_meta.yml:3:13: meta: 'end_play' is not supported (only flush_handlers)"),
                arguments("unsupported_play_keyword.yml", "unsupported_play_keyword.yml:2:16: remote_user: admin would apply to web1, web2, whose inventory sets no ansible_user; Rigger connects as the inventory says: set ansible_user=admin for them"),
                arguments("unsupported_task_keyword.yml", "unsupported_task_keyword.yml:5:7: 'delegate_facts' is not supported on tasks by Rigger"),
                arguments("wrong_type.yml", "wrong_type.yml:6:9: apt: 'update_cache' must be true or false, got 'maybe'"),
                arguments("yaml_syntax.yml", "yaml_syntax.yml:6:8: YAML syntax error: expected <block end>, but found '<block mapping start>' (while parsing a block mapping that starts at line 3)")        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void reportsExactlyOneProblemWithItsLocation(String file, String message) {
        assertThat(Checks.problems(file)).containsExactly(message);
    }

    @Test
    void everyBadPlaybookHasAnExpectedMessage() throws IOException {
        Set<String> covered = cases().map(a -> (String) a.get()[0]).collect(Collectors.toSet());
        try (Stream<Path> files = Files.list(Checks.BAD)) {
            List<String> playbooks = files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".yml")).sorted().toList();
            assertThat(playbooks).hasSizeGreaterThanOrEqualTo(40);
            assertThat(covered).containsExactlyInAnyOrderElementsOf(playbooks);
        }
    }

    /**
     * The runner's order — load, preflight, run only when both pass — never opens a connection for
     * bad input: each bad playbook stops before {@link PlaybookRun} is even built.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badInputNeverReachesAHost(String file, String message) {
        HostConnector connector = host -> fail("connection opened to " + host + " for " + file);
        List<InputException> problems;
        try {
            LoadedPlaybook playbook = Checks.load(Checks.BAD.resolve(file));
            problems = Preflight.check(playbook, Checks.INVENTORY, Map.of());
            if (problems.isEmpty()) PlaybookRun.of(playbook.playbook()).inventory(Checks.INVENTORY).connector(connector).execute();
        } catch (InputException e) {
            problems = List.of(e);
        }
        assertThat(problems).isNotEmpty();
    }
}
