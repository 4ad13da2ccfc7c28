package dev.rigger.core.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rigger.core.error.InputException;
import dev.rigger.core.secret.Secret;
import dev.rigger.core.transport.ConnectionSettings;
import dev.rigger.core.transport.HostKeyPolicy;
import dev.rigger.core.transport.SshConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InventoryConnectionsTest {
    private static final String FILE = "src/test/resources/inventories/connections/hosts.yml";
    /** Holds hosts with bad values on purpose, which {@link InventoryLoader#load} would refuse. */
    private static final Inventory INV = InventoryLoader.read(java.util.List.of(Path.of(FILE)));
    /** No ~/.ssh/config of whoever runs the tests. */
    private static final InventoryConnections NO_ENV = new InventoryConnections(INV, Map.of(SshConfig.FILE_ENV, "none"));

    private static ConnectionSettings settings(String host) {
        return NO_ENV.settingsFor(host);
    }

    @Test
    void defaultsUseTheInventoryNameAndGroupVariables() {
        ConnectionSettings s = settings("plain");
        assertThat(s.type()).isEqualTo(ConnectionSettings.Type.SSH);
        assertThat(s.address()).isEqualTo("plain");
        assertThat(s.port()).isEqualTo(22);
        assertThat(s.user()).isEqualTo("deploy");
        assertThat(s.hostKeyPolicy()).isEqualTo(HostKeyPolicy.STRICT);
        assertThat(s.password()).isNull();
        assertThat(s.jumpHost()).isNull();
    }

    @Test
    void mapsAnsibleConnectionVariables() {
        ConnectionSettings s = settings("full");
        assertThat(s.address()).isEqualTo("10.0.0.5");
        assertThat(s.port()).isEqualTo(2222);
        assertThat(s.user()).isEqualTo("admin");
        assertThat(s.privateKeyFile()).isEqualTo(Path.of(System.getProperty("user.home"), ".ssh", "id_ed25519"));
        assertThat(s.password()).isEqualTo(Secret.of("s3cret"));
        assertThat(s.becomePassword()).isEqualTo(Secret.of("sudo-pw"));
        assertThat(s.toString()).doesNotContain("s3cret").doesNotContain("sudo-pw");
    }

    @Test
    void riggerNamesWinOverAnsibleNames() {
        ConnectionSettings s = settings("rigger-wins");
        assertThat(s.address()).isEqualTo("10.0.0.7");
        assertThat(s.user()).isEqualTo("rig");
        assertThat(s.port()).isEqualTo(2200);
        assertThat(s.becomePassword()).isEqualTo(Secret.of("rigger-pw"));
    }

    @Test
    void connectionTypes() {
        assertThat(settings("local-one").type()).isEqualTo(ConnectionSettings.Type.LOCAL);
        assertThat(settings("paramiko-host").type()).isEqualTo(ConnectionSettings.Type.SSH);
        assertThat(settings("localhost").type()).isEqualTo(ConnectionSettings.Type.LOCAL);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            winbox        | 25:7: ansible_connection 'winrm' is not supported (Rigger connects with ssh or local)
            bad-port      | 27:7: ansible_port must be a port number 1-65535, got 'http'
            check-maybe   | 33:7: ansible_host_key_checking must be a boolean (true or false), got 'maybe'
            policy-typo   | 37:7: rigger_host_key_checking must be strict, accept-new or off, got 'acept-new' (did you mean 'accept-new'?)
            jump-typo     | 54:7: rigger_jump_host of host 'jump-typo' names 'bastoin', which is not an inventory host (did you mean 'bastion'?)
            loop-a        | 52:7: jump hosts form a loop: loop-a -> loop-b -> loop-a
            two-hops      | 56:7: only a single ProxyJump host of the form [user@]host[:port] is supported, got 'a.example.com,b.example.com'
            proxy-command | 58:7: ansible_ssh_common_args: ProxyCommand is not supported; use -o ProxyJump=[user@]host[:port] or rigger_jump_host
            forward-agent | 64:7: ansible_ssh_extra_args: unsupported ssh argument '-A' (Rigger understands -J and -o ProxyJump, StrictHostKeyChecking, UserKnownHostsFile, ServerAliveInterval, ConnectTimeout)
            templated     | 66:7: ansible_host is a Jinja2 template ('{{ hostvars['bastion'].ansible_host }}'); Rigger does not evaluate templates in connection variables
            """)
    void badValuesAreReportedWhereTheyWereSet(String host, String expected) {
        // The location is the variable's key in the inventory file.
        assertThatThrownBy(() -> settings(host)).isInstanceOf(InputException.class).hasMessage(FILE + ":" + expected);
    }

    @Test
    void hostKeyCheckingFromVariablesEnvironmentAndSshArguments() {
        assertThat(settings("no-check").hostKeyPolicy()).isEqualTo(HostKeyPolicy.OFF);
        assertThat(settings("accept-new").hostKeyPolicy()).isEqualTo(HostKeyPolicy.ACCEPT_NEW);
        ConnectionSettings lab = settings("lab");
        assertThat(lab.hostKeyPolicy()).isEqualTo(HostKeyPolicy.OFF);
        assertThat(lab.knownHostsFile()).isEqualTo(Path.of("/dev/null"));
        assertThat(lab.keepAlive()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings("lab-accept").hostKeyPolicy()).isEqualTo(HostKeyPolicy.ACCEPT_NEW);
    }

    @Test
    void ansibleHostKeyCheckingEnvironmentVariableIsHonouredButTheHostVariableWins() {
        InventoryConnections env = new InventoryConnections(INV, Map.of("ANSIBLE_HOST_KEY_CHECKING", "False"));
        assertThat(env.settingsFor("plain").hostKeyPolicy()).isEqualTo(HostKeyPolicy.OFF);
        assertThat(env.settingsFor("check-yes").hostKeyPolicy()).isEqualTo(HostKeyPolicy.STRICT);
        InventoryConnections on = new InventoryConnections(INV, Map.of("ANSIBLE_HOST_KEY_CHECKING", "true"));
        assertThat(on.settingsFor("no-check").hostKeyPolicy()).isEqualTo(HostKeyPolicy.OFF);
        InventoryConnections bad = new InventoryConnections(INV, Map.of("ANSIBLE_HOST_KEY_CHECKING", "nope"));
        assertThatThrownBy(() -> bad.settingsFor("plain")).hasMessage(
                "environment variable ANSIBLE_HOST_KEY_CHECKING: ANSIBLE_HOST_KEY_CHECKING must be a boolean (true or false), got 'nope'");
    }

    @Test
    void riggerJumpHostUsesThatHostsOwnSettings() {
        ConnectionSettings jump = settings("behind").jumpHost();
        assertThat(jump.hostName()).isEqualTo("bastion");
        assertThat(jump.address()).isEqualTo("198.51.100.1");
        assertThat(jump.user()).isEqualTo("jump");
        assertThat(jump.port()).isEqualTo(2201);
    }

    @Test
    void proxyJumpToAnUnknownHostInheritsTheTargetsKey() {
        ConnectionSettings s = settings("behind-proxyjump");
        assertThat(s.jumpHost().address()).isEqualTo("gw.example.com");
        assertThat(s.jumpHost().user()).isEqualTo("ops");
        assertThat(s.jumpHost().port()).isEqualTo(2022);
        assertThat(s.jumpHost().privateKeyFile()).isEqualTo(Path.of("/keys/behind"));
    }

    @Test
    void proxyJumpToAnInventoryHostUsesItsSettings() {
        ConnectionSettings jump = settings("behind-j").jumpHost();
        assertThat(jump.address()).isEqualTo("198.51.100.1");
        assertThat(jump.port()).isEqualTo(2201);
    }

    @Test
    void documentationConnectionExample() {
        Inventory inv = InventoryLoader.load(Path.of("src/test/resources/inventories/ansible-docs/connection-vars.ini"));
        InventoryConnections c = new InventoryConnections(inv, Map.of(SshConfig.FILE_ENV, "none"));
        assertThat(c.settingsFor("localhost").type()).isEqualTo(ConnectionSettings.Type.LOCAL);
        assertThat(c.settingsFor("other2.example.com").user()).isEqualTo("myotheruser");
        assertThat(c.settingsFor("other2.example.com").type()).isEqualTo(ConnectionSettings.Type.SSH);
    }

    /** OpenSSH's own client config, below the inventory's variables, as Ansible's ssh sees it. */
    @Test
    void sshConfigFillsWhatTheInventoryLeavesOpen(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("config");
        Files.writeString(config, """
                Host plain full
                    HostName 192.0.2.10
                    User cfg-user
                    Port 2022
                    IdentityFile ~/.ssh/id_cfg
                    ProxyJump gate
                Host gate
                    HostName 192.0.2.1
                    User gatekeeper
                    IdentityFile /keys/gate
                Host 10.0.0.5
                    HostName 192.0.2.5
                Host *
                    User fallback
                """);
        InventoryConnections c = new InventoryConnections(INV, Map.of(SshConfig.FILE_ENV, config.toString()));

        ConnectionSettings plain = c.settingsFor("plain");
        assertThat(plain.address()).isEqualTo("192.0.2.10");
        assertThat(plain.port()).isEqualTo(2022);
        assertThat(plain.user()).as("the group's ansible_user wins over the config").isEqualTo("deploy");
        assertThat(plain.privateKeyFile()).isEqualTo(Path.of(System.getProperty("user.home"), ".ssh", "id_cfg"));
        assertThat(plain.jumpHost().address()).isEqualTo("192.0.2.1");
        assertThat(plain.jumpHost().user()).isEqualTo("gatekeeper");
        assertThat(plain.jumpHost().privateKeyFile()).isEqualTo(Path.of("/keys/gate"));

        // Looked up by ansible_host, the name ssh is given; its variables win over the config.
        ConnectionSettings full = c.settingsFor("full");
        assertThat(full.address()).isEqualTo("192.0.2.5");
        assertThat(full.port()).isEqualTo(2222);
        assertThat(full.user()).isEqualTo("admin");
        assertThat(full.jumpHost()).isNull();

        // ProxyJump in the ssh arguments wins over the config's.
        assertThat(c.settingsFor("behind-j").jumpHost().address()).isEqualTo("198.51.100.1");
    }

    /** ansible-playbook's -u and --private-key: over ~/.ssh/config, under the inventory's variables. */
    @Test
    void commandLineDefaultsSitBetweenTheSshConfigAndTheInventory(@TempDir Path dir) throws IOException {
        Path config = Files.writeString(dir.resolve("config"), "Host *\n    IdentityFile /keys/from-config\n");
        InventoryConnections c = new InventoryConnections(INV, Map.of(SshConfig.FILE_ENV, config.toString()))
                .withDefaults("cli-user", Path.of("/keys/from-cli"));

        assertThat(c.settingsFor("plain").privateKeyFile()).isEqualTo(Path.of("/keys/from-cli"));
        assertThat(c.settingsFor("plain").user()).as("the inventory's ansible_user wins").isEqualTo("deploy");
        assertThat(c.settingsFor("behind-proxyjump").privateKeyFile()).isEqualTo(Path.of("/keys/behind"));
        assertThat(new InventoryConnections(INV, Map.of(SshConfig.FILE_ENV, config.toString())).settingsFor("plain").privateKeyFile())
                .isEqualTo(Path.of("/keys/from-config"));
    }

    @Test
    void aMissingSshConfigNamedByTheEnvironmentIsBadInput(@TempDir Path dir) {
        assertThatThrownBy(() -> new InventoryConnections(INV, Map.of(SshConfig.FILE_ENV, dir.resolve("nope").toString())))
                .isInstanceOf(InputException.class).hasMessageContaining(SshConfig.FILE_ENV).hasMessageContaining("nope");
    }

    @Test
    void agentAndKeyPassphraseComeFromTheEnvironment() {
        InventoryConnections c = new InventoryConnections(INV, Map.of(SshConfig.FILE_ENV, "none",
                "SSH_AUTH_SOCK", "/tmp/agent.sock", ConnectionSettings.KEY_PASSPHRASE_ENV, "pass"));
        assertThat(c.settingsFor("plain").agentSocket()).isEqualTo(Path.of("/tmp/agent.sock"));
        assertThat(c.settingsFor("plain").privateKeyPassphrase()).isEqualTo(Secret.of("pass"));
        assertThat(settings("plain").agentSocket()).isNull();
        assertThat(settings("plain").privateKeyPassphrase()).isNull();
    }

    @Test
    void unknownHostIsAProgrammingError() {
        assertThatThrownBy(() -> settings("nope")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no host 'nope' in inventory");
    }
}
