package dev.rigger.core.internal.yaml;

import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.secret.Secret;
import java.util.Optional;

/**
 * A single YAML value. Keeps the text as written and how it was written, because meaning can
 * depend on it: {@code mode: 644} (plain, the integer 644) is almost certainly a mistake while
 * {@code mode: "0644"} is not. {@link #value()} is the value as Ansible's YAML 1.1 loader would
 * resolve it.
 */
public final class YamlScalar implements YamlNode {

    /** How the scalar was written. Only {@link #PLAIN} scalars are resolved to non-strings. */
    public enum Style { PLAIN, SINGLE_QUOTED, DOUBLE_QUOTED, LITERAL, FOLDED }

    private final String text;
    private final Style style;
    private final String tag;
    private final Object value;
    private final SourceLocation location;

    /** @param tag the explicit tag ({@code !!str}, {@code !unsafe}, ...) in full form, or null */
    public YamlScalar(String text, Style style, String tag, SourceLocation location) {
        this(text, style, tag, location, false);
    }

    /** @param decrypted read from an Ansible Vault file: a string value is a {@link Secret} */
    YamlScalar(String text, Style style, String tag, SourceLocation location, boolean decrypted) {
        this.text = text;
        this.style = style;
        this.tag = tag;
        this.location = location;
        Object resolved = Yaml11Scalars.resolve(text, style, tag, location);
        // Numbers and booleans keep their type, as under Ansible, so comparisons and arithmetic still work.
        this.value = decrypted && resolved instanceof String s ? Secret.of(s) : resolved;
    }

    /** The text as written, after YAML unquoting and escapes. */
    public String text() { return text; }
    public Style style() { return style; }
    /** True for {@code 'single'} or {@code "double"} quoted scalars. */
    public boolean quoted() { return style == Style.SINGLE_QUOTED || style == Style.DOUBLE_QUOTED; }
    public boolean plain() { return style == Style.PLAIN; }
    /** The explicit tag in full form, e.g. {@code tag:yaml.org,2002:str} or {@code !vault}. */
    public Optional<String> tag() { return Optional.ofNullable(tag); }

    /** null, Boolean, Integer, Long, BigInteger, Double, String or {@link Secret} ({@code !secret}, {@code !vault}, vault files). */
    public Object value() { return value; }
    public boolean isNull() { return value == null; }

    @Override public SourceLocation location() { return location; }
    @Override public Object toJava() { return value; }

    @Override
    public String describe() {
        if (value == null) return "null";
        if (value instanceof Secret) return "a secret"; // its text is the secret: never in a message
        if (value instanceof Boolean) return "a boolean '" + shown() + "'";
        if (value instanceof Double) return "a float '" + shown() + "'";
        if (value instanceof Number) return "an integer '" + shown() + "'";
        return "a string '" + shown() + "'";
    }

    /** The text cut to one short line, so a long block scalar does not flood an error message. */
    private String shown() {
        String oneLine = text.replace("\n", "\\n");
        return oneLine.length() <= 40 ? oneLine : oneLine.substring(0, 37) + "...";
    }

    @Override
    public String toString() {
        return text;
    }
}
