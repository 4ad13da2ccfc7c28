package dev.rigger.modules.storage;

import dev.rigger.core.module.ModuleContext;
import dev.rigger.core.transport.ExecResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A module context for plan tests (no host), and captured outputs from test resources. */
record StorageContext(boolean diffMode, List<String> taskHosts) implements ModuleContext {
    static final StorageContext PLAIN = new StorageContext(false, List.of("h1"));
    static final StorageContext DIFF = new StorageContext(true, List.of("h1"));

    @Override public String hostName() { return taskHosts.get(0); }
    @Override public Map<String, Object> vars() { return Map.of(); }
    @Override public boolean checkMode() { return false; }
    @Override public byte[] readLocalFile(String path, String kind) { throw new UnsupportedOperationException(); }
    @Override public RenderedTemplate renderTemplate(String name, String source) { throw new UnsupportedOperationException(); }

    static ExecResult ok(String stdout) {
        return new ExecResult(0, stdout, "", Duration.ZERO);
    }

    static ExecResult exit(int code, String stdout, String stderr) {
        return new ExecResult(code, stdout, stderr, Duration.ZERO);
    }

    /** A captured output kept next to the tests (src/test/resources/dev/rigger/modules/storage). */
    static String captured(String name) {
        try (InputStream in = StorageContext.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalArgumentException("no test resource " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code sh -n}: the shell's complaint about the script, or "" when it parses. */
    static String syntaxErrors(String script) {
        try {
            Process p = new ProcessBuilder("/bin/sh", "-n").redirectErrorStream(true).start();
            try (var out = p.getOutputStream()) {
                out.write(script.getBytes(StandardCharsets.UTF_8));
            }
            String complaint = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            return complaint;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
