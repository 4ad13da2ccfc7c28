package dev.rigger.modules.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rigger.core.executor.RunEvent.HostResult;
import dev.rigger.core.executor.RunOptions;
import dev.rigger.core.executor.RunResult;
import dev.rigger.core.executor.Status;
import dev.rigger.core.secret.Secret;
import dev.rigger.core.transport.Connections;
import dev.rigger.testing.Lab;
import dev.rigger.testing.LabHosts;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The file modules over SSH on real Debian hosts, checked through Docker (independent of Rigger):
 * check mode leaves the host alone, apply changes it within 2 execs, a second run is 1 exec, a
 * refusing validator leaves the old file and no temp file, diffs and events never carry secrets.
 * h2 only serves as a backend address in h1's HAProxy config.
 */
@LabHosts(value = {"h1", "h2"}, groups = "web=h2")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FilesIT {
    private static final String HAPROXY_CFG = "/etc/haproxy/haproxy.cfg";
    private static final String STATS_PASSWORD = "St4ts-Pw-" + Long.toHexString(System.nanoTime());

    private static Runs on(Lab lab) {
        return Runs.on(lab.inventory(), host -> Connections.open(lab.host(host).settings()), "h1");
    }

    private static String sha256(Lab lab, String path) {
        return lab.shell("h1", "sha256sum " + path + " | cut -d' ' -f1").strip();
    }

    private static Map<String, Object> haproxyVars(String balance, String password) {
        return Map.of("haproxy_maxconn", 2000, "app_port", 8080, "balance", balance, "stats_password", Secret.of(password));
    }

    private static TemplateFile haproxyTemplate() {
        return TemplateFile.of("files-it/haproxy.cfg.mustache", HAPROXY_CFG).mode("0644")
                .validate(List.of("haproxy", "-c", "-f", "%s")).build();
    }

    @Test
    @Order(1)
    void haproxyConfigFromATemplateWithGroupHostsCheckedThenAppliedThenUnchanged(Lab lab) {
        lab.shell("h1", "apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q haproxy >/dev/null");
        String packaged = sha256(lab, HAPROXY_CFG);
        String h2 = lab.host("h2").ip();

        RunResult checked = on(lab).check(true).diff(true).vars(haproxyVars("roundrobin", STATS_PASSWORD)).run(haproxyTemplate());
        HostResult check = checked.hostResults().get(0);
        assertThat(check.status()).as(check.message()).isEqualTo(Status.CHANGED);
        assertThat(check.execs()).isEqualTo(1);
        assertThat(sha256(lab, HAPROXY_CFG)).as("check mode leaves the host untouched").isEqualTo(packaged);
        String diff = check.changes().get(0).diff();
        assertThat(diff).contains("+    server h2 " + h2 + ":8080 check").contains("+# Managed by rigger; first backend " + h2)
                .contains("+    stats auth admin:********");
        assertThat(checked.events().toString()).doesNotContain(STATS_PASSWORD);

        RunResult applied = on(lab).diff(true).vars(haproxyVars("roundrobin", STATS_PASSWORD)).run(haproxyTemplate());
        HostResult apply = applied.hostResults().get(0);
        assertThat(apply.status()).as(apply.message()).isEqualTo(Status.CHANGED);
        assertThat(apply.execs()).isEqualTo(2);
        assertThat(applied.events().toString()).doesNotContain(STATS_PASSWORD);
        String onHost = lab.shell("h1", "cat " + HAPROXY_CFG);
        assertThat(onHost).contains("server h2 " + h2 + ":8080 check").contains("stats auth admin:" + STATS_PASSWORD);
        assertThat(lab.shell("h1", "stat -c %a " + HAPROXY_CFG).strip()).isEqualTo("644");
        assertThat(lab.exec("h1", "haproxy", "-c", "-f", HAPROXY_CFG).exitCode()).isZero();

        HostResult again = on(lab).vars(haproxyVars("roundrobin", STATS_PASSWORD)).runOne(haproxyTemplate());
        assertThat(again.status()).isEqualTo(Status.OK);
        assertThat(again.execs()).isEqualTo(1);
    }

    @Test
    @Order(2)
    void aConfigHaproxyRefusesIsNotInstalledAndTheOldFileStays(Lab lab) {
        String before = sha256(lab, HAPROXY_CFG);

        HostResult r = on(lab).vars(haproxyVars("no-such-algorithm", STATS_PASSWORD)).runOne(haproxyTemplate());

        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.execs()).isEqualTo(2);
        assertThat(r.message()).startsWith("validate (haproxy -c -f %s) refused the new content")
                .contains("balance only supports").contains(".rigger-").doesNotContain(STATS_PASSWORD);
        assertThat(sha256(lab, HAPROXY_CFG)).isEqualTo(before);
        assertThat(lab.shell("h1", "ls -A /etc/haproxy")).doesNotContain(".rigger-");
    }

    @Test
    @Order(3)
    void aChangedSecretIsWrittenButNeitherOldNorNewValueShows(Lab lab) {
        String newPassword = "N3w-" + STATS_PASSWORD;

        RunResult run = on(lab).diff(true).vars(haproxyVars("roundrobin", newPassword)).run(haproxyTemplate());

        HostResult r = run.hostResults().get(0);
        assertThat(r.status()).as(r.message()).isEqualTo(Status.CHANGED);
        assertThat(r.changes().get(0).summary()).endsWith("(only secret values differ)");
        assertThat(run.events().toString()).doesNotContain(STATS_PASSWORD).doesNotContain(newPassword);
        assertThat(lab.shell("h1", "cat " + HAPROXY_CFG)).contains("stats auth admin:" + newPassword);
    }

    @Test
    @Order(4)
    void copyIntoADirectoryWithVisudoAndABrokenOneRefused(Lab lab) {
        CopyFile good = CopyFile.src("/etc/sudoers.d/", "files-it/deploy").mode("0440").validate(List.of("visudo", "-cf", "%s")).build();

        HostResult r = on(lab).runOne(good);
        assertThat(r.status()).as(r.message()).isEqualTo(Status.CHANGED);
        assertThat(r.execs()).isEqualTo(2);
        assertThat(lab.shell("h1", "stat -c '%a %U' /etc/sudoers.d/deploy").strip()).isEqualTo("440 root");
        assertThat(lab.exec("h1", "visudo", "-c").exitCode()).isZero();
        assertThat(on(lab).runOne(good).execs()).isEqualTo(1);

        CopyFile broken = CopyFile.src("/etc/sudoers.d/deploy", "files-it/broken-sudoers").mode("0440")
                .validate(List.of("visudo", "-cf", "%s")).build();
        HostResult refused = on(lab).runOne(broken);
        assertThat(refused.status()).isEqualTo(Status.FAILED);
        assertThat(refused.message()).contains("syntax error");
        assertThat(lab.shell("h1", "cat /etc/sudoers.d/deploy")).contains("NOPASSWD: /usr/bin/systemctl reload haproxy");
        assertThat(lab.shell("h1", "ls -A /etc/sudoers.d")).doesNotContain(".rigger-");
    }

    @Test
    @Order(5)
    void fileWithSymbolicModesRecurseAndLinks(Lab lab) {
        lab.shell("h1", "mkdir -p /srv/app/releases/1/bin && echo x > /srv/app/releases/1/app.jar && echo '#!/bin/sh' > /srv/app/releases/1/bin/run"
                + " && chmod 0777 /srv/app/releases/1/app.jar && chmod 0700 /srv/app/releases/1/bin/run && ln -s app.jar /srv/app/releases/1/latest.jar");
        ManagedPath tree = ManagedPath.directory("/srv/app").owner("www-data").group("www-data").mode("u=rwX,g=rX,o=").recurse(true).build();
        ManagedPath current = ManagedPath.link("/srv/app/current", "releases/1").build();

        HostResult check = on(lab).check(true).runOne(tree);
        assertThat(check.status()).isEqualTo(Status.CHANGED);
        assertThat(lab.shell("h1", "stat -c %U /srv/app/releases/1/app.jar").strip()).isEqualTo("root");

        // The link first: the tree's chown then covers it as well, so the next run finds nothing to do.
        RunResult applied = on(lab).run(current, tree);
        assertThat(applied.hostResults()).allSatisfy(h -> {
            assertThat(h.status()).as(h.message()).isEqualTo(Status.CHANGED);
            assertThat(h.execs()).isEqualTo(2);
        });
        assertThat(lab.shell("h1", "find /srv/app ! -type l -printf '%m %u:%g %p\\n' | sort")).isEqualTo(String.join("\n",
                "750 www-data:www-data /srv/app",
                "750 www-data:www-data /srv/app/releases",
                "750 www-data:www-data /srv/app/releases/1",
                "750 www-data:www-data /srv/app/releases/1/app.jar",
                "750 www-data:www-data /srv/app/releases/1/bin",
                "750 www-data:www-data /srv/app/releases/1/bin/run") + "\n");
        assertThat(lab.shell("h1", "stat -c %U /srv/app/releases/1/latest.jar").strip()).as("the link itself").isEqualTo("www-data");
        assertThat(lab.shell("h1", "readlink /srv/app/current").strip()).isEqualTo("releases/1");

        RunResult again = on(lab).run(current, tree);
        assertThat(again.hostResults()).allSatisfy(h -> assertThat(h.status()).isEqualTo(Status.OK));
        // One exec per unchanged task; batched probes (the default) take both probes in one.
        boolean batched = RunOptions.builder().build().batchProbes();
        assertThat(again.hostResults().stream().mapToInt(HostResult::execs).sum()).isEqualTo(batched ? 1 : 2);

        ManagedPath plain = ManagedPath.at("/srv/app/releases/1/app.jar").mode("g-x").build();
        assertThat(on(lab).runOne(plain).status()).isEqualTo(Status.CHANGED);
        assertThat(lab.shell("h1", "stat -c %a /srv/app/releases/1/app.jar").strip()).isEqualTo("740");
        assertThat(on(lab).runOne(plain).execs()).as("symbolic mode already in effect").isEqualTo(1);
    }

    @Test
    @Order(6)
    void lineinfileOnTheRealSshdConfigValidatedBySshd(Lab lab) {
        String original = sha256(lab, "/etc/ssh/sshd_config");
        LineInFile tries = LineInFile.line("/etc/ssh/sshd_config", "MaxAuthTries 4").regexp("^#?MaxAuthTries\\s")
                .validate(List.of("sshd", "-t", "-f", "%s")).build();

        HostResult check = on(lab).check(true).diff(true).runOne(tries);
        assertThat(check.status()).isEqualTo(Status.CHANGED);
        assertThat(check.changes().get(0).diff()).contains("-#MaxAuthTries 6\n+MaxAuthTries 4\n");
        assertThat(sha256(lab, "/etc/ssh/sshd_config")).isEqualTo(original);

        HostResult apply = on(lab).runOne(tries);
        assertThat(apply.status()).as(apply.message()).isEqualTo(Status.CHANGED);
        assertThat(apply.execs()).isEqualTo(2);
        assertThat(lab.shell("h1", "sshd -T | grep -i '^maxauthtries'").strip()).isEqualTo("maxauthtries 4");
        assertThat(on(lab).runOne(tries).execs()).isEqualTo(1);

        String good = sha256(lab, "/etc/ssh/sshd_config");
        LineInFile broken = LineInFile.line("/etc/ssh/sshd_config", "MaxAuthTries many").regexp("^#?MaxAuthTries\\s")
                .validate(List.of("sshd", "-t", "-f", "%s")).build();
        HostResult refused = on(lab).runOne(broken);
        assertThat(refused.status()).isEqualTo(Status.FAILED);
        assertThat(refused.message()).contains("refused the new content").containsIgnoringCase("maxauthtries");
        assertThat(sha256(lab, "/etc/ssh/sshd_config")).isEqualTo(good);
        assertThat(lab.shell("h1", "ls -A /etc/ssh")).doesNotContain(".rigger-");
        assertThat(on(lab).runOne(tries).status()).as("sshd still lets Rigger in").isEqualTo(Status.OK);
    }

    @Test
    @Order(7)
    void blockinfileKeepsMarkedBlocksApart(Lab lab) {
        lab.shell("h1", "mkdir -p /etc/app && printf 'listen 80\\n[pool]\\nsize 1\\n' > /etc/app/app.conf");
        BlockInFile backends = BlockInFile.block("/etc/app/app.conf", "backend a\nbackend b").marker("# {mark} backends")
                .insertAfter("^listen").build();
        BlockInFile limits = BlockInFile.block("/etc/app/app.conf", "max 10").marker("# {mark} limits").build();

        RunResult first = on(lab).run(backends, limits);
        assertThat(first.hostResults()).allSatisfy(h -> assertThat(h.execs()).isEqualTo(2));
        assertThat(lab.shell("h1", "cat /etc/app/app.conf")).isEqualTo(
                "listen 80\n# BEGIN backends\nbackend a\nbackend b\n# END backends\n[pool]\nsize 1\n# BEGIN limits\nmax 10\n# END limits\n");
        assertThat(on(lab).run(backends, limits).hostResults()).allSatisfy(h -> {
            assertThat(h.status()).isEqualTo(Status.OK);
            assertThat(h.execs()).isEqualTo(1);
        });

        BlockInFile fewer = BlockInFile.block("/etc/app/app.conf", "backend b").marker("# {mark} backends").insertAfter("^listen").build();
        BlockInFile noLimits = BlockInFile.block("/etc/app/app.conf", "").marker("# {mark} limits").absent().build();
        assertThat(on(lab).run(fewer, noLimits).hostResults()).allSatisfy(h -> assertThat(h.status()).isEqualTo(Status.CHANGED));
        assertThat(lab.shell("h1", "cat /etc/app/app.conf")).isEqualTo(
                "listen 80\n# BEGIN backends\nbackend b\n# END backends\n[pool]\nsize 1\n");
    }
}
