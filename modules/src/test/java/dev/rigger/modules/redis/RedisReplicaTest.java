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
import dev.rigger.modules.redis.RedisReplica.Current;
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

class RedisReplicaTest {
    private static final List<String> SENTINELS = List.of(REPLICA, MAIN);

    /** The spec every node of the captured cluster had: bootstrap main .11, both Sentinels asked. */
    private static RedisReplica.Builder spec() {
        return RedisReplica.main(MAIN).masterName("mymaster").sentinels(SENTINELS).requirepass(SECRET).masterauth(SECRET)
                .config("bind", "0.0.0.0");
    }

    private static Current state(String capture) {
        return Current.parse(output(capture));
    }

    private static Plan plan(RedisReplica spec, String capture) {
        Plan plan = spec.plan(state(capture), CONTEXT);
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
        Current fresh = state("fresh-replica");
        assertThat(fresh.role()).isEqualTo("master");
        assertThat(fresh.connectedReplicas()).isZero();
        assertThat(fresh.addresses()).containsExactly(REPLICA);
        assertThat(fresh.liveRequirepass()).isEqualTo("none");
        assertThat(fresh.config()).containsEntry("bind", "127.0.0.1 -::1").containsEntry("maxmemory", "0");
        assertThat(fresh.configFile()).isEqualTo("/etc/redis/redis.conf");
        assertThat(fresh.fileReplicaOf()).isNull();
        assertThat(fresh.sentinels()).extracting(a -> a.main().toString()).containsExactly("127.0.0.1:6379", "127.0.0.1:6379");

        Current replica = state("converged-replica");
        assertThat(replica.isReplica()).isTrue();
        assertThat(replica.replicaOf()).isEqualTo(new Endpoint(MAIN, 6379));
        assertThat(replica.linkUp()).isTrue();
        assertThat(replica.liveRequirepass()).isEqualTo(RedisCli.digest(SECRET)).isEqualTo(replica.fileMasterauth());
        assertThat(replica.fileReplicaOf()).isEqualTo(new Endpoint(MAIN, 6379));

        Current down = state("main-down-replica");
        assertThat(down.linkUp()).isFalse();
        assertThat(down.sentinels().get(0).main()).isNull();
        assertThat(down.sentinels().get(0).problem()).isEqualTo("no answer within 3 s");
        assertThat(down.sentinels().get(1).main()).isEqualTo(new Endpoint(REPLICA, 6379));
        assertThat(down.sentinels().get(1).configEpoch()).isEqualTo(16);
    }

    @Test
    void aFreshNodeIsBootstrappedFromTheInventoryWhenSentinelsOnlyKnowLoopback() {
        Plan plan = plan(spec().config("maxmemory", "256mb").build(), "fresh-replica");

        assertThat(summaries(plan)).containsExactly(
                "set bind 0.0.0.0 (was 127.0.0.1 -::1)",
                "set maxmemory 256mb (was 0)",
                "set requirepass ********",
                "set masterauth ********",
                "replicate from " + MAIN + ":6379 (was a main with 0 replicas)");
        assertThat(plan.applyScript()).contains("REPLICAOF " + MAIN + " 6379").contains("CONFIG REWRITE");
        assertThat(new String(plan.applyInput().readAll(), StandardCharsets.UTF_8)).isEqualTo(PASSWORD + "\n" + PASSWORD + "\n");
    }

    @Test
    void theBootstrapMainStaysMain() {
        assertThat(plan(spec().build(), "converged-main").hasChanges()).isFalse();
    }

    @Test
    void aConvergedReplicaIsLeftAlone() {
        assertThat(plan(spec().build(), "converged-replica").hasChanges()).isFalse();
    }

    /** DavidWittman/ansible-redis#22/#114: a re-run after a failover must not demote the new main. */
    @Test
    void afterAFailoverTheNewMainIsNotDemotedBackToTheInventorysMain() {
        assertThat(plan(spec().build(), "failedover-newmain").hasChanges()).isFalse();
        assertThat(plan(spec().build(), "failedover-oldmain-converted").hasChanges()).isFalse();
    }

    @Test
    void anOldMainThatSentinelHasNotConvertedYetFollowsTheMainTheSentinelsName() {
        Plan plan = plan(spec().build(), "failedover-oldmain");
        assertThat(summaries(plan)).containsExactly("replicate from " + REPLICA + ":6379 (was a main with 0 replicas)");
        assertThat(plan.applyScript()).contains("REPLICAOF " + REPLICA + " 6379").doesNotContain("REPLICAOF " + MAIN);
    }

    @Test
    void withTheMainDownAReplicaKeepsFollowingItAndNothingChanges() {
        assertThat(plan(spec().build(), "main-down-replica").hasChanges()).isFalse();
    }

    @Test
    void withoutSentinelsTheLiveClusterStillWinsOverTheInventory() {
        // The inventory names .12 as main, but .11 is a main with a replica and .12 follows it.
        RedisReplica inventorySaysReplica = RedisReplica.main(REPLICA).requirepass(SECRET).masterauth(SECRET).config("bind", "0.0.0.0").build();
        assertThat(plan(inventorySaysReplica, "converged-main").hasChanges()).isFalse();
        assertThat(plan(inventorySaysReplica, "converged-replica").hasChanges()).isFalse();
        // A node nobody placed yet is bootstrapped from the inventory.
        assertThat(summaries(plan(inventorySaysReplica, "fresh-replica"))).contains("set requirepass ********").doesNotContain("replicate from");
    }

    @Test
    void sentinelsThatDisagreeAtTheSameEpochStopTheTask() {
        Current split = state("converged-replica");
        List<RedisCli.SentinelAnswer> answers = List.of(
                new RedisCli.SentinelAnswer(new Endpoint("10.0.0.1", 26379), new Endpoint(MAIN, 6379), Map.of("config-epoch", "3"), null),
                new RedisCli.SentinelAnswer(new Endpoint("10.0.0.2", 26379), new Endpoint(REPLICA, 6379), Map.of("config-epoch", "3"), null));
        Current disagreeing = new Current(split.role(), split.replicaOf(), split.linkUp(), split.connectedReplicas(), split.addresses(),
                split.liveRequirepass(), split.liveMasterauth(), split.config(), split.configFile(), true, split.fileReplicaOf(),
                split.fileRequirepass(), split.fileMasterauth(), answers);
        assertThatThrownBy(() -> spec().build().plan(disagreeing, CONTEXT)).isInstanceOf(ModuleException.class)
                .hasMessageContaining("Sentinels disagree").hasMessageContaining("failover");
        // A newer epoch wins over more votes.
        List<RedisCli.SentinelAnswer> newer = List.of(answers.get(0), answers.get(0),
                new RedisCli.SentinelAnswer(new Endpoint("10.0.0.3", 26379), new Endpoint(REPLICA, 6379), Map.of("config-epoch", "4"), null));
        assertThat(RedisCli.mainPerSentinels(newer, "mymaster")).contains(new Endpoint(REPLICA, 6379));
    }

    @Test
    void aRedisWithAnotherPasswordIsAClearError() {
        assertThatThrownBy(() -> state("wrong-password")).isInstanceOf(ModuleException.class)
                .hasMessageContaining("does not accept the requirepass").hasMessageContaining("NOAUTH");
    }

    @Test
    void aLiveChangeThatWasNotPersistedIsRewritten() {
        String text = output("converged-replica").stdout().replace("replicaof " + MAIN + " 6379", "replicaof ");
        Plan plan = spec().build().plan(Current.parse(Captured.ok(text)), CONTEXT);
        assertThat(summaries(plan)).containsExactly("persist the running configuration to /etc/redis/redis.conf (CONFIG REWRITE)");
    }

    @Test
    void settingsCompareAsRedisReportsThem() {
        assertThat(RedisReplica.sameSetting("256mb", "268435456")).isTrue();
        assertThat(RedisReplica.sameSetting("1gb", "1073741824")).isTrue();
        assertThat(RedisReplica.sameSetting("100k", "100000")).isTrue();
        assertThat(RedisReplica.sameSetting("no", "NO")).isTrue();
        assertThat(RedisReplica.sameSetting("3600 1  300 100", "3600 1 300 100")).isTrue();
        assertThat(RedisReplica.sameSetting("256mb", "0")).isFalse();
        assertThat(RedisReplica.sameSetting("0.0.0.0", "127.0.0.1 -::1")).isFalse();
    }

    /** The apply script against a stub redis-cli: no password in any argv, every command on stdin. */
    @Test
    void passwordsTravelOnStdinNeverInArgv(@TempDir Path dir) throws IOException {
        Path stub = dir.resolve("redis-cli");
        Files.writeString(stub, "#!/bin/sh\n"
                + "printf '%s\\n' \"$*\" >> " + dir.resolve("argv") + "\n"
                + "printf 'auth=%s\\n' \"$REDISCLI_AUTH\" >> " + dir.resolve("env") + "\n"
                + "case \"$*\" in *INFO*) printf 'role:master\\r\\nconnected_slaves:0\\r\\n'; exit 0;; esac\n"
                + "cat >> " + dir.resolve("stdin") + "\necho OK\n");
        Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwx------"));
        Plan plan = plan(spec().build(), "fresh-replica");

        ExecResult r = Captured.run(plan.applyScript(), plan.applyInput(), dir);

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(Files.readString(dir.resolve("argv"))).doesNotContain(PASSWORD);
        assertThat(Files.readString(dir.resolve("env"))).contains("auth=" + PASSWORD);
        assertThat(Files.readString(dir.resolve("stdin")).lines().toList()).containsExactly(
                "CONFIG SET \"bind\" \"0.0.0.0\"",
                "CONFIG SET requirepass \"" + PASSWORD + "\"",
                "CONFIG SET masterauth \"" + PASSWORD + "\"",
                "REPLICAOF " + MAIN + " 6379",
                "CONFIG REWRITE");
    }

    @Test
    void theApplyStopsWhenAFailoverMovedTheNodeSinceTheProbe(@TempDir Path dir) throws IOException {
        Path stub = dir.resolve("redis-cli");
        Files.writeString(stub, "#!/bin/sh\ncase \"$*\" in *INFO*) printf 'role:slave\\r\\nmaster_host:10.9.9.9\\r\\nmaster_port:6379\\r\\n'; exit 0;; esac\n"
                + "cat >> " + dir.resolve("stdin") + "\necho OK\n");
        Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwx------"));
        Plan plan = plan(spec().build(), "failedover-oldmain");

        ExecResult r = Captured.run(plan.applyScript(), plan.applyInput(), dir);

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).contains("replication changed since the probe");
        assertThat(dir.resolve("stdin")).as("no command was sent").doesNotExist();
    }

    @Test
    void yamlBindsHostMappingsSecretsAndRefusesPasswordsSentinelCannotStore() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("main_host", MAIN);
        values.put("master_name", "mymaster");
        values.put("sentinels", List.of(Map.of("name", "r2", "ansible_host", REPLICA), "10.0.0.9:26380"));
        values.put("requirepass", SECRET);
        values.put("config", Map.of("protected-mode", false));
        RedisReplica r = (RedisReplica) new RedisReplica.Type().create(Args.of("redis_replica", values));
        assertThat(r.sentinels()).containsExactly(new Endpoint(REPLICA, 26379), new Endpoint("10.0.0.9", 26380));
        assertThat(r.config()).containsEntry("protected-mode", "no");
        assertThat(r.toString()).doesNotContain(PASSWORD);

        values.put("requirepass", Secret.of("has blank"));
        assertThatThrownBy(() -> new RedisReplica.Type().create(Args.of("redis_replica", values)))
                .isInstanceOf(InputException.class).hasMessageContaining("requirepass: must be printable ASCII")
                .hasMessageNotContaining("has blank");

        values.put("requirepass", SECRET);
        values.remove("master_name");
        assertThatThrownBy(() -> new RedisReplica.Type().create(Args.of("redis_replica", values)))
                .isInstanceOf(InputException.class).hasMessageContaining("master_name: required with sentinels");
        values.put("master_name", "mymaster");
        values.put("config", Map.of("replicaof", "x 1"));
        assertThatThrownBy(() -> new RedisReplica.Type().create(Args.of("redis_replica", values)))
                .isInstanceOf(InputException.class).hasMessageContaining("'replicaof' cannot be set here");
    }
}
