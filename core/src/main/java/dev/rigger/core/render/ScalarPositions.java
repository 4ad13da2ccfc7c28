package dev.rigger.core.render;

import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.internal.yaml.YamlScalar;

/**
 * Where a character of a scalar's text is in its file, as far as the YAML text lets us tell: exact
 * for plain and simply quoted one-line scalars, the line for literal blocks, the scalar's start
 * otherwise (escapes and folding make columns unknowable).
 */
public final class ScalarPositions {
    private ScalarPositions() {}

    public static SourceLocation of(YamlScalar scalar, int index) {
        SourceLocation start = scalar.location();
        if (start.line() <= 0) return start;
        String before = scalar.text().substring(0, index);
        return switch (scalar.style()) {
            case PLAIN -> new SourceLocation(start.file(), start.line(), start.column() + index);
            case SINGLE_QUOTED, DOUBLE_QUOTED -> before.indexOf('\'') < 0 && before.indexOf('\\') < 0 && before.indexOf('\n') < 0
                    ? new SourceLocation(start.file(), start.line(), start.column() + 1 + index)
                    : start;
            case LITERAL -> new SourceLocation(start.file(), start.line() + 1 + (int) before.chars().filter(c -> c == '\n').count(), 0);
            case FOLDED -> new SourceLocation(start.file(), start.line() + 1, 0);
        };
    }
}
