package dev.rigger.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rigger.core.executor.PlaybookRun;
import dev.rigger.core.executor.RunEvent.HostResult;
import dev.rigger.core.executor.RunOptions;
import dev.rigger.core.executor.RunResult;
import dev.rigger.core.executor.Status;
import dev.rigger.core.loader.LoadedPlaybook;
import dev.rigger.testing.Lab;
import dev.rigger.testing.LabHosts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The demo's deployment ({@code examples/demo/site.yml} with the haproxy and web roles from the
 * roles jar) on three real hosts, in Molecule's order: dry run on fresh hosts, converge, verify
 * through the load balancer, idempotence, a refused config, then a backend stopped.
 */
@LabHosts(value = {"lb1", "web1", "web2"}, groups = {"lb=lb1", "web=web1,web2"})
class ClusterDemoIT {
    /** Failsafe runs in the examples module's folder. */
    private static final Path SITE = Path.of("demo", "site.yml");
    private static final String HAPROXY_CFG = "/etc/haproxy/haproxy.cfg";
    private static final Map<String, String> BOTH_UP = Map.of("web1", "UP", "web2", "UP");

    @Test
    void deploysABalancedClusterThatSurvivesABackendStopping(Lab lab) {
        LoadedPlaybook site = ClusterDemo.load(SITE, lab.inventory());

        checkModeReportsTheChangesAndInstallsNothing(lab, site);
        RunResult first = ClusterDemo.run(site, lab.inventory(), false);
        theDeploymentRanWithinTheExecBudget(lab, first);
        bothBackendsServeThroughTheLoadBalancer(lab);
        aSecondRunChangesNothingWithOneExecPerTask(lab, site);
        aConfigHaproxyRefusesLeavesTheOldOneServing(lab, site);
        stoppingABackendLeavesTheOtherServing(lab);
    }

    private static void checkModeReportsTheChangesAndInstallsNothing(Lab lab, LoadedPlaybook site) {
        RunResult dry = ClusterDemo.run(site, lab.inventory(), true);

        assertThat(dry.exitCode()).isZero();
        assertThat(dry.result("lb1", "haproxy is installed").orElseThrow().status()).isEqualTo(Status.CHANGED);
        assertThat(dry.result("lb1", "haproxy.cfg").orElseThrow().status()).isEqualTo(Status.CHANGED);
        // The unit only exists once the package is installed: predicted, not failed.
        assertThat(dry.result("lb1", "haproxy runs and starts at boot").orElseThrow().message())
                .isEqualTo("would change (after pending change)");
        for (String web : ClusterDemo.WEB) {
            assertThat(dry.result(web, "nginx is installed").orElseThrow().status()).isEqualTo(Status.CHANGED);
            assertThat(dry.result(web, "the page names this host").orElseThrow().status()).isEqualTo(Status.CHANGED);
            assertThat(lab.exec(web, "dpkg", "-s", "nginx").exitCode()).as("nginx installed on " + web).isNotZero();
            assertThat(lab.exec(web, "test", "-e", "/var/www/rigger").exitCode()).isNotZero();
        }
        assertThat(lab.exec("lb1", "dpkg", "-s", "haproxy").exitCode()).as("haproxy installed by a dry run").isNotZero();
        assertThat(lab.exec("lb1", "test", "-e", "/etc/haproxy").exitCode()).isNotZero();
    }

    private static void theDeploymentRanWithinTheExecBudget(Lab lab, RunResult first) {
        assertThat(first.exitCode()).isZero();
        assertThat(first.hostResults()).allSatisfy(r -> assertThat(r.execs()).as(r.host() + " " + r.task()).isLessThanOrEqualTo(2));
        assertThat(first.result("lb1", "haproxy.cfg").orElseThrow().status()).isEqualTo(Status.CHANGED);
        assertThat(first.result("lb1", "reload haproxy").orElseThrow().status()).isEqualTo(Status.CHANGED);
        assertThat(first.resultsOf("reload nginx")).extracting(HostResult::host).containsExactlyInAnyOrder("web1", "web2");

        String cfg = lab.shell("lb1", "cat " + HAPROXY_CFG);
        for (String web : ClusterDemo.WEB) {
            assertThat(cfg).contains("server " + web + " " + lab.host(web).ip() + ":80 check inter 1s fall 2 rise 2");
        }
        Lab.LabExec validated = lab.exec("lb1", "haproxy", "-c", "-f", HAPROXY_CFG);
        assertThat(validated.exitCode()).as(validated.stdout() + validated.stderr()).isZero();
        for (String host : List.of("lb1", "web1", "web2")) {
            String unit = host.equals("lb1") ? "haproxy" : "nginx";
            assertThat(lab.shell(host, "systemctl is-enabled " + unit).strip()).isEqualTo("enabled");
        }
    }

    private static void bothBackendsServeThroughTheLoadBalancer(Lab lab) {
        lab.await("haproxy sees both web hosts up", Duration.ofSeconds(30), () -> ClusterDemo.serverStates(lab).equals(BOTH_UP));
        List<String> answers = ask(lab, 6);
        assertThat(answers).containsOnly("web1", "web2");
        for (int i = 1; i < answers.size(); i++) {
            assertThat(answers.get(i)).as("round robin: request %d after %s", i + 1, answers).isNotEqualTo(answers.get(i - 1));
        }
        assertThat(ClusterDemo.health(lab)).contains(" 200 ");
    }

    private static void aSecondRunChangesNothingWithOneExecPerTask(Lab lab, LoadedPlaybook site) {
        RunResult second = ClusterDemo.run(site, lab.inventory(), false);

        assertThat(second.exitCode()).isZero();
        assertThat(second.recap().totalChanged()).isZero();
        assertThat(second.resultsOf("reload haproxy")).isEmpty();
        assertThat(second.resultsOf("reload nginx")).isEmpty();
        // Batched probes (the default): the task that took a batch counts its exec, the tasks it served none.
        boolean batched = RunOptions.builder().build().batchProbes();
        assertThat(second.hostResults()).allSatisfy(r -> {
            // The haproxy role's optional parts (Redis, PostgreSQL, HTTPS) are off here: skipped.
            assertThat(r.status()).as(r.host() + " " + r.task()).isIn(Status.OK, Status.SKIPPED);
            // assert runs on the controller and a skipped task reads nothing; every other task reads its host once.
            int expected = r.task().equals("the backend group has hosts") || r.status() == Status.SKIPPED ? 0 : 1;
            assertThat(r.execs()).as(r.host() + " " + r.task()).isBetween(batched ? 0 : expected, expected);
        });
    }

    private static void aConfigHaproxyRefusesLeavesTheOldOneServing(Lab lab, LoadedPlaybook site) {
        String before = lab.shell("lb1", "sha256sum " + HAPROXY_CFG);
        RunResult refused = PlaybookRun.of(site.playbook()).inventory(lab.inventory())
                .options(RunOptions.builder().limit("lb1").extraVars(Map.of("haproxy_balance", "no-such-algorithm")).build())
                .execute();

        HostResult cfg = refused.result("lb1", "haproxy.cfg").orElseThrow();
        assertThat(cfg.status()).isEqualTo(Status.FAILED);
        assertThat(cfg.message()).contains("haproxy -c -f").contains("balance");
        assertThat(lab.shell("lb1", "sha256sum " + HAPROXY_CFG)).isEqualTo(before);
        assertThat(ask(lab, 2)).containsOnly("web1", "web2");
    }

    private static void stoppingABackendLeavesTheOtherServing(Lab lab) {
        lab.stop("web2");
        lab.await("the load balancer serves every request from web1", Duration.ofSeconds(5), () -> {
            assertThat(ClusterDemo.serverStates(lab)).containsEntry("web1", "UP").containsEntry("web2", "DOWN");
            return ask(lab, 4).stream().allMatch("web1"::equals);
        });
        assertThat(ask(lab, 4)).containsOnly("web1");
        assertThat(ClusterDemo.health(lab)).contains(" 200 ");
    }

    private static List<String> ask(Lab lab, int requests) {
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < requests; i++) answers.add(ClusterDemo.askLoadBalancer(lab));
        return answers;
    }
}
