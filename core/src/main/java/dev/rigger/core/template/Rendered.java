package dev.rigger.core.template;

/**
 * A rendered template. {@code content} has every secret's real value and is what goes to the
 * host; {@code redacted} is the same rendering with each secret shown as {@code ********}, for
 * diffs, logs and events. They are equal when the template used no secret.
 */
public record Rendered(String content, String redacted) {
}
