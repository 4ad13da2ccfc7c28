package dev.rigger.modules.files;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.rigger.core.module.ModuleContext;
import dev.rigger.core.module.ModuleException;
import dev.rigger.core.template.Rendered;
import dev.rigger.core.template.TemplateRenderer;
import java.util.HashMap;
import java.util.Map;

/** A module context for plan tests: variables, controller files held in memory, the real renderer. */
final class TestContext implements ModuleContext {
    private final boolean check;
    private final boolean diff;
    private final Map<String, Object> vars;
    private final Map<String, byte[]> files;

    TestContext() {
        this(false, false, new HashMap<>(), new HashMap<>());
    }

    private TestContext(boolean check, boolean diff, Map<String, Object> vars, Map<String, byte[]> files) {
        this.check = check;
        this.diff = diff;
        this.vars = vars;
        this.files = files;
    }

    TestContext withDiff() {
        return new TestContext(check, true, vars, files);
    }

    TestContext withVar(String name, Object value) {
        Map<String, Object> v = new HashMap<>(vars);
        v.put(name, value);
        return new TestContext(check, diff, v, files);
    }

    /** A controller file, found by {@code kind/path} as a role would hold it. */
    TestContext withFile(String kind, String path, String content) {
        Map<String, byte[]> f = new HashMap<>(files);
        f.put(kind + "/" + path, content.getBytes(UTF_8));
        return new TestContext(check, diff, vars, f);
    }

    /** A controller file with any bytes. */
    TestContext withFile(String kind, String path, byte[] content) {
        Map<String, byte[]> f = new HashMap<>(files);
        f.put(kind + "/" + path, content.clone());
        return new TestContext(check, diff, vars, f);
    }

    @Override public String hostName() { return "h1"; }
    @Override public Map<String, Object> vars() { return vars; }
    @Override public boolean checkMode() { return check; }
    @Override public boolean diffMode() { return diff; }

    @Override
    public byte[] readLocalFile(String path, String kind) {
        byte[] b = files.get(kind + "/" + path);
        if (b == null) throw new ModuleException("file not found: '" + path + "'");
        return b;
    }

    @Override
    public RenderedTemplate renderTemplate(String name, String source) {
        Rendered r = new TemplateRenderer().render(name, source, vars);
        return new RenderedTemplate(r.content(), r.redacted());
    }
}
