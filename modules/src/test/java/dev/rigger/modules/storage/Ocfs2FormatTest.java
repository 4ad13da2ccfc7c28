package dev.rigger.modules.storage;

import static dev.rigger.modules.storage.StorageContext.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rigger.core.error.InputException;
import dev.rigger.core.module.Args;
import dev.rigger.core.module.Change;
import dev.rigger.core.module.ModuleException;
import dev.rigger.core.module.Plan;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Plans of ocfs2_format from probe outputs as blkid 2.38 (Debian bookworm) prints them. */
class Ocfs2FormatTest {
    private static final Ocfs2Format ODOO = new Ocfs2Format("/srv/shared.img", "odoo", "odoo", 4, null, null, false);

    private static Ocfs2Format.Current probed(String out) {
        return Ocfs2Format.Current.parse(ok(out));
    }

    @Test
    void anEmptyDeviceIsFormattedWithTheFullCommand() {
        Plan plan = ODOO.plan(probed("blkid\t2\t\n"), StorageContext.PLAIN);
        assertThat(plan.changes()).extracting(Change::summary)
                .containsExactly("format /srv/shared.img as OCFS2 (label odoo, cluster odoo, 4 slots, block 4K, cluster 4K)");
        assertThat(plan.applyScript()).contains("'mkfs.ocfs2' '-x' '-q' '-b' '4K' '-C' '4K' '-N' '4' '-L' 'odoo' '--cluster-stack=o2cb' "
                + "'--cluster-name=odoo' '/srv/shared.img' </dev/null");
        assertThat(StorageContext.syntaxErrors(plan.applyScript())).isEmpty();
        assertThat(plan.interpreter().apply(ok("uuid=2fa08de7\n")).data()).containsEntry("uuid", "2fa08de7").containsEntry("fstype", "ocfs2");
    }

    @Test
    void anExistingOcfs2IsKeptAndItsUuidRegistered() {
        Plan plan = ODOO.plan(probed("blkid\t0\tocfs2\nLABEL=odoo\nUUID=2fa08de7-1a58\n"), StorageContext.PLAIN);
        assertThat(plan.hasChanges()).isFalse();
        assertThat(plan.data()).containsEntry("uuid", "2fa08de7-1a58").containsEntry("label", "odoo");
    }

    @Test
    void anythingElseIsRefusedUnlessForcedAndAmbivalentAlways() {
        assertThatThrownBy(() -> ODOO.plan(probed("blkid\t0\text4\nUUID=x\n"), StorageContext.PLAIN)).isInstanceOf(ModuleException.class)
                .hasMessage("/srv/shared.img carries a ext4 filesystem (blkid exit 0): refusing to format it; set force: true to overwrite it");
        assertThatThrownBy(() -> ODOO.plan(probed("blkid\t0\t\nPTTYPE=gpt\n"), StorageContext.PLAIN))
                .hasMessageContaining("carries a gpt partition table");
        Ocfs2Format forced = new Ocfs2Format("/srv/shared.img", "odoo", "odoo", 4, null, null, true);
        assertThat(forced.plan(probed("blkid\t0\text4\n"), StorageContext.PLAIN).changes()).extracting(Change::summary)
                .singleElement().asString().endsWith("over the existing ext4 (force)");
        assertThatThrownBy(() -> forced.plan(probed("blkid\t8\t\n"), StorageContext.PLAIN)).hasMessageContaining("exit 8, ambivalent");
    }

    @Test
    void moreThanOneHostIsRefusedBeforeAnything() {
        StorageContext two = new StorageContext(false, List.of("odoo1", "odoo2"));
        assertThatThrownBy(() -> ODOO.plan(probed("blkid\t2\t\n"), two)).isInstanceOf(ModuleException.class)
                .hasMessageStartingWith("ocfs2_format must run from one host only, but this task runs on 2 (odoo1, odoo2): add run_once: true");
    }

    @Test
    void missingToolsAreNamed() {
        assertThatThrownBy(() -> ODOO.plan(probed("no modprobe\nblkid\t2\t\n"), StorageContext.PLAIN)).hasMessageContaining("package kmod");
        assertThatThrownBy(() -> ODOO.plan(probed("device missing\n"), StorageContext.PLAIN)).hasMessage("/srv/shared.img does not exist on h1");
    }

    @Test
    void slotsDefaultToTwiceTheNodes() {
        Ocfs2Format.Type type = new Ocfs2Format.Type();
        Ocfs2Format f = (Ocfs2Format) type.create(Args.of("ocfs2_format", Map.of("device", "/dev/sdb", "label", "l", "cluster_name", "c", "node_count", "3")));
        assertThat(f.slots()).isEqualTo(6);
        assertThatThrownBy(() -> type.create(Args.of("ocfs2_format", Map.of("device", "/dev/sdb", "label", "l", "cluster_name", "c"))))
                .isInstanceOf(InputException.class).hasMessageContaining("node_count");
    }
}
