package dev.rigger.modules.redis;

import dev.rigger.core.module.ModuleContext;
import dev.rigger.core.secret.Secret;
import dev.rigger.core.transport.ExecResult;
import dev.rigger.core.transport.Stdin;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Probe outputs captured from real hosts, and what plan tests need besides. The files under
 * src/test/resources/dev/rigger/modules/redis are the probes of these modules run on two Debian
 * bookworm hosts (Redis and Sentinel 7.0.15, hosts 172.29.177.11 and .12, password
 * {@value #PASSWORD}) in these states: fresh (Debian's defaults: masters, Sentinels monitoring
 * mymaster at 127.0.0.1); converged (.11 main, .12 replica, both Sentinels on .11); after
 * {@code SENTINEL FAILOVER} (.12 main; .11 still a main with no replicas, then converted by
 * Sentinel); and with .12 stopped.
 */
final class Captured {
    static final String PASSWORD = "lab-pass-1";
    static final Secret SECRET = Secret.of(PASSWORD);
    static final String MAIN = "172.29.177.11";
    static final String REPLICA = "172.29.177.12";

    private Captured() {}

    static ExecResult output(String name) {
        try (InputStream in = Captured.class.getResourceAsStream(name + ".txt")) {
            if (in == null) throw new IllegalArgumentException("no capture " + name);
            return new ExecResult(0, new String(in.readAllBytes(), StandardCharsets.UTF_8), "", Duration.ZERO);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ExecResult ok(String stdout) {
        return new ExecResult(0, stdout, "", Duration.ZERO);
    }

    /** No host: plans only. */
    record Context() implements ModuleContext {
        @Override public String hostName() { return "h1"; }
        @Override public Map<String, Object> vars() { return Map.of(); }
        @Override public boolean checkMode() { return false; }
        @Override public boolean diffMode() { return false; }
        @Override public byte[] readLocalFile(String path, String kind) { throw new UnsupportedOperationException(); }
        @Override public RenderedTemplate renderTemplate(String name, String source) { throw new UnsupportedOperationException(); }
    }

    static final Context CONTEXT = new Context();

    /** Runs a script with the local /bin/sh reading it and then {@code stdin} on its stdin, stub commands first in PATH. */
    static ExecResult run(String script, Stdin stdin, Path pathPrefix, String... shFlags) {
        try {
            String[] cmd = new String[shFlags.length + 1];
            cmd[0] = "/bin/sh";
            System.arraycopy(shFlags, 0, cmd, 1, shFlags.length);
            ProcessBuilder pb = new ProcessBuilder(cmd);
            if (pathPrefix != null) pb.environment().put("PATH", pathPrefix + ":" + System.getenv("PATH"));
            pb.environment().remove("REDISCLI_AUTH");
            Process p = pb.start();
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            try (OutputStream in = p.getOutputStream()) {
                // As the transport does: the script is parsed whole, then reads the payload.
                String wrapped = stdin == null ? script : "{\n" + script + "\n} <<'RIGGER_STDIN'\n" + new String(stdin.readAll(), StandardCharsets.UTF_8) + "RIGGER_STDIN\n";
                in.write(wrapped.getBytes(StandardCharsets.UTF_8));
            }
            int rc = p.waitFor();
            return new ExecResult(rc, new String(out.join(), StandardCharsets.UTF_8), new String(err.join(), StandardCharsets.UTF_8), Duration.ZERO);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static byte[] readAll(InputStream in) {
        try (in; ByteArrayOutputStream b = new ByteArrayOutputStream()) {
            in.transferTo(b);
            return b.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
