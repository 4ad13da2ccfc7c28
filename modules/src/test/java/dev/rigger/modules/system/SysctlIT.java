package dev.rigger.modules.system;

import static dev.rigger.modules.system.LabRuns.apply;
import static dev.rigger.modules.system.LabRuns.changes;
import static dev.rigger.modules.system.LabRuns.check;
import static dev.rigger.modules.system.LabRuns.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.rigger.core.executor.RunEvent.HostResult;
import dev.rigger.core.executor.Status;
import dev.rigger.testing.Lab;
import dev.rigger.testing.LabHosts;
import org.junit.jupiter.api.Test;

/** sysctl against a real kernel: live values in the container's network namespace, and files. */
@LabHosts({"ctl1"})
class SysctlIT {
    private static final String H = "ctl1";
    private static final String NONLOCAL_BIND = "net.ipv4.ip_nonlocal_bind";

    private static String live(Lab lab, String key) {
        return lab.shell(H, "cat /proc/sys/" + key.replace('.', '/')).strip();
    }

    @Test
    void nonlocalBindIsSetLiveAndPersisted(Lab lab) {
        lab.shell(H, "sysctl -q -w " + NONLOCAL_BIND + "=0");
        String fileBefore = lab.shell(H, "cat /etc/sysctl.conf");
        Sysctl vip = Sysctl.set(NONLOCAL_BIND, "1").build();

        assertThat(bindForeignAddress(lab).stderr()).contains("Cannot assign requested address");

        HostResult checked = expect(check(lab, H, vip), Status.CHANGED, 1);
        assertThat(changes(checked)).containsExactly("set " + NONLOCAL_BIND + " live: 0 → 1", "set " + NONLOCAL_BIND + "=1 in /etc/sysctl.conf");
        assertThat(live(lab, NONLOCAL_BIND)).as("check mode changes nothing").isEqualTo("0");
        assertThat(lab.shell(H, "cat /etc/sysctl.conf")).isEqualTo(fileBefore);

        expect(apply(lab, H, vip), Status.CHANGED, 2);
        assertThat(live(lab, NONLOCAL_BIND)).isEqualTo("1");
        assertThat(lab.shell(H, "cat /etc/sysctl.conf")).isEqualTo(fileBefore + NONLOCAL_BIND + "=1\n");
        assertThat(lab.shell(H, "stat -c '%a %U' /etc/sysctl.conf").strip()).isEqualTo("644 root");
        assertThat(lab.shell(H, "readlink /etc/sysctl.d/99-sysctl.conf").strip()).as("Debian's link stays a link").isEqualTo("../sysctl.conf");
        expect(apply(lab, H, vip), Status.OK, 1);

        // A socket may now bind an address the host does not have, which is what a VIP backup needs.
        assertThat(bindForeignAddress(lab).exitCode()).as(bindForeignAddress(lab).stderr()).isZero();

        // Live drift (a reboot of the namespace, another tool) is corrected without rewriting the file.
        lab.shell(H, "sysctl -q -w " + NONLOCAL_BIND + "=0");
        HostResult drift = expect(apply(lab, H, vip), Status.CHANGED, 2);
        assertThat(changes(drift)).containsExactly("set " + NONLOCAL_BIND + " live: 0 → 1");
        assertThat(live(lab, NONLOCAL_BIND)).isEqualTo("1");

        // What the file holds is what boot applies.
        lab.shell(H, "sysctl -q -w " + NONLOCAL_BIND + "=0 && sysctl -q -p /etc/sysctl.conf");
        assertThat(live(lab, NONLOCAL_BIND)).isEqualTo("1");
    }

    /** Listens on 192.0.2.77 (TEST-NET, on no interface), as HAProxy on a VIP backup does. No packet leaves. */
    private static Lab.LabExec bindForeignAddress(Lab lab) {
        return lab.exec(H, "perl", "-MIO::Socket::INET", "-e",
                "IO::Socket::INET->new(LocalAddr => '192.0.2.77', LocalPort => 8080, Listen => 1) or die \"$!\\n\"");
    }

    @Test
    void ownFileMultiValueKeyAndAbsent(Lab lab) {
        String file = "/etc/sysctl.d/60-rigger-test.conf";
        Sysctl range = new Sysctl("net.ipv4.ip_local_port_range", "20000 40000", true, file, true);
        expect(apply(lab, H, range), Status.CHANGED, 2);
        assertThat(live(lab, "net.ipv4.ip_local_port_range")).isEqualTo("20000\t40000");
        assertThat(lab.shell(H, "cat " + file)).isEqualTo("net.ipv4.ip_local_port_range=20000 40000\n");
        assertThat(lab.shell(H, "stat -c '%a %U' " + file).strip()).isEqualTo("644 root");
        expect(apply(lab, H, range), Status.OK, 1);

        lab.shell(H, "printf '# tuned by hand\\nnet.ipv4.tcp_syncookies = 1\\n' >> " + file);
        Sysctl absent = new Sysctl("net.ipv4.ip_local_port_range", null, false, file, true);
        expect(apply(lab, H, absent), Status.CHANGED, 2);
        assertThat(lab.shell(H, "cat " + file)).isEqualTo("# tuned by hand\nnet.ipv4.tcp_syncookies = 1\n");
        assertThat(live(lab, "net.ipv4.ip_local_port_range")).as("absent leaves the live value").isEqualTo("20000\t40000");
        expect(apply(lab, H, absent), Status.OK, 1);
    }

    @Test
    void valueTheKernelRefusesFailsWithSysctlsErrorAndTheFileStays(Lab lab) {
        String file = "/etc/sysctl.d/61-rigger-bad.conf";
        lab.shell(H, "echo '" + NONLOCAL_BIND + "=1' > " + file);
        HostResult r = expect(apply(lab, H, new Sysctl(NONLOCAL_BIND, "banana", true, file, true)), Status.FAILED, 2);
        assertThat(r.message()).contains("sysctl: setting key \"" + NONLOCAL_BIND + "\"").contains("Invalid argument");
        assertThat(lab.shell(H, "cat " + file)).isEqualTo(NONLOCAL_BIND + "=1\n");
    }

    @Test
    void readOnlyKernelKeyIsAClearErrorBeforeAnythingChanges(Lab lab) {
        assumeFalse(lab.exec(H, "test", "-w", "/proc/sys/kernel/panic").exitCode() == 0,
                "needs a host where kernel.panic is read-only (a container with /proc/sys mounted read-only); here it is writable");
        String before = lab.shell(H, "cat /etc/sysctl.conf");
        String value = String.valueOf(Integer.parseInt(live(lab, "kernel.panic")) + 7);
        HostResult r = expect(apply(lab, H, Sysctl.set("kernel.panic", value).build()), Status.FAILED, 1);
        assertThat(r.message()).isEqualTo("sysctl kernel.panic is read-only here: /proc/sys/kernel/panic is not writable "
                + "(/proc/sys is mounted read-only, as in a container; only keys the container runtime made writable can be set)");
        assertThat(lab.shell(H, "cat /etc/sysctl.conf")).isEqualTo(before);
    }

    @Test
    void unknownKeyIsAClearError(Lab lab) {
        HostResult r = expect(apply(lab, H, Sysctl.set("net.ipv4.no_such_knob", "1").build()), Status.FAILED, 1);
        assertThat(r.message()).isEqualTo("sysctl net.ipv4.no_such_knob does not exist on this host (no /proc/sys/net/ipv4/no_such_knob; "
                + "is its kernel module loaded?)");
    }
}
