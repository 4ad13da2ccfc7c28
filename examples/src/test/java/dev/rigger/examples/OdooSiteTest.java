package dev.rigger.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rigger.core.error.InputException;
import dev.rigger.core.inventory.Inventory;
import dev.rigger.core.inventory.InventoryLoader;
import dev.rigger.core.loader.LoadedPlaybook;
import dev.rigger.core.loader.LoaderOptions;
import dev.rigger.core.loader.PlaybookLoader;
import dev.rigger.core.loader.Preflight;
import dev.rigger.core.module.ModuleRegistry;
import dev.rigger.core.secret.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Without hosts: the Odoo site loads with its roles from the classpath and passes the preflight
 * against both inventories (the reference's six hosts and the lab variant), which keep every
 * password a secret. The site runs on lab hosts in {@code OdooHaIT}.
 */
class OdooSiteTest {
    private static final Path SITE = Path.of("odoo-ha", "site.yml");
    private static final Path REFERENCE = Path.of("..", "inventories", "odoo-ha");
    private static final Path LAB = Path.of("..", "inventories", "odoo-ha-lab");

    @TempDir
    Path dir;

    private LoadedPlaybook site() {
        return new PlaybookLoader(ModuleRegistry.load(), LoaderOptions.builder().displayRoot(Path.of("")).build()).load(SITE);
    }

    /** The lab variant with what the lab adds: hosts with addresses (the client included), the subnet and the kernel flags. */
    private Inventory lab() throws IOException {
        Path labVars = dir.resolve("lab.yml");
        StringBuilder yaml = new StringBuilder("all:\n  hosts:\n");
        int n = 10;
        for (String h : List.of("lb1", "lb2", "postgresql1", "postgresql2", "odoo1", "odoo2", "client")) {
            yaml.append("    ").append(h).append(": {ansible_host: 10.213.7.").append(n++).append("}\n");
        }
        yaml.append("  vars:\n    lab_subnet_prefix: \"10.213.7.\"\n    lab_iscsi_login: false\n    lab_ocfs2_kernel: false\n"
                + "    lab_ocfs2_mount_state: present\n");
        Files.writeString(labVars, yaml);
        return InventoryLoader.load(labVars, LAB);
    }

    @Test
    void theSitePassesThePreflightWithTheReferenceInventory() {
        Inventory reference = InventoryLoader.load(REFERENCE);

        assertThat(Preflight.check(site(), reference, Map.of())).extracting(InputException::oneLine).isEmpty();
        assertThat(reference.hostsOf("lb")).containsExactly("lb1", "lb2");
        assertThat(reference.hostsOf("storage")).containsExactly("lb2");
        assertThat(reference.hostsOf("postgresql")).containsExactly("postgresql1", "postgresql2");
        assertThat(reference.hostsOf("odoo")).containsExactly("odoo1", "odoo2");
        assertThat(reference.varsOf("odoo1")).containsEntry("odoo_vip", "192.168.55.100").containsEntry("db_rw_port", 5433)
                .containsEntry("db_ro_port", 5434);
    }

    @Test
    void theSitePassesThePreflightWithTheLabInventory() throws IOException {
        Inventory lab = lab();

        assertThat(Preflight.check(site(), lab, Map.of())).extracting(InputException::oneLine).isEmpty();
        for (String group : List.of("lb", "storage", "postgresql", "odoo")) {
            assertThat(lab.hostsOf(group)).as(group).isEqualTo(InventoryLoader.load(REFERENCE).hostsOf(group));
        }
    }

    @Test
    void passwordsAreSecretsInBothInventories() throws IOException {
        for (Inventory inventory : List.of(InventoryLoader.load(REFERENCE), lab())) {
            Map<String, Object> vars = inventory.varsOf("odoo1");
            for (String name : List.of("repmgr_password", "lb_vrrp_auth_pass", "odoo_db_password", "odoo_admin_passwd",
                    "odoo_shared_disk_chap_password")) {
                assertThat(vars.get(name)).as(name).isInstanceOf(Secret.class);
            }
        }
    }
}
