package dev.rigger.core.transport;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rigger.core.secret.Secret;
import dev.rigger.testing.Lab;
import dev.rigger.testing.LabHosts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SshConnection against real sshd in lab containers. */
@LabHosts({"h1", "h2"})
class SshConnectionIT {

    /** deploy's account password (login and sudo), with everything a shell could trip over. */
    private static final Secret DEPLOY_PASSWORD = Secret.of("Pw d'ep $(id) `x` \\ *;|& %s");

    @TempDir
    static Path tmp;

    /**
     * Users on h1, both logging in with the lab key: {@code deploy} (also by password; sudo asks
     * for its password) and {@code ops} (passwordless sudo).
     */
    @BeforeAll
    static void users(Lab lab) {
        lab.shell("h1", "useradd -m -s /bin/bash deploy && useradd -m -s /bin/bash ops"
                + " && printf '%s\\n' " + ShellQuote.quote("deploy:" + DEPLOY_PASSWORD.reveal()) + " | chpasswd"
                + " && for u in deploy ops; do install -d -m 700 -o $u -g $u /home/$u/.ssh"
                + " && install -m 600 -o $u -g $u /root/.ssh/authorized_keys /home/$u/.ssh/; done"
                + " && echo 'deploy ALL=(ALL) ALL' > /etc/sudoers.d/deploy"
                + " && echo 'ops ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/ops");
    }

    private static ConnectionSettings.Builder host(Lab lab, String name) {
        return lab.host(name).settings().toBuilder().connectTimeout(Duration.ofSeconds(10));
    }

    // --- exec ---------------------------------------------------------------------------------

    @Test
    void execReturnsStdoutStderrAndExitCode(Lab lab) {
        try (Connection c = Connections.open(host(lab, "h1").build())) {
            ExecResult result = c.exec("hostname; echo oops >&2; exit 7");

            assertThat(result.stdout()).isEqualTo("h1\n");
            assertThat(result.stderr()).isEqualTo("oops\n");
            assertThat(result.exitCode()).isEqualTo(7);
            assertThat(c.exec("cat; echo after").stdout()).as("cat must not eat the script").isEqualTo("after\n");
            assertThat(c.execCount()).isEqualTo(2);
        }
    }

    @Test
    void oneMegabyteScriptAndBinaryStdinArriveIntact(Lab lab) {
        byte[] data = new byte[1 << 20];
        new Random(11).nextBytes(data);
        StringBuilder script = new StringBuilder("n=0\n");
        while (script.length() < (1 << 20)) {
            script.append("n=$((n+1)) # padding padding padding padding padding padding\n");
        }
        long lines = script.chars().filter(ch -> ch == '\n').count() - 1;
        script.append("echo \"$n\"; sha256sum | cut -d' ' -f1");

        try (Connection c = Connections.open(host(lab, "h1").build())) {
            ExecResult result = c.exec(ExecRequest.of(script.toString()).withStdin(data));

            assertThat(result.stdout()).isEqualTo(lines + "\n" + sha256(data) + "\n");
        }
    }

    @Test
    void eightThreadsShareOneConnection(Lab lab) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (Connection c = Connections.open(host(lab, "h1").build())) {
            List<Future<ExecResult>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int n = i;
                results.add(pool.submit(() -> c.exec(ExecRequest.of("cat; echo " + n + " >&2; exit " + (n % 5))
                        .withStdin(("in-" + n).getBytes(UTF_8)))));
            }
            for (int i = 0; i < results.size(); i++) {
                ExecResult result = results.get(i).get(60, TimeUnit.SECONDS);
                assertThat(result.stdout()).isEqualTo("in-" + i);
                assertThat(result.stderr()).isEqualTo(i + "\n");
                assertThat(result.exitCode()).as("exec %d: %s", i, result).isEqualTo(i % 5);
            }
            assertThat(c.execCount()).isEqualTo(200);
            assertThat(lab.shell("h1", "ss -Htn state established '( sport = :22 )' | wc -l").strip())
                    .as("one TCP connection for all execs").isEqualTo("1");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void timeoutKillsTheScriptAndTheConnectionStaysUsable(Lab lab) {
        try (Connection c = Connections.open(host(lab, "h1").build())) {
            long start = System.nanoTime();
            assertFails(TransportException.Kind.TIMEOUT, () -> c.exec(ExecRequest.of("sleep 3177; echo never")
                    .withTimeout(Duration.ofSeconds(1))), message -> assertThat(message).contains("h1"));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));

            assertThat(c.exec("echo alive").stdout()).isEqualTo("alive\n");
            lab.await("the timed-out sleep is gone", Duration.ofSeconds(10),
                    () -> lab.exec("h1", "pgrep", "-f", "sleep 3177").exitCode() != 0);
        }
    }

    // --- become -------------------------------------------------------------------------------

    @Test
    void becomeWithoutPasswordUsesPasswordlessSudo(Lab lab) {
        try (Connection c = Connections.open(host(lab, "h1").user("ops").build())) {
            ExecResult result = c.exec(ExecRequest.of("id -un; echo \"$HOME\"; cat").asRoot()
                    .withStdin("to root".getBytes(UTF_8)));

            assertThat(result.stdout()).isEqualTo("root\n/root\nto root");
            assertThat(result.stderr()).isEmpty();
            assertThat(c.exec("id -un").stdout()).isEqualTo("ops\n");
        }
    }

    @Test
    void becomePasswordIsNotForwardedWhenSudoNeedsNone(Lab lab) {
        // Were the password sent to a sudo that does not read it, sh would run it as a command.
        try (Connection c = Connections.open(host(lab, "h1").user("ops").becomePassword(Secret.of("echo LEAKED")).build())) {
            ExecResult result = c.exec(ExecRequest.of("id -un").asRoot());

            assertThat(result.stdout()).isEqualTo("root\n");
            assertThat(result.stderr()).isEmpty();
        }
    }

    @Test
    void becomeWithPasswordRunsAsRootAndThePasswordIsNeverInArgv(Lab lab) throws Exception {
        try (Connection c = Connections.open(host(lab, "h1").user("deploy").becomePassword(DEPLOY_PASSWORD).build())) {
            ExecResult result = c.exec(ExecRequest.of("id -un; cat").asRoot().withStdin("secret-free".getBytes(UTF_8)));
            assertThat(result.stdout()).isEqualTo("root\nsecret-free");
            assertThat(result.stderr()).isEmpty();

            CompletableFuture<ExecResult> running = CompletableFuture.supplyAsync(
                    () -> c.exec(ExecRequest.of("sleep 2.5; echo done").asRoot()));
            lab.await("the become script runs", Duration.ofSeconds(10),
                    () -> lab.exec("h1", "pgrep", "-u", "root", "-f", "sleep 2.5").exitCode() == 0);
            String processes = lab.shell("h1", "ps -eo args");
            assertThat(processes).contains("sudo -S -k -p  -H -u root -- timeout").doesNotContain("Pw d'ep");
            assertThat(running.get(20, TimeUnit.SECONDS).stdout()).isEqualTo("done\n");
        }
    }

    @Test
    void wrongBecomePasswordIsBecomeFailedWithoutThePassword(Lab lab) {
        Secret wrong = Secret.of("Wr0ng-Secret-991");
        try (Connection c = Connections.open(host(lab, "h1").user("deploy").becomePassword(wrong).build())) {
            assertFails(TransportException.Kind.BECOME_FAILED, () -> c.exec(ExecRequest.of("touch /tmp/ran-as-root").asRoot()),
                    message -> assertThat(message).contains("h1", "rejected the become password")
                            .doesNotContain(wrong.reveal()));

            assertThat(lab.exec("h1", "test", "-e", "/tmp/ran-as-root").exitCode()).as("script never ran").isNotZero();
            assertThat(c.exec("id -un").stdout()).as("the connection still works").isEqualTo("deploy\n");
        }
    }

    @Test
    void becomeWithoutANeededPasswordIsBecomeFailed(Lab lab) {
        try (Connection c = Connections.open(host(lab, "h1").user("deploy").build())) {
            assertFails(TransportException.Kind.BECOME_FAILED, () -> c.exec(ExecRequest.of("id").asRoot()),
                    message -> assertThat(message).contains("needs a password"));
        }
    }

    // --- authentication -------------------------------------------------------------------------

    @Test
    void keysMadeByOpenSshInEachTypeAndFormat(Lab lab) throws Exception {
        assertThat(lab.shell("h1", "sshd -T | grep -i '^pubkeyacceptedalgorithms'"))
                .as("sshd refuses SHA-1 ssh-rsa, so an RSA login proves rsa-sha2-256/512").doesNotContain(",ssh-rsa,");
        for (List<String> variant : List.of(List.of("ed25519"), List.of("ecdsa"), List.of("rsa"), List.of("rsa", "-m", "PEM"))) {
            Path key = tmp.resolve("id_" + String.join("_", variant));
            List<String> keygen = new ArrayList<>(List.of("ssh-keygen", "-q", "-N", "", "-C", "rigger-it", "-f", key.toString(), "-t"));
            keygen.addAll(variant);
            run(keygen.toArray(String[]::new));
            lab.shell("h1", "echo " + ShellQuote.quote(Files.readString(Path.of(key + ".pub")).strip())
                    + " >> /root/.ssh/authorized_keys");

            try (Connection c = Connections.open(host(lab, "h1").privateKeyFile(key).build())) {
                assertThat(c.exec("echo ok").stdout()).as(variant.toString()).isEqualTo("ok\n");
            }
        }
    }

    @Test
    void keyboardInteractivePasswordPrompt(Lab lab) {
        lab.shell("h2", "useradd -m kbd && echo 'kbd:Kbd-pw-3' | chpasswd && printf '%s\\n' 'PasswordAuthentication no'"
                + " 'KbdInteractiveAuthentication yes' > /etc/ssh/sshd_config.d/rigger-kbd.conf && systemctl reload ssh");
        try (Connection c = Connections.open(host(lab, "h2").user("kbd").privateKeyFile(null).password(Secret.of("Kbd-pw-3")).build())) {
            assertThat(c.exec("id -un").stdout()).isEqualTo("kbd\n");
        } finally {
            lab.shell("h2", "rm -f /etc/ssh/sshd_config.d/rigger-kbd.conf && systemctl reload ssh");
        }
    }

    @Test
    void passwordLogin(Lab lab) {
        ConnectionSettings byPassword = host(lab, "h1").user("deploy").privateKeyFile(null).password(DEPLOY_PASSWORD).build();
        try (Connection c = Connections.open(byPassword)) {
            assertThat(c.exec("id -un").stdout()).isEqualTo("deploy\n");
        }

        Secret wrong = Secret.of("not-the-Password-55");
        assertFails(TransportException.Kind.UNREACHABLE, () -> Connections.open(byPassword.toBuilder().password(wrong).build()),
                message -> assertThat(message).contains("h1", lab.host("h1").ip() + ":22", "authentication failed for user deploy")
                        .doesNotContain(wrong.reveal()));
    }

    @Test
    void unknownKeyIsOneClearAuthenticationFailure(Lab lab) throws Exception {
        Path key = tmp.resolve("id_stranger");
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString());

        assertFails(TransportException.Kind.UNREACHABLE, () -> Connections.open(host(lab, "h1").privateKeyFile(key).build()),
                message -> assertThat(message).isEqualTo("h1: cannot connect to root@" + lab.host("h1").ip()
                        + ":22: authentication failed for user root (tried key " + key + ")"));
    }

    // --- host keys ------------------------------------------------------------------------------

    @Test
    void strictRefusesAnUnknownHost(Lab lab) throws IOException {
        Path knownHosts = Files.writeString(tmp.resolve("strict_known_hosts"), "");

        assertFails(TransportException.Kind.UNREACHABLE,
                () -> Connections.open(host(lab, "h1").knownHostsFile(knownHosts).build()),
                message -> assertThat(message).contains("h1", lab.host("h1").ip(), knownHosts.toString(), "is not in"));
        assertThat(knownHosts).isEmptyFile();
    }

    @Test
    void acceptNewAddsUnknownHostsOnceEvenWhenManyConnectAtOnce(Lab lab) throws Exception {
        Path knownHosts = tmp.resolve("new-dir/known_hosts");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> names = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String name = i % 2 == 0 ? "h1" : "h2";
                names.add(pool.submit(() -> {
                    try (Connection c = Connections.open(host(lab, name).knownHostsFile(knownHosts)
                            .hostKeyPolicy(HostKeyPolicy.ACCEPT_NEW).build())) {
                        return c.exec("hostname").stdout().strip();
                    }
                }));
            }
            for (int i = 0; i < 8; i++) {
                assertThat(names.get(i).get(60, TimeUnit.SECONDS)).isEqualTo(i % 2 == 0 ? "h1" : "h2");
            }
        } finally {
            pool.shutdownNow();
        }

        List<String> lines = Files.readAllLines(knownHosts);
        assertThat(lines).hasSize(2);
        for (String name : List.of("h1", "h2")) {
            String line = lines.stream().filter(l -> l.startsWith(lab.host(name).ip() + " ")).findFirst().orElseThrow();
            String[] parts = line.split(" ");
            assertThat(lab.shell(name, "cat /etc/ssh/ssh_host_*_key.pub")).contains(parts[1] + " " + parts[2]);
        }
        try (Connection c = Connections.open(host(lab, "h1").knownHostsFile(knownHosts).build())) {
            assertThat(c.exec("true").exitCode()).as("the added key satisfies STRICT").isZero();
        }
    }

    @Test
    void changedKeyIsRefusedByStrictAndAcceptNew(Lab lab) throws IOException {
        // h1's address with h2's (genuine, but wrong) keys: what a man in the middle looks like.
        String h2Keys = lab.shell("h2", "cat /etc/ssh/ssh_host_*_key.pub");
        StringBuilder lines = new StringBuilder();
        h2Keys.lines().forEach(l -> lines.append(lab.host("h1").ip()).append(' ')
                .append(String.join(" ", List.of(l.split(" ")).subList(0, 2))).append('\n'));
        Path knownHosts = Files.writeString(tmp.resolve("changed_known_hosts"), lines);

        for (HostKeyPolicy policy : List.of(HostKeyPolicy.STRICT, HostKeyPolicy.ACCEPT_NEW)) {
            assertFails(TransportException.Kind.UNREACHABLE,
                    () -> Connections.open(host(lab, "h1").knownHostsFile(knownHosts).hostKeyPolicy(policy).build()),
                    message -> assertThat(message).as(policy.name()).contains("h1", "CHANGED", knownHosts.toString()));
        }
        assertThat(Files.readString(knownHosts)).isEqualTo(lines.toString());
        try (Connection c = Connections.open(host(lab, "h1").knownHostsFile(knownHosts).hostKeyPolicy(HostKeyPolicy.OFF).build())) {
            assertThat(c.exec("hostname").stdout()).as("OFF checks nothing").isEqualTo("h1\n");
        }
    }

    // --- reachability ---------------------------------------------------------------------------

    @Test
    void jumpHostTunnelsToTheTarget(Lab lab) {
        ConnectionSettings viaH1 = host(lab, "h2").jumpHost(host(lab, "h1").build()).build();
        try (Connection c = Connections.open(viaH1)) {
            ExecResult result = c.exec("hostname; echo \"$SSH_CONNECTION\" | cut -d' ' -f1");

            assertThat(result.stdout()).isEqualTo("h2\n" + lab.host("h1").ip() + "\n");
        }
        // Chained: to h1 through h2, which is itself reached through h1.
        try (Connection c = Connections.open(host(lab, "h1").jumpHost(viaH1).build())) {
            ExecResult result = c.exec("hostname; echo \"$SSH_CONNECTION\" | cut -d' ' -f1");

            assertThat(result.stdout()).isEqualTo("h1\n" + lab.host("h2").ip() + "\n");
        }
    }

    @Test
    void refusedConnectionsAreRetriedWithBackoff(Lab lab) {
        long start = System.nanoTime();
        assertFails(TransportException.Kind.UNREACHABLE,
                () -> Connections.open(host(lab, "h1").port(2222).connectAttempts(4).build()),
                message -> assertThat(message).isEqualTo("h1: cannot connect to root@" + lab.host("h1").ip()
                        + ":2222: connection refused (4 attempts)"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("200 + 400 + 800 ms of backoff, each jittered by up to 50 %")
                .isBetween(Duration.ofMillis(700), Duration.ofSeconds(10));
    }

    @Test
    void sshdStartingDuringTheBackoffIsReached(Lab lab) throws Exception {
        lab.shell("h2", "systemctl stop ssh");
        try {
            CompletableFuture<Connection> opening = CompletableFuture.supplyAsync(
                    () -> Connections.open(host(lab, "h2").connectAttempts(7).build()));
            Thread.sleep(600);
            assertThat(opening).as("still retrying").isNotDone();
            lab.shell("h2", "systemctl start ssh");
            try (Connection c = opening.get(30, TimeUnit.SECONDS)) {
                assertThat(c.exec("hostname").stdout()).isEqualTo("h2\n");
            }
        } finally {
            lab.shell("h2", "systemctl start ssh");
        }
    }

    @Test
    void burstOfConnectionsPastMaxStartupsAllSucceed(Lab lab) throws Exception {
        // sshd drops unauthenticated connections beyond MaxStartups; retries must absorb that.
        lab.shell("h2", "echo 'MaxStartups 3' > /etc/ssh/sshd_config.d/rigger-it.conf && systemctl reload ssh");
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            List<Future<String>> names = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                names.add(pool.submit(() -> {
                    try (Connection c = Connections.open(host(lab, "h2").connectAttempts(8).build())) {
                        return c.exec("hostname").stdout();
                    }
                }));
            }
            for (Future<String> name : names) {
                assertThat(name.get(120, TimeUnit.SECONDS)).isEqualTo("h2\n");
            }
            assertThat(lab.shell("h2", "journalctl -u ssh --no-pager | grep -c 'drop connection\\|MaxStartups' || true").strip())
                    .as("sshd really dropped some of the burst").isNotEqualTo("0");
        } finally {
            pool.shutdownNow();
            lab.shell("h2", "rm -f /etc/ssh/sshd_config.d/rigger-it.conf && systemctl reload ssh");
        }
    }

    @Test
    void reconnectsAfterTheHostWasStoppedAndStarted(Lab lab) {
        try (Connection c = Connections.open(host(lab, "h2").connectAttempts(2).connectTimeout(Duration.ofSeconds(3)).build())) {
            assertThat(c.exec("hostname").stdout()).isEqualTo("h2\n");

            lab.stop("h2");
            assertFails(TransportException.Kind.UNREACHABLE, () -> c.exec("true"),
                    message -> assertThat(message).contains("h2", lab.host("h2").ip() + ":22"));

            lab.start("h2");
            assertThat(c.exec("hostname").stdout()).as("the same Connection reconnects by itself").isEqualTo("h2\n");
            assertThat(c.execCount()).isEqualTo(2);
        }
    }

    @Test
    void hostCutOffTheNetworkFailsWithinBoundedTimeAndTheConnectionRecovers(Lab lab) {
        try (Connection c = Connections.open(host(lab, "h2").keepAlive(Duration.ofSeconds(1))
                .connectTimeout(Duration.ofSeconds(2)).connectAttempts(1).build())) {
            assertThat(c.exec("true").exitCode()).isZero();

            lab.disconnect("h2");
            try {
                long start = System.nanoTime();
                assertFails(TransportException.Kind.UNREACHABLE, () -> c.exec("true"),
                        message -> assertThat(message).contains("h2", lab.host("h2").ip() + ":22"));
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
            } finally {
                lab.reconnect("h2");
            }

            assertThat(c.exec("hostname").stdout()).isEqualTo("h2\n");
        }
    }

    @Test
    void hostThatDoesNotExistIsUnreachableWithinTheConnectTimeout(Lab lab) {
        String nobody = lab.spareAddress(7);
        long start = System.nanoTime();
        assertFails(TransportException.Kind.UNREACHABLE,
                () -> Connections.open(ConnectionSettings.builder("ghost").address(nobody).user("root")
                        .privateKeyFile(lab.privateKeyFile()).knownHostsFile(lab.knownHostsFile())
                        .connectTimeout(Duration.ofSeconds(2)).build()),
                message -> assertThat(message).startsWith("ghost: cannot connect to root@" + nobody + ":22: "));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
    }

    // --- files ----------------------------------------------------------------------------------

    @Test
    void atomicUploadOverSsh(Lab lab) {
        byte[] content = new byte[1 << 20];
        new Random(5).nextBytes(content);
        lab.shell("h1", "mkdir -p /srv/up && echo old > /srv/up/app.bin");
        try (Connection c = Connections.open(host(lab, "h1").user("deploy").becomePassword(DEPLOY_PASSWORD).build())) {
            ExecResult written = c.exec(RemoteFiles.write("/srv/up/app.bin", content).mode("0640").owner("deploy")
                    .group("ops").request().asRoot());

            assertThat(written.exitCode()).as(written.stderr()).isZero();
            assertThat(lab.shell("h1", "sha256sum < /srv/up/app.bin | cut -d' ' -f1").strip()).isEqualTo(sha256(content));
            assertThat(lab.shell("h1", "stat -c '%a %U %G' /srv/up/app.bin")).isEqualTo("640 deploy ops\n");

            ExecResult failed = c.exec(RemoteFiles.write("/srv/up/app.bin", "new".getBytes(UTF_8)).owner("no-such-user")
                    .request().asRoot());

            assertThat(failed.exitCode()).isNotZero();
            assertThat(lab.shell("h1", "sha256sum < /srv/up/app.bin | cut -d' ' -f1").strip()).isEqualTo(sha256(content));
            assertThat(lab.shell("h1", "ls -A /srv/up")).isEqualTo("app.bin\n");
        }
    }

    // --- helpers --------------------------------------------------------------------------------

    /** The call fails with {@code kind}, and its message is one line without a Java stack dump. */
    private static void assertFails(TransportException.Kind kind, ThrowingCallable call, Consumer<String> message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(TransportException.class, e -> {
            assertThat(e.kind()).as(e.getMessage()).isEqualTo(kind);
            assertThat(e.getMessage()).doesNotContain("\n", "com.jcraft", "Exception");
            message.accept(e.getMessage());
        });
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).inheritIO().start();
        assertThat(process.waitFor()).as(String.join(" ", command)).isZero();
    }
}
