package dev.rigger.core.expr;

/**
 * Finds Jinja tags in text: where a <code>&#123;&#123;</code>, <code>&#123;%</code> or
 * <code>&#123;#</code> opens, and the closer that ends it. Shared by {@link JinjaTemplate} and the {@code {{ }}} strings of tasks, which must agree
 * on where an expression ends.
 */
public final class JinjaTags {
    private JinjaTags() {}

    /** The offset of the next tag opener at or after {@code from}; -1 when none. */
    public static int next(String text, int from) {
        for (int i = text.indexOf('{', from); i >= 0 && i + 1 < text.length(); i = text.indexOf('{', i + 1)) {
            char next = text.charAt(i + 1);
            if (next == '{' || next == '%' || next == '#') return i;
        }
        return -1;
    }

    /**
     * The offset of the {@code closer} (<code>&#125;&#125;</code> or <code>%&#125;</code>) that ends a tag whose inside starts
     * at {@code from}, skipping quoted strings and the braces of map literals; -1 when none.
     */
    public static int closing(String text, int from, String closer) {
        char quote = 0;
        int depth = 0;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == '\\') i++;
                else if (c == quote) quote = 0;
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '{') {
                depth++;
            } else if (depth == 0 && text.startsWith(closer, i)) {
                return i;
            } else if (c == '}') {
                depth--;
            }
        }
        return -1;
    }
}
