package dev.rigger.core.executor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rigger.core.executor.FakeHosts.Marker;
import dev.rigger.core.executor.FakeHosts.NeedsFile;
import dev.rigger.core.executor.RunEvent.HostResult;
import dev.rigger.core.executor.RunEvent.TaskStarted;
import dev.rigger.core.inventory.Inventory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class PlaybookRunTest {
    private final FakeHosts fake = new FakeHosts();
    private final Inventory inventory = Inventory.builder()
            .group("web", Map.of("port", 80), "web1", "web2", "web3")
            .group("db", Map.of(), "db1")
            .build();

    /** FakeHosts answers each module's own scripts; batched probes are ProbeBatchTest's and ProbeBatchingIT's subject. */
    private static RunOptions.Builder unbatched() {
        return RunOptions.builder().batchProbes(false);
    }

    private RunResult run(RunOptions options, Play... plays) {
        return PlaybookRun.of(Playbook.of(plays)).inventory(inventory).connector(fake).facts(fake::facts).options(options).execute();
    }

    private RunResult run(Play... plays) {
        return run(unbatched().build(), plays);
    }

    private static Task marker(String name, String path) {
        return Task.named(name).module(new Marker(path)).build();
    }

    @Test
    void changedTaskCostsTwoExecsAndUnchangedOneAndSecondRunChangesNothing() {
        Play play = Play.builder("web").task(marker("make a", "/a")).build();
        RunResult first = run(play);
        assertThat(first.resultsOf("make a")).hasSize(3).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(Status.CHANGED);
            assertThat(r.execs()).isEqualTo(2);
        });
        RunResult second = run(play);
        assertThat(second.resultsOf("make a")).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(Status.OK);
            assertThat(r.execs()).isEqualTo(1);
        });
        assertThat(second.recap().totalChanged()).isZero();
        assertThat(second.exitCode()).isZero();
    }

    @Test
    void factsAreGatheredOncePerHostForTheWholeRun() {
        Play one = Play.builder("web1").task(marker("a", "/a")).build();
        Play two = Play.builder("web1").task(marker("b", "/b")).build();
        RunResult result = run(one, two);
        assertThat(result.resultsOf("Gathering Facts")).hasSize(1);
        // facts 1 + (probe+apply) * 2 tasks
        assertThat(fake.execs.get("web1").get()).isEqualTo(5);
        // ok counts the changed tasks too, as ansible-playbook's recap does.
        assertThat(result.recap().of("web1").ok()).isEqualTo(3);
        assertThat(result.recap().of("web1").changed()).isEqualTo(2);
    }

    @Test
    void checkModeNeverAppliesAndPredictsLaterTasks() {
        Play play = Play.builder("web1")
                .task(marker("install package", "/usr/bin/redis"))
                .task(Task.named("configure service").module(new NeedsFile("/usr/bin/redis", "/etc/redis.conf")).build())
                .build();
        RunResult result = run(unbatched().checkMode(true).build(), play);
        assertThat(fake.files.get("web1")).isEmpty();
        assertThat(result.result("web1", "install package").orElseThrow().status()).isEqualTo(Status.CHANGED);
        HostResult predicted = result.result("web1", "configure service").orElseThrow();
        assertThat(predicted.status()).isEqualTo(Status.CHANGED);
        assertThat(predicted.message()).isEqualTo("would change (after pending change)");
        assertThat(result.exitCode()).isZero();
    }

    @Test
    void withoutAPendingChangeAFailingProbeFailsTheTaskEvenInCheckMode() {
        Play play = Play.builder("web1")
                .task(Task.named("configure service").module(new NeedsFile("/usr/bin/redis", "/etc/redis.conf")).build())
                .build();
        RunResult result = run(unbatched().checkMode(true).build(), play);
        HostResult r = result.result("web1", "configure service").orElseThrow();
        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.message()).isEqualTo("/usr/bin/redis is missing");
        assertThat(result.exitCode()).isEqualTo(2);
    }

    @Test
    void loopRegisterAndWhenOnRegisteredResult() {
        Play play = Play.builder("web1")
                .task(Task.named("files").module(vars -> new Marker("/f/" + vars.get("item"))).loop(List.of("x", "y")).register("made").build())
                .task(Task.named("only if changed").module(new Marker("/changed"))
                        .when(vars -> Boolean.TRUE.equals(((Map<?, ?>) vars.get("made")).get("changed"))).build())
                .task(Task.named("only if not changed").module(new Marker("/unchanged"))
                        .when(vars -> Boolean.FALSE.equals(((Map<?, ?>) vars.get("made")).get("changed"))).build())
                .build();
        RunResult result = run(play);
        assertThat(fake.files.get("web1")).containsExactlyInAnyOrder("/f/x", "/f/y", "/changed");
        HostResult loop = result.result("web1", "files").orElseThrow();
        assertThat(loop.execs()).isEqualTo(4);
        assertThat((List<?>) loop.registered().get("results")).hasSize(2);
        assertThat(result.events().stream().filter(e -> e instanceof HostResult r && r.item() != null)).hasSize(2);
        assertThat(result.result("web1", "only if not changed").orElseThrow().status()).isEqualTo(Status.SKIPPED);
    }

    @Test
    void handlersRunOnceAtTheEndOnlyOnHostsThatNotified() {
        fake.files.computeIfAbsent("web2", h -> java.util.concurrent.ConcurrentHashMap.newKeySet()).add("/conf");
        Play play = Play.builder("web1:web2")
                .task(Task.named("conf").module(new Marker("/conf")).notify("restart").build())
                .task(Task.named("conf again").module(vars -> new Marker("/conf2")).notify("restart").build())
                .handler(Task.named("restart").module(new Marker("/restarted")).build())
                .build();
        RunResult result = run(play);
        assertThat(result.resultsOf("restart")).extracting(HostResult::host).containsExactlyInAnyOrder("web1", "web2");
        // web2 notified only through "conf again"; each host ran the handler exactly once.
        List<String> order = new ArrayList<>();
        result.events().forEach(e -> { if (e instanceof TaskStarted t) order.add(t.name()); });
        assertThat(order).containsExactly("Gathering Facts", "conf", "conf again", "restart");
    }

    @Test
    void rescueCountsTheFailureAsRescuedAndAlwaysRuns() {
        Block block = new Block("guarded", dev.rigger.core.error.SourceLocation.unknown("t"), Attributes.NONE,
                List.of(marker("forbidden", "/forbidden/x"), marker("after failure", "/never")),
                List.of(marker("rescue", "/rescued")),
                List.of(marker("always", "/always")));
        RunResult result = run(Play.builder("web1").task(block).task(marker("next", "/next")).build());
        assertThat(fake.files.get("web1")).containsExactlyInAnyOrder("/rescued", "/always", "/next");
        assertThat(result.result("web1", "forbidden").orElseThrow().message()).contains("permission denied");
        assertThat(result.recap().of("web1").failed()).isZero();
        assertThat(result.recap().of("web1").rescued()).isEqualTo(1);
        HostResult rescued = result.result("web1", "guarded").orElseThrow();
        assertThat(rescued.status()).isEqualTo(Status.RESCUED);
        assertThat(rescued.message()).startsWith("rescuing after 'forbidden' failed: exit 1: permission denied");
        assertThat(result.exitCode()).isZero();
    }

    @Test
    void failedHostStopsButOthersGoOnAndExitCodeIsTwo() {
        Play play = Play.builder("web1:web2")
                .task(Task.named("maybe").module(vars -> new Marker(vars.get("inventory_hostname").equals("web1") ? "/forbidden" : "/ok")).build())
                .task(marker("next", "/next"))
                .build();
        RunResult result = run(play);
        assertThat(result.resultsOf("next")).extracting(HostResult::host).containsExactly("web2");
        assertThat(result.exitCode()).isEqualTo(2);
    }

    @Test
    void ignoreErrorsKeepsGoing() {
        Play play = Play.builder("web1")
                .task(Task.named("fails").module(new Marker("/forbidden")).ignoreErrors(true).build())
                .task(marker("next", "/next"))
                .build();
        RunResult result = run(play);
        assertThat(result.result("web1", "fails").orElseThrow().status()).isEqualTo(Status.IGNORED);
        assertThat(result.result("web1", "next").orElseThrow().status()).isEqualTo(Status.CHANGED);
        assertThat(result.exitCode()).isZero();
    }

    @Test
    void unreachableHostGivesExitCodeFour() {
        fake.unreachable.add("db1");
        RunResult result = run(Play.builder("all").task(marker("a", "/a")).build());
        assertThat(result.recap().of("db1").unreachable()).isEqualTo(1);
        assertThat(result.resultsOf("a")).extracting(HostResult::host).containsExactlyInAnyOrder("web1", "web2", "web3");
        assertThat(result.exitCode()).isEqualTo(4);
    }

    @Test
    void serialBatchesFinishBeforeTheNextBatchStarts() {
        Play play = Play.builder("web").serial(Serial.of(1, "100%")).gatherFacts(false)
                .task(marker("a", "/a")).task(marker("b", "/b")).build();
        RunResult result = run(play);
        List<String> sequence = result.hostResults().stream().map(r -> r.host() + ":" + r.task()).toList();
        assertThat(sequence.subList(0, 2)).containsExactly("web1:a", "web1:b");
        assertThat(sequence.subList(2, 6)).containsExactlyInAnyOrder("web2:a", "web3:a", "web2:b", "web3:b");
        assertThat(sequence.indexOf("web2:b")).isGreaterThan(sequence.indexOf("web3:a"));
    }

    @Test
    void anyErrorsFatalStopsEveryHost() {
        Play play = Play.builder("web").anyErrorsFatal(true).gatherFacts(false)
                .task(Task.named("maybe").module(vars -> new Marker(vars.get("inventory_hostname").equals("web2") ? "/forbidden" : "/ok")).build())
                .task(marker("next", "/next"))
                .build();
        RunResult result = run(play);
        assertThat(result.resultsOf("next")).isEmpty();
    }

    @Test
    void maxFailPercentageAbortsWhenExceeded() {
        Play play = Play.builder("web").maxFailPercentage(30).gatherFacts(false)
                .task(Task.named("maybe").module(vars -> new Marker(vars.get("inventory_hostname").equals("web2") ? "/forbidden" : "/ok")).build())
                .task(marker("next", "/next"))
                .build();
        assertThat(run(play).resultsOf("next")).isEmpty();
        Play tolerant = Play.builder("web").maxFailPercentage(40).gatherFacts(false)
                .task(Task.named("maybe").module(vars -> new Marker(vars.get("inventory_hostname").equals("web2") ? "/forbidden" : "/ok2")).build())
                .task(marker("next", "/next"))
                .build();
        assertThat(run(tolerant).resultsOf("next")).hasSize(2);
    }

    @Test
    void runOnceRunsOnTheFirstHostAndSharesTheRegisteredResult() {
        Play play = Play.builder("web").gatherFacts(false)
                .task(Task.named("once").module(new Marker("/once")).runOnce(true).register("r").build())
                .task(Task.named("uses r").module(new Marker("/uses")).when(vars -> vars.get("r") != null).build())
                .build();
        RunResult result = run(play);
        assertThat(result.resultsOf("once")).extracting(HostResult::host).containsExactly("web1");
        assertThat(result.resultsOf("uses r")).hasSize(3).allSatisfy(r -> assertThat(r.status()).isEqualTo(Status.CHANGED));
    }

    /** Reports the hosts its task runs on, as a module that must act from one host only sees them. */
    private record TaskHosts() implements dev.rigger.core.module.Module<Boolean> {
        @Override public String moduleName() { return "task_hosts"; }
        @Override public dev.rigger.core.module.Probe<Boolean> probe(dev.rigger.core.module.ModuleContext c) { return dev.rigger.core.module.Probe.none(true); }
        @Override public dev.rigger.core.module.Plan plan(Boolean s, dev.rigger.core.module.ModuleContext c) {
            return dev.rigger.core.module.Plan.noChange(java.util.Map.of("msg", String.join(",", c.taskHosts())));
        }
    }

    @Test
    void modulesSeeTheHostsTheirTaskRunsOnOneWithRunOnce() {
        Play play = Play.builder("web").gatherFacts(false)
                .task(Task.named("all").module(new TaskHosts()).build())
                .task(Task.named("once").module(new TaskHosts()).runOnce(true).build())
                .build();
        RunResult result = run(play);
        assertThat(result.resultsOf("all")).hasSize(3).allSatisfy(r -> assertThat(r.message()).isEqualTo("web1,web2,web3"));
        assertThat(result.resultsOf("once")).singleElement().satisfies(r -> assertThat(r.message()).isEqualTo("web1"));
    }

    @Test
    void tagsSelectTasksAndAlwaysAndNeverFollowAnsible() {
        Play play = Play.builder("web1").gatherFacts(false)
                .task(Task.named("tagged").module(new Marker("/t")).tags("config").build())
                .task(Task.named("other").module(new Marker("/o")).tags("packages").build())
                .task(Task.named("always").module(new Marker("/a")).tags("always").build())
                .task(Task.named("never").module(new Marker("/n")).tags("never").build())
                .build();
        RunResult result = run(unbatched().tags(java.util.Set.of("config")).build(), play);
        assertThat(result.hostResults()).extracting(HostResult::task).containsExactly("tagged", "always");
        RunResult untagged = run(unbatched().skipTags(java.util.Set.of("always")).build(), play);
        assertThat(untagged.hostResults()).extracting(HostResult::task).containsExactly("tagged", "other");
    }

    @Test
    void startAtTaskSkipsUntilTheTaskAndThenRunsTheLaterPlaysInFull() {
        Play first = Play.builder("web1").gatherFacts(false)
                .task(marker("prepare", "/p")).task(marker("resume here", "/r")).task(marker("finish", "/f")).build();
        Play second = Play.builder("db1").gatherFacts(false).task(marker("database", "/d")).build();
        RunResult result = run(unbatched().startAtTask("resume*").build(), first, second);
        assertThat(result.hostResults()).extracting(HostResult::task).containsExactly("resume here", "finish", "database");
    }

    @Test
    void freeStrategyLetsHostsRunAhead() {
        Play play = Play.builder("web").strategy(Strategy.FREE).gatherFacts(false)
                .task(marker("a", "/a")).task(marker("b", "/b")).build();
        RunResult result = run(play);
        assertThat(result.resultsOf("b")).hasSize(3);
        assertThat(fake.files.values()).allSatisfy(fs -> assertThat(fs).contains("/a", "/b"));
    }

    @Test
    void variablesFollowPrecedence() {
        Role role = Role.named("r").defaults(Map.of("port", 1, "only_default", "d")).vars(Map.of("role_var", "rv"))
                .task(Task.named("capture").module(vars -> new Marker("/" + vars.get("port") + "-" + vars.get("only_default") + "-" + vars.get("role_var") + "-" + vars.get("x"))).build())
                .build();
        Play play = Play.builder("web1").gatherFacts(false).vars(Map.of("x", "play")).role(role).build();
        run(unbatched().extraVars(Map.of("x", "extra")).build(), play);
        // group var port=80 beats role default 1; extra var beats play var.
        assertThat(fake.files.get("web1")).containsExactly("/80-d-rv-extra");
    }

    @Test
    void twoRunsAtOnceShareNothing() {
        Play a = Play.builder("web").gatherFacts(false).task(Task.named("t").module(new Marker("/a")).register("r").build()).build();
        Play b = Play.builder("db").gatherFacts(false).task(Task.named("t").module(new Marker("/b")).register("r").build()).build();
        var first = CompletableFuture.supplyAsync(() -> run(a));
        var second = CompletableFuture.supplyAsync(() -> run(b));
        assertThat(first.join().recap().hosts().keySet()).containsExactly("web1", "web2", "web3");
        assertThat(second.join().recap().hosts().keySet()).containsExactly("db1");
    }

    @Test
    void aListenerThatThrowsIsReportedOnceAndTheRunGoesOn() {
        Play play = Play.builder("web").gatherFacts(false).task(marker("a", "/a")).task(marker("b", "/b")).build();
        List<RunEvent> seen = new ArrayList<>();
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        RunResult result;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            result = PlaybookRun.of(Playbook.of(play)).inventory(inventory).connector(fake).options(unbatched().build())
                    // What a consumer saw with an old jackson-annotations on the class path.
                    .listener(event -> { throw new NoClassDefFoundError("com/fasterxml/jackson/annotation/JsonIncludeProperties"); })
                    .listener(seen::add)
                    .execute();
        } finally {
            System.setErr(original);
        }
        assertThat(result.exitCode()).isZero();
        assertThat(result.hostResults()).hasSize(6);
        assertThat(fake.files.values()).allSatisfy(fs -> assertThat(fs).contains("/a", "/b"));
        assertThat(seen).last().isInstanceOf(RunEvent.RunFinished.class);
        assertThat(err.toString(StandardCharsets.UTF_8).lines().toList()).singleElement().asString()
                .contains("run listener", "failed on RunStarted", "JsonIncludeProperties");
    }
}
