package dev.rigger.core.error;

import java.nio.file.Path;

/** Where in an input file something was written: 1-based line and column, as editors show them. */
public record SourceLocation(String file, int line, int column) {

    public static SourceLocation of(Path file, int line, int column) {
        return new SourceLocation(file.toString(), line, column);
    }

    /** A location for input that has no file, such as a {@code -e} value or a Java-built spec. */
    public static SourceLocation unknown(String origin) {
        return new SourceLocation(origin, 0, 0);
    }

    @Override
    public String toString() {
        if (line <= 0) return file;
        return column > 0 ? file + ":" + line + ":" + column : file + ":" + line;
    }
}
