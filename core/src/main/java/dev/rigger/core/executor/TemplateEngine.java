package dev.rigger.core.executor;

import dev.rigger.core.module.ModuleContext.RenderedTemplate;
import java.util.Map;

/** Renders a template source (name for messages, text) with a host's variables. */
@FunctionalInterface
public interface TemplateEngine {
    RenderedTemplate render(String name, String source, Map<String, Object> vars);
}
