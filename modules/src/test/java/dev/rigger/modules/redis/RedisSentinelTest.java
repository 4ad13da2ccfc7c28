package dev.rigger.modules.redis;

import static dev.rigger.modules.redis.Captured.CONTEXT;
import static dev.rigger.modules.redis.Captured.MAIN;
import static dev.rigger.modules.redis.Captured.PASSWORD;
import static dev.rigger.modules.redis.Captured.REPLICA;
import static dev.rigger.modules.redis.Captured.SECRET;
import static dev.rigger.modules.redis.Captured.output;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rigger.core.error.InputException;
import dev.rigger.core.module.Args;
import dev.rigger.core.module.Change;
import dev.rigger.core.module.ModuleException;
import dev.rigger.core.module.Plan;
import dev.rigger.core.secret.Secret;
import dev.rigger.core.transport.ExecResult;
import dev.rigger.modules.redis.RedisCli.Endpoint;
import dev.rigger.modules.redis.RedisSentinel.Current;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedisSentinelTest {
    /** What the captured Sentinels were given: quorum 2, down-after 3000, failover-timeout 10000. */
    private static RedisSentinel.Builder spec() {
        return RedisSentinel.monitor("mymaster", MAIN).quorum(2).downAfterMilliseconds(3000).failoverTimeout(10000)
                .authPass(SECRET).sentinels(List.of(MAIN, REPLICA));
    }

    private static Plan plan(RedisSentinel spec, String capture) {
        return plan(spec, Current.parse(output(capture)));
    }

    private static Plan plan(RedisSentinel spec, Current current) {
        Plan plan = spec.plan(current, CONTEXT);
        if (plan.hasChanges()) {
            assertThat(Captured.run(plan.applyScript(), null, null, "-n").stderr()).isEmpty();
            assertThat(plan.applyScript()).doesNotContain(PASSWORD);
        }
        return plan;
    }

    private static List<String> summaries(Plan plan) {
        return plan.changes().stream().map(Change::summary).toList();
    }

    @Test
    void readsTheCapturedStates() {
        Current fresh = Current.parse(output("fresh-sentinel"));
        assertThat(fresh.fileExists()).isTrue();
        assertThat(fresh.fileHasMonitor()).isTrue();
        assertThat(fresh.fileAuthPass()).isEqualTo("none");
        assertThat(fresh.local().main()).isEqualTo(new Endpoint("127.0.0.1", 6379));
        assertThat(fresh.local().master()).containsEntry("quorum", "2").containsEntry("down-after-milliseconds", "30000");
        assertThat(fresh.peers()).hasSize(2);

        Current after = Current.parse(output("failedover-sentinel"));
        assertThat(after.local().main()).isEqualTo(new Endpoint(REPLICA, 6379));
        assertThat(after.local().configEpoch()).isEqualTo(16);
        assertThat(after.fileAuthPass()).isEqualTo(RedisCli.digest(SECRET));
    }

    /** Debian's sentinel.conf monitors mymaster at 127.0.0.1: it is re-pointed live, never rewritten. */
    @Test
    void debiansDefaultMonitorIsReplacedLive() {
        Plan plan = plan(spec().build(), "fresh-sentinel");
        assertThat(summaries(plan)).containsExactly("re-point monitor mymaster from 127.0.0.1:6379 to " + MAIN + ":6379");
        assertThat(plan.applyScript()).contains("SENTINEL REMOVE mymaster").contains("SENTINEL MONITOR mymaster " + MAIN + " 6379 2")
                .contains("down-after-milliseconds 3000").contains("failover-timeout 10000").contains("auth-pass $AUTH_PASS")
                .doesNotContain("sentinel.conf");
        assertThat(new String(plan.applyInput().readAll(), StandardCharsets.UTF_8)).isEqualTo(PASSWORD + "\n");
    }

    @Test
    void aConvergedSentinelIsLeftAlone() {
        assertThat(plan(spec().build(), "converged-sentinel").hasChanges()).isFalse();
    }

    /** DavidWittman/ansible-redis#22/#114: after a failover a re-run keeps the monitor on the new main. */
    @Test
    void afterAFailoverTheMonitorStaysOnTheNewMain() {
        assertThat(plan(spec().build(), "failedover-sentinel").hasChanges()).isFalse();
        // With the new main's host down too, the surviving Sentinel is not pointed back either.
        assertThat(plan(spec().build(), "main-down-sentinel").hasChanges()).isFalse();
    }

    @Test
    void settingsAreChangedWithSentinelSet() {
        Plan plan = plan(spec().quorum(3).parallelSyncs(2).build(), "converged-sentinel");
        assertThat(summaries(plan)).containsExactly("set quorum 3 (was 2)", "set parallel-syncs 2 (was 1)");
        assertThat(plan.applyScript()).contains("SENTINEL SET mymaster quorum 3").doesNotContain("MONITOR").doesNotContain("auth-pass $AUTH_PASS");
        assertThat(plan.applyInput()).isNull();

        Plan auth = plan(spec().authPass(Secret.of("another-one")).build(), "converged-sentinel");
        assertThat(summaries(auth)).containsExactly("set auth-pass ********");
        assertThat(new String(auth.applyInput().readAll(), StandardCharsets.UTF_8)).isEqualTo("another-one\n");
    }

    @Test
    void absentRemovesTheMonitor() {
        Plan plan = plan(spec().absent().build(), "converged-sentinel");
        assertThat(summaries(plan)).containsExactly("remove monitor mymaster (was " + MAIN + ":6379)");
        assertThat(plan.applyScript()).contains("SENTINEL REMOVE mymaster");
    }

    private static Current stopped(String fileLines) {
        return Current.parse(Captured.ok("== addresses\n" + REPLICA + "\n== file\n" + fileLines
                + "== sentinel 127.0.0.1 26379\nCould not connect to Redis at 127.0.0.1:26379: Connection refused\nexit 0\n"
                + "== sentinel " + MAIN + " 26379\n" + MAIN + "\n6379\nconfig-epoch\n0\nexit 0\n"));
    }

    @Test
    void theFileIsWrittenOnlyWhenAbsentAndTheSentinelIsNotRunning() {
        Plan write = plan(spec().build(), stopped(""));
        assertThat(summaries(write)).containsExactly("write /etc/redis/sentinel.conf monitoring mymaster at " + MAIN + ":6379 (Sentinel is not running)");
        assertThat(new String(write.applyInput().readAll(), StandardCharsets.UTF_8)).contains("port 26379\n")
                .contains("sentinel monitor mymaster " + MAIN + " 6379 2\n").contains("sentinel auth-pass mymaster " + PASSWORD + "\n");

        Plan append = plan(spec().build(), stopped("exists\nauth-pass none\n"));
        assertThat(summaries(append)).containsExactly("add monitor mymaster at " + MAIN + ":6379 to /etc/redis/sentinel.conf (Sentinel is not running)");

        assertThatThrownBy(() -> plan(spec().build(), stopped("exists\nmonitor\nauth-pass none\n")))
                .isInstanceOf(ModuleException.class).hasMessageContaining("start redis-sentinel")
                .hasMessageContaining("changed only live");
    }

    @Test
    void theApplySendsItsCommandsOnStdin(@TempDir Path dir) throws IOException {
        Path stub = dir.resolve("redis-cli");
        Files.writeString(stub, "#!/bin/sh\nprintf '%s\\n' \"$*\" >> " + dir.resolve("argv") + "\ncat >> " + dir.resolve("stdin") + "\necho OK\n");
        Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwx------"));
        Plan plan = plan(spec().build(), "fresh-sentinel");

        ExecResult r = Captured.run(plan.applyScript(), plan.applyInput(), dir);

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(Files.readString(dir.resolve("argv"))).doesNotContain(PASSWORD);
        assertThat(Files.readString(dir.resolve("stdin")).lines().toList()).containsExactly(
                "SENTINEL REMOVE mymaster",
                "SENTINEL MONITOR mymaster " + MAIN + " 6379 2",
                "SENTINEL SET mymaster down-after-milliseconds 3000",
                "SENTINEL SET mymaster failover-timeout 10000",
                "SENTINEL SET mymaster parallel-syncs 1",
                "SENTINEL SET mymaster auth-pass " + PASSWORD);
    }

    @Test
    void aRefusedCommandFailsWithoutShowingThePassword(@TempDir Path dir) throws IOException {
        Path stub = dir.resolve("redis-cli");
        Files.writeString(stub, "#!/bin/sh\ncat >/dev/null\necho 'ERR Invalid argument'\n");
        Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwx------"));
        Plan plan = plan(spec().authPass(Secret.of("another-one")).build(), "converged-sentinel");

        ExecResult r = Captured.run(plan.applyScript(), plan.applyInput(), dir);

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).contains("SENTINEL SET mymaster: ERR Invalid argument").doesNotContain("another-one");
    }

    @Test
    void yamlBinding() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("name", "mymaster");
        values.put("main_host", MAIN);
        values.put("quorum", 2);
        values.put("auth_pass", SECRET);
        values.put("sentinels", List.of(Map.of("name", "r1", "ansible_host", REPLICA)));
        RedisSentinel s = (RedisSentinel) new RedisSentinel.Type().create(Args.of("redis_sentinel", values));
        assertThat(s.downAfterMilliseconds()).isEqualTo(30000);
        assertThat(s.failoverTimeout()).isEqualTo(180000);
        assertThat(s.sentinels()).containsExactly(new Endpoint(REPLICA, 26379));
        assertThat(s.toString()).doesNotContain(PASSWORD);

        values.put("auth_pass", Secret.of("quo\"te"));
        assertThatThrownBy(() -> new RedisSentinel.Type().create(Args.of("redis_sentinel", values)))
                .isInstanceOf(InputException.class).hasMessageContaining("auth_pass: must be printable ASCII").hasMessageNotContaining("quo\"te");
        values.put("auth_pass", SECRET);
        values.put("name", "my master");
        assertThatThrownBy(() -> new RedisSentinel.Type().create(Args.of("redis_sentinel", values)))
                .isInstanceOf(InputException.class).hasMessageContaining("name: 'my master' is not a monitor name");
    }
}
