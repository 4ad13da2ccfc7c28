package dev.rigger.core.template;

import com.github.mustachejava.Mustache;

import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A compiled template, obtained from {@link TemplateRenderer#compile}. Immutable and thread-safe. */
public final class Template {
    private final String name;
    private final String text;
    private final Mustache mustache;

    Template(String name, String text, Mustache mustache) {
        this.name = name;
        this.text = text;
        this.mustache = mustache;
    }

    public String name() {
        return name;
    }

    /**
     * Renders against a host's variables (facts, vars, {@code hostvars}, {@code groups}). When
     * {@code groups} is a map, the template also sees {@code group_hosts}: for each group, a list
     * of its hosts as maps with {@code name} plus that host's {@code hostvars} entry.
     *
     * @throws TemplateException for an undefined variable, or a null/list/map printed as a value
     */
    public Rendered render(Map<String, ?> variables) {
        RenderPass real = new RenderPass(false);
        String content = run(real, variables);
        // Only a template that met a secret needs a second, redacted rendering.
        String redacted = real.sawSecret() ? run(new RenderPass(true), variables) : content;
        return new Rendered(content, redacted);
    }

    private String run(RenderPass pass, Map<String, ?> variables) {
        // Bottom to top: the pass (read by the lookups), helpers, then the variables, which win.
        List<Object> scopes = new ArrayList<>(List.of(pass, helpers(variables), variables));
        StringWriter out = new StringWriter();
        try {
            mustache.execute(out, scopes);
        } catch (RuntimeException e) {
            // mustache.java wraps what a lookup throws; give the caller our located error.
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof TemplateException located) throw located.inText(text);
            }
            throw e;
        }
        return out.toString();
    }

    private static Map<String, Object> helpers(Map<String, ?> variables) {
        if (!(variables.get("groups") instanceof Map<?, ?> groups)) return Map.of();
        Map<?, ?> hostvars = variables.get("hostvars") instanceof Map<?, ?> m ? m : Map.of();
        Map<String, List<HostEntry>> groupHosts = new LinkedHashMap<>();
        groups.forEach((group, hosts) -> {
            if (!(hosts instanceof List<?> names)) return;
            List<HostEntry> entries = new ArrayList<>();
            for (Object host : names) {
                Map<?, ?> vars = hostvars.get(host) instanceof Map<?, ?> v ? v : Map.of();
                entries.add(new HostEntry(String.valueOf(host), vars));
            }
            groupHosts.put(String.valueOf(group), entries);
        });
        return Map.of("group_hosts", groupHosts);
    }
}
