package dev.rigger.modules.storage;

import static dev.rigger.modules.storage.StorageRuns.apply;
import static dev.rigger.modules.storage.StorageRuns.changes;
import static dev.rigger.modules.storage.StorageRuns.check;
import static dev.rigger.modules.storage.StorageRuns.expect;
import static dev.rigger.modules.storage.StorageRuns.run;
import static dev.rigger.modules.storage.StorageRuns.shown;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.rigger.core.executor.RunEvent.HostResult;
import dev.rigger.core.executor.RunResult;
import dev.rigger.core.executor.Status;
import dev.rigger.core.secret.Secret;
import dev.rigger.core.transport.ExecRequest;
import dev.rigger.testing.Lab;
import dev.rigger.testing.LabHosts;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The storage modules against the real software: tgtd on tgt1 exporting a file-backed LUN, listed over
 * the iSCSI protocol by libiscsi's iscsi-ls from ini1 (in the ACL) and refused to out1 (not in it);
 * open-iscsi node records on ini1; mkfs.ocfs2 on an image file on tgt1; mount on tmpfs on out1.
 * What this kernel cannot do (iSCSI login: iscsi_tcp; OCFS2 mount: ocfs2) is a skip naming the module.
 */
@LabHosts({"tgt1", "ini1", "out1"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StorageModulesIT {
    private static final String IQN = "iqn.2026-11.dev.rigger:shared";
    private static final String LUN = "/srv/iscsi/shared.img";
    /** Test-only credentials; the assertions below check they never show up where users look. */
    private static final String CHAP_USER = "odoo";
    private static final String CHAP_PASSWORD = "Lab-chap-7f3c9a21";

    private static String ip(Lab lab, String host) {
        return lab.host(host).ip();
    }

    private static TgtTarget.Builder shared(Lab lab) {
        return TgtTarget.builder("shared", IQN).lun(LUN, "64M").initiators(ip(lab, "ini1"));
    }

    /** iscsi-ls from {@code host}: what the target offers that host, over the real protocol. */
    private static String iscsiLs(Lab lab, String host, String credentials) {
        String url = "iscsi://" + (credentials == null ? "" : credentials + "@") + ip(lab, "tgt1") + "/";
        Lab.LabExec r = lab.exec(host, "iscsi-ls", "-s", url);
        return r.stdout() + r.stderr();
    }

    @Test
    @Order(1)
    void install(Lab lab) {
        long start = System.nanoTime();
        String apt = "apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends ";
        CompletableFuture.allOf(
                CompletableFuture.runAsync(() -> lab.shell("tgt1", apt + "tgt ocfs2-tools kmod e2fsprogs >/dev/null")),
                CompletableFuture.runAsync(() -> lab.shell("ini1", apt + "open-iscsi libiscsi-bin >/dev/null")),
                CompletableFuture.runAsync(() -> lab.shell("out1", apt + "libiscsi-bin >/dev/null"))).join();
        System.out.printf("StorageModulesIT: packages installed in %d s%n", (System.nanoTime() - start) / 1_000_000_000);
        assertThat(lab.shell("tgt1", "systemctl is-active tgt").strip()).isEqualTo("active");
    }

    @Test
    @Order(2)
    void targetIsServedToTheAclOnlyAndComesBackAfterARestart(Lab lab) {
        TgtTarget target = shared(lab).build();
        HostResult checked = expect(check(lab, "tgt1", target), Status.CHANGED, 1);
        assertThat(changes(checked)).contains("create target " + IQN + " (tid 1)", "add LUN 1: " + LUN);
        assertThat(lab.exec("tgt1", "test", "-e", LUN).exitCode()).as("check mode creates nothing").isNotZero();
        assertThat(lab.shell("tgt1", "tgtadm --lld iscsi --op show --mode target")).doesNotContain(IQN);

        expect(apply(lab, "tgt1", target), Status.CHANGED, 2);
        expect(apply(lab, "tgt1", target), Status.OK, 1);
        assertThat(lab.shell("tgt1", "stat -c '%s' " + LUN).strip()).isEqualTo(String.valueOf(64 * 1024 * 1024));
        assertThat(Long.parseLong(lab.shell("tgt1", "du -k " + LUN + " | cut -f1").strip())).as("sparse").isLessThan(1024);

        String listed = iscsiLs(lab, "ini1", null);
        assertThat(listed).contains("Target:" + IQN).contains("Lun:1").contains("DIRECT_ACCESS");
        assertThat(iscsiLs(lab, "out1", null)).as("out1 is not in the ACL").doesNotContain(IQN).doesNotContain("Lun:1");

        lab.shell("tgt1", "systemctl restart tgt");
        expect(apply(lab, "tgt1", target), Status.OK, 1);
        assertThat(iscsiLs(lab, "ini1", null)).as("after a restart of tgt, from conf.d").contains("Lun:1");
    }

    @Test
    @Order(3)
    void chapKeepsOutInitiatorsWithoutTheSecretAndTheSecretStaysHidden(Lab lab) {
        TgtTarget chap = shared(lab).chap(CHAP_USER, Secret.of(CHAP_PASSWORD)).build();
        List<ExecRequest> sent = new CopyOnWriteArrayList<>();
        HostResult r = StorageRuns.single(run(lab, "tgt1", false, false, sent, chap), "tgt1");
        expect(r, Status.CHANGED, 2);
        assertThat(shown(r)).doesNotContain(CHAP_PASSWORD);
        assertThat(sent).allSatisfy(req -> assertThat(req.script()).doesNotContain(CHAP_PASSWORD));
        assertThat(lab.shell("tgt1", "stat -c '%a %U' /etc/tgt/conf.d/shared.conf").strip()).isEqualTo("600 root");

        assertThat(iscsiLs(lab, "ini1", null)).as("without credentials").doesNotContain("Lun:1");
        assertThat(iscsiLs(lab, "ini1", CHAP_USER + "%" + CHAP_PASSWORD)).as("with credentials").contains("Lun:1");
        expect(apply(lab, "tgt1", chap), Status.OK, 1);

        lab.shell("tgt1", "systemctl restart tgt");
        expect(apply(lab, "tgt1", chap), Status.OK, 1);
        assertThat(iscsiLs(lab, "ini1", CHAP_USER + "%" + CHAP_PASSWORD)).as("CHAP back from conf.d").contains("Lun:1");
        assertThat(iscsiLs(lab, "ini1", CHAP_USER + "%wrong-password")).doesNotContain("Lun:1");
    }

    @Test
    @Order(4)
    void aLunChangeWhileAnInitiatorIsLoggedInFailsAndChangesNothing(Lab lab) {
        // iscsi-perf holds a session (an I_T nexus) for as long as it runs.
        String pid = lab.shell("ini1", "timeout 60 iscsi-perf iscsi://" + CHAP_USER + "%" + CHAP_PASSWORD + "@" + ip(lab, "tgt1") + "/" + IQN
                + "/1 >/dev/null 2>&1 & echo $!").strip();
        try {
            lab.await("an I_T nexus on the target", java.time.Duration.ofSeconds(10),
                    () -> lab.shell("tgt1", "tgtadm --lld iscsi --op show --mode target").contains("I_T nexus: "));
            TgtTarget moved = TgtTarget.builder("shared", IQN).lun("/srv/iscsi/other.img", "32M").initiators(ip(lab, "ini1"))
                    .chap(CHAP_USER, Secret.of(CHAP_PASSWORD)).build();
            HostResult refused = expect(apply(lab, "tgt1", moved), Status.FAILED, 1);
            assertThat(refused.message()).startsWith("target " + IQN + " is in use (I_T nexus of iqn.2010-11.libiscsi:iscsi-perf from "
                    + ip(lab, "ini1") + "): LUN 1 would change from " + LUN + " to /srv/iscsi/other.img");
            assertThat(lab.shell("tgt1", "tgtadm --lld iscsi --op show --mode target")).contains("Backing store path: " + LUN);
            assertThat(lab.shell("tgt1", "cat /etc/tgt/conf.d/shared.conf")).contains(LUN).doesNotContain("other.img");
        } finally {
            lab.shell("ini1", "kill " + pid + " 2>/dev/null; true");
        }
    }

    @Test
    @Order(5)
    void initiatorRecordsStartupAndChapAreManagedWithoutDiscovery(Lab lab) {
        String portal = ip(lab, "tgt1") + ":3260";
        IscsiLogin records = IscsiLogin.builder(IQN).portal(ip(lab, "tgt1")).chap(CHAP_USER, Secret.of(CHAP_PASSWORD)).loggedOut().build();
        expect(check(lab, "ini1", records), Status.CHANGED, 1);
        assertThat(lab.exec("ini1", "iscsiadm", "-m", "node").exitCode()).as("check mode: still no records (exit 21)").isEqualTo(21);

        List<ExecRequest> sent = new CopyOnWriteArrayList<>();
        HostResult created = expect(StorageRuns.single(run(lab, "ini1", false, false, sent, records), "ini1"), Status.CHANGED, 2);
        assertThat(shown(created)).doesNotContain(CHAP_PASSWORD);
        assertThat(sent).allSatisfy(req -> assertThat(req.script()).doesNotContain(CHAP_PASSWORD).doesNotContain("discovery"));
        expect(apply(lab, "ini1", records), Status.OK, 1);
        String record = lab.shell("ini1", "iscsiadm -m node -T " + IQN + " -p " + portal);
        assertThat(record).contains("node.startup = automatic", "node.conn[0].startup = automatic",
                "node.session.auth.authmethod = CHAP", "node.session.auth.username = " + CHAP_USER);
        assertThat(lab.shell("ini1", "iscsiadm -m node -T " + IQN + " -p " + portal + " -S | grep -c '^node.session.auth.password = "
                + CHAP_PASSWORD + "$' || true").strip()).as("the password iscsiadm reads back").isEqualTo("1");

        // What a SendTargets discovery does to an existing record (resets startup, wipes CHAP) is fixed in place.
        lab.shell("ini1", "iscsiadm -m node -T " + IQN + " -p " + portal + " -o update -n node.startup -v manual"
                + " && iscsiadm -m node -T " + IQN + " -p " + portal + " -o update -n node.session.auth.password -v wiped");
        HostResult drift = expect(apply(lab, "ini1", records), Status.CHANGED, 2);
        assertThat(changes(drift)).containsExactly("set node.startup = automatic at " + portal + " (was manual)",
                "set node.session.auth.password at " + portal);
        expect(apply(lab, "ini1", records), Status.OK, 1);
    }

    @Test
    @Order(6)
    void loginNeedsTheKernelsIscsiTcp(Lab lab) {
        boolean iscsiTcp = lab.exec("ini1", "sh", "-c", "test -d /sys/module/iscsi_tcp || modprobe -q iscsi_tcp").exitCode() == 0;
        IscsiLogin login = IscsiLogin.builder(IQN).portal(ip(lab, "tgt1")).chap(CHAP_USER, Secret.of(CHAP_PASSWORD)).build();
        HostResult checked = expect(check(lab, "ini1", login), Status.CHANGED, 1);
        assertThat(changes(checked)).containsExactly("log in to " + IQN + " at " + ip(lab, "tgt1") + ":3260");
        assumeTrue(iscsiTcp, "iSCSI login needs the kernel module iscsi_tcp, which this kernel does not have");
        expect(apply(lab, "ini1", login), Status.CHANGED, 2);
        assertThat(lab.shell("ini1", "iscsiadm -m session")).contains(IQN);
        expect(apply(lab, "ini1", login), Status.OK, 1);
        expect(apply(lab, "ini1", IscsiLogin.builder(IQN).portal(ip(lab, "tgt1")).absent().build()), Status.CHANGED, 2);
    }

    @Test
    @Order(7)
    void ocfs2IsFormattedOnceFromOneHostAndNothingElseIsOverwritten(Lab lab) {
        lab.shell("tgt1", "truncate -s 256M /srv/ocfs2.img && truncate -s 64M /srv/ext4.img && mkfs.ext4 -q /srv/ext4.img");
        Ocfs2Format format = new Ocfs2Format("/srv/ocfs2.img", "shared", "odoo", 4, null, null, false);

        RunResult twoHosts = run(lab, "tgt1:out1", false, false, new CopyOnWriteArrayList<>(), format);
        assertThat(twoHosts.hostResults()).hasSize(2).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(Status.FAILED);
            assertThat(r.message()).startsWith("ocfs2_format must run from one host only, but this task runs on 2 (tgt1, out1): add run_once: true");
        });
        assertThat(lab.exec("tgt1", "blkid", "-p", "/srv/ocfs2.img").exitCode()).as("nothing formatted").isEqualTo(2);

        expect(check(lab, "tgt1", format), Status.CHANGED, 1);
        RunResult once = run(lab, "tgt1:out1", false, true, new CopyOnWriteArrayList<>(), format);
        HostResult formatted = expect(StorageRuns.single(once, "tgt1"), Status.CHANGED, 2);
        assertThat(once.hostResults()).hasSize(1);
        String uuid = lab.shell("tgt1", "blkid -p -o value -s UUID /srv/ocfs2.img").strip();
        assertThat(lab.shell("tgt1", "blkid -p -o value -s TYPE /srv/ocfs2.img").strip()).isEqualTo("ocfs2");
        assertThat(lab.shell("tgt1", "blkid -p -o value -s LABEL /srv/ocfs2.img").strip()).isEqualTo("shared");
        assertThat(formatted.registered()).containsEntry("uuid", uuid);
        assertThat(lab.shell("tgt1", "debugfs.ocfs2 -R stats /srv/ocfs2.img")).contains("Max Node Slots: 4").contains("Cluster name: odoo");

        HostResult again = expect(apply(lab, "tgt1", format), Status.OK, 1);
        assertThat(again.registered()).containsEntry("uuid", uuid);
        assertThat(lab.shell("tgt1", "blkid -p -o value -s UUID /srv/ocfs2.img").strip()).as("not reformatted").isEqualTo(uuid);

        HostResult refused = expect(apply(lab, "tgt1", new Ocfs2Format("/srv/ext4.img", "x", "odoo", 2, null, null, false)), Status.FAILED, 1);
        assertThat(refused.message()).isEqualTo("/srv/ext4.img carries a ext4 filesystem (blkid exit 0): refusing to format it; set force: true to overwrite it");
        assertThat(lab.shell("tgt1", "blkid -p -o value -s TYPE /srv/ext4.img").strip()).isEqualTo("ext4");
    }

    @Test
    @Order(8)
    void mountFollowsAnsiblesStatesOnATmpfs(Lab lab) {
        Mount mounted = new Mount("/mnt/scratch", "tmpfs", "tmpfs", "size=8m,mode=0750", 0, 0, Mount.State.MOUNTED, null);
        expect(check(lab, "out1", mounted), Status.CHANGED, 1);
        assertThat(lab.exec("out1", "findmnt", "/mnt/scratch").exitCode()).isNotZero();
        expect(apply(lab, "out1", mounted), Status.CHANGED, 2);
        assertThat(lab.shell("out1", "findmnt -n -o FSTYPE,OPTIONS /mnt/scratch")).contains("tmpfs").contains("size=8192k").contains("mode=750");
        assertThat(lab.shell("out1", "grep /mnt/scratch /etc/fstab").strip()).isEqualTo("tmpfs /mnt/scratch tmpfs size=8m,mode=0750 0 0");
        expect(apply(lab, "out1", mounted), Status.OK, 1);

        Mount bigger = new Mount("/mnt/scratch", "tmpfs", "tmpfs", "size=16m,mode=0750", 0, 0, Mount.State.MOUNTED, null);
        expect(apply(lab, "out1", bigger), Status.CHANGED, 2);
        assertThat(lab.shell("out1", "findmnt -n -o OPTIONS /mnt/scratch")).as("remounted with the new options").contains("size=16384k");

        Mount unmounted = new Mount("/mnt/scratch", null, null, null, 0, 0, Mount.State.UNMOUNTED, null);
        expect(apply(lab, "out1", unmounted), Status.CHANGED, 2);
        assertThat(lab.exec("out1", "findmnt", "/mnt/scratch").exitCode()).isNotZero();
        assertThat(lab.shell("out1", "grep -c /mnt/scratch /etc/fstab").strip()).as("unmounted keeps the fstab line").isEqualTo("1");
        expect(apply(lab, "out1", unmounted), Status.OK, 1);

        lab.shell("out1", "mount /mnt/scratch");
        Mount absent = new Mount("/mnt/scratch", null, null, null, 0, 0, Mount.State.ABSENT, null);
        expect(apply(lab, "out1", absent), Status.CHANGED, 2);
        assertThat(lab.exec("out1", "findmnt", "/mnt/scratch").exitCode()).isNotZero();
        assertThat(lab.shell("out1", "grep -c /mnt/scratch /etc/fstab || true").strip()).isEqualTo("0");
        assertThat(lab.exec("out1", "test", "-e", "/mnt/scratch").exitCode()).isNotZero();
        expect(apply(lab, "out1", absent), Status.OK, 1);
    }

    @Test
    @Order(9)
    void ocfs2MountNeedsTheKernelsOcfs2(Lab lab) {
        String uuid = lab.shell("tgt1", "blkid -p -o value -s UUID /srv/ocfs2.img").strip();
        Mount shared = Mount.mounted("/var/lib/odoo", "UUID=" + uuid, "ocfs2", "_netdev,defaults").build();
        expect(check(lab, "tgt1", shared), Status.CHANGED, 1);
        boolean ocfs2 = lab.exec("tgt1", "sh", "-c", "grep -qw ocfs2 /proc/filesystems || modprobe -q ocfs2").exitCode() == 0;
        assumeTrue(ocfs2, "mounting OCFS2 needs the kernel module ocfs2 (and o2cb's configfs), which this kernel does not have");
        expect(apply(lab, "tgt1", shared), Status.CHANGED, 2);
        expect(apply(lab, "tgt1", shared), Status.OK, 1);
    }
}
