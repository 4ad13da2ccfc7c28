package dev.rigger.modules.files;

import dev.rigger.core.secret.Secret;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps secrets out of diffs and messages about a file. The new content's secrets are known (a
 * template's real and redacted renderings differ exactly where they are), but the file on the host
 * may hold an <em>older</em> secret value nobody knows any more. So the old content is masked in
 * two ways: every known secret value is replaced, and every line shaped like a secret-bearing line
 * of the new rendering (same text around the secret) gets its secret part replaced, whatever value
 * it holds there. A line that is nothing but a secret has no such shape; when a rendering has one,
 * every old line that the new rendering does not have is masked whole.
 */
final class Redaction {
    private static final Redaction NONE = new Redaction(false, Set.of(), List.of(), false, Set.of(), null);
    private static final Redaction HIDDEN = new Redaction(true, Set.of(), List.of(), false, Set.of(), null);

    private final boolean hidden;
    private final Set<String> values;
    private final List<Pattern> secretLines;
    private final boolean wholeLineSecrets;
    private final Set<String> redactedLines;
    private final String redacted;

    private Redaction(boolean hidden, Set<String> values, List<Pattern> secretLines, boolean wholeLineSecrets,
                      Set<String> redactedLines, String redacted) {
        this.hidden = hidden;
        this.values = values;
        this.secretLines = secretLines;
        this.wholeLineSecrets = wholeLineSecrets;
        this.redactedLines = redactedLines;
        this.redacted = redacted;
    }

    /** Nothing secret: text is shown as it is. */
    static Redaction none() {
        return NONE;
    }

    /** The content as a whole is secret: no diff is ever shown. */
    static Redaction hidden() {
        return HIDDEN;
    }

    /** For text rendered twice: with real secrets ({@code content}) and with {@code ********} ({@code redacted}). */
    static Redaction ofRendering(String content, String redacted) {
        if (content.equals(redacted)) return NONE;
        String[] real = content.split("\n", -1);
        String[] shown = redacted.split("\n", -1);
        if (real.length != shown.length) return HIDDEN; // a secret spanning lines: too subtle to mask piecewise
        Set<String> values = new LinkedHashSet<>();
        List<Pattern> shapes = new ArrayList<>();
        boolean wholeLine = false;
        for (int i = 0; i < real.length; i++) {
            if (real[i].equals(shown[i])) continue;
            String[] pieces = shown[i].split(Pattern.quote(Secret.REDACTED), -1);
            Pattern shape = shape(pieces);
            Matcher m = shape.matcher(real[i]);
            if (!m.matches()) return HIDDEN; // a template literal that looks like the mask: give up safely
            for (int g = 1; g <= m.groupCount(); g++) {
                if (!m.group(g).isEmpty()) values.add(m.group(g));
            }
            boolean hasText = false;
            for (String piece : pieces) hasText |= !piece.isBlank();
            if (hasText) shapes.add(shape);
            else wholeLine = true;
        }
        return new Redaction(false, Set.copyOf(values), List.copyOf(shapes), wholeLine, new HashSet<>(List.of(shown)), redacted);
    }

    boolean hidesEverything() {
        return hidden;
    }

    /** How the new {@code content} may be shown: the redacted rendering it came from, or masked. */
    String shown(String content) {
        return redacted != null ? redacted : mask(content);
    }

    /** {@code text} (old content, a command's error output) with every secret masked. */
    String mask(String text) {
        if (hidden) return Secret.REDACTED;
        if (this == NONE) return text;
        String[] lines = text.split("\n", -1);
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) out.append('\n');
            out.append(maskLine(lines[i]));
        }
        return out.toString();
    }

    private String maskLine(String line) {
        for (Pattern shape : secretLines) {
            Matcher m = shape.matcher(line);
            if (m.matches()) {
                StringBuilder out = new StringBuilder();
                int at = 0;
                for (int g = 1; g <= m.groupCount(); g++) {
                    out.append(line, at, m.start(g)).append(Secret.REDACTED);
                    at = m.end(g);
                }
                return out.append(line.substring(at)).toString();
            }
        }
        String masked = line;
        for (String v : values) masked = masked.replace(v, Secret.REDACTED);
        if (wholeLineSecrets && !masked.isEmpty() && !redactedLines.contains(masked)) return Secret.REDACTED;
        return masked;
    }

    /** A line with literal {@code pieces} around secrets: each secret part becomes a group. */
    private static Pattern shape(String[] pieces) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < pieces.length; i++) {
            if (i > 0) regex.append("(.*?)");
            regex.append(Pattern.quote(pieces[i]));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
}
