package dev.rigger.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rigger.core.executor.PlaybookRun;
import dev.rigger.core.inventory.InventoryConnections;
import dev.rigger.core.executor.RunEvent.HostResult;
import dev.rigger.core.executor.RunOptions;
import dev.rigger.core.executor.RunResult;
import dev.rigger.core.loader.LoaderOptions;
import dev.rigger.core.loader.PlaybookLoader;
import dev.rigger.core.module.ModuleRegistry;
import dev.rigger.core.transport.Connection;
import dev.rigger.core.transport.Connections;
import dev.rigger.testing.Lab;
import dev.rigger.testing.LabHosts;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Batched probes change how many execs a run costs, never what it does: each playbook runs from
 * the same starting state with batching off and on, in check mode with diffs, for real, and again,
 * and every host's results (status, message, changes and diffs, in order), the recap and what
 * the hosts end up with must be the same both ways. Playbooks: EngineIT's (roles, loops, block,
 * serial, handlers) and one of plain tasks back to back where later probes read what earlier
 * tasks changed, whose unchanged second run must cost fewer execs with batching.
 *
 * <p>Every run also checks that the exec counts in the result events are honest, batched or not:
 * per host, the task results (for a loop, its closing result; its items' results show their share)
 * add up to exactly the execs the host's connection ran. A batch of probes counts on the task
 * that took it; the tasks it served ran none.
 */
@LabHosts(value = {"web1", "web2", "db1"}, groups = {"web=web1,web2", "db=db1"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProbeBatchingIT {
    private static final String ENGINE = "/engine/site.yml";
    private static final String STEADY = "/batching/steady.yml";
    private static final String WORKLOAD = "/batching/workload.yml";
    private static final String OVERLAP = "/batching/overlap.yml";
    private static final Map<String, String> RESET = Map.of(
            ENGINE, "rm -rf /etc/rigger-demo",
            STEADY, "rm -rf /etc/rigger-batch; userdel rbatch 2>/dev/null; groupdel rbatch 2>/dev/null; true",
            WORKLOAD, "rm -f /tmp/rbench-touched /tmp/rbench-copied; userdel -r rbench 2>/dev/null; true",
            OVERLAP, "rm -rf /etc/rigger-overlap");
    private static final Map<String, String> STATE = Map.of(
            ENGINE, "cd /etc/rigger-demo && for f in $(ls | grep -v reloads); do echo \"$f $(stat -c '%a %U' $f) $(md5sum < $f)\"; done",
            STEADY, "cd /etc/rigger-batch && for f in *; do echo \"$f $(stat -c '%a %U' $f) $(md5sum < $f)\"; done; id rbatch",
            WORKLOAD, "stat -c '%n %a %U %s' /tmp/rbench-touched /tmp/rbench-copied; md5sum < /tmp/rbench-copied; id rbench",
            OVERLAP, "cd /etc/rigger-overlap && find . -exec stat -c '%n %F %a %U' {} + | sort; cat copied same sibling");

    @Test
    @Order(1)
    void enginePlaybookGivesTheSameResultsWithAndWithoutBatching(Lab lab) {
        sameBothWays(lab, ENGINE);
    }

    @Test
    @Order(2)
    void steadyPlaybookGivesTheSameResultsAndItsUnchangedRunCostsFewerExecs(Lab lab) {
        Runs runs = sameBothWays(lab, STEADY);
        long off = execs(runs.secondOff);
        long on = execs(runs.secondOn);
        System.out.printf("BATCHING steady playbook, unchanged run, 3 hosts: %d execs without batching, %d with%n", off, on);
        for (RunResult r : List.of(runs.secondOff, runs.secondOn)) {
            System.out.println("BATCHING web1: " + r.hostResults().stream().filter(h -> h.host().equals("web1"))
                    .map(h -> h.task() + "=" + h.status() + "/" + h.execs()).toList());
        }
        assertThat(on).isLessThan(off);
        for (String host : List.of("web1", "web2", "db1")) {
            assertThat(steadyPlayExecs(runs.secondOff, host)).as("the steady play's execs on %s without batching", host).isEqualTo(6);
            assertThat(steadyPlayExecs(runs.secondOn, host)).as("the steady play's execs on %s with batching", host).isEqualTo(1);
        }
    }

    @Test
    @Order(3)
    void afterAHandMadeChangeCheckModeAndDiffReportTheSameBothWays(Lab lab) {
        for (String host : List.of("web1", "web2", "db1")) {
            lab.shell(host, "echo beta > /etc/rigger-batch/a.conf && echo other > /etc/rigger-batch/c.conf && chmod 0640 /etc/rigger-batch/b.conf");
        }
        RunResult off = run(STEADY, lab, false, true, true);
        RunResult on = run(STEADY, lab, true, true, true);
        assertSame(off, on, "check mode after a hand-made change");
        assertThat(on.recap().totalChanged()).isPositive();
    }

    /**
     * FleetBench's workload: copy's probe, taken ahead in the user's batch, survives the touch of
     * another path (declared writes disjoint from its declared reads), so the second run costs the
     * batch, touch's apply and the shell.
     */
    @Test
    @Order(4)
    void workloadSecondRunCostsThreeExecsPerHostWithBatching(Lab lab) {
        Runs runs = sameBothWays(lab, WORKLOAD);
        for (RunResult r : List.of(runs.secondOff, runs.secondOn)) {
            System.out.println("BATCHING workload web1: " + r.hostResults().stream().filter(h -> h.host().equals("web1"))
                    .map(h -> h.task() + "=" + h.status() + "/" + h.execs()).toList());
        }
        System.out.printf("BATCHING workload, second run, 3 hosts: %d execs without batching, %d with%n",
                execs(runs.secondOff), execs(runs.secondOn));
        for (String host : List.of("web1", "web2", "db1")) {
            assertThat(hostExecs(runs.secondOff, host)).as("second run's execs on %s without batching", host).isEqualTo(5);
            assertThat(hostExecs(runs.secondOn, host)).as("second run's execs on %s with batching", host).isEqualTo(3);
            assertThat(taskExecs(runs.secondOn, host, "A copied file")).as("copy's kept probe on %s", host).isZero();
        }
    }

    /**
     * Changes that later probes taken ahead DO read (a removed file then copied again, a touch
     * then a copy to the same path, a file made in a tree then the tree's recursive mode): those
     * probes are taken again, and results and hosts are the same as without batching.
     */
    @Test
    @Order(5)
    void changesThatAKeptProbeReadsMakeItProbeAgain(Lab lab) {
        Runs runs = sameBothWays(lab, OVERLAP);
        System.out.println("BATCHING overlap web1: " + runs.secondOn.hostResults().stream().filter(h -> h.host().equals("web1"))
                .map(h -> h.task() + "=" + h.status() + "/" + h.execs()).toList());
        for (String host : List.of("web1", "web2", "db1")) {
            for (String task : List.of("copy after the removal of its dest", "the tree recursively")) {
                HostResult r = result(runs.secondOn, host, task);
                assertThat(r.status()).as("%s on %s", task, host).isEqualTo(dev.rigger.core.executor.Status.CHANGED);
                assertThat(r.execs()).as("%s on %s: probed again, then applied", task, host).isEqualTo(2);
            }
            assertThat(lab.shell(host, "cat /etc/rigger-overlap/copied; stat -c %a /etc/rigger-overlap/tree/sub/new"))
                    .isEqualTo("x\n640\n");
        }
    }

    private record Runs(RunResult secondOff, RunResult secondOn) {}

    private Runs sameBothWays(Lab lab, String playbook) {
        reset(lab, playbook);
        assertSame(run(playbook, lab, false, true, true), run(playbook, lab, true, true, true), "check mode with diff, fresh hosts");

        RunResult firstOff = run(playbook, lab, false, false, false);
        List<String> stateOff = state(lab, playbook);
        reset(lab, playbook);
        RunResult firstOn = run(playbook, lab, true, false, false);
        assertSame(firstOff, firstOn, "first run");
        assertThat(state(lab, playbook)).as("what the hosts end up with").isEqualTo(stateOff);

        RunResult secondOff = run(playbook, lab, false, false, false);
        RunResult secondOn = run(playbook, lab, true, false, false);
        assertSame(secondOff, secondOn, "second run");
        assertThat(secondOn.recap().totalChanged()).isEqualTo(secondOff.recap().totalChanged());
        return new Runs(secondOff, secondOn);
    }

    private static RunResult run(String playbook, Lab lab, boolean batch, boolean check, boolean diff) {
        try {
            Path site = Path.of(ProbeBatchingIT.class.getResource(playbook).toURI());
            var loaded = new PlaybookLoader(ModuleRegistry.load(), LoaderOptions.builder().build()).load(site);
            InventoryConnections settings = new InventoryConnections(lab.inventory());
            List<Connection> opened = new CopyOnWriteArrayList<>();
            long started = System.nanoTime();
            RunResult result = PlaybookRun.of(loaded.playbook()).inventory(lab.inventory())
                    .options(RunOptions.builder().checkMode(check).diffMode(diff).batchProbes(batch).build())
                    .connector(host -> {
                        Connection c = Connections.open(settings.settingsFor(host));
                        opened.add(c);
                        return c;
                    })
                    .execute();
            System.out.printf("BATCHING %s batch=%s check=%s: %d ms, %d execs, exit %d%n", playbook, batch, check,
                    (System.nanoTime() - started) / 1_000_000, execs(result), result.exitCode());
            Map<String, Long> ran = new TreeMap<>();
            for (Connection c : opened) ran.merge(c.hostName(), c.execCount(), Long::sum);
            Map<String, Long> reported = new TreeMap<>();
            for (HostResult r : result.hostResults()) {
                if (r.item() == null) reported.merge(r.host(), (long) r.execs(), Long::sum);
            }
            reported.keySet().retainAll(ran.keySet()); // hosts that never needed a connection ran nothing
            assertThat(reported).as("%s batch=%s check=%s: execs reported per host = execs run", playbook, batch, check)
                    .isEqualTo(ran);
            return result;
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void reset(Lab lab, String playbook) {
        for (String host : List.of("web1", "web2", "db1")) lab.shell(host, RESET.get(playbook));
    }

    private static List<String> state(Lab lab, String playbook) {
        return List.of("web1", "web2", "db1").stream().map(h -> h + ": " + lab.shell(h, STATE.get(playbook))).toList();
    }

    private static long steadyPlayExecs(RunResult result, String host) {
        List<String> tasks = List.of("directory", "group", "user in that group", "block", "per-host file", "mode of the per-host file");
        return result.hostResults().stream().filter(r -> r.host().equals(host) && tasks.contains(r.task())).mapToLong(HostResult::execs).sum();
    }

    private static long hostExecs(RunResult result, String host) {
        return result.hostResults().stream().filter(r -> r.host().equals(host) && r.item() == null).mapToLong(HostResult::execs).sum();
    }

    private static long taskExecs(RunResult result, String host, String task) {
        return result(result, host, task).execs();
    }

    private static HostResult result(RunResult result, String host, String task) {
        return result.hostResults().stream().filter(r -> r.host().equals(host) && r.task().equals(task) && r.item() == null)
                .findFirst().orElseThrow(() -> new AssertionError("no result of " + task + " on " + host));
    }

    /** The execs of a run: its task results (a loop's items are inside its closing result). */
    private static long execs(RunResult result) {
        return result.hostResults().stream().filter(r -> r.item() == null).mapToLong(HostResult::execs).sum();
    }

    /** Per host, in order: task, item, status, message (digits masked: timestamps), changes with their diffs. */
    private static void assertSame(RunResult off, RunResult on, String what) {
        assertThat(on.exitCode()).as("%s: exit code", what).isEqualTo(off.exitCode());
        assertThat(on.recap()).as("%s: recap", what).isEqualTo(off.recap());
        assertThat(byHost(on)).as("%s: results per host", what).isEqualTo(byHost(off));
    }

    private static Map<String, List<String>> byHost(RunResult result) {
        Map<String, List<String>> hosts = new TreeMap<>();
        for (HostResult r : result.hostResults()) {
            hosts.computeIfAbsent(r.host(), h -> new ArrayList<>()).add(r.task() + " | " + r.item() + " | " + r.status()
                    + " | " + r.message().replaceAll("\\d+", "#") + " | " + r.changes());
        }
        return hosts;
    }
}
