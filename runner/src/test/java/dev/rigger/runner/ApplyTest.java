package dev.rigger.runner;

import static dev.rigger.runner.Cli.DIR;
import static dev.rigger.runner.Cli.LOCAL;
import static dev.rigger.runner.Cli.rigger;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code rigger apply} runs role folders or roles by name without a playbook. */
class ApplyTest {

    @Test
    void aRoleFolderRunsWithItsDependenciesOnTheChosenHosts() {
        Cli run = rigger("apply", DIR + "roles/web", "-i", LOCAL, "--hosts", "db");
        assertThat(run.outLines()).anySatisfy(l -> assertThat(l).startsWith("PLAY [apply web] ***"));
        assertThat(run.taskHeaders()).containsExactly("TASK [Gathering Facts]", "TASK [Common marker]", "TASK [Web marker]");
        assertThat(run.resultsOf("db1")).containsExactly("ok: [db1]", "ok: [db1] => common-ran on db1", "ok: [db1] => web role on db1");
        assertThat(run.resultsOf("web1")).isEmpty();
        assertThat(run.exitCode()).isZero();
    }

    @Test
    void rolesByNameAreFoundOnTheRolesPathAndRunInTheOrderGiven() {
        Cli run = rigger("apply", "web", "common", "--roles-path", DIR + "roles", "-i", LOCAL, "--hosts", "web1");
        // common runs once: as web's dependency, and not again when named after it.
        assertThat(run.taskHeaders()).containsExactly("TASK [Gathering Facts]", "TASK [Common marker]", "TASK [Web marker]");
        assertThat(run.exitCode()).isZero();
    }

    @Test
    void extraVarsReachTheRoleOverItsDefaults() {
        Cli run = rigger("apply", DIR + "roles/common", "-i", LOCAL, "--hosts", "web2", "-e", "common_marker=overridden");
        assertThat(run.resultsOf("web2")).contains("ok: [web2] => overridden on web2");
    }

    @Test
    void runsAcceptTheSharedFlags() {
        Cli run = rigger("apply", DIR + "roles/web", "-i", LOCAL, "--hosts", "web", "--limit", "web2", "--check");
        assertThat(run.resultsOf("web2")).containsExactly("ok: [web2]", "ok: [web2] => common-ran on web2", "ok: [web2] => web role on web2");
        assertThat(run.resultsOf("web1")).isEmpty();
        assertThat(run.exitCode()).isZero();
    }
}
