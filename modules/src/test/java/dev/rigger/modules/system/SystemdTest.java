package dev.rigger.modules.system;

import static dev.rigger.modules.system.PlanContext.PLAIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rigger.core.error.InputException;
import dev.rigger.core.module.Args;
import dev.rigger.core.module.Change;
import dev.rigger.core.module.ModuleException;
import dev.rigger.core.module.Plan;
import dev.rigger.core.transport.ExecResult;
import dev.rigger.modules.system.Systemd.UnitState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemdTest {

    private static UnitState unit(String load, String active, String fileState) {
        return new UnitState("cron.service", load, active, active.equals("active") ? "running" : "dead", fileState, false, false, "simple");
    }

    private static final UnitState RUNNING_ENABLED = unit("loaded", "active", "enabled");
    private static final UnitState STOPPED_DISABLED = unit("loaded", "inactive", "disabled");

    private static List<String> summaries(Plan plan) {
        return plan.changes().stream().map(Change::summary).toList();
    }

    private static Plan plan(Systemd spec, UnitState state) {
        Plan plan = spec.plan(state, PLAIN);
        if (plan.hasChanges()) assertThat(PlanContext.syntaxErrors(plan.applyScript())).isEmpty();
        return plan;
    }

    @Nested
    class ProbeOutput {
        @Test
        void readsEveryPropertyInAnyOrder() {
            UnitState s = UnitState.parse(PlanContext.ok("""
                    Type=notify
                    Id=ssh.service
                    LoadState=loaded
                    ActiveState=active
                    SubState=running
                    UnitFileState=enabled
                    CanReload=yes
                    NeedDaemonReload=yes
                    """));
            assertThat(s).isEqualTo(new UnitState("ssh.service", "loaded", "active", "running", "enabled", true, true, "notify"));
            assertThat(s.exists()).isTrue();
            assertThat(s.isMasked()).isFalse();
        }

        @Test
        void unknownUnitHasLoadStateNotFound() {
            UnitState s = UnitState.parse(PlanContext.ok("Type=\nId=nope.service\nLoadState=not-found\nActiveState=inactive\n"
                    + "SubState=dead\nUnitFileState=\nCanReload=no\nNeedDaemonReload=no\n"));
            assertThat(s.exists()).isFalse();
            assertThat(s.unitFileState()).isEmpty();
        }

        @Test
        void maskedUnitIsMasked() {
            assertThat(UnitState.parse(PlanContext.ok("Id=x.service\nLoadState=masked\nUnitFileState=masked\n")).isMasked()).isTrue();
            assertThat(unit("loaded", "inactive", "masked-runtime").isMasked()).isTrue();
        }

        @Test
        void hostWithoutSystemctlOrSystemdIsAClearError() {
            assertThatThrownBy(() -> UnitState.parse(PlanContext.ok(UnitState.NO_SYSTEMCTL + "\n")))
                    .isInstanceOf(ModuleException.class).hasMessageContaining("does not run systemd");
            assertThatThrownBy(() -> UnitState.parse(PlanContext.failed(1,
                    "System has not been booted with systemd as init system (PID 1). Can't operate.\n")))
                    .isInstanceOf(ModuleException.class).hasMessageContaining("exit 1").hasMessageContaining("not been booted with systemd");
        }

        @Test
        void probeIsOneQuotedSystemctlShow() {
            String script = Systemd.unit("postgresql@15-main").started().build().probe(PLAIN).script();
            assertThat(script).contains("systemctl show -p Id,LoadState,ActiveState,SubState,UnitFileState,NeedDaemonReload,CanReload,Type -- 'postgresql@15-main.service'");
            assertThat(PlanContext.syntaxErrors(script)).isEmpty();
        }
    }

    @Nested
    class Names {
        @Test
        void unitWithoutTypeIsAService() {
            assertThat(Systemd.unit("cron").build().name()).isEqualTo("cron.service");
            assertThat(Systemd.unit("fstrim.timer").build().name()).isEqualTo("fstrim.timer");
            assertThat(Systemd.unit("postgresql@15-main").build().name()).isEqualTo("postgresql@15-main.service");
            assertThat(Systemd.unit("dev-disk-by\\x2dlabel-data.device").build().name()).isEqualTo("dev-disk-by\\x2dlabel-data.device");
            assertThat(Systemd.unit("my.app").build().name()).isEqualTo("my.app.service");
        }

        @Test
        void namesThatAreNoUnitNamesAreRefused() {
            assertThatThrownBy(() -> Systemd.unit("a b").build()).hasMessageContaining("is not a systemd unit name");
            assertThatThrownBy(() -> Systemd.unit("x;reboot").build()).hasMessageContaining("is not a systemd unit name");
            assertThatThrownBy(() -> Systemd.unit("--now").build()).hasMessageContaining("is not a systemd unit name");
        }
    }

    @Nested
    class States {
        @Test
        void startedRunningUnitIsUnchanged() {
            assertThat(plan(Systemd.unit("cron").started().build(), RUNNING_ENABLED).hasChanges()).isFalse();
            assertThat(plan(Systemd.unit("cron").started().build(), unit("loaded", "activating", "enabled")).hasChanges()).isFalse();
        }

        @Test
        void startedStoppedUnitStartsAndWaitsASecondForASimpleUnit() {
            Plan p = plan(Systemd.unit("cron").started().build(), STOPPED_DISABLED);
            assertThat(summaries(p)).containsExactly("start cron.service");
            assertThat(p.applyScript()).contains("unit='cron.service'")
                    .contains("systemctl start -- \"$unit\" || fail")
                    .contains("verify_active 5");
        }

        @Test
        void notifyUnitNeedsNoSettleTimeBecauseSystemctlWaitsForIt() {
            UnitState notify = new UnitState("ssh.service", "loaded", "inactive", "dead", "enabled", false, true, "notify");
            assertThat(plan(Systemd.unit("ssh").started().build(), notify).applyScript()).contains("verify_active 0");
        }

        @Test
        void unitCrashLoopingInAutoRestartIsNotRunning() {
            UnitState crashing = new UnitState("app.service", "loaded", "activating", "auto-restart", "enabled", false, false, "simple");
            assertThat(summaries(plan(Systemd.unit("app").started().build(), crashing))).containsExactly("start app.service");
        }

        @Test
        void failedUnitIsStartedAgain() {
            assertThat(summaries(plan(Systemd.unit("cron").started().build(), unit("loaded", "failed", "enabled"))))
                    .containsExactly("start cron.service");
        }

        @Test
        void stoppedActsOnlyOnARunningUnit() {
            assertThat(summaries(plan(Systemd.unit("cron").stopped().build(), RUNNING_ENABLED))).containsExactly("stop cron.service");
            assertThat(plan(Systemd.unit("cron").stopped().build(), STOPPED_DISABLED).hasChanges()).isFalse();
            assertThat(plan(Systemd.unit("cron").stopped().build(), unit("loaded", "failed", "enabled")).hasChanges()).isFalse();
        }

        @Test
        void restartedAlwaysActs() {
            Plan running = plan(Systemd.unit("cron").restarted().build(), RUNNING_ENABLED);
            assertThat(summaries(running)).containsExactly("restart cron.service");
            assertThat(running.applyScript()).contains("systemctl restart -- \"$unit\"").contains("verify_active 5");
            assertThat(summaries(plan(Systemd.unit("cron").restarted().build(), STOPPED_DISABLED))).containsExactly("start cron.service");
        }

        @Test
        void reloadedReloadsARunningUnitThatCanAndStartsAStoppedOne() {
            UnitState reloadable = new UnitState("nginx.service", "loaded", "active", "running", "enabled", false, true, "forking");
            assertThat(plan(Systemd.unit("nginx").reloaded().build(), reloadable).applyScript()).contains("systemctl reload -- \"$unit\"");
            assertThat(summaries(plan(Systemd.unit("cron").reloaded().build(), STOPPED_DISABLED))).containsExactly("start cron.service");
            assertThatThrownBy(() -> plan(Systemd.unit("cron").reloaded().build(), RUNNING_ENABLED))
                    .isInstanceOf(ModuleException.class).hasMessageContaining("cannot reload").hasMessageContaining("state: restarted");
        }

        @Test
        void missingUnitIsAModuleErrorSoCheckModeCanBlameAPendingInstall() {
            UnitState missing = unit("not-found", "inactive", "");
            assertThatThrownBy(() -> plan(Systemd.unit("cron").started().build(), missing))
                    .isInstanceOf(ModuleException.class).hasMessage("unit cron.service not found");
            assertThatThrownBy(() -> plan(Systemd.unit("cron").enabled(true).build(), missing)).hasMessage("unit cron.service not found");
            assertThat(plan(Systemd.unit("cron").enabled(false).build(), missing).hasChanges()).isFalse();
        }

        @Test
        void unitThatCannotBeLoadedIsRefusedBeforeStarting() {
            assertThatThrownBy(() -> plan(Systemd.unit("cron").started().build(), unit("bad-setting", "inactive", "disabled")))
                    .hasMessageContaining("cannot be loaded (LoadState=bad-setting)");
        }
    }

    @Nested
    class Enablement {
        @Test
        void enableOnlyWhatIsDisabled() {
            assertThat(summaries(plan(Systemd.unit("cron").enabled(true).build(), STOPPED_DISABLED))).containsExactly("enable cron.service");
            assertThat(summaries(plan(Systemd.unit("cron").enabled(true).build(), unit("loaded", "inactive", "linked")))).containsExactly("enable cron.service");
            for (String nothingToEnable : List.of("enabled", "enabled-runtime", "static", "indirect", "generated", "transient", "alias")) {
                assertThat(plan(Systemd.unit("cron").enabled(true).build(), unit("loaded", "inactive", nothingToEnable)).hasChanges())
                        .as(nothingToEnable).isFalse();
            }
        }

        @Test
        void disableOnlyWhatIsEnabled() {
            Plan p = plan(Systemd.unit("cron").enabled(false).build(), RUNNING_ENABLED);
            assertThat(summaries(p)).containsExactly("disable cron.service");
            assertThat(p.applyScript()).contains("systemctl disable -- \"$unit\"");
            assertThat(plan(Systemd.unit("cron").enabled(false).build(), unit("loaded", "active", "enabled-runtime")).applyScript())
                    .contains("systemctl disable --runtime");
            for (String notEnabled : List.of("disabled", "static", "indirect", "linked")) {
                assertThat(plan(Systemd.unit("cron").enabled(false).build(), unit("loaded", "inactive", notEnabled)).hasChanges())
                        .as(notEnabled).isFalse();
            }
        }

        @Test
        void enableAndStartInOneScriptInAnsiblesOrder() {
            Plan p = plan(Systemd.unit("cron").enabled(true).started().build(), STOPPED_DISABLED);
            assertThat(summaries(p)).containsExactly("enable cron.service", "start cron.service");
            assertThat(p.applyScript().indexOf("systemctl enable")).isLessThan(p.applyScript().indexOf("systemctl start"));
        }
    }

    @Nested
    class Masking {
        private final UnitState masked = new UnitState("cron.service", "masked", "inactive", "dead", "masked", false, false, "");

        @Test
        void maskAndUnmaskOnlyWhenNeeded() {
            assertThat(summaries(plan(Systemd.unit("cron").masked(true).build(), STOPPED_DISABLED))).containsExactly("mask cron.service");
            assertThat(plan(Systemd.unit("cron").masked(true).build(), masked).hasChanges()).isFalse();
            assertThat(summaries(plan(Systemd.unit("cron").masked(false).build(), masked))).containsExactly("unmask cron.service");
            assertThat(plan(Systemd.unit("cron").masked(false).build(), STOPPED_DISABLED).hasChanges()).isFalse();
        }

        @Test
        void aMissingUnitCanBeMasked() {
            assertThat(summaries(plan(Systemd.unit("cron").masked(true).build(), unit("not-found", "inactive", ""))))
                    .containsExactly("mask cron.service");
        }

        @Test
        void maskedUnitCannotStartOrEnableUnlessUnmasked() {
            assertThatThrownBy(() -> plan(Systemd.unit("cron").started().build(), masked)).hasMessageContaining("is masked");
            assertThatThrownBy(() -> plan(Systemd.unit("cron").enabled(true).build(), masked)).hasMessageContaining("masked: false");
            assertThatThrownBy(() -> plan(Systemd.unit("cron").masked(true).started().build(), STOPPED_DISABLED)).hasMessageContaining("is masked");
            Plan p = plan(Systemd.unit("cron").masked(false).enabled(true).started().build(), masked);
            assertThat(summaries(p)).containsExactly("unmask cron.service", "enable cron.service", "start cron.service");
            // The state under the mask is unknown to the probe: the script's guard decides.
            assertThat(p.applyScript()).contains("systemctl is-enabled --quiet -- \"$unit\" || systemctl enable -- \"$unit\"");
        }
    }

    @Nested
    class DaemonReload {
        private final UnitState stale = new UnitState("cron.service", "loaded", "active", "running", "enabled", true, false, "simple");

        @Test
        void reloadsOnlyWhenTheUnitChangedOnDisk() {
            Plan p = plan(Systemd.unit("cron").daemonReload(true).restarted().build(), stale);
            assertThat(summaries(p)).containsExactly("daemon-reload (files of cron.service changed on disk)", "restart cron.service");
            assertThat(p.applyScript().indexOf("systemctl daemon-reload")).isLessThan(p.applyScript().indexOf("systemctl restart"));
            assertThat(plan(Systemd.unit("cron").daemonReload(true).started().build(), RUNNING_ENABLED).hasChanges()).isFalse();
        }

        @Test
        void withoutNameItAlwaysReloadsWithoutProbing() {
            Systemd reload = Systemd.daemonReloadOnly().build();
            assertThat(reload.probe(PLAIN).needsExec()).isFalse();
            Plan p = plan(reload, reload.probe(PLAIN).constant());
            assertThat(summaries(p)).containsExactly("daemon-reload");
            assertThat(p.applyScript()).contains("systemctl daemon-reload");
        }

        @Test
        void reexecAlwaysActs() {
            assertThat(summaries(plan(Systemd.unit("cron").daemonReexec(true).build(), RUNNING_ENABLED))).containsExactly("daemon-reexec");
        }
    }

    @Nested
    class Yaml {
        private final Systemd.Type type = new Systemd.Type();

        @Test
        void bindsAnsibleParameters() {
            Object m = type.create(Args.of("systemd", Map.of("name", "cron", "state", "Started", "enabled", "yes", "daemon_reload", true)));
            assertThat(m).isEqualTo(new Systemd("cron.service", Systemd.State.STARTED, true, null, true, false));
            assertThat(type.names()).contains("systemd", "systemd_service", "service");
        }

        @Test
        void refusesUnknownParametersAndStates() {
            assertThatThrownBy(() -> type.create(Args.of("systemd", Map.of("name", "cron", "enable", true))))
                    .isInstanceOf(InputException.class).hasMessageContaining("unknown parameter 'enable'").hasMessageContaining("enabled");
            assertThatThrownBy(() -> type.create(Args.of("systemd", Map.of("name", "cron", "state", "running"))))
                    .isInstanceOf(InputException.class).hasMessageContaining("must be one of started, stopped, restarted, reloaded");
            assertThatThrownBy(() -> type.create(Args.of("systemd", Map.of("state", "started"))))
                    .isInstanceOf(InputException.class).hasMessageContaining("unit name is required");
        }
    }

    /** The apply script's wait-until-active logic, run by the local /bin/sh against a stub systemctl. */
    @Nested
    class VerifyActive {
        @TempDir
        Path bin;

        private ExecResult start(String type, String startRc, String... states) throws IOException {
            Files.writeString(bin.resolve("states"), String.join("\n", states) + "\n");
            Files.writeString(bin.resolve("start-rc"), startRc);
            stub("systemctl", """
                    #!/bin/sh
                    d=$(dirname "$0")
                    case "$1" in
                      is-active) exit 3 ;;
                      show)
                        n=$(cat "$d/n" 2>/dev/null || echo 0)
                        if [ "$3" = ActiveState ]; then n=$((n + 1)); echo "$n" > "$d/n"; fi
                        line=$(sed -n "${n}p" "$d/states"); [ -n "$line" ] || line=$(tail -n 1 "$d/states")
                        set -- "$3" $line
                        case $1 in ActiveState) echo "ActiveState=$2" ;; SubState) echo "SubState=$3" ;; Result) echo "Result=$4" ;; esac ;;
                      *) echo "$*" >> "$d/calls"; exit "$(cat "$d/start-rc")" ;;
                    esac
                    """);
            stub("journalctl", "#!/bin/sh\necho \"journal of $2: boom-from-unit\"\n");
            UnitState stopped = new UnitState("app.service", "loaded", "inactive", "dead", "enabled", false, false, type);
            return PlanContext.run(Systemd.unit("app").started().build().plan(stopped, PLAIN).applyScript(), bin);
        }

        private void stub(String name, String text) throws IOException {
            Path p = bin.resolve(name);
            Files.writeString(p, text);
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }

        @Test
        void simpleUnitThatStaysUpPasses() throws IOException {
            ExecResult r = start("simple", "0", "active running success");
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            assertThat(Files.readString(bin.resolve("calls"))).contains("start -- app.service");
            assertThat(Files.readString(bin.resolve("n")).strip()).isEqualTo("6");
        }

        @Test
        void simpleUnitThatDiesAfterStartingFailsWithItsJournal() throws IOException {
            ExecResult r = start("simple", "0", "active running success", "active running success", "failed failed exit-code");
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(Systemd.outcome(r).message())
                    .startsWith("app.service did not stay active (ActiveState=failed SubState=failed Result=exit-code); last journal lines of app.service:")
                    .contains("journal of app.service: boom-from-unit");
        }

        @Test
        void unitCaughtInARestartLoopFails() throws IOException {
            ExecResult r = start("simple", "0", "activating auto-restart exit-code");
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.stderr()).contains("SubState=auto-restart");
        }

        @Test
        void oneshotThatFinishedSuccessfullyPasses() throws IOException {
            ExecResult r = start("oneshot", "0", "inactive dead success");
            assertThat(r.exitCode()).as(r.stderr()).isZero();
        }

        @Test
        void failingStartJobReportsTheJournal() throws IOException {
            ExecResult r = start("notify", "1", "failed failed exit-code");
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(Systemd.outcome(r).failed()).isTrue();
            assertThat(Systemd.outcome(r).message()).contains("systemctl start app.service failed").contains("boom-from-unit");
        }

        @Test
        void simpleUnitThatExitsAtOnceIsNotStarted() throws IOException {
            ExecResult r = start("simple", "0", "inactive dead success");
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.stderr()).contains("ActiveState=inactive");
        }
    }
}
