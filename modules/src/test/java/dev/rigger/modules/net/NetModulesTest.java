package dev.rigger.modules.net;

import dev.rigger.modules.files.GetUrl;
import dev.rigger.modules.system.Uri;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import dev.rigger.core.error.InputException;
import dev.rigger.core.module.Args;
import dev.rigger.core.module.Module;
import dev.rigger.core.module.ModuleContext;
import dev.rigger.core.module.ModuleException;
import dev.rigger.core.module.Outcome;
import dev.rigger.core.module.Plan;
import dev.rigger.core.module.Probe;
import dev.rigger.core.transport.ConnectionSettings;
import dev.rigger.core.transport.ExecRequest;
import dev.rigger.core.transport.ExecResult;
import dev.rigger.core.transport.LocalConnection;
import dev.rigger.core.transport.Stdin;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * get_url and uri with their real probe and apply scripts run by the local /bin/sh, against files
 * and an HTTP server on the loopback interface (NetModulesIT runs them on a lab host through the
 * executor), and their argument rules.
 */
class NetModulesTest {
    @TempDir
    Path dir;
    private HttpServer server;
    private String base;
    private final List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeEach
    void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                    + exchange.getRequestHeaders().getFirst("Content-Type") + " " + new String(body, StandardCharsets.UTF_8));
            String path = exchange.getRequestURI().getPath();
            byte[] answer;
            int status = 200;
            if (path.equals("/app.tar.gz")) {
                answer = "release 1.0\n".getBytes(StandardCharsets.UTF_8);
            } else if (path.equals("/health")) {
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                answer = "{\"status\": \"up\", \"checks\": [1, 2]}".getBytes(StandardCharsets.UTF_8);
            } else if (path.equals("/echo")) {
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                answer = body;
                status = 201;
            } else {
                answer = "no such page".getBytes(StandardCharsets.UTF_8);
                status = 404;
            }
            exchange.sendResponseHeaders(status, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void getUrlCopiesAFileUrlOnceAndThenOnlyFixesTheMode() throws Exception {
        Path src = Files.writeString(dir.resolve("src.txt"), "payload\n");
        Path dest = dir.resolve("dest.txt");
        Module<GetUrl.State> get = getUrl(Map.of("url", "file://" + src, "dest", dest.toString(), "mode", "0640",
                "checksum", "sha256:" + sha256("payload\n")));

        Outcome first = apply(get);
        assertThat(first.changed()).isTrue();
        assertThat(Files.readString(dest)).isEqualTo("payload\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dest))).isEqualTo("rw-r-----");
        assertThat(plan(get).hasChanges()).as("a dest that matches the checksum is not fetched again").isFalse();

        Files.setPosixFilePermissions(dest, PosixFilePermissions.fromString("rw-rw-rw-"));
        Plan modeOnly = plan(get);
        assertThat(modeOnly.changes()).extracting(c -> c.summary()).containsExactly("mode of " + dest + " 666 -> 0640");
        assertThat(run(modeOnly).changed()).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dest))).isEqualTo("rw-r-----");
        assertThat(Files.readString(dest)).isEqualTo("payload\n");
    }

    @Test
    void getUrlWithoutChecksumKeepsAnExistingFileUnlessForced() throws Exception {
        assumeTrue(hasCurl(), "curl is not installed on this machine");
        Path dest = dir.resolve("app.tar.gz");
        Files.writeString(dest, "old\n");
        Module<GetUrl.State> keep = getUrl(Map.of("url", base + "/app.tar.gz", "dest", dir.toString()));
        assertThat(plan(keep).hasChanges()).as("force: no keeps the existing file (named by the URL in a dest directory)").isFalse();

        Module<GetUrl.State> force = getUrl(Map.of("url", base + "/app.tar.gz", "dest", dest.toString(), "force", true));
        assertThat(apply(force).changed()).isTrue();
        assertThat(Files.readString(dest)).isEqualTo("release 1.0\n");
        Outcome again = apply(force);
        assertThat(again.changed()).as("force: yes with the same bytes changes nothing").isFalse();
        assertThat(again.failed()).isFalse();
        assertThat(received).noneMatch(r -> r.contains(" /app.tar.gz ") && !r.startsWith("GET"));
    }

    @Test
    void getUrlFailsOnAChecksumMismatchAndLeavesDestAlone() throws Exception {
        assumeTrue(hasCurl(), "curl is not installed on this machine");
        Path dest = dir.resolve("app.tar.gz");
        Module<GetUrl.State> get = getUrl(Map.of("url", base + "/app.tar.gz", "dest", dest.toString(),
                "checksum", "sha256:" + sha256("something else")));
        Outcome r = apply(get);
        assertThat(r.failed()).isTrue();
        assertThat(r.message()).contains("The checksum for the download did not match: expected sha256 " + sha256("something else"));
        assertThat(dest).doesNotExist();
        try (var left = Files.list(dir)) {
            assertThat(left).as("no temp file left behind").isEmpty();
        }
        Outcome missing = apply(getUrl(Map.of("url", base + "/nope", "dest", dest.toString())));
        assertThat(missing.failed()).isTrue();
        assertThat(missing.message()).contains("download of the URL failed (curl exit 22)");
    }

    @Test
    void getUrlNamesCurlWhenTheHostHasNone() {
        GetUrl get = (GetUrl) getUrl(Map.of("url", "https://repo.lab/a.deb", "dest", "/tmp/a.deb"));
        assertThatThrownBy(() -> get.plan(new GetUrl.State("/tmp/a.deb", false, null, null, null, null, false), CONTEXT))
                .isInstanceOf(ModuleException.class).hasMessage("get_url needs curl on the host to download https://repo.lab/a.deb; install it first (apt: name=curl)");
    }

    @Test
    void uriReadsStatusAndJsonAndFailsOnAnUnexpectedStatus() throws Exception {
        assumeTrue(hasCurl(), "curl is not installed on this machine");
        Uri health = (Uri) uri(Map.of("url", base + "/health", "return_content", true));
        Map<String, Object> data = plan(health).data();
        assertThat(data).containsEntry("status", 200).containsEntry("content_type", "application/json")
                .containsEntry("json", Map.of("status", "up", "checks", List.of(1, 2)))
                .containsEntry("content", "{\"status\": \"up\", \"checks\": [1, 2]}");

        assertThatThrownBy(() -> plan(uri(Map.of("url", base + "/missing"))))
                .isInstanceOf(ModuleException.class).hasMessage("Status code was 404 and not [200]: HTTP Error 404");
        assertThat(plan(uri(Map.of("url", base + "/missing", "status_code", List.of(200, 404)))).data()).containsEntry("status", 404)
                .doesNotContainKey("content");
        assertThatThrownBy(() -> plan(uri(Map.of("url", "http://127.0.0.1:1/", "timeout", 5))))
                .isInstanceOf(ModuleException.class).hasMessageStartingWith("Status code was -1 and not [200]: Request failed: curl exit 7");
    }

    @Test
    void uriSendsOtherMethodsInTheApplyStepAndNeverInCheckMode() throws Exception {
        assumeTrue(hasCurl(), "curl is not installed on this machine");
        Uri post = (Uri) uri(Map.of("url", base + "/echo", "method", "post", "body_format", "json",
                "body", Map.of("name", "it's \"quoted\"\nRIGGER_CURL_CONFIG"), "status_code", 201));
        assertThat(post.supportsCheckMode()).isFalse();
        Plan plan = plan(post);
        assertThat(plan.hasChanges()).isTrue();
        assertThat(received).isEmpty();
        Outcome sent = run(plan);
        assertThat(sent.failed()).as(sent.message()).isFalse();
        assertThat(sent.changed()).as("uri never reports a change, as Ansible's").isFalse();
        assertThat(sent.data()).containsEntry("status", 201).containsEntry("json", Map.of("name", "it's \"quoted\"\nRIGGER_CURL_CONFIG"));
        assertThat(received).containsExactly("POST /echo application/json {\"name\":\"it's \\\"quoted\\\"\\nRIGGER_CURL_CONFIG\"}");

        Uri form = (Uri) uri(Map.of("url", base + "/echo", "method", "PUT", "body_format", "form-urlencoded",
                "body", Map.of("a", "1 2"), "status_code", 201));
        assertThat(run(plan(form)).failed()).isFalse();
        assertThat(received.get(1)).isEqualTo("PUT /echo application/x-www-form-urlencoded a=1+2");
    }

    @Test
    void argumentsAreCheckedWhereTheyAreWritten() {
        assertThatThrownBy(() -> getUrl(Map.of("url", "ftp://x/y", "dest", "/tmp/y"))).isInstanceOf(InputException.class)
                .hasMessageContaining("'ftp://x/y' is not an http://, https:// or file:// URL");
        assertThatThrownBy(() -> getUrl(Map.of("url", "http://x/y", "dest", "tmp/y"))).isInstanceOf(InputException.class)
                .hasMessageContaining("'tmp/y' must be an absolute path");
        assertThatThrownBy(() -> getUrl(Map.of("url", "http://x/y", "dest", "/tmp/y", "checksum", "crc32:abc")))
                .isInstanceOf(InputException.class).hasMessageContaining("get_url: checksum: must be ALGORITHM:HEX");
        assertThatThrownBy(() -> getUrl(Map.of("url", "http://x/y", "dest", "/tmp/y", "checksum", "sha256:http://x/SHA256SUMS")))
                .isInstanceOf(InputException.class).hasMessageContaining("a checksum file's URL is not supported");
        assertThatThrownBy(() -> getUrl(Map.of("url", "http://x/y", "dest", "/tmp/y", "url_password", "x")))
                .isInstanceOf(InputException.class).hasMessageContaining("unknown parameter 'url_password'");
        assertThatThrownBy(() -> uri(Map.of("url", "http://x/", "method", "BREW"))).isInstanceOf(InputException.class)
                .hasMessageContaining("uri: method: must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
        assertThatThrownBy(() -> uri(Map.of("url", "http://x/", "status_code", "ok"))).isInstanceOf(InputException.class)
                .hasMessageContaining("status_code must be a number");
    }

    private static final ModuleContext CONTEXT = new ModuleContext() {
        @Override public String hostName() { return "h1"; }
        @Override public Map<String, Object> vars() { return Map.of(); }
        @Override public boolean checkMode() { return false; }
        @Override public boolean diffMode() { return false; }
        @Override public byte[] readLocalFile(String path, String kind) { throw new UnsupportedOperationException(); }
        @Override public RenderedTemplate renderTemplate(String name, String source) { throw new UnsupportedOperationException(); }
    };

    @SuppressWarnings("unchecked")
    private static Module<GetUrl.State> getUrl(Map<String, Object> args) {
        return (Module<GetUrl.State>) new GetUrl.Type().create(Args.of("get_url", args));
    }

    private static Module<?> uri(Map<String, Object> args) {
        return new Uri.Type().create(Args.of("uri", args));
    }

    /** Probe on this machine, then plan. */
    private static <S> Plan plan(Module<S> module) {
        Probe<S> probe = module.probe(CONTEXT);
        S state = probe.needsExec() ? probe.parser().apply(sh(probe.script(), null)) : probe.constant();
        return module.plan(state, CONTEXT);
    }

    private static <S> Outcome apply(Module<S> module) {
        return run(plan(module));
    }

    private static Outcome run(Plan plan) {
        return plan.interpreter().apply(sh(plan.applyScript(), plan.applyInput()));
    }

    private static boolean hasCurl() {
        return sh("command -v curl", null).exitCode() == 0;
    }

    /** The script run through the local transport, with its stdin, as a host runs it. */
    private static ExecResult sh(String script, Stdin stdin) {
        try (LocalConnection local = new LocalConnection(ConnectionSettings.builder("localhost").local().build())) {
            return local.exec(stdin == null ? ExecRequest.of(script) : ExecRequest.of(script).withStdin(stdin));
        }
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
