package dev.rigger.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rigger.core.error.InputException;
import dev.rigger.core.executor.Play;
import dev.rigger.core.executor.Playbook;
import dev.rigger.core.inventory.Inventory;
import dev.rigger.core.inventory.InventoryConnections;
import dev.rigger.core.secret.Secret;
import dev.rigger.core.transport.BecomeMethod;
import dev.rigger.core.transport.ConnectionSettings;
import dev.rigger.core.transport.HostKeyPolicy;
import dev.rigger.core.vault.Vault;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Flags over ANSIBLE_* variables over ansible.cfg, found where Ansible looks for it. */
class SettingsTest {
    @TempDir
    Path dir;

    @AfterEach
    void forgetVaultPasswords() {
        Vault.use(List.of());
    }

    private Path folder(String name) throws Exception {
        return Files.createDirectories(dir.resolve(name));
    }

    private static Settings settings(Map<String, String> env, Path cwd, String... args) {
        RunFlags flags = CommandLine.populateCommand(new RunFlags(), args);
        return Settings.resolve(flags, env, cwd);
    }

    private Map<String, String> env(String... pairs) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("HOME", folder("home").toString()));
        for (int i = 0; i < pairs.length; i += 2) env.put(pairs[i], pairs[i + 1]);
        return env;
    }

    @Test
    void theConfigIsFoundWhereAnsibleLooksFirstAnsibleConfigThenHereThenHome() throws Exception {
        Path cwd = folder("project");
        Files.writeString(folder("home").resolve(".ansible.cfg"), "[defaults]\nforks = 3\n");
        assertThat(settings(env(), cwd, "-i", "x").forks).isEqualTo(3);

        Files.writeString(cwd.resolve("ansible.cfg"), "[defaults]\nforks = 4\n");
        assertThat(settings(env(), cwd, "-i", "x").forks).isEqualTo(4);

        Path named = folder("named");
        Files.writeString(named.resolve("ansible.cfg"), "[defaults]\nforks = 5\n");
        assertThat(settings(env("ANSIBLE_CONFIG", named.toString()), cwd, "-i", "x").forks).as("a folder").isEqualTo(5);
        assertThat(settings(env("ANSIBLE_CONFIG", named.resolve("ansible.cfg").toString()), cwd, "-i", "x").forks).isEqualTo(5);

        // As Ansible: an ansible.cfg in a world-writable folder is not trusted.
        Files.setPosixFilePermissions(cwd, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThat(settings(env(), cwd, "-i", "x").forks).isEqualTo(3);
    }

    @Test
    void flagsWinOverEnvironmentWhichWinsOverTheConfig() throws Exception {
        Path cwd = folder("project");
        Files.writeString(cwd.resolve("ansible.cfg"), """
                # Ansible's own comment styles
                [defaults]
                inventory = cfg-hosts.yml, more.ini ; inline comment
                roles_path = ~/roles:/opt/roles
                forks: 7
                remote_user = cfg-user
                private_key_file = ~/.ssh/cfg_key
                host_key_checking = False
                timeout = 33

                [privilege_escalation]
                become = True
                become_user = postgres
                become_method = sudo

                [ssh_connection]
                retries = 2
                pipelining = True
                """);
        Path home = folder("home");
        Settings cfg = settings(env(), cwd);
        assertThat(cfg.inventories).containsExactly(Path.of("cfg-hosts.yml"), Path.of("more.ini"));
        assertThat(cfg.rolesPaths).containsExactly(home.resolve("roles"), Path.of("/opt/roles"));
        assertThat(cfg.forks).isEqualTo(7);
        assertThat(cfg.user).isEqualTo("cfg-user");
        assertThat(cfg.privateKey).isEqualTo(home.resolve(".ssh/cfg_key"));
        assertThat(cfg.connectionEnv).containsEntry("ANSIBLE_HOST_KEY_CHECKING", "false");

        Settings fromEnv = settings(env("ANSIBLE_INVENTORY", "env.yml", "ANSIBLE_FORKS", "8", "ANSIBLE_REMOTE_USER", "env-user",
                "ANSIBLE_HOST_KEY_CHECKING", "True"), cwd);
        assertThat(fromEnv.inventories).containsExactly(Path.of("env.yml"));
        assertThat(fromEnv.forks).isEqualTo(8);
        assertThat(fromEnv.user).isEqualTo("env-user");
        assertThat(fromEnv.connectionEnv).containsEntry("ANSIBLE_HOST_KEY_CHECKING", "true");

        Settings flags = settings(env("ANSIBLE_INVENTORY", "env.yml", "ANSIBLE_FORKS", "8"), cwd,
                "-i", "flag.yml", "-f", "9", "-u", "flag-user", "--private-key", "flag_key", "--roles-path", "flag-roles");
        assertThat(flags.inventories).containsExactly(Path.of("flag.yml"));
        assertThat(flags.forks).isEqualTo(9);
        assertThat(flags.user).isEqualTo("flag-user");
        assertThat(flags.privateKey).isEqualTo(Path.of("flag_key"));
        assertThat(flags.rolesPaths).first().isEqualTo(Path.of("flag-roles"));
    }

    @Test
    void hostKeyCheckingOfTheConfigReachesTheConnection() throws Exception {
        Path cwd = folder("project");
        Files.writeString(cwd.resolve("ansible.cfg"), "[defaults]\nhost_key_checking = False\n");
        Inventory inventory = Inventory.builder().host("db1", Map.of()).build();
        Settings s = settings(env(), cwd, "-i", "x");
        ConnectionSettings c = new InventoryConnections(inventory, s.connectionEnv).settingsFor("db1");
        assertThat(c.hostKeyPolicy()).isEqualTo(HostKeyPolicy.OFF);
    }

    @Test
    void connectionFlagsApplyWhereTheInventorySaysNothing() throws Exception {
        Inventory inventory = Inventory.builder()
                .host("plain", Map.of())
                .host("own", Map.of("ansible_connection", "ssh", "ansible_password", "own-pass", "ansible_become_password", "own-sudo"))
                .build();
        Settings s = settings(env(Settings.ENV_SSH_PASSWORD, "ssh-pass", Settings.ENV_BECOME_PASSWORD, "sudo-pass"), folder("p"),
                "-i", "x", "-c", "local", "-k", "-K", "-T", "42");
        InventoryConnections connections = new InventoryConnections(inventory, s.connectionEnv);

        ConnectionSettings plain = s.adjust(connections.settingsFor("plain"), inventory, "plain");
        assertThat(plain.type()).isEqualTo(ConnectionSettings.Type.LOCAL);
        assertThat(plain.password()).isEqualTo(Secret.of("ssh-pass"));
        assertThat(plain.becomePassword()).isEqualTo(Secret.of("sudo-pass"));
        assertThat(plain.connectTimeout()).isEqualTo(Duration.ofSeconds(42));

        ConnectionSettings own = s.adjust(connections.settingsFor("own"), inventory, "own");
        assertThat(own.type()).isEqualTo(ConnectionSettings.Type.SSH);
        assertThat(own.password()).isEqualTo(Secret.of("own-pass"));
        assertThat(own.becomePassword()).isEqualTo(Secret.of("own-sudo"));
    }

    @Test
    void becomeIsTheDefaultOfPlaysThatDoNotSay() throws Exception {
        Playbook playbook = new Playbook("p", dir, List.of(Play.builder("all").build(), Play.builder("all").become(false).build()));

        Playbook adjusted = settings(env(), folder("p"), "-i", "x", "-b", "--become-user", "postgres").withBecomeDefaults(playbook);

        assertThat(adjusted.plays().get(0).attributes().become()).isTrue();
        assertThat(adjusted.plays().get(0).attributes().becomeUser()).isEqualTo("postgres");
        assertThat(adjusted.plays().get(1).attributes().become()).as("the play's own become: false").isFalse();
        assertThat(settings(env(), folder("p"), "-i", "x").withBecomeDefaults(playbook)).isSameAs(playbook);
    }

    @Test
    void becomeMethodFromTheFlagOrAnsibleCfgIsTheDefaultOfPlaysThatDoNotSay() throws Exception {
        Playbook playbook = new Playbook("p", dir, List.of(Play.builder("all").build(),
                Play.builder("all").becomeMethod(BecomeMethod.SUDO).build()));

        Playbook byFlag = settings(env(), folder("p"), "-i", "x", "--become-method", "su").withBecomeDefaults(playbook);
        assertThat(byFlag.plays().get(0).attributes().becomeMethod()).isEqualTo(BecomeMethod.SU);
        assertThat(byFlag.plays().get(0).attributes().become()).as("--become-method alone does not become").isNull();
        assertThat(byFlag.plays().get(1).attributes().becomeMethod()).as("the play's own become_method").isEqualTo(BecomeMethod.SUDO);

        Path cwd = folder("su-project");
        Files.writeString(cwd.resolve("ansible.cfg"), "[privilege_escalation]\nbecome_method = su\n");
        assertThat(settings(env(), cwd, "-i", "x").withBecomeDefaults(playbook).plays().get(0).attributes().becomeMethod())
                .isEqualTo(BecomeMethod.SU);
        assertThat(settings(env("ANSIBLE_BECOME_METHOD", "sudo"), cwd, "-i", "x").withBecomeDefaults(playbook).plays().get(0)
                .attributes().becomeMethod()).as("the variable over ansible.cfg").isEqualTo(BecomeMethod.SUDO);
    }

    @Test
    void badValuesNameTheFileAndLine() throws Exception {
        Path cwd = folder("project");
        Files.writeString(cwd.resolve("ansible.cfg"), "[defaults]\n\nforks = many\n");
        assertThatThrownBy(() -> settings(env(), cwd, "-i", "x")).isInstanceOf(InputException.class)
                .hasMessage(cwd.resolve("ansible.cfg") + ":3: forks must be a whole number of at least 1, got 'many'");

        Files.writeString(cwd.resolve("ansible.cfg"), "[privilege_escalation]\nbecome = maybe\n");
        assertThatThrownBy(() -> settings(env(), cwd, "-i", "x")).hasMessage(cwd.resolve("ansible.cfg") + ":2: become must be a boolean (true or false), got 'maybe'");

        Files.writeString(cwd.resolve("ansible.cfg"), "[privilege_escalation]\nbecome_method = doas\n");
        assertThatThrownBy(() -> settings(env(), cwd, "-i", "x")).hasMessage(cwd.resolve("ansible.cfg")
                + ":2: become method 'doas' is not supported: Rigger becomes other users with sudo or su");

        Files.writeString(cwd.resolve("ansible.cfg"), "forks = 3\n");
        assertThatThrownBy(() -> settings(env(), cwd, "-i", "x")).hasMessage(cwd.resolve("ansible.cfg") + ":1: a key before any [section]");

        assertThatThrownBy(() -> settings(env("ANSIBLE_FORKS", "0"), folder("other"), "-i", "x"))
                .hasMessage("environment variable ANSIBLE_FORKS: forks must be a whole number of at least 1, got '0'");
    }
}
