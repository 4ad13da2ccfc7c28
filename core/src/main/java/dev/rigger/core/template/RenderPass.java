package dev.rigger.core.template;

import dev.rigger.core.secret.Secret;

/**
 * One rendering of a template: whether secrets show their value or their redaction, and whether
 * any secret was met (if none was, the redacted rendering is the same text and is not redone).
 * It travels as the bottom scope, because mustache.java passes nothing else from the caller down
 * to the name lookups. Used by one thread only.
 */
final class RenderPass {
    private final boolean redact;
    private boolean sawSecret;

    RenderPass(boolean redact) {
        this.redact = redact;
    }

    /** The value as it must appear in this rendering. */
    Object shown(Object value) {
        if (!(value instanceof Secret secret)) return value;
        sawSecret = true;
        return redact ? Secret.REDACTED : secret.reveal();
    }

    boolean sawSecret() {
        return sawSecret;
    }
}
