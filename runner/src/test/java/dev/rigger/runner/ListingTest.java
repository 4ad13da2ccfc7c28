package dev.rigger.runner;

import static dev.rigger.runner.Cli.DIR;
import static dev.rigger.runner.Cli.REFUSED;
import static dev.rigger.runner.Cli.rigger;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@code --syntax-check}, {@code --list-hosts} and {@code --list-tasks} print what ansible-playbook
 * prints and stop before any host: every test uses the refused inventory, where a contacted host
 * would show as unreachable with exit code 4 (PlayTest shows that it does).
 */
class ListingTest {
    private static final String SITE = DIR + "site.yml";

    @Test
    void syntaxCheckPrintsThePlaybookAndContactsNoHost() {
        Cli run = rigger("play", SITE, "-i", REFUSED, "--syntax-check");
        assertThat(run.out()).isEqualTo("\nplaybook: src/test/resources/cli/site.yml\n");
        assertThat(run.err()).isEmpty();
        assertThat(run.exitCode()).isZero();
    }

    @Test
    void listHostsAppliesTheLimitToEachPlay() {
        Cli run = rigger("play", SITE, "-i", REFUSED, "--list-hosts", "--limit", "web2:db1");
        assertThat(run.out()).isEqualTo("""

                playbook: src/test/resources/cli/site.yml

                  play #1 (web): Web tier\tTAGS: [web]
                    pattern: ['web']
                    hosts (1):
                      web2

                  play #2 (db): Database\tTAGS: []
                    pattern: ['db']
                    hosts (1):
                      db1
                """);
        assertThat(run.err()).isEmpty();
        assertThat(run.exitCode()).isZero();
    }

    @Test
    void listTasksShowsRoleBlockAndInheritedTags() {
        Cli run = rigger("play", SITE, "-i", REFUSED, "--list-tasks");
        assertThat(run.out()).isEqualTo("""

                playbook: src/test/resources/cli/site.yml

                  play #1 (web): Web tier\tTAGS: [web]
                    tasks:
                      common : Common marker\tTAGS: [base, web]
                      Greet\tTAGS: [talk, web]
                      Remember the port\tTAGS: [checks, web]
                      Port is a number\tTAGS: [checks, web]
                      Checks done\tTAGS: [checks, web]

                  play #2 (db): Database\tTAGS: []
                    tasks:
                      Show port\tTAGS: []
                """);
        assertThat(run.err()).isEmpty();
        assertThat(run.exitCode()).isZero();
    }

    @Test
    void listTasksLeavesOutWhatTagsDeselect() {
        Cli run = rigger("play", SITE, "-i", REFUSED, "--list-tasks", "--tags", "web", "--skip-tags", "checks");
        assertThat(run.outLines()).filteredOn(l -> l.startsWith("      ")).containsExactly(
                "      common : Common marker\tTAGS: [base, web]",
                "      Greet\tTAGS: [talk, web]");
        assertThat(run.exitCode()).isZero();
    }

    @Test
    void listHostsAndTasksTogetherForAppliedRoles() {
        Cli run = rigger("apply", DIR + "roles/web", "-i", REFUSED, "--hosts", "web", "--list-hosts", "--list-tasks");
        assertThat(run.out()).isEqualTo("""

                playbook: apply web

                  play #1 (web): apply web\tTAGS: []
                    pattern: ['web']
                    hosts (2):
                      web1
                      web2
                    tasks:
                      common : Common marker\tTAGS: []
                      web : Web marker\tTAGS: []
                """);
        assertThat(run.exitCode()).isZero();
    }
}
