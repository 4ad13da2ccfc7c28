package dev.rigger.modules.system;

import static dev.rigger.modules.system.LabRuns.apply;
import static dev.rigger.modules.system.LabRuns.changes;
import static dev.rigger.modules.system.LabRuns.check;
import static dev.rigger.modules.system.LabRuns.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.jcraft.jsch.JSch;
import com.jcraft.jsch.KeyPair;
import dev.rigger.core.executor.RunEvent.HostResult;
import dev.rigger.core.executor.RunResult;
import dev.rigger.core.executor.Status;
import dev.rigger.core.secret.Secret;
import dev.rigger.core.transport.Connection;
import dev.rigger.core.transport.Connections;
import dev.rigger.core.transport.ExecRequest;
import dev.rigger.core.transport.TransportException;
import dev.rigger.testing.Lab;
import dev.rigger.testing.LabHosts;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** user, group and authorized_key against a real account database and sshd. */
@LabHosts({"acct1"})
class AccountsIT {
    private static final String H = "acct1";
    /** {@code openssl passwd -6 -salt riggersalt1 'correct horse battery'} */
    private static final String HASH_1 = "$6$riggersalt1$IkqMkPSCK7grb3qUCxqHO0L1cTQ/5C6R3RjX0OJPuwH7uNASG6OU4ay9K2TxKM.kVfB6ku5c3QSOzaV8gjy3r0";
    private static final String HASH_2 = "$6$riggersalt2$C42HDUX8DM6NL6fnk3oGi58uLRuRxeWdyF2P.Ca4abYyjfPJAknPi6z968417pdfarJqo6g5c6K8bDm5n5zsx1";

    private static String getent(Lab lab, String db, String key) {
        return lab.shell(H, "getent " + db + " " + key).strip();
    }

    @Test
    void groupIsCreatedWithItsIdAndRenumbered(Lab lab) {
        LocalGroup group = new LocalGroup("rigops", 2345, true, false);
        expect(check(lab, H, group), Status.CHANGED, 1);
        assertThat(lab.exec(H, "getent", "group", "rigops").exitCode()).as("check mode creates nothing").isEqualTo(2);

        assertThat(changes(expect(apply(lab, H, group), Status.CHANGED, 2))).containsExactly("create group rigops (gid 2345)");
        assertThat(getent(lab, "group", "rigops")).isEqualTo("rigops:x:2345:");
        expect(apply(lab, H, group), Status.OK, 1);

        expect(apply(lab, H, new LocalGroup("rigops", 2346, true, false)), Status.CHANGED, 2);
        assertThat(getent(lab, "group", "rigops")).isEqualTo("rigops:x:2346:");

        expect(apply(lab, H, new LocalGroup("rigsys", null, true, true)), Status.CHANGED, 2);
        assertThat(Integer.parseInt(getent(lab, "group", "rigsys").split(":")[2])).as("a system gid").isLessThan(1000);

        expect(apply(lab, H, LocalGroup.absent("rigsys").build()), Status.CHANGED, 2);
        assertThat(lab.exec(H, "getent", "group", "rigsys").exitCode()).isEqualTo(2);
        expect(apply(lab, H, LocalGroup.absent("rigsys").build()), Status.OK, 1);
    }

    @Test
    void groupFailureCarriesTheCommandsError(Lab lab) {
        lab.shell(H, "getent group rigdup >/dev/null || groupadd -g 2400 rigdup");
        HostResult r = expect(apply(lab, H, new LocalGroup("rigclash", 2400, true, false)), Status.FAILED, 2);
        assertThat(r.message()).contains("groupadd: GID '2400' already exists");
        assertThat(lab.exec(H, "getent", "group", "rigclash").exitCode()).isEqualTo(2);
    }

    @Test
    void userLifecycleWithPasswordOnStdinOnly(Lab lab) {
        lab.shell(H, "getent group rigstaff >/dev/null || groupadd -g 2500 rigstaff");
        User alice = User.named("alice").uid(2001).groups(List.of("sudo", "rigstaff")).shell("/bin/bash")
                .comment("Alice Rigger").password(Secret.of(HASH_1)).build();

        List<ExecRequest> sent = new CopyOnWriteArrayList<>();
        RunResult checked = LabRuns.run(lab, H, true, sent, alice);
        HostResult c = expect(LabRuns.single(checked, H), Status.CHANGED, 1);
        assertThat(changes(c)).containsExactly("create user alice (uid 2001, groups sudo,rigstaff, shell /bin/bash, comment 'Alice Rigger')",
                "set password of alice");
        assertThat(lab.exec(H, "getent", "passwd", "alice").exitCode()).as("check mode creates nothing").isEqualTo(2);

        RunResult applied = LabRuns.run(lab, H, false, sent, alice);
        expect(LabRuns.single(applied, H), Status.CHANGED, 2);
        assertThat(getent(lab, "passwd", "alice")).isEqualTo("alice:x:2001:2001:Alice Rigger:/home/alice:/bin/bash");
        assertThat(lab.shell(H, "id -nG alice").strip().split(" ")).containsExactlyInAnyOrder("alice", "sudo", "rigstaff");
        assertThat(getent(lab, "shadow", "alice").split(":")[1]).isEqualTo(HASH_1);
        assertThat(lab.shell(H, "stat -c %U /home/alice").strip()).as("create_home").isEqualTo("alice");

        // The hash travelled only as stdin of the apply script: in no script, event, change or registered value.
        assertThat(sent).isNotEmpty().allSatisfy(r -> assertThat(r.script()).doesNotContain("riggersalt1"));
        assertThat(sent).anySatisfy(r -> assertThat(r.stdin()).isNotNull()
                .satisfies(b -> assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo("alice:" + HASH_1 + "\n")));
        assertThat(checked.events().toString() + applied.events().toString()).doesNotContain("riggersalt1").doesNotContain(HASH_1);

        expect(apply(lab, H, alice), Status.OK, 1);

        User changed = User.named("alice").groups(List.of("adm")).append(true).shell("/bin/sh").password(Secret.of(HASH_2)).build();
        HostResult r = expect(apply(lab, H, changed), Status.CHANGED, 2);
        assertThat(changes(r)).containsExactly("add alice to groups adm", "set shell of alice: /bin/bash → /bin/sh", "set password of alice");
        assertThat(lab.shell(H, "id -nG alice").strip().split(" ")).containsExactlyInAnyOrder("alice", "sudo", "rigstaff", "adm");
        assertThat(getent(lab, "passwd", "alice")).endsWith(":/bin/sh");
        assertThat(getent(lab, "shadow", "alice").split(":")[1]).isEqualTo(HASH_2);
        expect(apply(lab, H, changed), Status.OK, 1);

        User exactly = User.named("alice").group("rigstaff").groups(List.of("adm")).build();
        assertThat(changes(expect(apply(lab, H, exactly), Status.CHANGED, 2)))
                .containsExactly("set primary group of alice: alice → rigstaff", "set groups of alice: adm, sudo → adm");
        assertThat(lab.shell(H, "id -gn alice").strip()).isEqualTo("rigstaff");
        assertThat(lab.shell(H, "id -nG alice").strip().split(" ")).containsExactlyInAnyOrder("rigstaff", "adm");
        expect(apply(lab, H, exactly), Status.OK, 1);

        expect(apply(lab, H, User.absent("alice", true).build()), Status.CHANGED, 2);
        assertThat(lab.exec(H, "getent", "passwd", "alice").exitCode()).isEqualTo(2);
        assertThat(lab.exec(H, "test", "-e", "/home/alice").exitCode()).as("remove: true deletes the home").isNotZero();
        expect(apply(lab, H, User.absent("alice", true).build()), Status.OK, 1);
    }

    @Test
    void systemUserWithoutHome(Lab lab) {
        User svc = User.named("rigsvc").system(true).createHome(false).home("/var/lib/rigsvc").shell("/usr/sbin/nologin").build();
        expect(apply(lab, H, svc), Status.CHANGED, 2);
        String[] entry = getent(lab, "passwd", "rigsvc").split(":");
        assertThat(Integer.parseInt(entry[2])).isLessThan(1000);
        assertThat(entry[5]).isEqualTo("/var/lib/rigsvc");
        assertThat(lab.exec(H, "test", "-e", "/var/lib/rigsvc").exitCode()).isNotZero();
        expect(apply(lab, H, svc), Status.OK, 1);
    }

    @Test
    void userFailuresAreClear(Lab lab) {
        HostResult noGroup = expect(apply(lab, H, User.named("bad1").groups(List.of("no-such-group")).build()), Status.FAILED, 1);
        assertThat(noGroup.message()).isEqualTo("group 'no-such-group' does not exist");

        HostResult taken = expect(apply(lab, H, User.named("bad2").uid(0).build()), Status.FAILED, 2);
        assertThat(taken.message()).contains("useradd: UID 0 is not unique");
        assertThat(lab.exec(H, "getent", "passwd", "bad2").exitCode()).isEqualTo(2);
    }

    @Test
    void authorizedKeyLetsANewUserLogIn(Lab lab, @TempDir Path dir) throws Exception {
        expect(apply(lab, H, User.named("bob").shell("/bin/bash").build()), Status.CHANGED, 2);
        String[] keyOne = keyPair(dir, "one");
        String[] keyTwo = keyPair(dir, "two");
        AuthorizedKey one = AuthorizedKey.present("bob", keyOne[0]).build();

        expect(check(lab, H, one), Status.CHANGED, 1);
        assertThat(lab.exec(H, "test", "-e", "/home/bob/.ssh").exitCode()).isNotZero();

        HostResult made = expect(apply(lab, H, one), Status.CHANGED, 2);
        assertThat(changes(made)).containsExactly("create directory /home/bob/.ssh (700, owner bob)",
                "create /home/bob/.ssh/authorized_keys: 1 line(s) added, 0 removed");
        assertThat(lab.shell(H, "stat -c '%a %U:%G' /home/bob/.ssh /home/bob/.ssh/authorized_keys").strip())
                .isEqualTo("700 bob:bob\n600 bob:bob");
        assertThat(lab.shell(H, "cat /home/bob/.ssh/authorized_keys")).isEqualTo(keyOne[0] + "\n");
        assertThat(lab.shell(H, "ls -A /home/bob/.ssh").strip()).as("no temp file left behind").isEqualTo("authorized_keys");
        expect(apply(lab, H, one), Status.OK, 1);

        assertThat(loginAs(lab, "bob", keyOne[1])).isEqualTo("bob");

        AuthorizedKey onlyTwo = AuthorizedKey.exclusive("bob", keyTwo[0]).build();
        expect(apply(lab, H, onlyTwo), Status.CHANGED, 2);
        expect(apply(lab, H, onlyTwo), Status.OK, 1);
        assertThat(loginAs(lab, "bob", keyTwo[1])).isEqualTo("bob");
        assertThatThrownBy(() -> loginAs(lab, "bob", keyOne[1])).isInstanceOf(TransportException.class);

        lab.shell(H, "chmod 644 /home/bob/.ssh/authorized_keys");
        assertThat(changes(expect(apply(lab, H, onlyTwo), Status.CHANGED, 2)))
                .containsExactly("set mode 600 and owner bob on /home/bob/.ssh/authorized_keys");
        assertThat(lab.shell(H, "stat -c %a /home/bob/.ssh/authorized_keys").strip()).isEqualTo("600");

        expect(apply(lab, H, AuthorizedKey.absent("bob", keyTwo[0]).build()), Status.CHANGED, 2);
        assertThat(lab.shell(H, "cat /home/bob/.ssh/authorized_keys")).isEmpty();
        expect(apply(lab, H, AuthorizedKey.absent("bob", keyTwo[0]).build()), Status.OK, 1);
    }

    @Test
    void failedKeyWriteLeavesTheOldFileUntouched(Lab lab, @TempDir Path dir) throws Exception {
        expect(apply(lab, H, User.named("carol").build()), Status.CHANGED, 2);
        String[] key = keyPair(dir, "carol");
        // A read-only filesystem under the key file's directory: the atomic write must fail cleanly.
        lab.shell(H, "mkdir -p /srv/keys && mount -t tmpfs tmpfs /srv/keys && echo '# old content' > /srv/keys/carol"
                + " && mount -o remount,ro /srv/keys");
        try {
            AuthorizedKey spec = new AuthorizedKey("carol", List.of(key[0]), true, false, "/srv/keys/carol", false);
            HostResult r = expect(apply(lab, H, spec), Status.FAILED, 2);
            assertThat(r.message()).contains("Read-only file system");
            assertThat(lab.shell(H, "cat /srv/keys/carol")).isEqualTo("# old content\n");
        } finally {
            lab.shell(H, "umount /srv/keys");
        }
        HostResult missing = expect(apply(lab, H, AuthorizedKey.present("nobody-here", key[0]).build()), Status.FAILED, 1);
        assertThat(missing.message()).isEqualTo("user nobody-here does not exist");
    }

    /** A new ed25519 key pair: {public key line, private key file}. */
    private static String[] keyPair(Path dir, String name) throws Exception {
        KeyPair pair = KeyPair.genKeyPair(new JSch(), KeyPair.ED25519);
        Path privateKey = dir.resolve(name);
        ByteArrayOutputStream priv = new ByteArrayOutputStream();
        pair.writeOpenSSHv1PrivateKey(priv, null);
        Files.write(privateKey, priv.toByteArray());
        ByteArrayOutputStream pub = new ByteArrayOutputStream();
        pair.writePublicKey(pub, name + "@rigger-test");
        return new String[] {pub.toString(StandardCharsets.UTF_8).strip(), privateKey.toString()};
    }

    private static String loginAs(Lab lab, String user, String privateKeyFile) {
        try (Connection c = Connections.open(lab.host(H).settings().toBuilder().user(user).privateKeyFile(Path.of(privateKeyFile))
                .connectAttempts(1).build())) {
            return c.exec("id -un").stdout().strip();
        }
    }
}
