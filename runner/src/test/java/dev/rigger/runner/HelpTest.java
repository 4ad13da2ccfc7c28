package dev.rigger.runner;

import static dev.rigger.runner.Cli.rigger;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code --help} and {@code --version} print to stdout and exit with 0. */
class HelpTest {

    @Test
    void topLevelHelpNamesTheCommands() {
        Cli run = rigger("--help");
        assertThat(run.outLines()).startsWith("Usage: rigger [-hV] [COMMAND]");
        assertThat(run.out()).contains("  play   Run a playbook.").contains("  apply  Run role folders");
        assertThat(run.err()).isEmpty();
        assertThat(run.exitCode()).isZero();
    }

    @Test
    void playHelpListsEveryFlag() {
        Cli run = rigger("play", "--help");
        assertThat(run.outLines().get(0)).startsWith("Usage: rigger play ");
        assertThat(run.out()).contains("PLAYBOOK", "-i, --inventory=INVENTORY", "-C, --check", "-D, --diff", "-l, --limit=PATTERN",
                "-t, --tags=TAGS", "--skip-tags=TAGS", "-e, --extra-vars=VARS", "-f, --forks=N", "--list-hosts", "--list-tasks",
                "--syntax-check", "--start-at-task=NAME", "--json=FILE", "-v", "--roles-path=DIR");
        assertThat(run.err()).isEmpty();
        assertThat(run.exitCode()).isZero();
    }

    @Test
    void applyHelpListsItsOwnAndTheSharedFlags() {
        Cli run = rigger("apply", "--help");
        assertThat(run.outLines().get(0)).startsWith("Usage: rigger apply ");
        assertThat(run.out()).contains("ROLE...", "--hosts=PATTERN", "-b, --become", "-i, --inventory=INVENTORY", "--list-tasks");
        assertThat(run.err()).isEmpty();
        assertThat(run.exitCode()).isZero();
    }

    @Test
    void versionIsPrinted() {
        Cli run = rigger("--version");
        // The version Maven builds (the pom's), not a literal in the code.
        String built = System.getProperty("rigger.project.version");
        assertThat(built).as("rigger.project.version, set by the runner pom").isNotBlank();
        assertThat(run.out()).isEqualTo("rigger " + built + "\n");
        assertThat(run.exitCode()).isZero();
    }
}
