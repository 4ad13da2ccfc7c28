package dev.rigger.modules.system;

import static dev.rigger.modules.system.LabRuns.apply;
import static dev.rigger.modules.system.LabRuns.check;
import static dev.rigger.modules.system.LabRuns.expect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rigger.core.executor.RunEvent.HostResult;
import dev.rigger.core.executor.Status;
import dev.rigger.modules.files.Stat;
import dev.rigger.testing.Lab;
import dev.rigger.testing.LabHosts;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ping, stat and wait_for on a real host through the executor: what they report, and one exec each. */
@LabHosts({"ans1"})
class CommonModulesIT {
    private static final String H = "ans1";

    @Test
    void pingReachesTheHost(Lab lab) {
        HostResult r = expect(apply(lab, H, new Ping("pong")), Status.OK, 1);
        assertThat(r.registered()).containsEntry("ping", "pong");
        assertThat(expect(apply(lab, H, new Ping("crash")), Status.FAILED, 1).message()).contains("boom");
    }

    @Test
    @SuppressWarnings("unchecked")
    void statReadsTheHostsFiles(Lab lab) {
        lab.shell(H, "printf 'x=1\\n' > /etc/rigger-stat.conf && chown nobody:nogroup /etc/rigger-stat.conf && chmod 0640 /etc/rigger-stat.conf");
        String sha1 = lab.shell(H, "sha1sum < /etc/rigger-stat.conf | cut -d' ' -f1").strip();
        Map<String, Object> stat = (Map<String, Object>) expect(apply(lab, H, new Stat("/etc/rigger-stat.conf", true, false)), Status.OK, 1)
                .registered().get("stat");
        assertThat(stat).containsEntry("exists", true).containsEntry("isreg", true).containsEntry("mode", "0640")
                .containsEntry("pw_name", "nobody").containsEntry("gr_name", "nogroup").containsEntry("size", 4L).containsEntry("checksum", sha1);
        Map<String, Object> missing = (Map<String, Object>) expect(check(lab, H, new Stat("/etc/rigger-none", true, false)), Status.OK, 1)
                .registered().get("stat");
        assertThat(missing).isEqualTo(Map.of("exists", false));
    }

    @Test
    void waitForAPortThatOpensLaterAndTimesOutOnOneThatNeverDoes(Lab lab) {
        // A listener that starts two seconds from now, as a service starting up does (it stays open until its first client).
        lab.shell(H, "nohup sh -c 'sleep 2; exec perl -MIO::Socket::INET -e \"IO::Socket::INET->new(LocalAddr => q(127.0.0.1), LocalPort => 7011, Listen => 5, ReuseAddr => 1)->accept; sleep 30\"' >/dev/null 2>&1 &");
        long started = System.nanoTime();
        HostResult up = expect(apply(lab, H, WaitFor.port(7011).timeout(30).connectTimeout(2).build()), Status.OK, 1);
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("wait_for port 7011 took %.1f s%n", seconds);
        assertThat((Long) up.registered().get("elapsed")).isBetween(1L, 10L);

        HostResult timeout = expect(apply(lab, H, WaitFor.port(7012).timeout(2).connectTimeout(1).build()), Status.FAILED, 1);
        assertThat(timeout.message()).contains("Timeout when waiting for 127.0.0.1:7012");
    }

    @Test
    void waitForALineInALog(Lab lab) {
        lab.shell(H, "rm -f /var/log/rigger-app.log; nohup sh -c 'sleep 1; echo starting >> /var/log/rigger-app.log; sleep 1; echo ready >> /var/log/rigger-app.log' >/dev/null 2>&1 &");
        expect(apply(lab, H, WaitFor.path("/var/log/rigger-app.log").searchRegex("^ready$").timeout(30).connectTimeout(1).build()), Status.OK, 1);
        assertThat(lab.shell(H, "cat /var/log/rigger-app.log")).contains("ready");
    }
}
