package dev.rigger.modules.system;

import static dev.rigger.modules.system.LabRuns.apply;
import static dev.rigger.modules.system.LabRuns.changes;
import static dev.rigger.modules.system.LabRuns.check;
import static dev.rigger.modules.system.LabRuns.expect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rigger.core.executor.RunEvent.HostResult;
import dev.rigger.core.executor.RunResult;
import dev.rigger.core.executor.Status;
import dev.rigger.core.module.Args;
import dev.rigger.core.module.Module;
import dev.rigger.testing.Lab;
import dev.rigger.testing.LabHosts;
import java.util.ArrayList;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The systemd module against real units in a lab host running systemd. */
@LabHosts({"sys1"})
class SystemdIT {
    private static final String H = "sys1";

    /** A unit file written by the administrator, in /etc/systemd/system. */
    private static void writeUnit(Lab lab, String name, String service) {
        writeUnit(lab, "/etc/systemd/system", name, service);
    }

    private static void writeUnit(Lab lab, String dir, String name, String service) {
        lab.shell(H, "printf '%s' '[Unit]\nDescription=rigger test unit\n[Service]\n" + service
                + "\n[Install]\nWantedBy=multi-user.target\n' > " + dir + "/" + name + ".service");
    }

    private static String prop(Lab lab, String unit, String property) {
        return lab.shell(H, "systemctl show -p " + property + " --value " + unit).strip();
    }

    @Test
    void startEnableStopASleeperUnitIdempotently(Lab lab) {
        writeUnit(lab, "rigger-sleeper", "ExecStart=/bin/sleep infinity");
        Systemd running = Systemd.unit("rigger-sleeper").started().enabled(true).build();

        HostResult checked = expect(check(lab, H, running), Status.CHANGED, 1);
        assertThat(changes(checked)).containsExactly("enable rigger-sleeper.service", "start rigger-sleeper.service");
        assertThat(prop(lab, "rigger-sleeper", "ActiveState")).as("check mode changes nothing").isEqualTo("inactive");
        assertThat(prop(lab, "rigger-sleeper", "UnitFileState")).isEqualTo("disabled");

        expect(apply(lab, H, running), Status.CHANGED, 2);
        assertThat(prop(lab, "rigger-sleeper", "ActiveState")).isEqualTo("active");
        assertThat(prop(lab, "rigger-sleeper", "UnitFileState")).isEqualTo("enabled");
        assertThat(lab.shell(H, "readlink /etc/systemd/system/multi-user.target.wants/rigger-sleeper.service").strip())
                .isEqualTo("/etc/systemd/system/rigger-sleeper.service");

        expect(apply(lab, H, running), Status.OK, 1);

        Systemd stopped = Systemd.unit("rigger-sleeper").stopped().enabled(false).build();
        expect(check(lab, H, stopped), Status.CHANGED, 1);
        assertThat(prop(lab, "rigger-sleeper", "ActiveState")).isEqualTo("active");
        expect(apply(lab, H, stopped), Status.CHANGED, 2);
        assertThat(prop(lab, "rigger-sleeper", "ActiveState")).isEqualTo("inactive");
        assertThat(prop(lab, "rigger-sleeper", "UnitFileState")).isEqualTo("disabled");
        expect(apply(lab, H, stopped), Status.OK, 1);
    }

    @Test
    void restartedAlwaysActsAndRunsANewProcess(Lab lab) {
        writeUnit(lab, "rigger-restart", "ExecStart=/bin/sleep infinity");
        expect(apply(lab, H, Systemd.unit("rigger-restart").restarted().build()), Status.CHANGED, 2);
        String firstPid = prop(lab, "rigger-restart", "MainPID");
        assertThat(firstPid).isNotEqualTo("0");

        HostResult again = expect(apply(lab, H, Systemd.unit("rigger-restart").restarted().build()), Status.CHANGED, 2);
        assertThat(changes(again)).containsExactly("restart rigger-restart.service");
        assertThat(prop(lab, "rigger-restart", "MainPID")).isNotEqualTo(firstPid).isNotEqualTo("0");
        assertThat(prop(lab, "rigger-restart", "ActiveState")).isEqualTo("active");
    }

    @Test
    void maskedUnitCannotBeStartedUntilUnmasked(Lab lab) {
        // As a package installs it: in /lib/systemd/system, so the mask can take /etc's place.
        writeUnit(lab, "/lib/systemd/system", "rigger-masked", "ExecStart=/bin/sleep infinity");
        Systemd mask = Systemd.unit("rigger-masked").masked(true).build();
        expect(check(lab, H, mask), Status.CHANGED, 1);
        assertThat(prop(lab, "rigger-masked", "UnitFileState")).isEqualTo("disabled");
        expect(apply(lab, H, mask), Status.CHANGED, 2);
        assertThat(lab.shell(H, "readlink /etc/systemd/system/rigger-masked.service").strip()).isEqualTo("/dev/null");
        assertThat(prop(lab, "rigger-masked", "LoadState")).isEqualTo("masked");
        expect(apply(lab, H, mask), Status.OK, 1);

        HostResult refused = expect(apply(lab, H, Systemd.unit("rigger-masked").started().build()), Status.FAILED, 1);
        assertThat(refused.message()).contains("unit rigger-masked.service is masked");

        Systemd unmaskAndStart = Systemd.unit("rigger-masked").masked(false).started().build();
        HostResult unmasked = expect(apply(lab, H, unmaskAndStart), Status.CHANGED, 2);
        assertThat(changes(unmasked)).containsExactly("unmask rigger-masked.service", "start rigger-masked.service");
        assertThat(prop(lab, "rigger-masked", "ActiveState")).isEqualTo("active");
        expect(apply(lab, H, unmaskAndStart), Status.OK, 1);
    }

    @Test
    void systemctlsOwnRefusalIsTheTaskErrorAndTheUnitFileStays(Lab lab) {
        writeUnit(lab, "rigger-etc", "ExecStart=/bin/sleep infinity");
        String before = lab.shell(H, "cat /etc/systemd/system/rigger-etc.service");
        HostResult r = expect(apply(lab, H, Systemd.unit("rigger-etc").masked(true).build()), Status.FAILED, 2);
        assertThat(r.message()).contains("Failed to mask unit: File /etc/systemd/system/rigger-etc.service already exists");
        assertThat(lab.shell(H, "cat /etc/systemd/system/rigger-etc.service")).isEqualTo(before);
        assertThat(prop(lab, "rigger-etc", "LoadState")).isEqualTo("loaded");
    }

    @Test
    void daemonReloadPicksUpAnEditedUnit(Lab lab) {
        writeUnit(lab, "rigger-edited", "ExecStart=/bin/sleep 1001");
        Systemd restart = Systemd.unit("rigger-edited").restarted().daemonReload(true).build();
        expect(apply(lab, H, restart), Status.CHANGED, 2);
        assertThat(lab.shell(H, "ps -o args= -p " + prop(lab, "rigger-edited", "MainPID")).strip()).isEqualTo("/bin/sleep 1001");

        writeUnit(lab, "rigger-edited", "ExecStart=/bin/sleep 1002");
        assertThat(prop(lab, "rigger-edited", "NeedDaemonReload")).isEqualTo("yes");
        Systemd started = Systemd.unit("rigger-edited").started().daemonReload(true).build();
        HostResult checked = expect(check(lab, H, started), Status.CHANGED, 1);
        assertThat(changes(checked)).containsExactly("daemon-reload (files of rigger-edited.service changed on disk)");
        assertThat(prop(lab, "rigger-edited", "NeedDaemonReload")).isEqualTo("yes");

        HostResult reloaded = expect(apply(lab, H, restart), Status.CHANGED, 2);
        assertThat(changes(reloaded)).containsExactly("daemon-reload (files of rigger-edited.service changed on disk)",
                "restart rigger-edited.service");
        assertThat(prop(lab, "rigger-edited", "NeedDaemonReload")).isEqualTo("no");
        assertThat(lab.shell(H, "ps -o args= -p " + prop(lab, "rigger-edited", "MainPID")).strip()).isEqualTo("/bin/sleep 1002");
        expect(apply(lab, H, started), Status.OK, 1);
    }

    @Test
    void missingUnitIsAClearErrorOrInCheckModeAfterAPendingChangeWouldChange(Lab lab) {
        HostResult missing = expect(apply(lab, H, Systemd.unit("rigger-nope").started().build()), Status.FAILED, 1);
        assertThat(missing.message()).isEqualTo("unit rigger-nope.service not found");

        // As after an apt task that would install the package providing the unit.
        RunResult run = LabRuns.run(lab, H, true, new ArrayList<>(), LocalGroup.present("rigger-pending").build(),
                Systemd.unit("rigger-nope").started().build());
        assertThat(run.result(H, "task 1").orElseThrow().status()).isEqualTo(Status.CHANGED);
        HostResult second = run.result(H, "task 2").orElseThrow();
        assertThat(second.status()).isEqualTo(Status.CHANGED);
        assertThat(second.message()).isEqualTo("would change (after pending change)");
        assertThat(lab.exec(H, "getent", "group", "rigger-pending").exitCode()).isEqualTo(2);
    }

    @Test
    void unitThatDiesAfterStartingFailsWithItsJournal(Lab lab) {
        // Type=simple: systemctl start succeeds at once; the unit dies 0.3 s later.
        writeUnit(lab, "rigger-broken", "ExecStart=/bin/sh -c \"echo rigger-boom-42 >&2; sleep 0.3; exit 3\"");
        HostResult r = expect(apply(lab, H, Systemd.unit("rigger-broken").started().build()), Status.FAILED, 2);
        assertThat(r.message())
                .contains("rigger-broken.service did not stay active (ActiveState=failed SubState=failed Result=exit-code)")
                .contains("last journal lines of rigger-broken.service")
                .contains("rigger-boom-42")
                .contains("status=3/NOTIMPLEMENTED");
    }

    @Test
    void notifyUnitWhoseStartJobFailsGivesSystemctlsErrorAndTheJournal(Lab lab) {
        writeUnit(lab, "rigger-notify", "Type=notify\nExecStart=/bin/sh -c \"echo rigger-notify-boom >&2; exit 7\"");
        HostResult r = expect(apply(lab, H, Systemd.unit("rigger-notify").restarted().build()), Status.FAILED, 2);
        assertThat(r.message()).contains("Job for rigger-notify.service failed").contains("systemctl restart rigger-notify.service failed")
                .contains("rigger-notify-boom");
    }

    @Test
    void realDebianDaemonThroughTheServiceName(Lab lab) {
        lab.shell(H, "apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q cron >/dev/null");
        Module<?> stop = new Systemd.Type().create(Args.of("service", Map.of("name", "cron", "state", "stopped", "enabled", false)));
        expect(apply(lab, H, stop), Status.CHANGED, 2);
        assertThat(prop(lab, "cron", "ActiveState")).isEqualTo("inactive");
        assertThat(lab.exec(H, "systemctl", "is-enabled", "cron").stdout().strip()).isEqualTo("disabled");
        expect(apply(lab, H, stop), Status.OK, 1);

        Module<?> start = new Systemd.Type().create(Args.of("service", Map.of("name", "cron", "state", "started", "enabled", "yes")));
        expect(apply(lab, H, start), Status.CHANGED, 2);
        assertThat(prop(lab, "cron", "SubState")).isEqualTo("running");
        assertThat(lab.shell(H, "pgrep -x cron").strip()).isEqualTo(prop(lab, "cron", "MainPID"));
        expect(apply(lab, H, start), Status.OK, 1);

        // sshd is Debian's alias of ssh.service: the probe follows it.
        expect(apply(lab, H, Systemd.unit("sshd").started().enabled(true).build()), Status.OK, 1);
    }
}
