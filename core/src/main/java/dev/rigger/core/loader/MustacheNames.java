package dev.rigger.core.loader;

import dev.rigger.core.error.SourceLocation;
import java.util.ArrayList;
import java.util.List;

/**
 * The root names a Mustache template reads outside any section ({@code {{port}}},
 * {@code {{#backends}}}, {@code {{^tls}}}, {@code {{hostvars.db1.port}}} → {@code hostvars}).
 * Names inside a section may come from the section's items, so they are not reported; scanning
 * stops at a delimiter change, which this simple reader does not follow.
 */
final class MustacheNames {
    record Use(String name, SourceLocation location) {}

    private MustacheNames() {}

    static List<Use> topLevel(String text, String origin) {
        List<Use> out = new ArrayList<>();
        int depth = 0;
        int line = 1;
        int lineStart = 0;
        int i = 0;
        while (true) {
            int open = text.indexOf("{{", i);
            if (open < 0) break;
            for (int k = i; k < open; k++) {
                if (text.charAt(k) == '\n') {
                    line++;
                    lineStart = k + 1;
                }
            }
            boolean triple = text.startsWith("{{{", open);
            int close = text.indexOf(triple ? "}}}" : "}}", open);
            if (close < 0) break;
            String tag = text.substring(open + (triple ? 3 : 2), close);
            String body = tag.strip();
            char sigil = body.isEmpty() ? ' ' : body.charAt(0);
            if (sigil == '=') break;
            String name = "#^/&!>".indexOf(sigil) >= 0 ? body.substring(1).strip() : body;
            if (depth == 0 && "!>/".indexOf(sigil) < 0 && !name.equals(".") && !name.isEmpty()) {
                int column = open - lineStart + (triple ? 3 : 2) + tag.indexOf(name) + 1;
                String root = name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
                out.add(new Use(root, new SourceLocation(origin, line, column)));
            }
            if (sigil == '#' || sigil == '^') depth++;
            if (sigil == '/') depth = Math.max(0, depth - 1);
            i = close;
        }
        return out;
    }
}
