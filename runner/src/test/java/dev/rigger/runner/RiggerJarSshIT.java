package dev.rigger.runner;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rigger.testing.Lab;
import dev.rigger.testing.internal.LabEnvironment;
import dev.rigger.testing.LabHosts;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built {@code target/rigger.jar}, run as users run it ({@code java -jar}, its own process),
 * logging in over real SSH the ways OpenSSH users have set up: keys made by {@code ssh-keygen} in
 * OpenSSH's own format (ed25519, ECDSA, RSA, one behind a passphrase), ssh-agent, and
 * {@code ~/.ssh/config} Host blocks with a ProxyJump. Each process gets its own home folder
 * ({@code -Duser.home}), so the real {@code ~/.ssh} is never read or written. Also: the one-line
 * answer to an unknown host key, and the README's {@code rigger apply roles/haproxy} example.
 */
@LabHosts(value = {"lb1", "web1"}, groups = {"lb=lb1", "web=web1"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RiggerJarSshIT {
    private static final Path JAR = Path.of("target/rigger.jar").toAbsolutePath();
    private static final Path LOGIN = Path.of("src/test/resources/ssh/login.yml").toAbsolutePath();
    private static final String PASSPHRASE = "correct horse 'battery' $staple";
    private static final List<String> OPENSSH_TOOLS = List.of("ssh-keygen", "ssh-agent", "ssh-add", "ssh-keyscan");

    @TempDir
    static Path tmp;

    private static Path keys;
    private static String knownHosts;

    /** Keys as {@code ssh-keygen} writes them, authorized for root on both hosts. */
    @BeforeAll
    static void keys(Lab lab) throws Exception {
        for (String tool : OPENSSH_TOOLS) {
            if (!onPath(tool)) LabEnvironment.unavailable(tool + " is not installed (Debian package openssh-client)");
        }
        assertThat(JAR).as("built by 'mvn package'").exists();
        keys = Files.createDirectory(tmp.resolve("keys"));
        keygen("id_ed25519", "", "-t", "ed25519");
        keygen("id_ecdsa", "", "-t", "ecdsa", "-b", "256");
        keygen("id_rsa", "", "-t", "rsa", "-b", "3072");
        keygen("id_locked", PASSPHRASE, "-t", "ed25519");
        String authorized;
        try (Stream<Path> pubs = Files.list(keys)) {
            authorized = pubs.filter(p -> p.toString().endsWith(".pub")).sorted().map(RiggerJarSshIT::read).collect(Collectors.joining());
        }
        for (String host : List.of("lb1", "web1")) {
            lab.shell(host, "cat >> /root/.ssh/authorized_keys <<'EOF'\n" + authorized + "EOF\n");
        }
        // The lab's known hosts (by address), and lb1 once more by its name on the lab network, which
        // only a jump host inside the lab can resolve.
        String lab1 = lab.host("lb1").ip() + " ";
        String byAddress = Files.readString(lab.knownHostsFile());
        knownHosts = byAddress + byAddress.lines().filter(l -> l.startsWith(lab1))
                .map(l -> "lb1 " + l.substring(lab1.length()) + "\n").collect(Collectors.joining());
    }

    @Test
    @Order(1)
    void logsInWithEveryKeyTypeSshKeygenMakes(Lab lab) throws Exception {
        Path home = home("keys", true);
        for (String key : List.of("id_ed25519", "id_ecdsa", "id_rsa")) {
            long start = System.nanoTime();
            Run run = rigger(home, Map.of(), "play", LOGIN.toString(), "-i", inventory(lab, key), "-e", "how=" + key);
            System.out.printf("rigger.jar logged in with %s in %d ms%n", key, (System.nanoTime() - start) / 1_000_000);
            assertThat(run.code).as(key + ": " + run).isZero();
            assertThat(lab.shell("lb1", "cat /root/login-" + key)).isEqualTo("lb1 " + key + "\n");
        }
    }

    /** As ansible-playbook: -u and --private-key for an inventory that names neither. */
    @Test
    @Order(2)
    void userAndKeyFromTheCommandLine(Lab lab) throws Exception {
        Path hosts = Files.writeString(tmp.resolve("address-only.yml"), "all:\n  hosts:\n    lb1:\n      ansible_host: \""
                + lab.host("lb1").ip() + "\"\n");
        Run run = rigger(home("flags", true), Map.of(), "play", LOGIN.toString(), "-i", hosts.toString(), "-e", "how=flags",
                "-u", "root", "--private-key", keys.resolve("id_ecdsa").toString());
        assertThat(run.code).as(run.toString()).isZero();
        assertThat(lab.shell("lb1", "cat /root/login-flags")).isEqualTo("lb1 flags\n");
    }

    @Test
    @Order(2)
    void aKeyBehindAPassphraseOpensWithThePassphraseFromTheEnvironment(Lab lab) throws Exception {
        Path home = home("passphrase", true);
        String hosts = inventory(lab, "id_locked");

        Run without = rigger(home, Map.of(), "play", LOGIN.toString(), "-i", hosts, "-e", "how=none");
        assertThat(without.code).as(without.toString()).isEqualTo(4);
        assertThat(without.out).contains("id_locked is protected by a passphrase: set RIGGER_SSH_KEY_PASSPHRASE");
        assertNoStackTrace(without);

        Run wrong = rigger(home, Map.of("RIGGER_SSH_KEY_PASSPHRASE", "wrong"), "play", LOGIN.toString(), "-i", hosts, "-e", "how=wrong");
        assertThat(wrong.code).as(wrong.toString()).isEqualTo(4);
        assertThat(wrong.out).contains("the passphrase in RIGGER_SSH_KEY_PASSPHRASE does not open private key");

        Run with = rigger(home, Map.of("RIGGER_SSH_KEY_PASSPHRASE", PASSPHRASE), "play", LOGIN.toString(), "-i", hosts, "-e", "how=passphrase");
        assertThat(with.code).as(with.toString()).isZero();
        assertThat(lab.shell("lb1", "cat /root/login-passphrase")).isEqualTo("lb1 passphrase\n");
        assertThat(with.out + with.err).doesNotContain(PASSPHRASE);
    }

    /** The passphrase-protected key, unlocked once into a real ssh-agent; the inventory names no key. */
    @Test
    @Order(3)
    void sshAgentHoldsTheKeyWhenNoneIsNamed(Lab lab) throws Exception {
        Path home = home("agent", true);
        String hosts = inventory(lab, null);
        Path socket = tmp.resolve("agent.sock");
        Process agent = new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("agent.log").toFile()).start();
        try {
            lab.await("ssh-agent listens", Duration.ofSeconds(10), () -> Files.exists(socket));
            // ssh-add reads the passphrase from SSH_ASKPASS when forced: no terminal needed.
            Path askpass = tmp.resolve("askpass");
            Files.writeString(askpass, "#!/bin/sh\nprintf '%s\\n' \"$TEST_PASSPHRASE\"\n");
            Files.setPosixFilePermissions(askpass, PosixFilePermissions.fromString("rwx------"));
            Run add = process(List.of("ssh-add", keys.resolve("id_locked").toString()), tmp, Map.of("SSH_AUTH_SOCK", socket.toString(),
                    "SSH_ASKPASS", askpass.toString(), "SSH_ASKPASS_REQUIRE", "force", "DISPLAY", ":0", "TEST_PASSPHRASE", PASSPHRASE));
            assertThat(add.code).as(add.toString()).isZero();

            Run noAgent = rigger(home, Map.of(), "play", LOGIN.toString(), "-i", hosts, "-e", "how=none");
            assertThat(noAgent.code).as("without the agent there is nothing to log in with: " + noAgent).isEqualTo(4);
            assertThat(noAgent.out).contains("no private key, ssh-agent (SSH_AUTH_SOCK) or password to log in with");

            Run run = rigger(home, Map.of("SSH_AUTH_SOCK", socket.toString()), "play", LOGIN.toString(), "-i", hosts, "-e", "how=agent");
            assertThat(run.code).as(run.toString()).isZero();
            assertThat(lab.shell("lb1", "cat /root/login-agent")).isEqualTo("lb1 agent\n");
        } finally {
            agent.destroy();
            agent.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * An inventory host with no variables at all; ~/.ssh/config gives its address (lb1's name on the
     * lab network, which only the jump host can resolve), user, key and the jump host.
     */
    @Test
    @Order(4)
    void sshConfigHostBlocksWithProxyJumpAreHonoured(Lab lab) throws Exception {
        Path home = home("config", true);
        Files.copy(keys.resolve("id_ecdsa"), home.resolve(".ssh/id_work"));
        Files.writeString(home.resolve(".ssh/config"), """
                Host target
                    HostName lb1
                    User root
                    IdentityFile ~/.ssh/id_work
                    ProxyJump gate

                Host gate
                    HostName %s
                    User root
                    Port 22
                    IdentityFile %s
                """.formatted(lab.host("web1").ip(), keys.resolve("id_rsa")));
        Path hosts = Files.writeString(tmp.resolve("config-hosts.yml"), "all:\n  hosts:\n    target:\n");

        Run run = rigger(home, Map.of(), "play", LOGIN.toString(), "-i", hosts.toString(), "-e", "how=config");
        assertThat(run.code).as(run.toString()).isZero();
        assertThat(lab.shell("lb1", "cat /root/login-config")).isEqualTo("target config\n");

        // Inventory variables over the config: ProxyJump in ansible_ssh_common_args (-J) still works.
        Path jumpHosts = Files.writeString(tmp.resolve("jump-hosts.yml"), """
                all:
                  hosts:
                    lb1:
                      ansible_host: lb1
                      ansible_user: root
                      ansible_ssh_private_key_file: "%s"
                      ansible_ssh_common_args: "-J root@%s"
                """.formatted(keys.resolve("id_ed25519"), lab.host("web1").ip()));
        Run jump = rigger(home, Map.of(), "play", LOGIN.toString(), "-i", jumpHosts.toString(), "-e", "how=common-args");
        assertThat(jump.code).as(jump.toString()).isZero();
        assertThat(lab.shell("lb1", "cat /root/login-common-args")).isEqualTo("lb1 common-args\n");
    }

    @Test
    @Order(5)
    void anUnknownHostKeyIsOneLineWithTheCommandThatAddsIt(Lab lab) throws Exception {
        Path home = home("stranger", false);
        String hosts = inventory(lab, "id_ed25519");

        Run run = rigger(home, Map.of(), "play", LOGIN.toString(), "-i", hosts, "-e", "how=stranger");
        assertThat(run.code).as(run.toString()).isEqualTo(4);
        assertNoStackTrace(run);
        Path knownHostsFile = home.resolve(".ssh/known_hosts");
        String command = "ssh-keyscan -p 22 " + lab.host("lb1").ip() + " >> " + knownHostsFile;
        List<String> lines = (run.out + run.err).lines().filter(l -> l.contains("ssh-keyscan")).toList();
        assertThat(lines).singleElement().asString().contains("lb1", "host key of " + lab.host("lb1").ip() + " is unknown")
                .endsWith("run: " + command);

        // The command does what the line says.
        Run keyscan = process(List.of("sh", "-c", command), home, Map.of());
        assertThat(keyscan.code).as(keyscan.toString()).isZero();
        Run again = rigger(home, Map.of(), "play", LOGIN.toString(), "-i", hosts, "-e", "how=stranger");
        assertThat(again.code).as(again.toString()).isZero();
        assertThat(lab.shell("lb1", "cat /root/login-stranger")).isEqualTo("lb1 stranger\n");
    }

    /** README: {@code ./rigger apply roles/haproxy -i hosts.yml --hosts lb --become}, from the repository's top folder. */
    @Test
    @Order(6)
    void theReadmeApplyExampleRunsFromTheRepositoryTop(Lab lab) throws Exception {
        Path top = Path.of("..").toAbsolutePath().normalize();
        assertThat(top.resolve("roles/haproxy/tasks/main.yml")).exists();
        Path hostsYml = lab.writeInventory();

        long start = System.nanoTime();
        Run run = process(command(home("apply", false), "apply", "roles/haproxy", "-i", hostsYml.toString(), "--hosts", "lb", "--become"),
                top, Map.of());
        System.out.printf("rigger apply roles/haproxy took %d ms%n", (System.nanoTime() - start) / 1_000_000);
        assertThat(run.code).as(run.toString()).isZero();
        assertThat(run.out).contains("lb1", "changed=");
        // The handler's reload has been sent; haproxy reports "reloading" until its new workers are up.
        lab.await("haproxy is active on lb1", Duration.ofSeconds(15), () -> lab.shell("lb1", "systemctl is-active haproxy || true").equals("active\n"));
        assertThat(lab.shell("lb1", "cat /etc/haproxy/haproxy.cfg")).contains(lab.host("web1").ip());
        assertThat(lab.exec("web1", "test", "-e", "/etc/haproxy/haproxy.cfg").exitCode()).as("web1 is not in --hosts lb").isNotZero();
    }

    // --- helpers ----------------------------------------------------------------------------------

    private record Run(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private static void assertNoStackTrace(Run run) {
        assertThat(run.out + run.err).doesNotContain("\tat ", "Exception", "internal error");
    }

    /** {@code java -jar rigger.jar ARGS} with {@code home} as the user's home folder, from the module folder. */
    private static Run rigger(Path home, Map<String, String> env, String... args) throws IOException, InterruptedException {
        return process(command(home, args), Path.of("").toAbsolutePath(), env);
    }

    private static List<String> command(Path home, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Duser.home=" + home, "-jar", JAR.toString()));
        command.addAll(List.of(args));
        return command;
    }

    /** Runs a process with this JVM's environment minus anything SSH- or Rigger-related, plus {@code env}. */
    private static Run process(List<String> command, Path dir, Map<String, String> env) throws IOException, InterruptedException {
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("SSH_") || k.startsWith("RIGGER_") || k.startsWith("ANSIBLE_"));
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within 5 minutes");
        }
        return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** A home folder with an empty ~/.ssh (0700), holding the lab's known hosts if asked. */
    private static Path home(String name, boolean withKnownHosts) throws IOException {
        Path home = Files.createDirectory(tmp.resolve("home-" + name));
        Path ssh = Files.createDirectory(home.resolve(".ssh"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        if (withKnownHosts) Files.writeString(ssh.resolve("known_hosts"), knownHosts);
        return home;
    }

    /** lb1 by address as root, with {@code key} from the generated ones, or no key at all. */
    private static String inventory(Lab lab, String key) throws IOException {
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("ansible_host", lab.host("lb1").ip());
        vars.put("ansible_user", "root");
        if (key != null) vars.put("ansible_ssh_private_key_file", keys.resolve(key).toString());
        StringBuilder yaml = new StringBuilder("all:\n  hosts:\n    lb1:\n");
        vars.forEach((k, v) -> yaml.append("      ").append(k).append(": \"").append(v).append("\"\n"));
        return Files.writeString(Files.createTempFile(tmp, "hosts", ".yml"), yaml).toString();
    }

    private static void keygen(String name, String passphrase, String... type) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ssh-keygen", "-q"));
        command.addAll(List.of(type));
        command.addAll(List.of("-N", passphrase, "-C", "rigger-test-" + name, "-f", keys.resolve(name).toString()));
        Run run = process(command, keys, Map.of());
        assertThat(run.code).as(run.toString()).isZero();
        assertThat(read(keys.resolve(name))).as("OpenSSH's own key format").startsWith("-----BEGIN OPENSSH PRIVATE KEY-----");
    }

    private static boolean onPath(String tool) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
