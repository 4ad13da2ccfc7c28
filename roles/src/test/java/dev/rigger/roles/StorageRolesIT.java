package dev.rigger.roles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.rigger.core.error.InputException;
import dev.rigger.core.executor.PlaybookRun;
import dev.rigger.core.executor.RunEvent.HostResult;
import dev.rigger.core.executor.RunOptions;
import dev.rigger.core.executor.RunResult;
import dev.rigger.core.executor.Status;
import dev.rigger.core.loader.LoadedPlaybook;
import dev.rigger.core.loader.LoaderOptions;
import dev.rigger.core.loader.PlaybookLoader;
import dev.rigger.core.loader.Preflight;
import dev.rigger.core.module.ModuleRegistry;
import dev.rigger.testing.Lab;
import dev.rigger.testing.LabHosts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The shared-disk roles as Odoo's cluster uses them: iscsi-target on lb2, iscsi-initiator and ocfs2 on
 * odoo1 and odoo2, loaded from YAML with the roles from the classpath. Dry run on fresh hosts, converge,
 * what the hosts hold, idempotence. This kernel has neither iscsi_tcp nor ocfs2: the lab runs the roles
 * with iscsi_initiator_login false, ocfs2_o2cb_start false and ocfs2_mount_state present, and the login
 * and mount reports skips naming those modules.
 */
@LabHosts(value = {"lb2", "odoo1", "odoo2"}, groups = {"storage=lb2", "app=odoo1,odoo2"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StorageRolesIT {
    private static final String IQN = "iqn.2026-11.dev.rigger:odoo";
    private static final String CHAP_PASSWORD = "Lab-role-chap-51d0";
    private static final String SITE = """
            - name: shared disk target
              hosts: storage
              roles:
                - role: iscsi-target
                  iscsi_target_iqn: %1$s
                  iscsi_target_luns: [{path: /srv/iscsi/odoo.img, size: 256M}]
                  iscsi_target_chap_user: odoo
                  iscsi_target_chap_password: !secret "%2$s"

            - name: app nodes
              hosts: app
              roles:
                - role: iscsi-initiator
                  iscsi_initiator_target_iqn: %1$s
                  iscsi_initiator_chap_user: odoo
                  iscsi_initiator_chap_password: !secret "%2$s"
                  iscsi_initiator_login: "{{ lab_iscsi_login }}"
                - role: ocfs2
                  ocfs2_device: /srv/ocfs2.img
                  ocfs2_o2cb_start: "{{ lab_ocfs2_kernel }}"
                  ocfs2_mount_state: "{{ lab_ocfs2_mount_state }}"
            """.formatted(IQN, CHAP_PASSWORD);

    private static LoadedPlaybook site;
    private static Map<String, Object> kernel;

    private static LoadedPlaybook load(Lab lab) throws IOException {
        Path dir = Files.createTempDirectory("storage-roles");
        Files.writeString(dir.resolve("site.yml"), SITE);
        LoadedPlaybook loaded = new PlaybookLoader(ModuleRegistry.load(), LoaderOptions.builder().displayRoot(dir).build()).load(dir.resolve("site.yml"));
        List<InputException> problems = Preflight.check(loaded, lab.inventory(), kernel);
        assertThat(problems).extracting(InputException::oneLine).isEmpty();
        return loaded;
    }

    private static RunResult run(Lab lab, boolean checkMode) {
        long start = System.nanoTime();
        RunResult r = PlaybookRun.of(site.playbook()).inventory(lab.inventory())
                .options(RunOptions.builder().checkMode(checkMode).diffMode(true).extraVars(kernel).build()).execute();
        System.out.printf("StorageRolesIT: %s in %.1f s%n", checkMode ? "check run" : "run", (System.nanoTime() - start) / 1e9);
        for (HostResult h : r.hostResults()) {
            if (h.duration().toMillis() > 3000) System.out.printf("StorageRolesIT:   %s %s: %.1f s%n", h.host(), h.task(), h.duration().toMillis() / 1e3);
        }
        return r;
    }

    private static boolean has(Lab lab, String host, String test) {
        return lab.exec(host, "sh", "-c", test).exitCode() == 0;
    }

    @Test
    @Order(1)
    void dryRunOnFreshHostsChangesNothing(Lab lab) throws IOException {
        // What this kernel can do decides the lab's settings; a kernel with both runs everything for real.
        boolean iscsiTcp = has(lab, "odoo1", "test -d /sys/module/iscsi_tcp");
        boolean ocfs2 = has(lab, "odoo1", "grep -qw ocfs2 /proc/filesystems && test -d /sys/kernel/config");
        kernel = Map.of("lab_iscsi_login", iscsiTcp, "lab_ocfs2_kernel", ocfs2, "lab_ocfs2_mount_state", ocfs2 ? "mounted" : "present");
        lab.shell("odoo1", "truncate -s 256M /srv/ocfs2.img");
        site = load(lab);

        RunResult dry = run(lab, true);
        assertThat(dry.exitCode()).as("check run: %s", dry.hostResults()).isZero();
        assertThat(dry.result("lb2", "the target is exported").orElseThrow().message()).isEqualTo("would change (after pending change)");
        assertThat(dry.result("odoo1", "the target's node records exist and are logged in").orElseThrow().status()).isEqualTo(Status.CHANGED);
        assertThat(dry.result("odoo1", "the shared disk carries OCFS2").orElseThrow().status()).isEqualTo(Status.CHANGED);
        assertThat(dry.result("odoo2", "the shared disk carries OCFS2")).as("run_once").isEmpty();
        assertThat(dry.result("odoo1", "the shared disk is mounted by UUID").orElseThrow().status()).as("UUID unknown before the format")
                .isEqualTo(Status.SKIPPED);
        assertThat(lab.exec("lb2", "dpkg", "-s", "tgt").exitCode()).isNotZero();
        assertThat(lab.exec("odoo1", "dpkg", "-s", "open-iscsi").exitCode()).isNotZero();
        assertThat(lab.exec("odoo1", "blkid", "-p", "/srv/ocfs2.img").exitCode()).as("not formatted by a dry run").isEqualTo(2);
    }

    @Test
    @Order(2)
    void convergeExportsRecordsFormatsOnceAndWritesFstab(Lab lab) {
        RunResult first = run(lab, false);
        assertThat(first.exitCode()).as("converge: %s", first.hostResults().stream().filter(r -> r.status() == Status.FAILED).toList()).isZero();
        assertThat(first.hostResults()).allSatisfy(r -> assertThat(r.execs()).as(r.host() + " " + r.task()).isLessThanOrEqualTo(2));
        assertThat(first.hostResults()).allSatisfy(r -> assertThat(r.message() + r.changes() + r.registered()).doesNotContain(CHAP_PASSWORD));

        String show = lab.shell("lb2", "tgtadm --lld iscsi --op show --mode target");
        assertThat(show).contains("Target 1: " + IQN).contains("Backing store path: /srv/iscsi/odoo.img")
                .contains(lab.host("odoo1").ip()).contains(lab.host("odoo2").ip());
        assertThat(show.substring(show.indexOf("Account information:"))).contains("odoo");

        String portal = lab.host("lb2").ip() + ":3260";
        for (String node : List.of("odoo1", "odoo2")) {
            String record = lab.shell(node, "iscsiadm -m node -T " + IQN + " -p " + portal);
            assertThat(record).contains("node.startup = automatic", "node.conn[0].startup = automatic", "node.session.auth.username = odoo");
            assertThat(lab.shell(node, "systemctl is-enabled open-iscsi iscsid.socket")).isEqualTo("enabled\nenabled\n");
        }

        String conf = lab.shell("odoo1", "cat /etc/ocfs2/cluster.conf");
        assertThat(lab.shell("odoo2", "cat /etc/ocfs2/cluster.conf")).as("the same cluster.conf on every node").isEqualTo(conf);
        assertThat(conf).contains("\tname = odoo\n", "\tnode_count = 2\n", "\tip_address = " + lab.host("odoo1").ip() + "\n\tnumber = 1\n\tname = odoo1\n",
                "\tip_address = " + lab.host("odoo2").ip() + "\n\tnumber = 2\n\tname = odoo2\n", "\tip_port = 7777\n");
        assertThat(lab.shell("odoo2", "o2cb list-nodes odoo")).as("o2cb reads it").contains("odoo1").contains("odoo2");
        assertThat(lab.shell("odoo1", "cat /etc/default/o2cb")).contains("O2CB_ENABLED=true\n", "O2CB_BOOTCLUSTER=odoo\n", "O2CB_HEARTBEAT_THRESHOLD=31\n");

        String uuid = lab.shell("odoo1", "blkid -p -o value -s UUID /srv/ocfs2.img").strip();
        assertThat(lab.shell("odoo1", "blkid -p -o value -s TYPE /srv/ocfs2.img").strip()).isEqualTo("ocfs2");
        assertThat(lab.shell("odoo1", "debugfs.ocfs2 -R stats /srv/ocfs2.img")).contains("Max Node Slots: 4").contains("Cluster name: odoo");
        for (String node : List.of("odoo1", "odoo2")) {
            assertThat(lab.shell(node, "grep /var/lib/odoo /etc/fstab").strip()).as("fstab on " + node)
                    .isEqualTo("UUID=" + uuid + " /var/lib/odoo ocfs2 _netdev,defaults 0 0");
        }
    }

    @Test
    @Order(3)
    void aSecondRunChangesNothingWithOneExecPerTask(Lab lab) {
        String uuid = lab.shell("odoo1", "blkid -p -o value -s UUID /srv/ocfs2.img").strip();
        RunResult second = run(lab, false);
        assertThat(second.exitCode()).isZero();
        assertThat(second.hostResults().stream().filter(r -> r.status() == Status.CHANGED).map(r -> r.host() + " " + r.task() + " " + r.changes()))
                .as("changed on the second run").isEmpty();
        // Batched probes (the default): the task that took a batch counts its exec, the tasks it served none.
        boolean batched = RunOptions.builder().build().batchProbes();
        assertThat(second.hostResults()).allSatisfy(r -> {
            assertThat(r.status()).as(r.host() + " " + r.task() + ": " + r.message()).isIn(Status.OK, Status.SKIPPED);
            int expected = r.status() == Status.SKIPPED || r.task().equals("the shared disk is named") ? 0 : 1;
            assertThat(r.execs()).as(r.host() + " " + r.task()).isBetween(batched ? 0 : expected, expected);
        });
        assertThat(lab.shell("odoo1", "blkid -p -o value -s UUID /srv/ocfs2.img").strip()).as("not reformatted").isEqualTo(uuid);
        HostResult format = second.result("odoo1", "the shared disk carries OCFS2").orElseThrow();
        assertThat(format.registered()).containsEntry("uuid", uuid);
    }

    @Test
    @Order(4)
    void theTargetIsSeenOverIscsiFromAnAppNodeWithChap(Lab lab) {
        lab.shell("odoo1", "apt-get install -y -q --no-install-recommends libiscsi-bin >/dev/null");
        String url = "iscsi://odoo%" + CHAP_PASSWORD + "@" + lab.host("lb2").ip() + "/";
        assertThat(lab.exec("odoo1", "iscsi-ls", "-s", url).stdout()).contains("Target:" + IQN).contains("Lun:1");
        assertThat(lab.exec("odoo1", "iscsi-ls", "-s", "iscsi://" + lab.host("lb2").ip() + "/").stdout()).doesNotContain("Lun:1");
    }

    @Test
    @Order(5)
    void loginThroughTheRole(Lab lab) {
        assumeTrue((Boolean) kernel.get("lab_iscsi_login"), "the iSCSI login needs the kernel module iscsi_tcp, which this kernel does not have");
        for (String node : List.of("odoo1", "odoo2")) assertThat(lab.shell(node, "iscsiadm -m session")).contains(IQN);
    }

    @Test
    @Order(6)
    void o2cbAndMountThroughTheRole(Lab lab) {
        assumeTrue((Boolean) kernel.get("lab_ocfs2_kernel"), "o2cb and the OCFS2 mount need the kernel modules ocfs2 and configfs, which this kernel does not have");
        assertThat(lab.shell("odoo1", "findmnt -n -o FSTYPE /var/lib/odoo").strip()).isEqualTo("ocfs2");
    }
}
