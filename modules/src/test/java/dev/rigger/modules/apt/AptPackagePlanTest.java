package dev.rigger.modules.apt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rigger.core.module.Change;
import dev.rigger.core.module.ModuleException;
import dev.rigger.core.module.Outcome;
import dev.rigger.core.module.Plan;
import dev.rigger.modules.apt.AptPackage.State;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every plan decision of {@link AptPackage}: probe state (captured on bookworm) × spec → changes and script. */
class AptPackagePlanTest {
    private static final AptPackageState MIXED = AptPackageState.parse(Fixtures.text("probe-mixed.txt"));
    private static final AptPackageState LATEST = AptPackageState.parse(Fixtures.text("probe-latest.txt"));
    private static final AptPackageState PINNED = AptPackageState.parse(Fixtures.text("probe-pinned.txt"));
    private static final AptPackageState ABSENT = AptPackageState.parse(Fixtures.text("probe-absent.txt"));
    private static final AptPackageState EMPTY_CACHE = AptPackageState.parse(Fixtures.text("probe-empty-cache.txt"));

    private static Plan apply(AptPackage spec, AptPackageState st) {
        return spec.plan(st, Fixtures.context(false, false));
    }

    private static List<String> summaries(Plan plan) {
        return plan.changes().stream().map(Change::summary).toList();
    }

    private static AptPackageState state(String body) {
        return AptPackageState.parse("@apt 1000 900 1\n" + body);
    }

    // ------------------------------------------------------------ present

    @Test
    void presentInstallsAMissingPackageAtItsCandidate() {
        Plan plan = apply(AptPackage.builder("less", "redis-server").build(), MIXED);
        assertThat(summaries(plan)).containsExactly("install redis-server 5:7.0.15-1~deb12u7");
        assertThat(plan.applyScript()).contains("for rigger_p in 'redis-server'; do")
                .contains(" install \"$@\"")
                .doesNotContain("apt-get update")
                .doesNotContain("'less'; do");
    }

    @Test
    void presentWithEverythingInstalledIsNoChange() {
        assertThat(apply(AptPackage.builder("less").build(), MIXED).hasChanges()).isFalse();
    }

    @Test
    void allPackagesGoToOneAptCall() {
        AptPackageState st = state("@pkg a\n@policy\na:\n  Installed: (none)\n  Candidate: 1\n  Version table:\n     1 500\n"
                + "@pkg b\n@policy\nb:\n  Installed: (none)\n  Candidate: 2\n  Version table:\n     2 500\n");
        Plan plan = apply(AptPackage.builder("a", "b").build(), st);
        assertThat(summaries(plan)).containsExactly("install a 1", "install b 2");
        assertThat(plan.applyScript()).contains("for rigger_p in 'a' 'b'; do");
        assertThat(plan.applyScript().split(" install \"\\$@\"", -1)).hasSize(2);
    }

    @Test
    void diffModeShowsPackagesAsPlusAndMinusLines() {
        Plan plan = AptPackage.builder("redis-server").build().plan(MIXED, Fixtures.context(false, true));
        assertThat(plan.changes().get(0).unifiedDiff()).contains("+ redis-server 5:7.0.15-1~deb12u7\n");
        Plan upgrade = AptPackage.builder("rigger-hello").state(State.LATEST).build().plan(LATEST, Fixtures.context(false, true));
        assertThat(upgrade.changes().get(0).unifiedDiff()).contains("- rigger-hello 1.0\n+ rigger-hello 2.0\n");
    }

    @Test
    void anUnknownPackageIsATaskErrorNamingIt() {
        assertThatThrownBy(() -> apply(AptPackage.builder("redis-server", "nosuchpkg").build(), MIXED))
                .isInstanceOf(ModuleException.class)
                .hasMessageContaining("no package 'nosuchpkg' is known to apt")
                .hasMessageContaining("updated 4 min ago");
    }

    @Test
    void anEmptyCacheSaysToUpdateIt() {
        assertThatThrownBy(() -> apply(AptPackage.builder("redis-server").build(), EMPTY_CACHE))
                .isInstanceOf(ModuleException.class)
                .hasMessageContaining("'redis-server'")
                .hasMessageContaining("apt cache is empty")
                .hasMessageContaining("update_cache: true");
    }

    @Test
    void aKnownNameWithoutCandidateIsExplained() {
        AptPackageState st = state("@pkg gone\n@dpkg un |\n@policy\ngone:\n  Installed: (none)\n  Candidate: (none)\n  Version table:\n");
        assertThatThrownBy(() -> apply(AptPackage.builder("gone").build(), st))
                .isInstanceOf(ModuleException.class).hasMessageContaining("'gone' has no installation candidate");
    }

    @Test
    void anEmptyCacheWithUpdateCacheReportsHonestlyInCheckMode() {
        AptPackage spec = AptPackage.builder("redis-server").updateCache(true).build();
        Plan check = spec.plan(EMPTY_CACHE, Fixtures.context(true, false));
        assertThat(summaries(check)).containsExactly(
                "update the apt cache (never updated); the changes below are judged from the cache as it is now",
                "install redis-server (the apt cache is empty; looked up after its update)");
        Plan real = apply(spec, EMPTY_CACHE);
        String script = real.applyScript();
        assertThat(script.indexOf("rigger_apt_get update")).isPositive().isLessThan(script.indexOf(" install \"$@\""));
        assertThat(script).contains("touch /var/lib/apt/periodic/update-success-stamp");
    }

    // ------------------------------------------------------------ cache age

    @Test
    void cacheValidTimeSkipsTheUpdateWhileTheCacheIsFresh() {
        // MIXED: the cache is 290 s old.
        assertThat(AptPackage.builder("less").updateCache(Duration.ofSeconds(291)).build().cacheUpdateDue(MIXED)).isFalse();
        assertThat(AptPackage.builder("less").updateCache(Duration.ofSeconds(290)).build().cacheUpdateDue(MIXED)).isTrue();
        assertThat(AptPackage.builder("less").updateCache(true).build().cacheUpdateDue(MIXED)).as("no valid time: always").isTrue();
        assertThat(AptPackage.builder("less").build().cacheUpdateDue(MIXED)).as("not asked").isFalse();
        assertThat(AptPackage.builder("less").updateCache(Duration.ofDays(365)).build().cacheUpdateDue(EMPTY_CACHE))
                .as("an empty cache is never fresh").isTrue();
    }

    @Test
    void aFreshCacheAndNothingToDoIsOneExecAndNoChange() {
        Plan plan = apply(AptPackage.builder("less").updateCache(Duration.ofHours(1)).build(), MIXED);
        assertThat(plan.hasChanges()).isFalse();
    }

    @Test
    void aDueUpdateAloneIsNoChangeInCheckModeAndNotChangedAfterwards() {
        AptPackage spec = AptPackage.builder("less").updateCache(true).build();
        Plan check = spec.plan(MIXED, Fixtures.context(true, false));
        assertThat(check.hasChanges()).isFalse();
        assertThat(check.data()).containsEntry("msg", "the apt cache would be updated (last updated 4 min ago)");

        Plan real = apply(spec, MIXED);
        assertThat(summaries(real)).containsExactly("update the apt cache (last updated 4 min ago)");
        assertThat(real.applyScript()).contains("rigger_apt_get update").doesNotContain(" install ");
        String out = "Reading package lists...\n@after\n@pkg less\n@dpkg ii |590-2.1~deb12u2\n";
        Outcome outcome = real.interpreter().apply(Fixtures.ok(out));
        assertThat(outcome.changed()).isFalse();
        assertThat(outcome.failed()).isFalse();
        assertThat(outcome.data()).containsEntry("cache_updated", true).containsEntry("stdout", "Reading package lists...");
    }

    // ------------------------------------------------------------ virtual packages

    @Test
    void aVirtualPackageWithAnInstalledProviderIsPresent() {
        assertThat(apply(AptPackage.builder("awk").build(), MIXED).hasChanges()).isFalse();
    }

    @Test
    void aVirtualPackageWithManyProvidersMustBeNamed() {
        assertThatThrownBy(() -> apply(AptPackage.builder("mail-transport-agent").build(), MIXED))
                .isInstanceOf(ModuleException.class)
                .hasMessageContaining("'mail-transport-agent' is a virtual package provided by ssmtp, sendmail-bin, postfix");
    }

    @Test
    void aVirtualPackageWithOneProviderIsInstalledThroughIt() {
        AptPackageState st = state("@pkg mta\n@policy\nmta:\n  Installed: (none)\n  Candidate: (none)\n  Version table:\n@provider postfix \n");
        assertThat(summaries(apply(AptPackage.builder("mta").build(), st))).containsExactly("install mta (virtual, provided by postfix)");
    }

    // ------------------------------------------------------------ latest

    @Test
    void latestUpgradesInstallsAndLeavesCurrentOnesAlone() {
        Plan plan = apply(AptPackage.builder("rigger-hello", "less", "logrotate", "redis-server").state(State.LATEST).build(), LATEST);
        assertThat(summaries(plan)).containsExactly(
                "upgrade rigger-hello 1.0 -> 2.0",
                "install logrotate 3.21.0-1",
                "install redis-server 5:7.0.15-1~deb12u7");
        // latest passes names straight to apt-get install (which upgrades); present's guard is not used.
        assertThat(plan.applyScript()).contains("set -- \"$@\" 'rigger-hello' 'logrotate' 'redis-server'")
                .doesNotContain("for rigger_p in");
    }

    @Test
    void latestOfAHeldPackageNeedingAnUpgradeIsRefusedUnlessAllowed() {
        AptPackageState st = state("@pkg x\n@dpkg hi |1\n@policy\nx:\n  Installed: 1\n  Candidate: 2\n  Version table:\n     2 500\n *** 1 500\n");
        assertThatThrownBy(() -> apply(AptPackage.builder("x").state(State.LATEST).build(), st))
                .isInstanceOf(ModuleException.class).hasMessageContaining("'x' is held").hasMessageContaining("allow_change_held_packages");
        Plan allowed = apply(AptPackage.builder("x").state(State.LATEST).allowChangeHeldPackages(true).build(), st);
        assertThat(summaries(allowed)).containsExactly("upgrade x 1 -> 2");
        assertThat(allowed.applyScript()).contains("--allow-change-held-packages");
    }

    @Test
    void latestNeverDowngradesToALowerCandidate() {
        AptPackageState st = state("@pkg x\n@dpkg ii |3\n@policy\nx:\n  Installed: 3\n  Candidate: 2\n  Version table:\n *** 3 100\n     2 500\n");
        assertThat(apply(AptPackage.builder("x").state(State.LATEST).build(), st).hasChanges()).isFalse();
    }

    @Test
    void latestWithADueUpdateHandsEveryPackageToApt() {
        AptPackage spec = AptPackage.builder("less", "rigger-hello").state(State.LATEST).updateCache(true).build();
        Plan plan = apply(spec, LATEST);
        assertThat(summaries(plan)).containsExactly("update the apt cache (last updated 4 s ago)", "upgrade rigger-hello 1.0 -> 2.0");
        // less shows no upgrade in the stale cache, but the updated one may offer one.
        assertThat(plan.applyScript()).contains("set -- \"$@\" 'rigger-hello' 'less'");
    }

    // ------------------------------------------------------------ pins

    @Test
    void aPinUpgradesToExactlyThatVersion() {
        Plan plan = apply(AptPackage.builder("rigger-hello=2.0", "less=590-2.1~deb12u2").build(), PINNED);
        assertThat(summaries(plan)).containsExactly("upgrade rigger-hello 1.0 -> 2.0");
        assertThat(plan.applyScript()).contains("set -- \"$@\" 'rigger-hello=2.0'\n").doesNotContain("'less=");
    }

    @Test
    void theVersionParameterPinsTheOnePackage() {
        Plan plan = apply(AptPackage.builder("rigger-hello").version("2.0").build(), PINNED);
        assertThat(plan.applyScript()).contains("'rigger-hello=2.0'");
        assertThatThrownBy(() -> AptPackage.builder("a", "b").version("1").build()).hasMessageContaining("version pins one package");
        assertThatThrownBy(() -> AptPackage.builder("a=2").version("1").build()).hasMessageContaining("contradicts");
    }

    @Test
    void aPinBelowTheInstalledVersionIsADowngradeThatMustBeAllowed() {
        AptPackageState st = state("@pkg x\n@dpkg ii |2.0\n@policy\nx:\n  Installed: 2.0\n  Candidate: 2.0\n  Version table:\n *** 2.0 500\n     1.0 500\n");
        assertThatThrownBy(() -> apply(AptPackage.builder("x=1.0").build(), st))
                .isInstanceOf(ModuleException.class)
                .hasMessage("package 'x' would be downgraded from 2.0 to 1.0; set allow_downgrade: true to allow it");
        Plan plan = apply(AptPackage.builder("x=1.0").allowDowngrade(true).build(), st);
        assertThat(summaries(plan)).containsExactly("downgrade x 2.0 -> 1.0");
        assertThat(plan.applyScript()).contains("--allow-downgrades");
    }

    @Test
    void aPinToAVersionAptDoesNotOfferListsWhatItOffers() {
        assertThatThrownBy(() -> apply(AptPackage.builder("rigger-hello=3.0").build(), PINNED))
                .isInstanceOf(ModuleException.class)
                .hasMessageContaining("version 3.0 of package 'rigger-hello' is not available; apt offers 2.0, 1.0");
    }

    @Test
    void aPinOfANotInstalledPackageInstallsThatVersion() {
        AptPackage spec = AptPackage.builder("redis-server=5:7.0.15-1~deb12u7").build();
        Plan plan = apply(spec, MIXED);
        assertThat(summaries(plan)).containsExactly("install redis-server 5:7.0.15-1~deb12u7");
        assertThat(plan.applyScript()).contains("'redis-server=5:7.0.15-1~deb12u7'");
    }

    @Test
    void aPinNotYetInTheCacheIsLeftToAptWhenTheCacheIsUpdatedFirst() {
        Plan plan = apply(AptPackage.builder("rigger-hello=3.0").updateCache(true).build(), PINNED);
        assertThat(summaries(plan)).containsExactly("update the apt cache (last updated 5 s ago)",
                "upgrade rigger-hello 1.0 -> 3.0 (if the updated cache offers it)");
    }

    // ------------------------------------------------------------ absent

    @Test
    void absentRemovesInstalledPackagesAndIgnoresUnknownOnes() {
        Plan plan = apply(AptPackage.builder("rigger-hello", "nosuchpkg", "logrotate").state(State.ABSENT).build(), ABSENT);
        assertThat(summaries(plan)).containsExactly("remove rigger-hello 1.0");
        assertThat(plan.applyScript()).contains(" remove 'rigger-hello'").doesNotContain(" install ");
    }

    @Test
    void absentWithPurgeAlsoPurgesLeftOverConfigFiles() {
        Plan plan = apply(AptPackage.builder("rigger-hello", "logrotate").state(State.ABSENT).purge(true).build(), ABSENT);
        assertThat(summaries(plan)).containsExactly("purge rigger-hello 1.0", "purge the configuration files left by logrotate");
        assertThat(plan.applyScript()).contains(" purge 'rigger-hello' 'logrotate'");
    }

    @Test
    void absentOfAHeldPackageIsRefused() {
        assertThatThrownBy(() -> apply(AptPackage.builder("less").state(State.ABSENT).build(), ABSENT))
                .isInstanceOf(ModuleException.class).hasMessageContaining("cannot remove it");
    }

    @Test
    void absentWithAVersionRemovesOnlyThatVersion() {
        assertThat(apply(AptPackage.builder("rigger-hello=2.0").state(State.ABSENT).build(), ABSENT).hasChanges()).isFalse();
        assertThat(summaries(apply(AptPackage.builder("rigger-hello=1.0").state(State.ABSENT).build(), ABSENT)))
                .containsExactly("remove rigger-hello 1.0");
    }

    @Test
    void autoremoveListsTheOrphansAndRunsOnce() {
        Plan plan = apply(AptPackage.builder("rigger-hello").state(State.ABSENT).autoremove(true).build(), ABSENT);
        assertThat(summaries(plan)).containsExactly("remove rigger-hello 1.0 (and the packages only it needed)",
                "autoremove packages nothing needs any more: libpopt0");
        assertThat(plan.applyScript()).contains(" autoremove;");
        assertThat(AptPackage.builder("rigger-hello").state(State.ABSENT).autoremove(true).build().probeScript())
                .contains("apt-get -s -q autoremove");
        assertThat(AptPackage.builder("rigger-hello").state(State.ABSENT).build().probeScript()).doesNotContain("autoremove");
    }

    @Test
    void autoremoveAloneWithoutOrphansIsNoChange() {
        AptPackageState st = state("");
        assertThat(apply(AptPackage.builder().autoremove(true).build(), st).hasChanges()).isFalse();
    }

    // ------------------------------------------------------------ apply options

    @Test
    void noStartWrapsTheInstallInAPolicyRcDThatIsRestoredOnExit() {
        String script = apply(AptPackage.builder("redis-server").noStart(true).build(), MIXED).applyScript();
        int setup = script.indexOf("trap 'rigger_prc_restore' EXIT");
        int install = script.indexOf(" install \"$@\"");
        int restore = script.indexOf("  rigger_prc_restore\n", install);
        assertThat(setup).isPositive().isLessThan(install);
        assertThat(restore).isGreaterThan(install);
        assertThat(script).contains("exit 101\\n").contains("/usr/sbin/.policy-rc.d.rigger-saved.");
        assertThat(apply(AptPackage.builder("redis-server").policyRcD(104).build(), MIXED).applyScript()).contains("exit 104\\n");
        assertThat(apply(AptPackage.builder("redis-server").build(), MIXED).applyScript()).doesNotContain("policy-rc.d");
    }

    @Test
    void installRecommendsKeepsAptsDefaultUnlessSet() {
        assertThat(apply(AptPackage.builder("redis-server").build(), MIXED).applyScript())
                .doesNotContain("Install-Recommends").doesNotContain("--no-install-recommends");
        assertThat(apply(AptPackage.builder("redis-server").installRecommends(false).build(), MIXED).applyScript())
                .contains("--no-install-recommends");
        assertThat(apply(AptPackage.builder("redis-server").installRecommends(true).build(), MIXED).applyScript())
                .contains("-o APT::Install-Recommends=true");
    }

    @Test
    void applyIsNonInteractiveKeepsConfigFilesAndWaitsForLocks() {
        AptPackage spec = AptPackage.builder("redis-server").lockTimeout(Duration.ofSeconds(90)).build();
        String script = apply(spec, MIXED).applyScript();
        assertThat(script).contains("export DEBIAN_FRONTEND=noninteractive LC_ALL=C")
                .contains("'-o' 'Dpkg::Options::=--force-confdef' '-o' 'Dpkg::Options::=--force-confold'")
                .contains("-o DPkg::Lock::Timeout=\"$rigger_left\"")
                .contains("rigger_deadline=$(( $(date +%s) + 90 ))")
                .contains("/var/lib/apt/lists/lock /var/cache/apt/archives/lock")
                .contains("grep -q 'Could not get lock'")
                .contains("</dev/null");
    }

    @Test
    void defaultReleaseReachesBothProbeAndInstall() {
        AptPackage spec = AptPackage.builder("redis-server").defaultRelease("bookworm-backports").build();
        assertThat(spec.probeScript()).contains("apt-cache -o 'APT::Default-Release=bookworm-backports' policy");
        assertThat(apply(spec, MIXED).applyScript()).contains("-t 'bookworm-backports'");
    }

    @Test
    void theProbeAsksAptOnlyWhereTheDecisionNeedsIt() {
        assertThat(AptPackage.builder("a").build().probeScript()).contains("case \"$rigger_d\" in '@dpkg '?[iWt]*) ;; *) rigger_policy 'a';; esac");
        assertThat(AptPackage.builder("a").state(State.LATEST).build().probeScript()).contains("\nrigger_policy 'a'\n");
        assertThat(AptPackage.builder("a=1").build().probeScript()).contains("\nrigger_policy 'a'\n");
        assertThat(AptPackage.builder("a").state(State.ABSENT).build().probeScript()).doesNotContain("rigger_policy 'a'");
    }

    // ------------------------------------------------------------ outcome

    @Test
    void theOutcomeNamesWhatMovedAndHidesTheAfterSection() {
        Plan plan = apply(AptPackage.builder("rigger-hello").state(State.LATEST).build(), LATEST);
        Outcome o = plan.interpreter().apply(Fixtures.ok(Fixtures.text("apply-upgrade-stdout.txt")));
        assertThat(o.failed()).isFalse();
        assertThat(o.changed()).isTrue();
        assertThat(o.message()).isEqualTo("rigger-hello 1.0 -> 2.0");
        assertThat((String) o.data().get("stdout")).contains("1 upgraded, 0 newly installed").doesNotContain("@after").doesNotContain("@dpkg");
        assertThat(o.data()).containsEntry("cache_updated", false);
    }

    @Test
    void theOutcomeSaysInstalledAndRemoved() {
        Plan install = apply(AptPackage.builder("redis-server").build(), MIXED);
        Outcome o = install.interpreter().apply(Fixtures.ok("1 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n@after\n@pkg redis-server\n@dpkg ii |5:7.0.15-1~deb12u7\n"));
        assertThat(o.message()).isEqualTo("installed redis-server 5:7.0.15-1~deb12u7");
        Plan remove = apply(AptPackage.builder("rigger-hello", "logrotate").state(State.ABSENT).purge(true).build(), ABSENT);
        Outcome r = remove.interpreter().apply(Fixtures.ok("@after\n@pkg rigger-hello\n@pkg logrotate\n@dpkg un |\n"));
        assertThat(r.changed()).isTrue();
        assertThat(r.message()).isEqualTo("removed rigger-hello; purged the configuration files of logrotate");
    }

    @Test
    void anUnknownPackageAfterTheUpdateIsNamedInTheFailure() {
        Plan plan = apply(AptPackage.builder("nosuchpkg").updateCache(true).build(), MIXED);
        Outcome o = plan.interpreter().apply(Fixtures.result(1, "Reading package lists...\n", Fixtures.text("apply-unknown-stderr.txt")));
        assertThat(o.failed()).isTrue();
        assertThat(o.message()).isEqualTo("no package 'nosuchpkg' is known to apt (even after updating the cache); check the name, or add its repository");
    }

    @Test
    void otherFailuresCarryAptsErrorLines() {
        Plan plan = apply(AptPackage.builder("redis-server").build(), MIXED);
        String stderr = "W: something harmless\nE: Sub-process /usr/bin/dpkg returned an error code (1)\nrigger: apt-get install failed\n";
        Outcome o = plan.interpreter().apply(Fixtures.result(1, "", stderr));
        assertThat(o.message()).isEqualTo("exit 1: E: Sub-process /usr/bin/dpkg returned an error code (1)\nrigger: apt-get install failed");
        Outcome root = plan.interpreter().apply(Fixtures.result(77, "", "rigger: apt needs root: run the task with become: true\n"));
        assertThat(root.message()).contains("become: true");
    }

    @Test
    void nothingInstalledAfterAllIsNotAChange() {
        Plan plan = apply(AptPackage.builder("redis-server").build(), MIXED);
        // Someone installed it between probe and apply: the guard skipped apt-get.
        AptPackageState before = AptPackageState.parse(Fixtures.text("probe-mixed.txt").replace("@pkg redis-server\n", "@pkg redis-server\n@dpkg ii |5:7.0.15-1~deb12u7\n"));
        Outcome o = AptPackage.builder("redis-server").build().interpret(
                Fixtures.ok("@after\n@pkg redis-server\n@dpkg ii |5:7.0.15-1~deb12u7\n"), before, false);
        assertThat(o.changed()).isFalse();
        assertThat(plan.hasChanges()).isTrue();
    }
}
