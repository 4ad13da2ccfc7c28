package dev.rigger.modules.system;

import static dev.rigger.modules.system.PlanContext.DIFF;
import static dev.rigger.modules.system.PlanContext.PLAIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rigger.core.error.InputException;
import dev.rigger.core.module.Args;
import dev.rigger.core.module.Change;
import dev.rigger.core.module.ModuleException;
import dev.rigger.core.module.Plan;
import dev.rigger.modules.system.Sysctl.Current;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SysctlTest {
    private static final String KEY = "net.ipv4.ip_nonlocal_bind";
    private static final String FILE = "/etc/sysctl.conf";

    private static Current current(String live, String... lines) {
        return new Current(live, true, true, FILE, true, List.of(lines));
    }

    private static List<String> summaries(Plan plan) {
        return plan.changes().stream().map(Change::summary).toList();
    }

    private static Plan plan(Sysctl spec, Current state) {
        Plan plan = spec.plan(state, PLAIN);
        if (plan.hasChanges()) assertThat(PlanContext.syntaxErrors(plan.applyScript())).isEmpty();
        return plan;
    }

    private static String stdin(Plan p) {
        return new String(p.applyInput().readAll(), StandardCharsets.UTF_8);
    }

    @Nested
    class LiveAndFile {
        @Test
        void bothRightIsUnchanged() {
            assertThat(plan(Sysctl.set(KEY, "1").build(), current("1", "# comment", KEY + " = 1")).hasChanges()).isFalse();
        }

        @Test
        void bothWrongSetsLiveThenPersists() {
            Plan p = plan(Sysctl.set(KEY, "1").build(), current("0", "# comment"));
            assertThat(summaries(p)).containsExactly("set " + KEY + " live: 0 → 1", "set " + KEY + "=1 in " + FILE);
            assertThat(p.applyScript()).contains("sysctl -q -w '" + KEY + "=1'");
            assertThat(p.applyScript().indexOf("sysctl -q -w")).isLessThan(p.applyScript().indexOf("mv -f"));
            assertThat(stdin(p)).isEqualTo("# comment\n" + KEY + "=1\n");
        }

        @Test
        void liveDriftAloneIsCorrectedWithoutTouchingTheFile() {
            Plan p = plan(Sysctl.set(KEY, "1").build(), current("0", KEY + "=1"));
            assertThat(summaries(p)).containsExactly("set " + KEY + " live: 0 → 1");
            assertThat(p.applyInput()).isNull();
            assertThat(p.applyScript()).doesNotContain("mv -f");
        }

        @Test
        void fileOnlyWhenLiveManagementIsOff() {
            Sysctl fileOnly = new Sysctl(KEY, "1", true, null, false);
            Plan p = plan(fileOnly, current("0"));
            assertThat(summaries(p)).containsExactly("set " + KEY + "=1 in " + FILE);
            assertThat(plan(fileOnly, new Current(null, false, true, FILE, true, List.of(KEY + "=1"))).hasChanges())
                    .as("a key the kernel lacks is fine when only the file is managed").isFalse();
        }

        @Test
        void multiValueKeysCompareWithBlanksCollapsed() {
            Sysctl range = Sysctl.set("net.ipv4.ip_local_port_range", "1024   65000").build();
            assertThat(range.value()).isEqualTo("1024 65000");
            assertThat(plan(range, current("1024 65000", "net.ipv4.ip_local_port_range = 1024\t65000")).hasChanges()).isFalse();
        }

        @Test
        void diffModeShowsTheFileDiff() {
            Plan p = Sysctl.set(KEY, "1").build().plan(current("1", KEY + "=0"), DIFF);
            assertThat(p.changes().get(0).unifiedDiff()).hasValueSatisfying(d -> assertThat(d).contains("-" + KEY + "=0").contains("+" + KEY + "=1"));
        }

        @Test
        void newFileGets0644AndSymlinkedFileIsWrittenAtItsTarget() {
            Current missing = new Current("1", true, true, "/etc/sysctl.d/90-vip.conf", false, List.of());
            assertThat(plan(new Sysctl(KEY, "1", true, "/etc/sysctl.d/90-vip.conf", true), missing).applyScript()).contains("chmod 0644");
            Current resolved = new Current("1", true, true, "/etc/sysctl.conf", true, List.of());
            Plan p = plan(new Sysctl(KEY, "1", true, "/etc/sysctl.d/99-sysctl.conf", true), resolved);
            assertThat(p.applyScript()).contains("target='/etc/sysctl.conf'").doesNotContain("chmod 0644");
        }
    }

    @Nested
    class FileLines {
        private final Sysctl one = Sysctl.set(KEY, "1").build();

        @Test
        void firstLineOfTheKeyIsRewrittenLaterOnesDropped() {
            assertThat(one.desiredLines(List.of("a.b = 2", KEY + " = 0", "# x", "-" + KEY + "=1", "net/ipv4/ip_nonlocal_bind=0")))
                    .containsExactly("a.b = 2", KEY + "=1", "# x");
        }

        @Test
        void aLineWithTheRightValueStaysVerbatim() {
            assertThat(one.desiredLines(List.of("  " + KEY + "   =   1  "))).containsExactly("  " + KEY + "   =   1  ");
        }

        @Test
        void commentedOutKeysAreNotTheKey() {
            assertThat(one.desiredLines(List.of("#" + KEY + "=1", "; " + KEY + "=1"))).containsExactly("#" + KEY + "=1", "; " + KEY + "=1", KEY + "=1");
        }

        @Test
        void absentRemovesEveryLineOfTheKeyAndLeavesLiveAlone() {
            Sysctl absent = new Sysctl(KEY, null, false, null, true);
            Plan p = plan(absent, current("1", "x.y=1", KEY + "=1"));
            assertThat(summaries(p)).containsExactly("remove " + KEY + " from " + FILE);
            assertThat(p.applyScript()).doesNotContain("sysctl -q -w");
            assertThat(stdin(p)).isEqualTo("x.y=1\n");
            assertThat(plan(absent, current("1", "x.y=1")).hasChanges()).isFalse();
        }

        @Test
        void keysMatchByTheirProcPathWhicheverSeparatorTheyUse() {
            assertThat(Sysctl.procPath("net.ipv4.conf.eth0/100.rp_filter")).isEqualTo("net/ipv4/conf/eth0.100/rp_filter");
            assertThat(Sysctl.procPath("net/ipv4/conf/eth0.100/rp_filter")).isEqualTo("net/ipv4/conf/eth0.100/rp_filter");
            assertThat(Sysctl.procPath("kernel")).isEqualTo("kernel");
            Sysctl vlan = Sysctl.set("net/ipv4/conf/eth0.100/rp_filter", "2").build();
            assertThat(vlan.desiredLines(List.of("net.ipv4.conf.eth0/100.rp_filter=1", "net.ipv4.conf.eth0.100.rp_filter=1")))
                    .as("the second line is another key: eth0 → 100 → rp_filter")
                    .containsExactly("net/ipv4/conf/eth0.100/rp_filter=2", "net.ipv4.conf.eth0.100.rp_filter=1");
        }
    }

    @Nested
    class Refusals {
        @Test
        void readOnlyKeySaysSoBeforeChangingAnything() {
            Current ro = new Current("0", false, true, FILE, true, List.of());
            assertThatThrownBy(() -> plan(Sysctl.set("kernel.panic", "3").build(), ro)).isInstanceOf(ModuleException.class)
                    .hasMessageContaining("sysctl kernel.panic is read-only here: /proc/sys/kernel/panic is not writable")
                    .hasMessageContaining("container");
            Current notRoot = new Current("0", false, false, FILE, true, List.of());
            assertThatThrownBy(() -> plan(Sysctl.set("kernel.panic", "3").build(), notRoot)).hasMessageContaining("become: true");
        }

        @Test
        void unknownKeyIsAModuleError() {
            assertThatThrownBy(() -> plan(Sysctl.set("net.bridge.bridge-nf-call-iptables", "1").build(), current(null)))
                    .isInstanceOf(ModuleException.class).hasMessageContaining("does not exist on this host");
        }

        @Test
        void badSpecs() {
            assertThatThrownBy(() -> Sysctl.set("../etc/passwd", "1").build()).hasMessageContaining("is not a sysctl key");
            assertThatThrownBy(() -> Sysctl.set("-p", "1").build()).hasMessageContaining("is not a sysctl key");
            assertThatThrownBy(() -> new Sysctl(KEY, null, true, null, true)).hasMessageContaining("value: required");
            assertThatThrownBy(() -> Sysctl.set(KEY, "1\n2").build()).hasMessageContaining("one non-empty line");
        }
    }

    @Nested
    class ProbeOutput {
        @Test
        void parsesLiveWritableAndContent() {
            Current c = Current.parse(PlanContext.ok("uid\t0\nlive\t32768\t60999 \nwritable\nfile\t/etc/sysctl.conf\ncontent\n# hi\na=1\n"));
            assertThat(c).isEqualTo(new Current("32768 60999", true, true, "/etc/sysctl.conf", true, List.of("# hi", "a=1")));
            Current none = Current.parse(PlanContext.ok("uid\t1000\nfile\t/etc/x.conf\n"));
            assertThat(none).isEqualTo(new Current(null, false, false, "/etc/x.conf", false, List.of()));
        }

        @Test
        void probeReadsThisMachinesKernelAndFollowsSymlinks(@TempDir Path dir) throws IOException {
            Path real = Files.writeString(dir.resolve("real.conf"), "net.ipv4.ip_forward=1\n");
            Path link = Files.createSymbolicLink(dir.resolve("99-link.conf"), real);
            Sysctl spec = new Sysctl("net.ipv4.ip_forward", "1", true, link.toString(), true);
            Current c = Current.parse(PlanContext.run(spec.probe(PLAIN).script(), null));
            assertThat(c.live()).matches("[01]");
            assertThat(c.file()).isEqualTo(real.toRealPath().toString());
            assertThat(c.lines()).containsExactly("net.ipv4.ip_forward=1");
            Current missingDir = Current.parse(PlanContext.run(
                    new Sysctl("kernel.no_such_key_rigger", "1", true, dir + "/nodir/x.conf", true).probe(PLAIN).script(), null));
            assertThat(missingDir.live()).isNull();
            assertThat(missingDir.file()).isEqualTo(dir + "/nodir/x.conf");
            assertThat(missingDir.fileExists()).isFalse();
        }
    }

    @Test
    void yamlBinding() {
        Sysctl.Type type = new Sysctl.Type();
        assertThat(type.create(Args.of("sysctl", Map.of("name", KEY, "value", true)))).isEqualTo(Sysctl.set(KEY, "1").build());
        assertThat(type.create(Args.of("sysctl", Map.of("name", KEY, "value", 1, "reload", false))))
                .isEqualTo(new Sysctl(KEY, "1", true, null, false));
        assertThat(type.create(Args.of("sysctl", Map.of("name", KEY, "value", 1, "reload", false, "sysctl_set", true))))
                .isEqualTo(Sysctl.set(KEY, "1").build());
        assertThatThrownBy(() -> type.create(Args.of("sysctl", Map.of("name", KEY, "value", 1, "sysctl_file", "rel.conf"))))
                .isInstanceOf(InputException.class).hasMessageContaining("sysctl_file: must be an absolute file path");
    }
}
