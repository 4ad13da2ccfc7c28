package dev.rigger.modules.storage;

import static dev.rigger.modules.storage.StorageContext.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rigger.core.error.InputException;
import dev.rigger.core.module.Args;
import dev.rigger.core.module.Change;
import dev.rigger.core.module.Plan;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Plans of mount from probe outputs (findmnt -r, fstab as Debian ships it). */
class MountTest {
    private static final String FSTAB = "# /etc/fstab: static file system information.\n"
            + "UUID=aaaa / ext4 errors=remount-ro 0 1\n";

    private static Mount.Current probed(String live, String dir, String fstab) {
        return Mount.Current.parse(ok("@@live\n" + live + "@@dir\n" + dir + "\n" + (fstab == null ? "@@no-fstab\n" : "@@fstab\n" + fstab)));
    }

    private static List<String> summaries(Plan plan) {
        return plan.changes().stream().map(Change::summary).toList();
    }

    private static final Mount SHARED = Mount.mounted("/var/lib/odoo", "UUID=2fa08de7", "ocfs2", "_netdev,defaults").build();

    @Test
    void mountedAddsTheLineCreatesTheDirectoryAndMounts() {
        Plan plan = SHARED.plan(probed("", "none", FSTAB), StorageContext.PLAIN);
        assertThat(summaries(plan)).containsExactly("set /var/lib/odoo in /etc/fstab: UUID=2fa08de7 /var/lib/odoo ocfs2 _netdev,defaults 0 0",
                "create directory /var/lib/odoo", "mount UUID=2fa08de7 at /var/lib/odoo");
        assertThat(new String(plan.applyInput().readAll(), StandardCharsets.UTF_8)).isEqualTo(FSTAB + "UUID=2fa08de7 /var/lib/odoo ocfs2 _netdev,defaults 0 0\n");
        assertThat(plan.applyScript()).contains("mount -t 'ocfs2' -o '_netdev,defaults' 'UUID=2fa08de7' \"$p\"");
        assertThat(StorageContext.syntaxErrors(plan.applyScript())).isEmpty();
    }

    @Test
    void mountedAndInFstabIsNoChangeEvenWithTabsInTheFile() {
        String fstab = FSTAB + "UUID=2fa08de7\t/var/lib/odoo\tocfs2\t_netdev,defaults\t0\t0\n";
        assertThat(SHARED.plan(probed("/dev/sdb ocfs2\n", "full", fstab), StorageContext.PLAIN).hasChanges()).isFalse();
    }

    @Test
    void presentOnlyWritesFstabAndChangedOptionsRemount() {
        Mount present = new Mount("/var/lib/odoo", "UUID=2fa08de7", "ocfs2", "_netdev", 0, 0, Mount.State.PRESENT, null);
        assertThat(summaries(present.plan(probed("", "none", FSTAB), StorageContext.PLAIN)))
                .containsExactly("set /var/lib/odoo in /etc/fstab: UUID=2fa08de7 /var/lib/odoo ocfs2 _netdev 0 0");
        String old = FSTAB + "UUID=2fa08de7 /var/lib/odoo ocfs2 defaults 0 0\n";
        assertThat(summaries(SHARED.plan(probed("/dev/sdb ocfs2\n", "full", old), StorageContext.PLAIN)))
                .containsExactly("set /var/lib/odoo in /etc/fstab: UUID=2fa08de7 /var/lib/odoo ocfs2 _netdev,defaults 0 0",
                        "remount /var/lib/odoo with _netdev,defaults");
    }

    @Test
    void anotherFilesystemMountedThereIsReplaced() {
        Mount tmp = Mount.mounted("/mnt/t", "tmpfs", "tmpfs", "size=8m").build();
        Plan plan = tmp.plan(probed("/dev/sdc ext4\n", "full", "tmpfs /mnt/t tmpfs size=8m 0 0\n"), StorageContext.PLAIN);
        assertThat(summaries(plan)).containsExactly("mount tmpfs at /mnt/t instead of /dev/sdc (ext4)");
    }

    @Test
    void unmountedAndAbsent() {
        String fstab = FSTAB + "tmpfs /mnt/t tmpfs size=8m 0 0\ntmpfs /mnt/t tmpfs size=9m 0 0\n";
        Mount unmounted = new Mount("/mnt/t", null, null, null, 0, 0, Mount.State.UNMOUNTED, null);
        assertThat(summaries(unmounted.plan(probed("tmpfs tmpfs\n", "empty", fstab), StorageContext.PLAIN))).containsExactly("unmount /mnt/t (tmpfs)");
        Mount absent = new Mount("/mnt/t/", null, null, null, 0, 0, Mount.State.ABSENT, null);
        Plan plan = absent.plan(probed("", "empty", fstab), StorageContext.PLAIN);
        assertThat(summaries(plan)).containsExactly("remove /mnt/t from /etc/fstab", "remove the mount point /mnt/t if empty");
        assertThat(new String(plan.applyInput().readAll(), StandardCharsets.UTF_8)).isEqualTo(FSTAB);
        assertThat(absent.plan(probed("", "none", FSTAB), StorageContext.PLAIN).hasChanges()).isFalse();
    }

    @Test
    void blanksInPathsUseFstabsOctalEscape() {
        Mount m = Mount.mounted("/srv/my data", "tmpfs", "tmpfs", null).build();
        assertThat(m.fstabLine()).isEqualTo("tmpfs /srv/my\\040data tmpfs defaults 0 0");
        assertThat(m.plan(probed("tmpfs tmpfs\n", "full", m.fstabLine() + "\n"), StorageContext.PLAIN).hasChanges()).isFalse();
    }

    @Test
    void ansibleParameters() {
        Mount.Type type = new Mount.Type();
        Mount m = (Mount) type.create(Args.of("mount", Map.of("name", "/mnt/x", "src", "tmpfs", "fstype", "tmpfs", "state", "present", "boot", false)));
        assertThat(m.opts()).isEqualTo("noauto");
        assertThatThrownBy(() -> type.create(Args.of("mount", Map.of("path", "/mnt/x", "state", "mounted"))))
                .isInstanceOf(InputException.class).hasMessageContaining("src: required with state mounted");
        assertThatThrownBy(() -> type.create(Args.of("mount", Map.of("path", "/mnt/x", "state", "mountd"))))
                .isInstanceOf(InputException.class).hasMessageContaining("mounted");
    }
}
