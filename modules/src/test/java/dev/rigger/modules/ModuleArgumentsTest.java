package dev.rigger.modules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rigger.core.error.InputException;
import dev.rigger.core.module.Args;
import dev.rigger.core.module.ModuleArgumentException;
import dev.rigger.modules.postgresql.PostgresqlUser;
import dev.rigger.modules.postgresql.Repmgr;
import dev.rigger.modules.redis.RedisReplica;
import dev.rigger.modules.storage.TgtTarget;
import dev.rigger.modules.system.Sysctl;
import dev.rigger.modules.system.User;
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
