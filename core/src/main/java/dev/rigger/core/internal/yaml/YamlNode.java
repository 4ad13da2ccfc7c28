package dev.rigger.core.internal.yaml;

import dev.rigger.core.error.InputException;
import dev.rigger.core.error.SourceLocation;

/**
 * One node of a parsed YAML document: a {@link YamlMapping}, a {@link YamlSequence} or a
 * {@link YamlScalar}. Every node knows where it was written, so loaders built on it can report
 * {@code file:line:col} for any bad value. Nodes are immutable.
 */
public sealed interface YamlNode permits YamlMapping, YamlSequence, YamlScalar {

    /** Where the node starts in its file (for a scalar, its first character or quote). */
    SourceLocation location();

    /** The node in words for error messages: "a mapping", "a list", "a string 'abc'", "null". */
    String describe();

    /** The node as plain Java: {@code Map<String,Object>} (ordered), {@code List<Object>}, or a scalar value. */
    Object toJava();

    default YamlMapping asMapping() {
        if (this instanceof YamlMapping m) return m;
        throw new InputException(location(), "expected a mapping, got " + describe());
    }

    default YamlSequence asSequence() {
        if (this instanceof YamlSequence s) return s;
        throw new InputException(location(), "expected a list, got " + describe());
    }

    default YamlScalar asScalar() {
        if (this instanceof YamlScalar s) return s;
        throw new InputException(location(), "expected a single value, got " + describe());
    }
}
