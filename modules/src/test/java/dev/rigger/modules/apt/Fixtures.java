package dev.rigger.modules.apt;

import dev.rigger.core.module.ModuleContext;
import dev.rigger.core.transport.ExecResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** Outputs captured from a real Debian bookworm host (see the files' names), and a module context stub. */
final class Fixtures {
    private Fixtures() {}

    static byte[] bytes(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalArgumentException("no fixture " + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(String name) {
        return new String(bytes(name), StandardCharsets.UTF_8);
    }

    static ExecResult ok(String stdout) {
        return new ExecResult(0, stdout, "", Duration.ofMillis(5));
    }

    static ExecResult result(int exit, String stdout, String stderr) {
        return new ExecResult(exit, stdout, stderr, Duration.ofMillis(5));
    }

    static ModuleContext context(boolean checkMode, boolean diffMode) {
        return context(checkMode, diffMode, Map.of("ansible_distribution_release", "bookworm"));
    }

    static ModuleContext context(boolean checkMode, boolean diffMode, Map<String, Object> vars) {
        return new ModuleContext() {
            @Override public String hostName() { return "h1"; }
            @Override public Map<String, Object> vars() { return vars; }
            @Override public boolean checkMode() { return checkMode; }
            @Override public boolean diffMode() { return diffMode; }
            @Override public byte[] readLocalFile(String path, String kind) { throw new UnsupportedOperationException(); }
            @Override public RenderedTemplate renderTemplate(String name, String source) { throw new UnsupportedOperationException(); }
        };
    }
}
