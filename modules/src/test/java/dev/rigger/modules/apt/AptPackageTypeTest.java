package dev.rigger.modules.apt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rigger.core.error.InputException;
import dev.rigger.core.module.Args;
import dev.rigger.core.module.ModuleRegistry;
import dev.rigger.modules.apt.AptPackage.PackageRequest;
import dev.rigger.modules.apt.AptPackage.State;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** YAML binding of {@code apt}: Ansible's names, aliases and value forms. */
class AptPackageTypeTest {

    private static AptPackage create(Object... keyValues) {
        Map<String, Object> args = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) args.put((String) keyValues[i], keyValues[i + 1]);
        return (AptPackage) new AptPackage.Type().create(Args.of("apt", args));
    }

    @Test
    void isRegisteredUnderBothNames() {
        ModuleRegistry registry = ModuleRegistry.load(getClass().getClassLoader());
        assertThat(registry.find("apt")).get().isInstanceOf(AptPackage.Type.class);
        assertThat(registry.find("ansible.builtin.apt")).get().isInstanceOf(AptPackage.Type.class);
        assertThat(registry.find("apt_package")).get().isInstanceOf(AptPackage.Type.class);
        assertThat(registry.find("apt_repository")).get().isInstanceOf(AptRepository.Type.class);
    }

    @Test
    void namesComeAsAListACommaStringOrOneNameWithPins() {
        assertThat(create("name", List.of("redis-server", "haproxy")).packages())
                .containsExactly(new PackageRequest("redis-server", null), new PackageRequest("haproxy", null));
        assertThat(create("pkg", "less, haproxy").packages()).extracting(PackageRequest::name).containsExactly("less", "haproxy");
        assertThat(create("package", "redis-server=5:7.0.15-1~deb12u7").packages())
                .containsExactly(new PackageRequest("redis-server", "5:7.0.15-1~deb12u7"));
        assertThat(create("name", "libc6:amd64").packages().get(0).name()).isEqualTo("libc6:amd64");
    }

    @Test
    void defaultsAreAnsibles() {
        AptPackage a = create("name", "less");
        assertThat(a.state()).isEqualTo(State.PRESENT);
        assertThat(a.updateCache()).isFalse();
        assertThat(a.installRecommends()).isNull();
        assertThat(a.dpkgOptions()).containsExactly("force-confdef", "force-confold");
        assertThat(a.lockTimeout()).isEqualTo(60);
        assertThat(a.policyRcD()).isNull();
    }

    @Test
    void everyParameterBinds() {
        AptPackage a = create("name", "redis-server", "state", "latest", "update_cache", "yes", "cache_valid_time", 3600,
                "install_recommends", false, "purge", true, "autoremove", "true", "no_start", true, "force_apt_get", true,
                "allow_downgrade", true, "allow_change_held_packages", true, "default_release", "bookworm-backports",
                "dpkg_options", "force-confnew", "lock_timeout", 120);
        assertThat(a.state()).isEqualTo(State.LATEST);
        assertThat(a.cacheValidTime()).isEqualTo(3600);
        assertThat(a.installRecommends()).isFalse();
        assertThat(a.purge()).isTrue();
        assertThat(a.autoremove()).isTrue();
        assertThat(a.policyRcD()).isEqualTo(101);
        assertThat(a.allowDowngrade()).isTrue();
        assertThat(a.allowChangeHeldPackages()).isTrue();
        assertThat(a.defaultRelease()).isEqualTo("bookworm-backports");
        assertThat(a.dpkgOptions()).containsExactly("force-confnew");
        assertThat(a.lockTimeout()).isEqualTo(120);
    }

    @Test
    void cacheValidTimeImpliesUpdateCacheAsInAnsible() {
        assertThat(create("name", "less", "cache_valid_time", 600).updateCache()).isTrue();
    }

    @Test
    void updateCacheAloneNeedsNoName() {
        assertThat(create("update_cache", true).packages()).isEmpty();
        assertThatThrownBy(() -> create("state", "present")).isInstanceOf(InputException.class).hasMessageContaining("nothing to do");
    }

    @Test
    void versionParameterPins() {
        assertThat(create("name", "redis-server", "version", "5:7.0.15-1~deb12u7").packages().get(0).version()).isEqualTo("5:7.0.15-1~deb12u7");
        assertThatThrownBy(() -> create("name", List.of("a", "b"), "version", "1.0"))
                .isInstanceOf(InputException.class).hasMessageContaining("version pins one package");
    }

    @Test
    void badInputIsRefusedBeforeAnyHostIsTouched() {
        assertThatThrownBy(() -> create("name", "redis-server", "state", "latest", "version", "1.0"))
                .isInstanceOf(InputException.class).hasMessageContaining("contradict");
        assertThatThrownBy(() -> create("name", "Redis Server")).isInstanceOf(InputException.class).hasMessageContaining("not a Debian package name");
        assertThatThrownBy(() -> create("name", "x'; rm -rf /")).isInstanceOf(InputException.class);
        assertThatThrownBy(() -> create("name", "x=1.0;reboot")).isInstanceOf(InputException.class).hasMessageContaining("not a Debian version");
        assertThatThrownBy(() -> create("name", "x", "state", "installed")).isInstanceOf(InputException.class).hasMessageContaining("present, absent, latest");
        assertThatThrownBy(() -> create("name", "x", "no_start", true, "policy_rc_d", 0)).isInstanceOf(InputException.class);
        assertThatThrownBy(() -> create("name", "x", "name_", "y")).isInstanceOf(InputException.class).hasMessageContaining("unknown parameter 'name_'");
        assertThatThrownBy(() -> create("name", "x", "pkg", "y")).isInstanceOf(InputException.class).hasMessageContaining("same parameter");
        assertThatThrownBy(() -> create("name", List.of("x", "x"))).isInstanceOf(InputException.class).hasMessageContaining("named twice");
        assertThatThrownBy(() -> create("name", "x", "dpkg_options", "force-confold --root=/")).isInstanceOf(InputException.class);
    }

    @Test
    void hyphenatedAnsibleAliasesWork() {
        assertThat(create("name", "x", "update-cache", true).updateCache()).isTrue();
        assertThat(create("name", "x", "install-recommends", "no").installRecommends()).isFalse();
        assertThat(create("name", "x", "allow_downgrades", true).allowDowngrade()).isTrue();
        assertThat(create("name", "x", "default-release", "bookworm").defaultRelease()).isEqualTo("bookworm");
    }
}
