package dev.rigger.core.template;

import dev.rigger.core.expr.JinjaTemplate;
import dev.rigger.core.render.TemplatedVariables;
import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.DefaultMustacheVisitor;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import com.github.mustachejava.MustacheVisitor;
import com.github.mustachejava.TemplateContext;
import dev.rigger.core.error.SourceLocation;

import java.io.IOException;
import java.io.StringReader;
import java.io.Writer;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Renders Mustache templates into config files (see docs/templates.md): no HTML escaping, an
 * undefined variable is an error naming the template and line, and secrets come out real in
 * {@link Rendered#content()} and redacted in {@link Rendered#redacted()}.
 *
 * <p>Each template is compiled once per renderer and cached. Thread-safe; two renderers share
 * nothing mutable.
 */
public final class TemplateRenderer {
    private final DefaultMustacheFactory factory = new ConfigMustacheFactory();
    private final Map<Source, Template> cache = new ConcurrentHashMap<>();
    private final Map<Source, JinjaTemplate> jinjaCache = new ConcurrentHashMap<>();

    /** Keyed by text as well as name, so a template edited between two runs is recompiled. */
    private record Source(String name, String text) {}

    /**
     * Compiles (or returns the cached) template; call at load time to report syntax errors early.
     *
     * @param name where the template comes from, for messages, e.g. {@code roles/haproxy/templates/haproxy.cfg.mustache}
     * @throws TemplateException for a syntax error or a partial ({@code {{> other}}})
     */
    public Template compile(String name, String text) {
        return cache.computeIfAbsent(new Source(name, text), source -> new Template(name, text, compileNow(name, text)));
    }

    /**
     * Renders a template with a host's variables. A template whose name ends in {@code .j2},
     * {@code .jinja} or {@code .jinja2} is a Jinja2 template, rendered as Ansible renders it
     * ({@link JinjaTemplate}); any other is Mustache, Rigger's strict default.
     */
    public Rendered render(String name, String text, Map<String, ?> variables) {
        if (isJinja(name)) {
            JinjaTemplate.Result r = jinja(name, text).render(TemplatedVariables.of(variables, new SourceLocation(name, 0, 0)));
            return new Rendered(r.content(), r.redacted());
        }
        return compile(name, text).render(variables);
    }

    /** Whether a template file is Jinja2 by its extension, as Ansible users name them. */
    public static boolean isJinja(String name) {
        return name.endsWith(".j2") || name.endsWith(".jinja") || name.endsWith(".jinja2");
    }

    /**
     * Compiles (or returns the cached) Jinja2 template.
     *
     * @throws dev.rigger.core.expr.ExpressionException for a syntax error, located in the file
     */
    public JinjaTemplate jinja(String name, String text) {
        return jinjaCache.computeIfAbsent(new Source(name, text), source -> JinjaTemplate.compile(name, text));
    }

    private Mustache compileNow(String name, String text) {
        try {
            return factory.compile(new StringReader(text), name);
        } catch (TemplateException e) {
            throw e.inText(text);
        } catch (MustacheException e) {
            TemplateContext at = e.getContext();
            // The library appends its own "@[name:line]"; the location is already in ours.
            String problem = e.getMessage().replaceFirst(" @\\[[^\\]]*\\]$", "");
            throw new TemplateException(new SourceLocation(name, at == null ? 0 : at.line(), 0),
                    "bad template: " + problem, null).inText(text);
        } catch (StackOverflowError e) {
            // mustache.java compiles sections recursively and has no depth limit of its own.
            throw new TemplateException(new SourceLocation(name, 0, 0), "bad template: sections nested too deeply", null);
        }
    }

    /** mustache.java set up for config files rather than HTML pages. */
    private static final class ConfigMustacheFactory extends DefaultMustacheFactory {
        ConfigMustacheFactory() {
            setObjectHandler(new StrictObjectHandler());
        }

        /** Config files are not HTML: {{x}} prints x as is, like {{{x}}}. */
        @Override
        public void encode(String value, Writer writer) {
            try {
                writer.write(value);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /**
         * Partials and template inheritance would load other templates from the working
         * directory or class path; a role's template must be self-contained.
         */
        @Override
        public MustacheVisitor createMustacheVisitor() {
            return new DefaultMustacheVisitor(this) {
                @Override
                public void partial(TemplateContext tc, String variable, String indent) {
                    throw unsupported(tc, "partials ({{> " + variable + "}})");
                }

                @Override
                public void dynamicPartial(TemplateContext tc, String variable, String indent) {
                    throw unsupported(tc, "dynamic partials ({{>* " + variable + "}})");
                }

                @Override
                public void extend(TemplateContext tc, String variable, Mustache mustache) {
                    throw unsupported(tc, "template inheritance ({{< " + variable + "}})");
                }
            };
        }

        private static TemplateException unsupported(TemplateContext tc, String what) {
            return new TemplateException(new SourceLocation(tc.file(), tc.line(), 0), what + " are not supported", null);
        }
    }
}
