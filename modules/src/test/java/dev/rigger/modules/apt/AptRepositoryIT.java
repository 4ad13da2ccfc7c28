package dev.rigger.modules.apt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rigger.core.executor.Play;
import dev.rigger.core.executor.Playbook;
import dev.rigger.core.executor.PlaybookRun;
import dev.rigger.core.executor.RunEvent.HostResult;
import dev.rigger.core.executor.RunOptions;
import dev.rigger.core.executor.Status;
import dev.rigger.core.executor.Task;
import dev.rigger.core.module.Change;
import dev.rigger.core.module.Module;
import dev.rigger.core.transport.Connections;
import dev.rigger.core.transport.ShellQuote;
import dev.rigger.testing.Lab;
import dev.rigger.testing.LabHosts;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@link AptRepository} against a signed repository built on the lab host itself (the lab reaches
 * no third-party repository): two tiny packages, an InRelease signed with a gpg key made here, the
 * public key as armored and binary files, and a second unrelated key. apt on the host is the judge:
 * with the right key in the keyring named by {@code signed-by} it installs from the repository,
 * with the wrong one it refuses.
 */
@LabHosts({"r1"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AptRepositoryIT {
    private static final String H = "r1";
    private static final String LIST = "/etc/apt/sources.list.d/signed.list";
    private static final String KEYRING = "/etc/apt/keyrings/signed.asc";
    private static final String REPO = """
            set -e
            export DEBIAN_FRONTEND=noninteractive
            apt-get update -q >/dev/null
            apt-get install -y -q gpg gpg-agent >/dev/null
            mkdir -p /srv/repo /srv/keys
            for p in rigger-signed rigger-extra; do
              d=$(mktemp -d); mkdir -p $d/DEBIAN $d/usr/share/$p
              printf 'Package: %s\\nVersion: 1.0\\nArchitecture: all\\nMaintainer: Rigger <test@rigger.invalid>\\nDescription: tiny signed test package\\n' $p > $d/DEBIAN/control
              echo signed > $d/usr/share/$p/proof
              dpkg-deb --build $d /srv/repo/${p}_1.0_all.deb >/dev/null; rm -rf $d
            done
            cd /srv/repo; : > Packages
            for f in *.deb; do
              dpkg-deb -f $f >> Packages
              printf 'Filename: ./%s\\nSize: %s\\nSHA256: %s\\n\\n' $f $(stat -c %s $f) $(sha256sum $f | cut -d' ' -f1) >> Packages
            done
            printf 'Date: %s\\nSHA256:\\n %s %s Packages\\n' "$(date -R -u)" $(sha256sum Packages | cut -d' ' -f1) $(stat -c %s Packages) > Release
            export GNUPGHOME=$(mktemp -d)
            gpg -q --batch --passphrase '' --quick-gen-key 'Rigger Lab Repository <repo@rigger.invalid>' ed25519 sign never 2>/dev/null
            gpg -q --batch --yes --clearsign -o InRelease Release
            gpg --armor --export > /srv/keys/good.asc
            gpg --export > /srv/keys/good.gpg
            gpg --with-colons --list-keys | sed -n 's/^fpr:*\\([0-9A-F]*\\):$/\\1/p' | head -n 1 > /srv/keys/good.fpr
            export GNUPGHOME=$(mktemp -d)
            gpg -q --batch --passphrase '' --quick-gen-key 'Someone Else <else@rigger.invalid>' ed25519 sign never 2>/dev/null
            gpg --armor --export > /srv/keys/wrong.asc
            """;
    private static volatile boolean built;

    private static synchronized void repository(Lab lab) {
        if (built) return;
        Lab.LabExec r = lab.exec(H, "sh", "-c", REPO);
        assertThat(r.exitCode()).as("building the test repository: %s", r.stderr()).isZero();
        built = true;
    }

    private static String key(Lab lab, String name) {
        return lab.shell(H, "cat /srv/keys/" + name);
    }

    private static byte[] fileBytes(Lab lab, String path) {
        return Base64.getMimeDecoder().decode(lab.shell(H, "base64 " + path));
    }

    private static List<HostResult> run(Lab lab, boolean check, Module<?>... modules) {
        Play.Builder play = Play.builder(H).gatherFacts(false);
        for (int i = 0; i < modules.length; i++) play.task(Task.named("task " + i).module(modules[i]).build());
        return PlaybookRun.of(Playbook.of(play.build()))
                .inventory(lab.inventory())
                .options(RunOptions.builder().checkMode(check).build())
                .connector(host -> Connections.open(lab.host(host).settings()))
                .execute().hostResults();
    }

    private static HostResult run(Lab lab, boolean check, Module<?> module) {
        return run(lab, check, new Module<?>[] {module}).get(0);
    }

    private static AptRepository signed(String keyContent) {
        return AptRepository.url("file:/srv/repo").suites("./").keyContent(keyContent).filename("signed").build();
    }

    private static boolean exists(Lab lab, String path) {
        return lab.exec(H, "test", "-e", path).exitCode() == 0;
    }

    @Test
    @Order(1)
    void withTheWrongKeyAptRefusesTheRepository(Lab lab) {
        repository(lab);
        AptRepository wrong = AptRepository.url("file:/srv/repo").suites("./").keyContent(key(lab, "wrong.asc"))
                .filename("signed").updateCache(false).build();
        HostResult r = run(lab, false, wrong);
        assertThat(r.status()).as(r.message()).isEqualTo(Status.CHANGED);
        assertThat(r.execs()).isEqualTo(2);
        Lab.LabExec update = lab.exec(H, "apt-get", "update");
        assertThat(update.stderr()).contains("NO_PUBKEY");
        Lab.LabExec install = lab.exec(H, "apt-get", "install", "-y", "rigger-signed");
        assertThat(install.exitCode()).isNotZero();
        assertThat(install.stderr()).contains("Unable to locate package rigger-signed");

        AptRepository gone = AptRepository.url("file:/srv/repo").suites("./").keyContent(key(lab, "wrong.asc"))
                .filename("signed").state(AptRepository.State.ABSENT).build();
        HostResult removed = run(lab, false, gone);
        assertThat(removed.status()).as(removed.message()).isEqualTo(Status.CHANGED);
        assertThat(removed.changes().stream().map(Change::summary).toList()).containsExactly(
                "remove " + LIST, removed.changes().get(1).summary(), "update the apt cache");
        assertThat(removed.changes().get(1).summary()).startsWith("remove the signing key " + KEYRING + " (").contains("Someone Else");
        assertThat(exists(lab, LIST)).isFalse();
        assertThat(exists(lab, KEYRING)).isFalse();
        assertThat(lab.exec(H, "apt-get", "update").stderr()).doesNotContain("NO_PUBKEY");
        assertThat(run(lab, false, gone).execs()).isEqualTo(1);
    }

    @Test
    @Order(2)
    void checkModeNamesTheKeyAndWritesNothing(Lab lab) {
        repository(lab);
        String fingerprint = lab.shell(H, "cat /srv/keys/good.fpr").strip();
        HostResult r = run(lab, true, signed(key(lab, "good.asc")));
        assertThat(r.status()).isEqualTo(Status.CHANGED);
        assertThat(r.execs()).isEqualTo(1);
        assertThat(r.changes().stream().map(Change::summary).toList()).containsExactly(
                "add signing key " + fingerprint + " (Rigger Lab Repository <repo@rigger.invalid>) as " + KEYRING,
                "add repository " + LIST + ": deb [signed-by=" + KEYRING + "] file:/srv/repo ./",
                "update the apt cache for " + LIST);
        assertThat(exists(lab, LIST)).isFalse();
        assertThat(exists(lab, KEYRING)).isFalse();
    }

    @Test
    @Order(3)
    void withTheRightKeyAptInstallsFromIt(Lab lab) {
        repository(lab);
        String armored = key(lab, "good.asc");
        HostResult r = run(lab, false, signed(armored));
        assertThat(r.status()).as(r.message()).isEqualTo(Status.CHANGED);
        assertThat(r.execs()).isEqualTo(2);
        assertThat(lab.shell(H, "cat " + LIST)).isEqualTo("deb [signed-by=" + KEYRING + "] file:/srv/repo ./\n");
        assertThat(lab.shell(H, "cat " + KEYRING)).isEqualTo(armored);
        assertThat(lab.shell(H, "stat -c %a " + LIST + " " + KEYRING)).isEqualTo("644\n644\n");
        // The apply updated the cache: apt already knows the package, no apt-get update needed.
        assertThat(lab.shell(H, "apt-cache policy rigger-signed")).contains("Candidate: 1.0").contains("file:/srv/repo ./ Packages");
        lab.shell(H, "DEBIAN_FRONTEND=noninteractive apt-get install -y -q rigger-signed >/dev/null");
        assertThat(lab.shell(H, "cat /usr/share/rigger-signed/proof")).isEqualTo("signed\n");
        // Debian's own repository still updates cleanly next to it.
        assertThat(lab.exec(H, "apt-get", "update").stderr()).doesNotContain("/srv/repo");
    }

    @Test
    @Order(4)
    void secondRunIsOkWithOneExec(Lab lab) {
        HostResult r = run(lab, false, signed(key(lab, "good.asc")));
        assertThat(r.status()).as(r.message()).isEqualTo(Status.OK);
        assertThat(r.execs()).isEqualTo(1);
    }

    @Test
    @Order(5)
    void aKeyThatDoesNotVerifyFailsTheTaskAndLeavesTheOldFilesInPlace(Lab lab) {
        byte[] keyringBefore = fileBytes(lab, KEYRING);
        String listBefore = lab.shell(H, "cat " + LIST);
        HostResult r = run(lab, false, signed(key(lab, "wrong.asc")));
        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.execs()).isEqualTo(2);
        assertThat(r.message()).contains("NO_PUBKEY").contains("the previous sources and keyring are back in place");
        assertThat(fileBytes(lab, KEYRING)).isEqualTo(keyringBefore);
        assertThat(lab.shell(H, "cat " + LIST)).isEqualTo(listBefore);
        assertThat(lab.shell(H, "ls -A /etc/apt/keyrings /etc/apt/sources.list.d")).doesNotContain(".rigger-");
        assertThat(lab.exec(H, "apt-get", "update").stderr()).doesNotContain("NO_PUBKEY");
    }

    @Test
    @Order(6)
    void absentRemovesTheListAndTheKeyring(Lab lab) {
        AptRepository gone = AptRepository.url("file:/srv/repo").suites("./").keyContent(key(lab, "good.asc"))
                .filename("signed").state(AptRepository.State.ABSENT).build();
        HostResult r = run(lab, false, gone);
        assertThat(r.status()).as(r.message()).isEqualTo(Status.CHANGED);
        assertThat(r.execs()).isEqualTo(2);
        assertThat(exists(lab, LIST)).isFalse();
        assertThat(exists(lab, KEYRING)).isFalse();
        assertThat(lab.shell(H, "apt-cache policy rigger-extra")).doesNotContain("file:/srv/repo");
        assertThat(run(lab, false, gone).execs()).isEqualTo(1);
    }

    @Test
    @Order(7)
    void ansiblesFormWithAKeyUrlStoresABinaryKeyringWithoutGpg(Lab lab) {
        String keyring = "/etc/apt/keyrings/signed-bin.gpg";
        AptRepository ansible = (AptRepository) new AptRepository.Type().create(dev.rigger.core.module.Args.of("apt_repository", Map.of(
                "repo", "deb [signed-by=" + keyring + "] file:/srv/repo ./",
                "key_url", "file:///srv/keys/good.asc",
                "filename", "signed-ansible")));
        HostResult r = run(lab, false, ansible);
        assertThat(r.status()).as(r.message()).isEqualTo(Status.CHANGED);
        assertThat(r.execs()).isEqualTo(2);
        assertThat(fileBytes(lab, keyring)).as("dearmored here = gpg --export").isEqualTo(fileBytes(lab, "/srv/keys/good.gpg"));
        assertThat(lab.shell(H, "cat /etc/apt/sources.list.d/signed-ansible.list")).isEqualTo("deb [signed-by=" + keyring + "] file:/srv/repo ./\n");
        lab.shell(H, "DEBIAN_FRONTEND=noninteractive apt-get install -y -q rigger-extra >/dev/null");
        HostResult again = run(lab, false, ansible);
        assertThat(again.status()).as(again.message()).isEqualTo(Status.OK);
        assertThat(again.execs()).isEqualTo(1);

        AptRepository gone = (AptRepository) new AptRepository.Type().create(dev.rigger.core.module.Args.of("apt_repository", Map.of(
                "repo", "deb [signed-by=" + keyring + "] file:/srv/repo ./", "key_url", "file:///srv/keys/good.asc",
                "filename", "signed-ansible", "state", "absent")));
        assertThat(run(lab, false, gone).status()).isEqualTo(Status.CHANGED);
        assertThat(exists(lab, keyring)).isFalse();
        assertThat(exists(lab, "/etc/apt/sources.list.d/signed-ansible.list")).isFalse();
        lab.shell(H, "DEBIAN_FRONTEND=noninteractive apt-get purge -y -q rigger-signed rigger-extra >/dev/null");
    }

    @Test
    @Order(8)
    void inCheckModeAPackageFromTheNewRepositoryWouldChangeAfterIt(Lab lab) {
        AptPackage extra = AptPackage.builder("rigger-extra").build();
        List<HostResult> check = run(lab, true, signed(key(lab, "good.asc")), extra);
        assertThat(check.get(0).status()).isEqualTo(Status.CHANGED);
        assertThat(check.get(1).status()).isEqualTo(Status.CHANGED);
        assertThat(check.get(1).message()).isEqualTo("would change (after pending change)");
        assertThat(exists(lab, LIST)).isFalse();

        List<HostResult> real = run(lab, false, signed(key(lab, "good.asc")), extra);
        assertThat(real.get(0).status()).as(real.get(0).message()).isEqualTo(Status.CHANGED);
        assertThat(real.get(1).status()).as(real.get(1).message()).isEqualTo(Status.CHANGED);
        assertThat(real.get(1).message()).isEqualTo("installed rigger-extra 1.0");
        assertThat(lab.shell(H, "dpkg-query -W -f='${Status}' rigger-extra")).isEqualTo("install ok installed");
    }

    /**
     * A file of sources.list.d is named by whoever wrote it; removing a repository from it puts
     * that name in the apply script, quoted like any value: a quote or {@code $(...)} in it is text.
     * Needs nothing of the tests before it.
     */
    @Test
    @Order(9)
    void aHostFileWithAQuoteAndACommandInItsNameIsRewrittenAsText(Lab lab) {
        String name = "/etc/apt/sources.list.d/odd\"name $(touch pwned).list";
        String kept = "deb http://deb.debian.org/debian bookworm contrib";
        String removed = "deb http://rigger.invalid/debian bookworm main";
        lab.shell(H, "printf '%s\\n' " + ShellQuote.quote(kept) + " " + ShellQuote.quote(removed) + " > " + ShellQuote.quote(name));
        AptRepository gone = AptRepository.line(removed).state(AptRepository.State.ABSENT).updateCache(false).build();
        HostResult r = run(lab, false, gone);
        assertThat(r.status()).as(r.message()).isEqualTo(Status.CHANGED);
        assertThat(lab.shell(H, "cat " + ShellQuote.quote(name))).isEqualTo(kept + "\n");
        assertThat(lab.exec(H, "sh", "-c", "find / -xdev -name pwned 2>/dev/null").stdout()).isEmpty();
        lab.shell(H, "rm -f " + ShellQuote.quote(name));
    }
}
