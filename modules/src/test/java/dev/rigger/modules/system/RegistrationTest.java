package dev.rigger.modules.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rigger.core.module.ModuleRegistry;
import org.junit.jupiter.api.Test;

/** YAML finds the system modules by their Ansible names (and the ansible.builtin./ansible.posix. forms). */
class RegistrationTest {
    @Test
    void everyNameResolvesToItsModule() {
        ModuleRegistry registry = ModuleRegistry.load();
        assertThat(registry.find("systemd")).containsInstanceOf(Systemd.Type.class);
        assertThat(registry.find("ansible.builtin.systemd_service")).containsInstanceOf(Systemd.Type.class);
        assertThat(registry.find("service")).containsInstanceOf(Systemd.Type.class);
        assertThat(registry.find("ansible.builtin.user")).containsInstanceOf(User.Type.class);
        assertThat(registry.find("group")).containsInstanceOf(LocalGroup.Type.class);
        assertThat(registry.find("ansible.posix.authorized_key")).containsInstanceOf(AuthorizedKey.Type.class);
        assertThat(registry.find("ansible.posix.sysctl")).containsInstanceOf(Sysctl.Type.class);
    }
}
