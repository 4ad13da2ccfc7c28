package dev.rigger.modules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rigger.core.error.InputException;
import dev.rigger.core.module.Args;
import dev.rigger.core.module.ModuleArgumentException;
import dev.rigger.modules.command.Command;
import dev.rigger.modules.files.Stat;
import dev.rigger.modules.postgresql.PostgresqlConf;
import dev.rigger.modules.postgresql.PostgresqlHba;
import dev.rigger.modules.postgresql.PostgresqlUser;
import dev.rigger.modules.postgresql.Repmgr;
import dev.rigger.modules.redis.RedisReplica;
import dev.rigger.modules.storage.Mount;
import dev.rigger.modules.storage.Ocfs2Format;
import dev.rigger.modules.storage.TgtTarget;
import dev.rigger.modules.system.AuthorizedKey;
import dev.rigger.modules.system.LocalGroup;
import dev.rigger.modules.system.Sysctl;
import dev.rigger.modules.system.User;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * Java embedders get the same typed refusal from every cluster and system module that YAML users
 * get as a located error: a {@link ModuleArgumentException} naming the module and the parameter.
 */
class ModuleArgumentsTest {

    @Test
    void buildersNameTheModuleAndTheParameter() {
        refused(() -> PostgresqlUser.named("app").port(0).build(), "postgresql_user", "port");
        refused(() -> User.named("bad:name").build(), "user", "name");
        refused(() -> User.named("app").shell("/bin/sh\nx").build(), "user", "shell");
        refused(() -> Sysctl.set("", "1").build(), "sysctl", "name");
        refused(() -> TgtTarget.builder("disk", "not-an-iqn").lun("/srv/disk.img").initiators("ALL").build(), "tgt_target", "iqn");
        refused(() -> RedisReplica.main("10.0.0.1").port(70000).build(), "redis_replica", "port");
        refused(() -> Repmgr.node(0, "pg1", Repmgr.Role.PRIMARY, "host=pg1 dbname=repmgr user=repmgr").build(), "repmgr", "node_id");
        refused(() -> Command.of("true").creates("relative/path").build(), "command", "creates");
        refused(() -> LocalGroup.present("lbadmin").gid(-1).build(), "group", "gid");
        refused(() -> AuthorizedKey.present("alice", "not a key").build(), "authorized_key", "key");
        refused(() -> Mount.mounted("relative", "tmpfs", "tmpfs", null).build(), "mount", "path");
        refused(() -> Ocfs2Format.of("/dev/sdb", "bad label", "odoo", 4).build(), "ocfs2_format", "label");
        refused(() -> PostgresqlHba.of().marker("no mark").build(), "postgresql_hba", "marker");
        refused(() -> PostgresqlConf.of(Map.of("wal_level", "replica")).port(0).build(), "postgresql_conf", "port");
    }

    /** A builder left at its defaults is the module the same YAML task gives: one set of defaults. */
    @Test
    void builderDefaultsAreTheYamlDefaults() {
        assertThat(Stat.of("/etc/app.conf").build()).isEqualTo(yaml(new Stat.Type(), "stat", Map.of("path", "/etc/app.conf")));
        assertThat(PostgresqlConf.of(Map.of("wal_level", "replica")).build())
                .isEqualTo(yaml(new PostgresqlConf.Type(), "postgresql_conf", Map.of("settings", Map.of("wal_level", "replica"))));
        assertThat(PostgresqlHba.of(PostgresqlHba.Entry.host("app", "app", "10.0.1.0/24", "scram-sha-256")).build())
                .isEqualTo(yaml(new PostgresqlHba.Type(), "postgresql_hba", Map.of("entries",
                        List.of(Map.of("type", "host", "database", "app", "user", "app", "address", "10.0.1.0/24", "method", "scram-sha-256")))));
        assertThat(Ocfs2Format.of("/dev/sdb", "odoo", "odoo", 4).build())
                .isEqualTo(yaml(new Ocfs2Format.Type(), "ocfs2_format", Map.of("device", "/dev/sdb", "label", "odoo", "cluster_name", "odoo", "slots", 4)));
        assertThat(Sysctl.set("vm.swappiness", "10").build())
                .isEqualTo(yaml(new Sysctl.Type(), "sysctl", Map.of("name", "vm.swappiness", "value", "10")));
        assertThat(LocalGroup.present("lbadmin").build()).isEqualTo(yaml(new LocalGroup.Type(), "group", Map.of("name", "lbadmin")));
        assertThat(Mount.mounted("/mnt/t", "tmpfs", "tmpfs", null).build())
                .isEqualTo(yaml(new Mount.Type(), "mount", Map.of("path", "/mnt/t", "src", "tmpfs", "fstype", "tmpfs", "state", "mounted")));
    }

    private static Object yaml(dev.rigger.core.module.ModuleType type, String module, Map<String, Object> args) {
        return type.create(Args.of(module, args));
    }

    @Test
    void yamlUsersGetTheRefusalAtTheParameterWithTheModuleNamedOnce() {
        assertThatThrownBy(() -> new PostgresqlUser.Type().create(Args.of("postgresql_user", Map.of("name", "app", "port", 0))))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("postgresql_user: port: must be 1 to 65535, got 0")
                .satisfies(e -> assertThat(e.getMessage()).containsOnlyOnce("postgresql_user"));
    }

    private static void refused(ThrowingCallable build, String module, String parameter) {
        assertThatThrownBy(build).isInstanceOfSatisfying(ModuleArgumentException.class, e -> {
            assertThat(e.module()).isEqualTo(module);
            assertThat(e.parameter()).isEqualTo(parameter);
            assertThat(e.getMessage()).startsWith(module + ": " + parameter + ": ");
        });
    }
}
