package dev.rigger.modules.apt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rigger.core.module.ModuleException;
import dev.rigger.modules.apt.AptPackageState.PackageInfo;
import dev.rigger.modules.apt.AptPackageState.Provider;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The probe parser, fed with outputs of the real probe script on Debian bookworm. */
class AptPackageStateTest {

    @Test
    void readsInstalledCandidateUnknownAndVirtualPackages() {
        AptPackageState st = AptPackageState.parse(Fixtures.text("probe-mixed.txt"));
        assertThat(st.hasLists()).isTrue();
        assertThat(st.cacheAgeSeconds()).isEqualTo(1795407038L - 1795406748L);

        PackageInfo less = st.get("less");
        assertThat(less.installed()).isTrue();
        assertThat(less.installedVersion()).contains("590-2.1~deb12u2");
        assertThat(less.policy()).as("an installed package under present needs no apt-cache policy").isEmpty();

        PackageInfo redis = st.get("redis-server");
        assertThat(redis.installed()).isFalse();
        assertThat(redis.dpkg()).isEmpty();
        assertThat(redis.candidate()).contains("5:7.0.15-1~deb12u7");
        assertThat(redis.policy().orElseThrow().versions()).containsExactly("5:7.0.15-1~deb12u7");

        PackageInfo unknown = st.get("nosuchpkg");
        assertThat(unknown.unknownToApt()).isTrue();
        assertThat(unknown.candidate()).isEmpty();

        PackageInfo awk = st.get("awk");
        assertThat(awk.dpkg().orElseThrow().abbrev()).isEqualTo("un");
        assertThat(awk.installed()).isFalse();
        assertThat(awk.unknownToApt()).isFalse();
        assertThat(awk.candidate()).isEmpty();
        assertThat(awk.providers()).containsExactly(new Provider("original-awk", false), new Provider("mawk", true), new Provider("gawk", false));

        assertThat(st.get("mail-transport-agent").providers()).hasSize(11).noneMatch(Provider::installed);
    }

    @Test
    void readsVersionTablesHighestFirstWithTheInstalledOneMarked() {
        AptPackageState st = AptPackageState.parse(Fixtures.text("probe-latest.txt"));
        PackageInfo hello = st.get("rigger-hello");
        assertThat(hello.installedVersion()).contains("1.0");
        assertThat(hello.candidate()).contains("2.0");
        AptPackageState.Policy policy = hello.policy().orElseThrow();
        assertThat(policy.installed()).contains("1.0");
        assertThat(policy.versions()).containsExactly("2.0", "1.0");
        assertThat(policy.ranksAbove("2.0", "1.0")).isTrue();
        assertThat(policy.ranksAbove("1.0", "2.0")).isFalse();
        assertThat(policy.ranksAbove("3.0", "1.0")).as("versions not in the table rank nowhere").isFalse();
    }

    @Test
    void readsHeldAndConfigFilesOnlyStates() {
        AptPackageState st = AptPackageState.parse(Fixtures.text("probe-latest.txt"));
        PackageInfo less = st.get("less");
        assertThat(less.held()).isTrue();
        assertThat(less.installed()).isTrue();
        PackageInfo logrotate = st.get("logrotate");
        assertThat(logrotate.configFilesOnly()).isTrue();
        assertThat(logrotate.installed()).isFalse();
        assertThat(logrotate.installedVersion()).as("config files are not an installed version").isEmpty();
        assertThat(logrotate.candidate()).contains("3.21.0-1");
    }

    @Test
    void readsOrphansForAutoremove() {
        AptPackageState st = AptPackageState.parse(Fixtures.text("probe-absent.txt"));
        assertThat(st.autoremovable()).containsExactly("libpopt0");
        assertThat(st.get("nosuchpkg").dpkg()).isEmpty();
        assertThat(st.get("nosuchpkg").policy()).as("absent never asks apt-cache").isEmpty();
    }

    @Test
    void anEmptyCacheHasNoAge() {
        AptPackageState st = AptPackageState.parse(Fixtures.text("probe-empty-cache.txt"));
        assertThat(st.hasLists()).isFalse();
        assertThat(st.cacheAgeSeconds()).isEqualTo(-1);
        assertThat(st.get("redis-server").unknownToApt()).isTrue();
        assertThat(st.get("less").candidate()).isEmpty();
    }

    @Test
    void aHostWithoutAptIsAClearError() {
        assertThatThrownBy(() -> AptPackageState.parse("@noapt\n"))
                .isInstanceOf(ModuleException.class).hasMessageContaining("no apt/dpkg");
    }

    @Test
    void outputWithoutTheHeaderIsRefused() {
        assertThatThrownBy(() -> AptPackageState.parse("sh: 1: syntax error\n"))
                .isInstanceOf(ModuleException.class).hasMessageContaining("syntax error");
    }

    @Test
    void multiArchRecordsPreferTheInstalledOne() {
        AptPackageState st = AptPackageState.parse("@apt 100 50 1\n@pkg libc6\n@dpkg un |\n@dpkg ii |2.36-9\n");
        assertThat(st.get("libc6").installedVersion()).contains("2.36-9");
    }

    @Test
    void brokenStatesAreNeitherInstalledNorAbsent() {
        AptPackageState st = AptPackageState.parse("@apt 100 50 1\n@pkg x\n@dpkg iF |1.0\n");
        PackageInfo x = st.get("x");
        assertThat(x.installed()).isFalse();
        assertThat(x.broken()).isTrue();
        assertThat(x.installedVersion()).contains("1.0");
    }

    @Test
    void policyBlockParsesAloneToo() {
        AptPackageState.Policy p = AptPackageState.parsePolicy(List.of("x:", "  Installed: (none)", "  Candidate: (none)", "  Version table:"));
        assertThat(p.known()).isTrue();
        assertThat(p.candidate()).isEqualTo(Optional.empty());
        assertThat(AptPackageState.parsePolicy(List.of()).known()).isFalse();
    }
}
