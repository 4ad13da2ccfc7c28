package dev.rigger.runner;

import static dev.rigger.runner.Cli.DIR;
import static dev.rigger.runner.Cli.LOCAL;
import static dev.rigger.runner.Cli.REFUSED;
import static dev.rigger.runner.Cli.riggerWith;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The everyday ansible-playbook flags and ansible.cfg, end to end through the command line. */
class FlagsTest {
    @TempDir
    Path workdir;

    /** The JVM's environment without Ansible settings a developer's shell may carry. */
    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.keySet().removeIf(k -> k.startsWith("ANSIBLE_") || k.startsWith("RIGGER_"));
        env.put("ANSIBLE_CONFIG", "/nonexistent/ansible.cfg");
        for (int i = 0; i < pairs.length; i += 2) env.put(pairs[i], pairs[i + 1]);
        return env;
    }

    @Test
    void theInventoryComesFromAnsibleCfgWhenNoFlagGivesOne() throws Exception {
        Path cfg = workdir.resolve("ansible.cfg");
        Files.writeString(cfg, "[defaults]\ninventory = " + Path.of(LOCAL).toAbsolutePath() + "\n");
        Cli run = riggerWith(env("ANSIBLE_CONFIG", cfg.toString()), "", "play", DIR + "site.yml", "--list-hosts");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("hosts (2):", "web1", "web2");

        Cli none = riggerWith(env(), "", "play", DIR + "site.yml", "--list-hosts");
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.errLines()).containsExactly("error: -i: no inventory: give -i INVENTORY, set ANSIBLE_INVENTORY or inventory in ansible.cfg");
    }

    @Test
    void connectionLocalRunsHostsTheInventoryWouldReachBySsh() {
        // REFUSED's hosts are 127.0.0.1 port 1 over ssh: unreachable (exit 4) unless -c local applies.
        Cli ssh = riggerWith(env(), "", "play", DIR + "flags.yml", "-i", REFUSED, "--limit", "web1");
        Cli local = riggerWith(env(), "", "play", DIR + "flags.yml", "-i", REFUSED, "--limit", "web1", "-c", "local",
                "--flush-cache", "-T", "5");
        assertThat(ssh.exitCode()).as(ssh.out()).isEqualTo(4);
        assertThat(local.exitCode()).as(local.out() + local.err()).isZero();
    }

    @Test
    void askBecomePassReadsWithoutATerminalFromTheVariableOrStdinAndNeverShowsIt() {
        Cli byEnv = riggerWith(env(Settings.ENV_BECOME_PASSWORD, "sudo-secret-1"), "", "play", DIR + "flags.yml", "-i", LOCAL, "-K", "-vvv");
        assertThat(byEnv.exitCode()).as(byEnv.err()).isZero();
        Cli byStdin = riggerWith(env(), "ssh-secret-3\nsudo-secret-2\n", "play", DIR + "flags.yml", "-i", LOCAL, "--ask-become-pass", "-k");
        assertThat(byStdin.exitCode()).as(byStdin.err()).isZero();
        assertThat(byEnv.out() + byEnv.err() + byStdin.out() + byStdin.err()).doesNotContain("sudo-secret").doesNotContain("ssh-secret");

        Cli nothing = riggerWith(env(), "", "play", DIR + "flags.yml", "-i", LOCAL, "-K");
        assertThat(nothing.exitCode()).isEqualTo(2);
        assertThat(nothing.errLines()).containsExactly("error: --ask-become-pass: no password: no terminal to ask on, "
                + Settings.ENV_BECOME_PASSWORD + " is not set and standard input is empty");
    }

    @Test
    void unsupportedChoicesAreExitTwoWithTheReason() {
        Map<String, String> expected = Map.of(
                "--become-method=pbrun", "error: --become-method: become method 'pbrun' is not supported: Rigger becomes other users with sudo or su",
                "--connection=winrm", "error: --connection: connection 'winrm' is not supported (Rigger connects with ssh or local)",
                "--step", "error: --step: needs a terminal to ask on before each task; without one, use --start-at-task or --tags to run part of a playbook",
                "--timeout=0", "error: --timeout: must be at least 1, got 0");
        expected.forEach((flag, error) -> {
            Cli run = riggerWith(env(), "", "play", DIR + "site.yml", "-i", REFUSED, flag);
            assertThat(run.exitCode()).as(flag).isEqualTo(2);
            assertThat(run.errLines()).as(flag).containsExactly(error);
        });
    }

    @Test
    void threeVsPrintEveryScriptBeforeItRunsWithSecretsMasked() throws Exception {
        Path playbook = workdir.resolve("vvv.yml");
        Path out = workdir.resolve("token");
        Files.writeString(playbook, "- hosts: web1\n  gather_facts: false\n  vars:\n    token: !secret \"vvv-secret-token\"\n  tasks:\n"
                + "    - name: write the token\n      shell: printf %s {{ token }} > " + out + "\n");

        Cli vvv = riggerWith(env(), "", "play", playbook.toString(), "-i", LOCAL, "-vvv");
        Cli vv = riggerWith(env(), "", "play", playbook.toString(), "-i", LOCAL, "-vv");

        assertThat(vvv.exitCode()).as(vvv.err()).isZero();
        assertThat(Files.readString(out)).as("the secret reached the host").isEqualTo("vvv-secret-token");
        assertThat(vvv.out()).contains("<web1> EXEC:").containsPattern("(?m)^    .*printf %s '?\\*{8}'? > ").doesNotContain("vvv-secret-token");
        assertThat(vv.exitCode()).isZero();
        assertThat(vv.out()).doesNotContain("EXEC");
    }

    @Test
    void verbosityComesFromAnsibleVerbosity() {
        Cli quiet = riggerWith(env(), "", "play", DIR + "flags.yml", "-i", LOCAL, "--limit", "web1");
        Cli verbose = riggerWith(env("ANSIBLE_VERBOSITY", "1"), "", "play", DIR + "flags.yml", "-i", LOCAL, "--limit", "web1");
        assertThat(quiet.out()).doesNotContain(" exec");
        assertThat(verbose.out()).contains(" exec");
    }
}
