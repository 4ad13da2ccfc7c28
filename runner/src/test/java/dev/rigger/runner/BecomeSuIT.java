package dev.rigger.runner;

import static dev.rigger.runner.Cli.riggerWith;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rigger.core.transport.ShellQuote;
import dev.rigger.testing.Lab;
import dev.rigger.testing.LabHosts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code become_method: su} on a real host: {@code rigger play} logs in as {@code deploy}, who may
 * not sudo at all, and becomes root with su and root's password from {@code -K} (here its
 * environment variable, as CI gives it). Check mode, a real run, a second run with nothing to do,
 * the flag instead of the keyword, a wrong password, and {@code ansible_become_method: su} in the
 * inventory, which wins over the play's {@code become_method: sudo} as in Ansible.
 */
@LabHosts("su1")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BecomeSuIT {
    /** root's password, with what a shell could trip over. */
    private static final String ROOT_PASSWORD = "r00t 'su' $(id) `x` \\ *;|&";
    private static final String PLAYBOOK = """
            - hosts: all
              gather_facts: false
              become: true
              {{METHOD}}
              tasks:
                - name: root writes a file only root may
                  copy:
                    content: "written by su\\n"
                    dest: /root/su-proof
                    mode: "0600"
                - name: who runs the scripts
                  command: id -un
                  register: who
                  changed_when: false
                  check_mode: false
                - name: say who
                  debug:
                    msg: "became {{ who.stdout }}"
            """;

    @TempDir
    static Path tmp;
    private static Path inventory;
    private static Path suByInventory;
    private static Path keyword;
    private static Path plain;
    private static Path sudoKeyword;

    /** deploy logs in with the lab key and has no sudo rights: only su can make it root. */
    @BeforeAll
    static void deployUserAndRootPassword(Lab lab) throws Exception {
        lab.shell("su1", "useradd -m -s /bin/bash deploy"
                + " && printf '%s\\n' " + ShellQuote.quote("root:" + ROOT_PASSWORD) + " | chpasswd"
                + " && install -d -m 700 -o deploy -g deploy /home/deploy/.ssh"
                + " && install -m 600 -o deploy -g deploy /root/.ssh/authorized_keys /home/deploy/.ssh/"
                + " && rm -f /etc/sudoers.d/*deploy*");
        String hosts = Files.readString(lab.writeInventory());
        assertThat(hosts).contains("ansible_user: \"root\"");
        inventory = Files.writeString(tmp.resolve("hosts.yml"), hosts.replace("ansible_user: \"root\"", "ansible_user: \"deploy\""));
        suByInventory = Files.writeString(tmp.resolve("su-hosts.yml"), hosts.replace("ansible_user: \"root\"",
                "ansible_user: \"deploy\"\n      ansible_become_method: su"));
        keyword = Files.writeString(tmp.resolve("su.yml"), PLAYBOOK.replace("{{METHOD}}", "become_method: su"));
        sudoKeyword = Files.writeString(tmp.resolve("sudo.yml"), PLAYBOOK.replace("{{METHOD}}", "become_method: sudo"));
        plain = Files.writeString(tmp.resolve("plain.yml"), PLAYBOOK.replace("{{METHOD}}", ""));
        assertThat(lab.exec("su1", "su", "deploy", "-c", "sudo -n true").exitCode()).as("deploy may not sudo").isNotZero();
    }

    private static Cli play(String password, Path playbook, String... more) {
        return play(inventory, password, playbook, more);
    }

    private static Cli play(Path inventory, String password, Path playbook, String... more) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.keySet().removeIf(k -> k.startsWith("ANSIBLE_") || k.startsWith("RIGGER_"));
        env.put("ANSIBLE_CONFIG", "/nonexistent/ansible.cfg");
        env.put(Settings.ENV_BECOME_PASSWORD, password);
        String[] args = new String[5 + more.length];
        args[0] = "play";
        args[1] = playbook.toString();
        args[2] = "-i";
        args[3] = inventory.toString();
        args[4] = "-K";
        System.arraycopy(more, 0, args, 5, more.length);
        long start = System.nanoTime();
        Cli run = riggerWith(env, "", args);
        System.out.printf("BecomeSuIT: %s %s in %d ms%n", playbook.getFileName(), String.join(" ", more), (System.nanoTime() - start) / 1_000_000);
        assertThat(run.out() + run.err()).as("the password never shows").doesNotContain(ROOT_PASSWORD).doesNotContain("r00t");
        return run;
    }

    @Test
    @Order(1)
    void checkModeProbesAsRootThroughSuAndChangesNothing(Lab lab) {
        Cli check = play(ROOT_PASSWORD, keyword, "--check", "-vvv");

        assertThat(check.exitCode()).as(check.out() + check.err()).isZero();
        assertThat(check.resultsOf("su1")).anyMatch(l -> l.startsWith("changed: [su1]"));
        assertThat(check.out()).contains("became root");
        assertThat(lab.exec("su1", "test", "-e", "/root/su-proof").exitCode()).as("check mode wrote nothing").isNotZero();
    }

    @Test
    @Order(2)
    void becomesRootWithSuAndASecondRunChangesNothing(Lab lab) {
        Cli first = play(ROOT_PASSWORD, keyword);
        assertThat(first.exitCode()).as(first.out() + first.err()).isZero();
        assertThat(first.out()).contains("became root").containsPattern("su1 +: ok=3 +changed=1 ");
        assertThat(lab.shell("su1", "stat -c '%U %a' /root/su-proof; cat /root/su-proof")).isEqualTo("root 600\nwritten by su\n");

        Cli second = play(ROOT_PASSWORD, keyword);
        assertThat(second.exitCode()).as(second.out() + second.err()).isZero();
        assertThat(second.out()).containsPattern("su1 +: ok=3 +changed=0 ");
    }

    @Test
    @Order(3)
    void theFlagChoosesSuForPlaysThatDoNotSay(Lab lab) {
        Cli bySudo = play(ROOT_PASSWORD, plain);
        assertThat(bySudo.exitCode()).as("without su, deploy cannot become root: " + bySudo.out()).isEqualTo(2);

        Cli bySu = play(ROOT_PASSWORD, plain, "--become-method", "su");
        assertThat(bySu.exitCode()).as(bySu.out() + bySu.err()).isZero();
        assertThat(bySu.out()).contains("became root");
    }

    @Test
    @Order(4)
    void aWrongPasswordFailsTheHostSayingSoAndRunsNothing(Lab lab) {
        lab.shell("su1", "rm -f /root/su-proof");
        Cli wrong = play("not-the-root-password", keyword);

        assertThat(wrong.exitCode()).isEqualTo(2);
        assertThat(wrong.out()).contains("fatal: [su1]: FAILED!", "su to 'root' rejected the become password")
                .doesNotContain("not-the-root-password");
        assertThat(lab.exec("su1", "test", "-e", "/root/su-proof").exitCode()).as("nothing ran as root").isNotZero();
    }

    @Test
    @Order(5)
    void theInventorysBecomeMethodWinsOverThePlaysKeyword(Lab lab) {
        Cli run = play(suByInventory, ROOT_PASSWORD, sudoKeyword);

        assertThat(run.exitCode()).as("sudo would fail for deploy: " + run.out() + run.err()).isZero();
        assertThat(run.out()).contains("became root").containsPattern("su1 +: ok=3 +changed=1 ");
        assertThat(lab.shell("su1", "stat -c '%U %a' /root/su-proof; cat /root/su-proof")).isEqualTo("root 600\nwritten by su\n");
    }
}
