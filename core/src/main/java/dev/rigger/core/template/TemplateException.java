package dev.rigger.core.template;

import dev.rigger.core.error.InputException;
import dev.rigger.core.error.SourceLocation;

/**
 * A template that cannot be compiled or rendered, located at the template's name and line, e.g.
 * {@code roles/haproxy/templates/haproxy.cfg.mustache:14: undefined variable 'backend_port'}.
 * Messages name variables, never their values.
 */
public class TemplateException extends InputException {
    public TemplateException(SourceLocation location, String problem, String suggestion) {
        super(location, problem, suggestion);
    }

    /**
     * The same error with the line corrected for the template's text: mustache.java counts only
     * line breaks outside tags, so a {@code {{! comment }}} spanning lines shifts every later line.
     */
    TemplateException inText(String text) {
        int reported = location().line();
        int parsed = 1;
        int actual = 1;
        boolean inTag = false;
        for (int i = 0; i < text.length() && parsed < reported; i++) {
            if (text.startsWith("{{", i)) {
                inTag = true;
            } else if (inTag && text.startsWith("}}", i)) {
                inTag = false;
            } else if (text.charAt(i) == '\n') {
                actual++;
                if (!inTag) parsed++;
            }
        }
        if (reported <= 0 || actual == reported) return this;
        return new TemplateException(new SourceLocation(location().file(), actual, 0), problem(), suggestion().orElse(null));
    }
}
