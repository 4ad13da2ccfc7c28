package dev.rigger.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rigger.core.executor.PlayRecap;
import dev.rigger.core.executor.PlaybookRun;
import dev.rigger.core.executor.RunEvent.HostResult;
import dev.rigger.core.executor.RunOptions;
import dev.rigger.core.executor.RunResult;
import dev.rigger.core.executor.Status;
import dev.rigger.core.loader.LoadedPlaybook;
import dev.rigger.core.loader.LoaderOptions;
import dev.rigger.core.loader.PlaybookLoader;
import dev.rigger.core.loader.Preflight;
import dev.rigger.core.module.ModuleRegistry;
import dev.rigger.testing.Lab;
import dev.rigger.testing.LabHosts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The engine end to end on three real hosts: a multi-play YAML playbook with a role (defaults,
 * handlers, templates), loops, registers, block/rescue/always, serial batches and handlers —
 * first in check mode (which must not change a single file), then for real, then again (which
 * must change nothing), asserting statuses, recap counts and the exec budget.
 */
@LabHosts(value = {"web1", "web2", "db1"}, groups = {"web=web1,web2", "db=db1"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EngineIT {
    /** Everything a run could touch, except what sshd and systemd write on their own (logs, timers). */
    private static final String SNAPSHOT = "find / -xdev \\( -path /proc -o -path /sys -o -path /run -o -path /tmp"
            + " -o -path /var/log -o -path /var/lib/systemd -o -path /var/cache -o -path /var/tmp -o -path /dev \\) -prune"
            + " -o -printf '%p %s %m %u %g %T@ %l\\n' | sort | sha256sum";

    private static LoadedPlaybook load() {
        try {
            Path site = Path.of(EngineIT.class.getResource("/engine/site.yml").toURI());
            return new PlaybookLoader(ModuleRegistry.load(), LoaderOptions.builder().build()).load(site);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static RunResult run(Lab lab, boolean check, boolean diff) {
        LoadedPlaybook site = load();
        assertThat(Preflight.check(site, lab.inventory(), Map.of())).isEmpty();
        return PlaybookRun.of(site.playbook()).inventory(lab.inventory())
                .options(RunOptions.builder().checkMode(check).diffMode(diff).build())
                .execute();
    }

    @Test
    @Order(1)
    void checkModeReportsChangesWithoutTouchingAnyHost(Lab lab) {
        List<String> before = lab.hosts().stream().map(h -> lab.shell(h.name(), SNAPSHOT)).toList();
        RunResult check = run(lab, true, true);
        List<String> after = lab.hosts().stream().map(h -> lab.shell(h.name(), SNAPSHOT)).toList();

        assertThat(after).isEqualTo(before);
        assertThat(lab.exec("web1", "test", "-e", "/etc/rigger-demo").exitCode()).isNotZero();
        assertThat(check.exitCode()).isZero();
        assertThat(check.recap().totalChanged()).isGreaterThan(0);
        assertThat(check.result("web1", "state directory").orElseThrow().status()).isEqualTo(Status.CHANGED);
        // The motd's directory does not exist yet, but the task before would create it: predicted, not failed.
        HostResult motd = check.result("web1", "motd").orElseThrow();
        assertThat(motd.status()).isEqualTo(Status.CHANGED);
        assertThat(motd.message()).isEqualTo("would change (after pending change)");
        // A command cannot be predicted, so check mode skips it, as Ansible does.
        assertThat(check.result("db1", "fail on purpose").orElseThrow().status()).isEqualTo(Status.SKIPPED);
    }

    @Test
    @Order(2)
    void firstRunAppliesEverythingWithinTheExecBudget(Lab lab) {
        RunResult run = run(lab, false, false);

        assertThat(run.exitCode()).isZero();
        PlayRecap.Counts web1 = run.recap().of("web1");
        PlayRecap.Counts db1 = run.recap().of("db1");
        // web1: facts, uname, test -s are ok; dir, motd, loop, kernel, recover, always, motd handler,
        // web config and its handler changed (ok counts them too, as Ansible's recap); the deliberate failure was rescued.
        assertThat(web1).isEqualTo(new PlayRecap.Counts(12, 9, 0, 0, 0, 1, 0));
        assertThat(db1).isEqualTo(new PlayRecap.Counts(9, 7, 0, 0, 0, 1, 0));
        assertThat(run.resultsOf("Gathering Facts")).hasSize(3).allSatisfy(r -> assertThat(r.execs()).isEqualTo(1));
        assertThat(run.result("web1", "never reached")).isEmpty();

        for (HostResult r : run.events().stream().filter(e -> e instanceof HostResult).map(e -> (HostResult) e).toList()) {
            boolean loopTotal = r.item() == null && r.registered().containsKey("results");
            if (loopTotal) continue;
            if (r.status() == Status.CHANGED) assertThat(r.execs()).as("changed %s on %s", r.task(), r.host()).isLessThanOrEqualTo(2);
            if (r.status() == Status.OK) assertThat(r.execs()).as("ok %s on %s", r.task(), r.host()).isLessThanOrEqualTo(1);
        }

        assertThat(lab.shell("web2", "cat /etc/rigger-demo/web.conf")).isEqualTo("# web2 — managed by Rigger\nlisten 8080\nupstream web1\nupstream web2\n");
        assertThat(lab.shell("web1", "stat -c %a /etc/rigger-demo/web.conf").strip()).isEqualTo("640");
        assertThat(lab.shell("db1", "cat /etc/rigger-demo/motd")).startsWith("Managed by rigger on db1 (Debian 12");
        assertThat(lab.shell("db1", "cat /etc/rigger-demo/kernel").strip()).isEqualTo("Linux");
        assertThat(lab.shell("db1", "ls /etc/rigger-demo")).contains("member-web1", "member-web2", "rescued", "always", "motd-handler-ran").doesNotContain("never");
        assertThat(lab.exec("db1", "test", "-e", "/etc/rigger-demo/reloads").exitCode()).isNotZero();
        assertThat(lab.shell("web1", "wc -l < /etc/rigger-demo/reloads").strip()).isEqualTo("1");

        // serial: 1 — web1's batch, handlers included, finishes before web2's starts.
        List<String> order = run.hostResults().stream().map(r -> r.host() + ":" + r.task()).toList();
        assertThat(order.indexOf("web1:reload web")).isLessThan(order.indexOf("web2:web config"));
    }

    @Test
    @Order(3)
    void secondRunChangesNothingAndCostsAtMostOneExecPerTask(Lab lab) {
        RunResult again = run(lab, false, false);
        // One exec per unchanged task; with batched probes (the default) the task that took a
        // batch counts its exec, the tasks it served none (ProbeBatchingIT checks the sums).
        boolean batched = RunOptions.builder().build().batchProbes();

        assertThat(again.exitCode()).isZero();
        assertThat(again.recap().totalChanged()).isZero();
        assertThat(again.recap().of("web1").rescued()).isEqualTo(1);
        for (HostResult r : again.hostResults()) {
            if (r.registered().containsKey("results") || r.status() == Status.FAILED || r.status() == Status.RESCUED) continue;
            assertThat(r.execs()).as("%s on %s", r.task(), r.host()).isBetween(batched ? 0 : 1, 1);
        }
        assertThat(lab.shell("web1", "wc -l < /etc/rigger-demo/reloads").strip()).isEqualTo("1");
    }

    @Test
    @Order(4)
    void commandLineRunsThePlaybookWithDiffAndPrintsTheRecap(Lab lab) throws Exception {
        lab.shell("web2", "echo 'listen 1' > /etc/rigger-demo/web.conf");
        Path site = Path.of(EngineIT.class.getResource("/engine/site.yml").toURI());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                "play", site.toString(), "-i", lab.writeInventory().toString(), "--diff", "--limit", "web");
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as("stderr: %s", err).isZero();
        assertThat(text).contains("changed: [web2]", "-listen 1", "+listen 8080", "RUNNING HANDLER [reload web]", "PLAY RECAP")
                .doesNotContain("db1");
        assertThat(text).containsPattern("web2\\s+: ok=\\d+\\s+changed=2 ");
    }
}
