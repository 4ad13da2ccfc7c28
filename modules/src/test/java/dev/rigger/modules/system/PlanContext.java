package dev.rigger.modules.system;

import dev.rigger.core.module.ModuleContext;
import dev.rigger.core.transport.ExecResult;
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

/** A module context for plan tests (no host), plus helpers to run scripts with the local /bin/sh. */
record PlanContext(boolean checkMode, boolean diffMode) implements ModuleContext {
    static final PlanContext PLAIN = new PlanContext(false, false);
    static final PlanContext DIFF = new PlanContext(false, true);

    @Override public String hostName() { return "h1"; }
    @Override public Map<String, Object> vars() { return Map.of(); }
    @Override public byte[] readLocalFile(String path, String kind) { throw new UnsupportedOperationException(); }
    @Override public RenderedTemplate renderTemplate(String name, String source) { throw new UnsupportedOperationException(); }

    static ExecResult ok(String stdout) {
        return new ExecResult(0, stdout, "", Duration.ZERO);
    }

    static ExecResult failed(int exit, String stderr) {
        return new ExecResult(exit, "", stderr, Duration.ZERO);
    }

    /** {@code sh -n}: the script parses. Returns the shell's complaint, or "" when it is fine. */
    static String syntaxErrors(String script) {
        return run(script, null, "-n").stderr();
    }

    /**
     * Runs {@code script} with /bin/sh reading it on stdin (as the transport sends it), with
     * {@code pathPrefix} first in PATH so stub commands stand in for systemctl and friends.
     */
    static ExecResult run(String script, Path pathPrefix, String... shFlags) {
        try {
            String[] cmd = new String[shFlags.length + 1];
            cmd[0] = "/bin/sh";
            System.arraycopy(shFlags, 0, cmd, 1, shFlags.length);
            ProcessBuilder pb = new ProcessBuilder(cmd);
            if (pathPrefix != null) pb.environment().put("PATH", pathPrefix + ":" + System.getenv("PATH"));
            Process p = pb.start();
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            try (OutputStream in = p.getOutputStream()) {
                in.write(script.getBytes(StandardCharsets.UTF_8));
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
