package dev.rigger.runner;

import static dev.rigger.runner.Cli.DIR;
import static dev.rigger.runner.Cli.LOCAL;
import static dev.rigger.runner.Cli.REFUSED;
import static dev.rigger.runner.Cli.rigger;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input stops before any host with exit code 2 and one {@code error:} line: {@code file:line:col}
 * when the mistake is inside a file, else the argument at fault. The hosts are the refused ones, so
 * a command that got as far as a host would show it (unreachable, exit code 4).
 */
class BadInputTest {

    static Stream<Arguments> badInputs() {
        return Stream.of(
                Arguments.of("missing playbook", new String[] {"play", DIR + "missing.yml", "-i", REFUSED},
                        "error: src/test/resources/cli/missing.yml: playbook not found"),
                Arguments.of("YAML syntax error", new String[] {"play", DIR + "bad/syntax-error.yml", "-i", REFUSED},
                        "error: src/test/resources/cli/bad/syntax-error.yml:5:1: YAML syntax error: expected ',' or '}', "
                                + "but got <stream end> (while parsing a flow mapping that starts at line 4)"),
                Arguments.of("unknown module", new String[] {"play", DIR + "bad/unknown-module.yml", "-i", REFUSED},
                        "error: src/test/resources/cli/bad/unknown-module.yml:5:7: unknown module 'debgu' (did you mean 'debug'?)"),
                Arguments.of("undefined variable (preflight)", new String[] {"play", DIR + "bad/undefined-var.yml", "-i", REFUSED},
                        "error: src/test/resources/cli/bad/undefined-var.yml:8:18: undefined variable 'greetng' (did you mean 'greeting'?)"),
                Arguments.of("-e without '='", new String[] {"play", DIR + "site.yml", "-i", REFUSED, "-e", "greeting"},
                        "error: -e greeting: extra vars take key=value, @file.yml or a YAML/JSON mapping, got 'greeting'"),
                Arguments.of("-e with broken JSON", new String[] {"play", DIR + "site.yml", "-i", REFUSED, "-e", "{\"greeting\": [}"},
                        "error: -e:1:15: YAML syntax error: expected the node content, but found '}' (while parsing a flow node)"),
                Arguments.of("-e @file holding a list", new String[] {"play", DIR + "site.yml", "-i", REFUSED, "-e", "@" + DIR + "bad/list-vars.yml"},
                        "error: src/test/resources/cli/bad/list-vars.yml:1:1: extra vars must be a mapping, got a list"),
                Arguments.of("missing -e @file", new String[] {"play", DIR + "site.yml", "-i", REFUSED, "-e", "@" + DIR + "nothere.yml"},
                        "error: -e @src/test/resources/cli/nothere.yml: extra vars file 'src/test/resources/cli/nothere.yml' not found"),
                Arguments.of("missing inventory", new String[] {"play", DIR + "site.yml", "-i", DIR + "inventory/nothere.yml"},
                        "error: src/test/resources/cli/inventory/nothere.yml: inventory not found"),
                Arguments.of("bad inventory", new String[] {"play", DIR + "site.yml", "-i", DIR + "bad/inventory.yml"},
                        "error: src/test/resources/cli/bad/inventory.yml:2:3: unknown key 'hostz' in group 'all' (did you mean 'hosts'?)"),
                Arguments.of("bad connection value in the inventory", new String[] {"play", DIR + "site.yml", "-i", DIR + "bad/port.yml"},
                        "error: src/test/resources/cli/bad/port.yml:7:7: ansible_port must be a port number 1-65535, got 'twentytwo'"),
                Arguments.of("unknown --limit", new String[] {"play", DIR + "site.yml", "-i", REFUSED, "--limit", "wbe1"},
                        "error: --limit: no host or group matches 'wbe1' (did you mean 'web1'?)"),
                Arguments.of("unknown --start-at-task", new String[] {"play", DIR + "site.yml", "-i", REFUSED, "--start-at-task", "Gret"},
                        "error: --start-at-task: no task to run is named 'Gret' (did you mean 'Greet'?)"),
                Arguments.of("--start-at-task excluded by --tags", new String[] {"play", DIR + "site.yml", "-i", REFUSED, "--start-at-task", "Greet", "--tags", "checks"},
                        "error: --start-at-task: no task to run is named 'Greet'"),
                Arguments.of("--forks 0", new String[] {"play", DIR + "site.yml", "-i", REFUSED, "--forks", "0"},
                        "error: --forks: must be at least 1, got 0"),
                Arguments.of("--json in a missing folder", new String[] {"play", DIR + "site.yml", "-i", REFUSED, "--json", "/nonexistent/events.json"},
                        "error: --json /nonexistent/events.json: folder /nonexistent does not exist"),
                Arguments.of("apply: misspelt role", new String[] {"apply", "comon", "--roles-path", DIR + "roles", "-i", REFUSED, "--hosts", "web"},
                        "error: comon: role 'comon' not found; looked for roles/comon, src/test/resources/cli/roles/comon, "
                                + "classpath:roles/comon (did you mean 'common'?)"),
                Arguments.of("apply: missing role folder", new String[] {"apply", DIR + "roles/nothere", "-i", REFUSED, "--hosts", "web"},
                        "error: src/test/resources/cli/roles/nothere: role folder not found"),
                Arguments.of("apply: empty --hosts", new String[] {"apply", DIR + "roles/web", "-i", REFUSED, "--hosts", ""},
                        "error: --hosts: 'hosts' needs a host pattern, such as 'all' or 'web:db'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void stopsWithOneErrorLineAndExitCode2(String kind, String[] args, String expected) {
        Cli run = rigger(args);
        assertThat(run.errLines()).containsExactly(expected);
        assertThat(run.out()).isEmpty();
        assertThat(run.exitCode()).isEqualTo(2);
        assertNoStackTrace(run);
    }

    @Test
    void everyPreflightProblemIsReportedOnItsOwnLine() {
        Cli run = rigger("play", DIR + "bad/two-problems.yml", "-i", REFUSED);
        assertThat(run.errLines()).containsExactly(
                "error: src/test/resources/cli/bad/two-problems.yml:7:15: notify: no handler or listen topic named 'restrat' (did you mean 'restart'?)",
                "error: src/test/resources/cli/bad/two-problems.yml:6:18: undefined variable 'greetng' (did you mean 'greeting'?)");
        assertThat(run.exitCode()).isEqualTo(2);
        assertNoStackTrace(run);
    }

    @Test
    void unknownOptionIsAUsageErrorWithTheUsageOnStderr() {
        Cli run = rigger("play", DIR + "site.yml", "-i", LOCAL, "--bogus");
        assertThat(run.errLines().get(0)).isEqualTo("Unknown option: '--bogus'");
        assertThat(run.err()).contains("Usage: rigger play ").contains("--start-at-task=NAME");
        assertThat(run.out()).isEmpty();
        assertThat(run.exitCode()).isEqualTo(2);
        assertNoStackTrace(run);
    }

    @Test
    void noInventoryAnywhereIsBadInput() {
        // -i is optional (ANSIBLE_INVENTORY and ansible.cfg may name one): with neither, exit 2 saying where to give one.
        Map<String, String> env = new HashMap<>(System.getenv());
        env.remove("ANSIBLE_INVENTORY");
        env.put("ANSIBLE_CONFIG", "/nonexistent/ansible.cfg");
        Cli run = Cli.riggerWith(env, "", "play", DIR + "site.yml");
        assertThat(run.errLines()).containsExactly("error: -i: no inventory: give -i INVENTORY, set ANSIBLE_INVENTORY or inventory in ansible.cfg");
        assertThat(run.exitCode()).isEqualTo(2);
    }

    @Test
    void aValueOfTheWrongTypeIsAUsageError() {
        Cli run = rigger("play", DIR + "site.yml", "-i", LOCAL, "--forks", "many");
        assertThat(run.errLines().get(0)).isEqualTo("Invalid value for option '--forks': 'many' is not an int");
        assertThat(run.exitCode()).isEqualTo(2);
    }

    @Test
    void noCommandIsAUsageError() {
        Cli run = rigger();
        assertThat(run.errLines().get(0)).isEqualTo("Missing required subcommand");
        assertThat(run.err()).contains("Usage: rigger [-hV] [COMMAND]").contains("play").contains("apply");
        assertThat(run.out()).isEmpty();
        assertThat(run.exitCode()).isEqualTo(2);
    }

    @Test
    void applyWithoutHostsIsAUsageError() {
        Cli run = rigger("apply", DIR + "roles/web", "-i", LOCAL);
        assertThat(run.errLines().get(0)).isEqualTo("Missing required option: '--hosts=PATTERN'");
        assertThat(run.exitCode()).isEqualTo(2);
    }

    private static void assertNoStackTrace(Cli run) {
        assertThat(run.out() + run.err()).doesNotContain("\tat ").doesNotContain("Exception");
    }
}
