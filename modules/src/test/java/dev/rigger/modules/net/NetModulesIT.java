package dev.rigger.modules.net;

import dev.rigger.modules.files.GetUrl;
import dev.rigger.modules.system.Uri;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rigger.core.executor.Attributes;
import dev.rigger.core.executor.Play;
import dev.rigger.core.executor.Playbook;
import dev.rigger.core.executor.PlaybookRun;
import dev.rigger.core.executor.RunEvent.HostResult;
import dev.rigger.core.executor.RunOptions;
import dev.rigger.core.executor.RunResult;
import dev.rigger.core.executor.Status;
import dev.rigger.core.executor.Task;
import dev.rigger.core.module.Args;
import dev.rigger.core.module.Module;
import dev.rigger.core.transport.Connections;
import dev.rigger.modules.command.Command;
import dev.rigger.testing.Lab;
import dev.rigger.testing.LabHosts;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * get_url, uri, unarchive (remote_src) and the {@code environment} keyword on a real host through the executor: what the
 * host ends up with, what is registered, and the exec budget. The host serves HTTP itself on its
 * loopback interface (a small perl server over /srv/www), so no traffic leaves the lab.
 */
@LabHosts({"net1"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NetModulesIT {
    private static final String H = "net1";
    private static final String BASE = "http://127.0.0.1:8080";
    /** A one-connection-at-a-time HTTP/1.0 file server: GET of /srv/www files, JSON for *.json, else 404. */
    private static final String SERVER = """
            use IO::Socket::INET;
            my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => 8080, Listen => 10, ReuseAddr => 1) or die "$!";
            while (my $c = $s->accept) {
              my ($m, $p) = split ' ', scalar <$c>;
              while (my $l = <$c>) { last if $l =~ /^\\r?\\n$/ }
              my $f = "/srv/www$p";
              if ($p !~ /\\.\\./ && -f $f) {
                open my $h, "<", $f; binmode $h; local $/; my $b = <$h>;
                my $t = $f =~ /\\.json$/ ? "application/json" : "application/octet-stream";
                print $c "HTTP/1.0 200 OK\\r\\nContent-Type: $t\\r\\nContent-Length: " . length($b) . "\\r\\n\\r\\n" . ($m eq "HEAD" ? "" : $b);
              } else {
                print $c "HTTP/1.0 404 Not Found\\r\\nContent-Length: 0\\r\\n\\r\\n";
              }
              close $c;
            }
            """;

    @Test
    @Order(1)
    void hostGetsCurlAndServesFiles(Lab lab) {
        long started = System.nanoTime();
        lab.shell(H, "apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends curl >/dev/null");
        System.out.printf("curl installed in %.1f s%n", (System.nanoTime() - started) / 1e9);
        lab.shell(H, "mkdir -p /srv/www && printf 'release 1.0\\n' > /srv/www/app-1.0.tar.gz"
                + " && printf '{\"status\": \"up\", \"nodes\": 3}' > /srv/www/health.json"
                + " && cat > /usr/local/bin/rigger-httpd <<'EOF'\n" + SERVER + "EOF\n"
                + "nohup perl /usr/local/bin/rigger-httpd >/var/log/rigger-httpd.log 2>&1 &");
        lab.await("the lab host's HTTP server", java.time.Duration.ofSeconds(20),
                () -> lab.exec(H, "curl", "-sf", BASE + "/health.json").exitCode() == 0);
    }

    @Test
    @Order(2)
    void getUrlDownloadsOnceWithAChecksumAndKeepsTheFileAfterwards(Lab lab) {
        String sha256 = lab.shell(H, "sha256sum < /srv/www/app-1.0.tar.gz | cut -d' ' -f1").strip();
        Module<?> get = module(new GetUrl.Type(), "get_url", Map.of("url", BASE + "/app-1.0.tar.gz", "dest", "/opt/",
                "checksum", "sha256:" + sha256, "mode", "0640", "owner", "nobody"));
        HostResult first = expect(run(lab, get), Status.CHANGED, 2);
        assertThat(first.registered()).containsEntry("dest", "/opt/app-1.0.tar.gz");
        assertThat(lab.shell(H, "cat /opt/app-1.0.tar.gz; stat -c '%a %U' /opt/app-1.0.tar.gz")).isEqualTo("release 1.0\n640 nobody\n");
        expect(run(lab, get), Status.OK, 1);

        lab.shell(H, "printf 'tampered\\n' > /opt/app-1.0.tar.gz");
        expect(run(lab, get), Status.CHANGED, 2);
        assertThat(lab.shell(H, "cat /opt/app-1.0.tar.gz")).isEqualTo("release 1.0\n");

        Module<?> wrong = module(new GetUrl.Type(), "get_url", Map.of("url", BASE + "/app-1.0.tar.gz", "dest", "/opt/other.tar.gz",
                "checksum", "sha256:" + "0".repeat(64)));
        assertThat(expect(run(lab, wrong), Status.FAILED, 2).message()).contains("The checksum for the download did not match");
        assertThat(lab.exec(H, "test", "-e", "/opt/other.tar.gz").exitCode()).isNotZero();
        assertThat(lab.shell(H, "ls -A /opt | grep -c rigger-get_url || true").strip()).isEqualTo("0");
    }

    @Test
    @Order(3)
    void getUrlCopiesAFileUrlOnTheHost(Lab lab) {
        Module<?> get = module(new GetUrl.Type(), "get_url", Map.of("url", "file:///srv/www/health.json", "dest", "/etc/health.json"));
        expect(run(lab, get), Status.CHANGED, 2);
        expect(run(lab, get), Status.OK, 1);
        assertThat(lab.shell(H, "cat /etc/health.json")).isEqualTo("{\"status\": \"up\", \"nodes\": 3}");
    }

    @Test
    @Order(4)
    void uriRegistersStatusAndJsonAndFailsOnAMissingPage(Lab lab) {
        HostResult health = expect(run(lab, module(new Uri.Type(), "uri", Map.of("url", BASE + "/health.json"))), Status.OK, 1);
        assertThat(health.registered()).containsEntry("status", 200).containsEntry("json", Map.of("status", "up", "nodes", 3));
        HostResult missing = expect(run(lab, module(new Uri.Type(), "uri", Map.of("url", BASE + "/nope"))), Status.FAILED, 1);
        assertThat(missing.message()).isEqualTo("Status code was 404 and not [200]: HTTP Error 404");
    }

    @Test
    @Order(5)
    void environmentReachesTheTasksScripts(Lab lab) {
        Task task = Task.named("env").module(Command.shell("echo \"$APP_ENV|$http_proxy\"").build())
                .attributes(Attributes.NONE.withEnvironment(vars -> Map.of("APP_ENV", "it's prod", "http_proxy", "http://127.0.0.1:3128")))
                .build();
        RunResult r = PlaybookRun.of(Playbook.of(Play.builder(H).gatherFacts(false).task(task).build()))
                .inventory(lab.inventory())
                .connector(name -> Connections.open(lab.host(name).settings()))
                .execute();
        assertThat(r.hostResults().get(0).registered()).containsEntry("stdout", "it's prod|http://127.0.0.1:3128");
    }

    @Test
    @Order(6)
    void aDownloadedArchiveIsUnpackedOnceWithRemoteSrc(Lab lab) {
        lab.shell(H, "mkdir -p /tmp/build/app-2.0/bin && printf '#!/bin/sh\\necho app\\n' > /tmp/build/app-2.0/bin/app"
                + " && chmod 755 /tmp/build/app-2.0/bin/app && tar -czf /srv/www/app-2.0.tar.gz -C /tmp/build app-2.0 && mkdir -p /opt/app");
        Module<?> get = module(new GetUrl.Type(), "get_url", Map.of("url", BASE + "/app-2.0.tar.gz", "dest", "/tmp/app-2.0.tar.gz"));
        Module<?> unpack = module(new dev.rigger.modules.files.Unarchive.Type(), "unarchive", Map.of("src", "/tmp/app-2.0.tar.gz",
                "dest", "/opt/app", "remote_src", true, "extra_opts", List.of("--strip-components=1")));
        expect(run(lab, get), Status.CHANGED, 2);
        expect(run(lab, unpack), Status.CHANGED, 2);
        assertThat(lab.shell(H, "/opt/app/bin/app")).isEqualTo("app\n");
        expect(run(lab, unpack), Status.OK, 1);
    }

    private static Module<?> module(dev.rigger.core.module.ModuleType type, String name, Map<String, Object> args) {
        return type.create(Args.of(name, args));
    }

    private static RunResult run(Lab lab, Module<?> module) {
        Play play = Play.builder(H).gatherFacts(false).task(Task.named("t").module(module).build()).build();
        return PlaybookRun.of(Playbook.of(play))
                .inventory(lab.inventory())
                .options(RunOptions.builder().build())
                .connector(name -> Connections.open(lab.host(name).settings()))
                .execute();
    }

    private static HostResult expect(RunResult run, Status status, int execs) {
        List<HostResult> results = run.hostResults();
        assertThat(results).hasSize(1);
        HostResult r = results.get(0);
        assertThat(r.status()).as("status: %s", r.message()).isEqualTo(status);
        assertThat(r.execs()).as("execs").isEqualTo(execs);
        return r;
    }
}
