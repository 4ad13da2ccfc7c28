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
 * Without hosts: the call-center site loads with its roles from the classpath and passes the
 * preflight against both inventories (the reference and the lab variant), which hold the same
 * groups and keep every password a secret. The site runs on lab hosts in {@code CallCenterHaIT}.
 */
class CallCenterSiteTest {
    private static final Path SITE = Path.of("omnileads-ha", "site.yml");
    private static final Path REFERENCE = Path.of("..", "inventories", "omnileads-ha");
    private static final Path LAB = Path.of("..", "inventories", "omnileads-ha-lab");
    private static final List<String> GROUPS = List.of("haproxy", "redis", "redis_sentinel", "pgsql", "asterisk", "app");

    @TempDir
    Path dir;

    private LoadedPlaybook site() {
        return new PlaybookLoader(ModuleRegistry.load(), LoaderOptions.builder().displayRoot(Path.of("")).build()).load(SITE);
    }

    private Inventory lab() throws IOException {
        Path subnet = dir.resolve("lab-subnet.yml");
        Files.writeString(subnet, "all:\n  vars:\n    lab_subnet_prefix: \"10.213.7.\"\n");
        return InventoryLoader.load(subnet, LAB);
    }

    @Test
    void theSitePassesThePreflightWithTheReferenceInventory() {
        Inventory reference = InventoryLoader.load(REFERENCE);

        assertThat(Preflight.check(site(), reference, Map.of())).extracting(InputException::oneLine).isEmpty();
        assertThat(reference.hostsOf("haproxy")).containsExactly("lb1", "lb2");
        assertThat(reference.hostsOf("redis")).hasSize(4);
        assertThat(reference.hostsOf("redis_sentinel")).containsExactly("redis2", "redis3", "redis4");
        assertThat(reference.hostsOf("pgsql")).hasSize(2);
        assertThat(reference.hostsOf("asterisk")).containsExactly("asterisk1", "asterisk2");
        assertThat(reference.hostsOf("app")).containsExactly("app1", "app2");
    }

    @Test
    void theSitePassesThePreflightWithTheLabInventory() throws IOException {
        Inventory lab = lab();

        assertThat(Preflight.check(site(), lab, Map.of())).extracting(InputException::oneLine).isEmpty();
        for (String group : GROUPS) assertThat(lab.hostsOf(group)).as(group).isNotEmpty();
        // The lab variant runs the Asterisk pair on the load balancers, with a VIP of its own.
        assertThat(lab.hostsOf("asterisk")).isEqualTo(lab.hostsOf("haproxy"));
    }

    @Test
    void passwordsAreSecretsInBothInventories() throws IOException {
        for (Inventory inventory : List.of(InventoryLoader.load(REFERENCE), lab())) {
            Map<String, Object> vars = inventory.varsOf("lb1");
            for (String name : List.of("redis_password", "postgresql_app_password", "repmgr_password", "pgsql_check_password", "lb_vrrp_auth_pass",
                    "asterisk_vrrp_auth_pass", "haproxy_tls_key")) {
                assertThat(vars.get(name)).as(name).isInstanceOf(Secret.class);
            }
        }
    }
}
