package dev.rigger.modules.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rigger.core.executor.Play;
import dev.rigger.core.executor.Playbook;
import dev.rigger.core.executor.PlaybookRun;
import dev.rigger.core.executor.RunEvent.HostResult;
import dev.rigger.core.executor.RunOptions;
import dev.rigger.core.executor.RunResult;
import dev.rigger.core.executor.Status;
import dev.rigger.core.executor.Task;
import dev.rigger.core.secret.Secret;
import dev.rigger.core.transport.Connections;
import dev.rigger.modules.apt.AptPackage;
import dev.rigger.modules.system.Systemd;
import dev.rigger.testing.Lab;
import dev.rigger.testing.LabHosts;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * redis_replica and redis_sentinel on real Redis and Sentinel 7.0.15: one main and three
 * replicas, Sentinels on the replicas (quorum 2, down-after 3000 ms). Converge, a second run that
 * changes nothing, a forced failover and a re-run that keeps it, then the main stopped and a re-run
 * with it down. Tests run in order on one lab.
 */
@LabHosts(value = {"r0", "r1", "r2", "r3"}, groups = {"redis=r0,r1,r2,r3", "sentinels=r1,r2,r3"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisClusterIT {
    private static final List<String> NODES = List.of("r0", "r1", "r2", "r3");
    private static final List<String> SENTINELS = List.of("r1", "r2", "r3");
    /** A lab password; checks by hand read it from this class, never from a command line on the hosts. */
    private static final String PASSWORD = "lab-redis-7f3a";
    private static final String REPLICA_TASK = "redis follows the cluster's main";
    private static final String SENTINEL_TASK = "sentinel watches the main";
    private static final String SENTINEL_UNIT_TASK = "redis-sentinel runs";
    private static String main = "r0";
    private static String stopped;

    private static RunResult converge(Lab lab) {
        List<String> sentinelAddresses = SENTINELS.stream().map(h -> lab.host(h).ip()).toList();
        Secret password = Secret.of(PASSWORD);
        RedisReplica replica = RedisReplica.main(lab.host("r0").ip()).masterName("mymaster").sentinels(sentinelAddresses)
                .requirepass(password).masterauth(password).config("bind", "0.0.0.0").config("maxmemory", "64mb").build();
        RedisSentinel sentinel = RedisSentinel.monitor("mymaster", lab.host("r0").ip()).quorum(2).downAfterMilliseconds(3000)
                .failoverTimeout(10000).authPass(password).sentinels(sentinelAddresses).build();
        Play redis = Play.builder("redis").gatherFacts(false).task(Task.named(REPLICA_TASK).module(replica).build()).build();
        Play sentinels = Play.builder("sentinels").gatherFacts(false)
                .task(Task.named(SENTINEL_TASK).module(sentinel).build())
                .task(Task.named(SENTINEL_UNIT_TASK).module(Systemd.unit("redis-sentinel").started().enabled(true).build()).build())
                .build();
        long start = System.nanoTime();
        RunResult r = PlaybookRun.of(Playbook.of(redis, sentinels)).inventory(lab.inventory())
                .options(RunOptions.builder().build())
                .connector(host -> Connections.open(lab.host(host).settings()))
                .execute();
        System.out.printf("redis cluster run: %d ms, %d changed; per task: %s%n", (System.nanoTime() - start) / 1_000_000, r.recap().totalChanged(),
                r.hostResults().stream().map(h -> h.host() + " " + h.task() + " " + h.duration().toMillis() + " ms/" + h.execs() + " execs")
                        .collect(Collectors.joining(", ")));
        return r;
    }

    /** redis-cli on a host, the password in the environment of a shell started by Docker, not in redis-cli's argv. */
    private static String cli(Lab lab, String host, String command) {
        return lab.shell(host, "REDISCLI_AUTH='" + PASSWORD + "' redis-cli --no-auth-warning " + command + " 2>/dev/null").replace("\r", "");
    }

    private static Map<String, String> replication(Lab lab, String host) {
        return cli(lab, host, "INFO replication").lines().filter(l -> l.contains(":"))
                .collect(Collectors.toMap(l -> l.substring(0, l.indexOf(':')), l -> l.substring(l.indexOf(':') + 1), (a, b) -> b));
    }

    private static String sentinelMain(Lab lab, String sentinelHost) {
        return lab.shell(sentinelHost, "redis-cli -p 26379 SENTINEL GET-MASTER-ADDR-BY-NAME mymaster | head -1").strip();
    }

    private static String hostOf(Lab lab, String ip) {
        return NODES.stream().filter(h -> lab.host(h).ip().equals(ip)).findFirst().orElseThrow(() -> new AssertionError("no lab host has " + ip));
    }

    /** Every running node other than {@code main} replicates from it with the link up, and {@code main} has them all. */
    private static boolean topologyIs(Lab lab, String mainHost) {
        List<String> others = NODES.stream().filter(h -> !h.equals(mainHost) && !h.equals(stopped)).toList();
        Map<String, String> m = replication(lab, mainHost);
        if (!m.get("role").equals("master") || Integer.parseInt(m.get("connected_slaves")) != others.size()) return false;
        for (String h : others) {
            Map<String, String> r = replication(lab, h);
            if (!r.get("role").equals("slave") || !r.get("master_host").equals(lab.host(mainHost).ip())
                    || !r.get("master_link_status").equals("up")) {
                return false;
            }
        }
        return true;
    }

    private static void assertEveryTaskUnchangedWithOneExec(RunResult r, int hosts) {
        assertThat(r.recap().totalChanged()).as("changed tasks").isZero();
        List<HostResult> ran = r.hostResults().stream().filter(h -> h.status() != Status.UNREACHABLE).toList();
        assertThat(ran).hasSize(hosts + 2 * (int) SENTINELS.stream().filter(s -> !s.equals(stopped)).count());
        // Batched probes (the default): the task that took a batch counts its exec, the tasks it served none.
        boolean batched = RunOptions.builder().build().batchProbes();
        assertThat(ran).allSatisfy(h -> {
            assertThat(h.status()).as(h.host() + " " + h.task() + ": " + h.message()).isEqualTo(Status.OK);
            assertThat(h.execs()).as(h.host() + " " + h.task()).isBetween(batched ? 0 : 1, 1);
        });
    }

    @Test
    @Order(1)
    void installsRedisAndSentinel(Lab lab) {
        // Debian's units ask for PrivateUsers, which these containers cannot give (TESTBED.md): a lab matter.
        for (String h : NODES) {
            lab.shell(h, "for u in redis-server redis-sentinel; do mkdir -p /etc/systemd/system/$u.service.d;"
                    + " printf '[Service]\\nPrivateUsers=false\\n' > /etc/systemd/system/$u.service.d/lab.conf; done");
        }
        Play install = Play.builder("redis").gatherFacts(false)
                .task(Task.named("redis-server").module(AptPackage.builder("redis-server").updateCache(true).build()).build()).build();
        Play sentinels = Play.builder("sentinels").gatherFacts(false)
                .task(Task.named("redis-sentinel").module(AptPackage.builder("redis-sentinel").build()).build()).build();
        RunResult r = PlaybookRun.of(Playbook.of(install, sentinels)).inventory(lab.inventory())
                .connector(host -> Connections.open(lab.host(host).settings())).execute();
        assertThat(r.exitCode()).as(r.hostResults().toString()).isZero();
        // r3 starts without sentinel.conf and without a running Sentinel: the module writes the file, once.
        lab.shell("r3", "systemctl stop redis-sentinel && rm /etc/redis/sentinel.conf");
    }

    @Test
    @Order(2)
    void convergesOneMainThreeReplicasAndThreeSentinels(Lab lab) {
        RunResult r = converge(lab);

        assertThat(r.exitCode()).as(r.hostResults().toString()).isZero();
        for (String h : NODES) {
            HostResult replica = r.result(h, REPLICA_TASK).orElseThrow();
            assertThat(replica.status()).as(h + ": " + replica.message()).isEqualTo(Status.CHANGED);
            assertThat(replica.execs()).isEqualTo(2);
            assertThat(replica.changes().toString()).doesNotContain(PASSWORD);
        }
        for (String h : SENTINELS) {
            HostResult s = r.result(h, SENTINEL_TASK).orElseThrow();
            assertThat(s.status()).as(h + ": " + s.message()).isEqualTo(Status.CHANGED);
            assertThat(s.execs()).isEqualTo(2);
        }
        assertThat(r.result("r1", SENTINEL_TASK).orElseThrow().changes().get(0).summary())
                .isEqualTo("re-point monitor mymaster from 127.0.0.1:6379 to " + lab.host("r0").ip() + ":6379");
        assertThat(r.result("r3", SENTINEL_TASK).orElseThrow().changes().get(0).summary()).startsWith("write /etc/redis/sentinel.conf");
        assertThat(r.result("r3", SENTINEL_UNIT_TASK).orElseThrow().status()).isEqualTo(Status.CHANGED);
        assertThat(lab.shell("r3", "stat -c '%U %a' /etc/redis/sentinel.conf").strip()).isEqualTo("redis 640");

        lab.await("r0 is the main of r1, r2 and r3", Duration.ofSeconds(30), () -> topologyIs(lab, "r0"));
        lab.await("every Sentinel knows the other two and the three replicas", Duration.ofSeconds(30), () -> SENTINELS.stream().allMatch(s -> {
            String info = lab.shell(s, "redis-cli -p 26379 SENTINEL MASTER mymaster");
            return info.contains("num-other-sentinels\n2\n") && info.contains("num-slaves\n3\n");
        }));
        for (String s : SENTINELS) assertThat(sentinelMain(lab, s)).isEqualTo(lab.host("r0").ip());
        assertThat(cli(lab, "r2", "CONFIG GET maxmemory")).isEqualTo("maxmemory\n67108864\n");
        // Persisted, as Redis itself wrote it: a restart keeps the replica in place.
        lab.shell("r2", "systemctl restart redis-server");
        lab.await("r2 replicates again after a restart", Duration.ofSeconds(30), () -> topologyIs(lab, "r0"));
    }

    @Test
    @Order(3)
    void aSecondRunChangesNothingWithOneExecPerTask(Lab lab) {
        assertEveryTaskUnchangedWithOneExec(converge(lab), NODES.size());
        assertThat(topologyIs(lab, "r0")).isTrue();
    }

    /** DavidWittman/ansible-redis#22/#114: the re-run must keep the failover, not point everything back at r0. */
    @Test
    @Order(4)
    void aForcedFailoverIsKeptByARerun(Lab lab) {
        assertThat(lab.shell("r1", "redis-cli -p 26379 SENTINEL FAILOVER mymaster").strip()).isEqualTo("OK");
        lab.await("the Sentinels name a new main", Duration.ofSeconds(30), () -> !sentinelMain(lab, "r1").equals(lab.host("r0").ip()));
        main = hostOf(lab, sentinelMain(lab, "r1"));
        lab.await("every node, r0 included, follows " + main, Duration.ofSeconds(60), () -> topologyIs(lab, main));

        assertEveryTaskUnchangedWithOneExec(converge(lab), NODES.size());
        assertThat(topologyIs(lab, main)).as("still " + main + " after the re-run").isTrue();
        for (String s : SENTINELS) assertThat(sentinelMain(lab, s)).isEqualTo(lab.host(main).ip());
        assertThat(lab.shell("r0", "grep '^replicaof' /etc/redis/redis.conf").strip()).isEqualTo("replicaof " + lab.host(main).ip() + " 6379");
    }

    @Test
    @Order(5)
    void withTheMainStoppedARerunChangesNothingAndTheNewMainTakesWrites(Lab lab) {
        String old = main;
        String survivor = SENTINELS.stream().filter(s -> !s.equals(old)).findFirst().orElseThrow();
        long start = System.nanoTime();
        lab.stop(old);
        stopped = old;
        lab.await("the Sentinels elect a main other than " + old, Duration.ofSeconds(60),
                () -> !sentinelMain(lab, survivor).equals(lab.host(old).ip()));
        main = hostOf(lab, sentinelMain(lab, survivor));
        lab.await(main + " answers as main", Duration.ofSeconds(30), () -> replication(lab, main).get("role").equals("master"));
        System.out.printf("failover after stopping %s: %s is main %d ms later%n", old, main, (System.nanoTime() - start) / 1_000_000);
        lab.await("the other nodes follow " + main, Duration.ofSeconds(60), () -> topologyIs(lab, main));

        RunResult r = converge(lab);
        assertThat(r.result(old, REPLICA_TASK).orElseThrow().status()).isEqualTo(Status.UNREACHABLE);
        assertEveryTaskUnchangedWithOneExec(r, NODES.size() - 1);
        assertThat(topologyIs(lab, main)).isTrue();

        assertThat(cli(lab, main, "SET after-failover yes").strip()).isEqualTo("OK");
        String replica = NODES.stream().filter(h -> !h.equals(main) && !h.equals(old)).findFirst().orElseThrow();
        lab.await("the write reaches " + replica, Duration.ofSeconds(10), () -> cli(lab, replica, "GET after-failover").strip().equals("yes"));
    }
}
