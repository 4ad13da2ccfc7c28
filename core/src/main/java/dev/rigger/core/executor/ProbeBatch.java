package dev.rigger.core.executor;

import dev.rigger.core.transport.ExecResult;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Several probe scripts as one script, and its output split back into one {@link ExecResult} per
 * probe, as if each had run in an exec of its own.
 *
 * <p>Each probe runs in its own {@code sh}, fed by a quoted here-doc (the text arrives unchanged)
 * and wrapped in a brace group with stdin {@code /dev/null}, as {@code RemoteShell} wraps a single
 * script: a probe parses completely before it runs, cannot read the probes after it, and its
 * {@code exit} ends only itself. Before and after each probe a line with a random boundary goes to
 * stdout and stderr; the line after the probe carries its exit code.
 */
final class ProbeBatch {
    /** Most tasks one batch looks ahead: a longer batch mostly probes tasks a change makes it re-probe anyway. */
    static final int MAX_TASKS = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final List<String> scripts;
    private final String boundary;

    ProbeBatch(List<String> scripts) {
        this(scripts, "RIGGER_PROBE_" + HexFormat.of().formatHex(RANDOM.generateSeed(12)));
    }

    ProbeBatch(List<String> scripts, String boundary) {
        this.scripts = List.copyOf(scripts);
        this.boundary = boundary;
        for (String s : scripts) {
            if (s.lines().anyMatch(boundary::equals)) throw new IllegalArgumentException("a probe contains the boundary line");
        }
    }

    String script() {
        StringBuilder sh = new StringBuilder();
        for (int i = 0; i < scripts.size(); i++) {
            String probe = scripts.get(i);
            sh.append("printf '\\n%s begin ").append(i).append("\\n' ").append(boundary)
                    .append("; printf '\\n%s begin ").append(i).append("\\n' ").append(boundary).append(" >&2\n");
            sh.append("sh <<'").append(boundary).append("'\n{\n").append(probe);
            if (!probe.endsWith("\n")) sh.append('\n');
            sh.append("} </dev/null\n").append(boundary).append('\n');
            sh.append("printf '\\n%s end ").append(i).append(" %d\\n' ").append(boundary).append(" $?")
                    .append("; printf '\\n%s end ").append(i).append("\\n' ").append(boundary).append(" >&2\n");
        }
        return sh.toString();
    }

    /**
     * Splits the batch's output; null when it is not complete (the batch was cut short): the
     * caller then probes one by one.
     */
    List<ExecResult> split(ExecResult batch) {
        List<ExecResult> results = new ArrayList<>();
        String out = batch.stdout();
        String err = batch.stderr();
        int outAt = 0;
        int errAt = 0;
        for (int i = 0; i < scripts.size(); i++) {
            String begin = "\n" + boundary + " begin " + i + "\n";
            String end = "\n" + boundary + " end " + i;
            int ob = out.indexOf(begin, outAt);
            int oe = ob < 0 ? -1 : out.indexOf(end + " ", ob + begin.length());
            int eb = err.indexOf(begin, errAt);
            int ee = eb < 0 ? -1 : err.indexOf(end + "\n", eb + begin.length());
            if (oe < 0 || ee < 0) return null;
            int codeEnd = out.indexOf('\n', oe + end.length() + 1);
            if (codeEnd < 0) return null;
            int exitCode;
            try {
                exitCode = Integer.parseInt(out.substring(oe + end.length() + 1, codeEnd));
            } catch (NumberFormatException e) {
                return null;
            }
            results.add(new ExecResult(exitCode, out.substring(ob + begin.length(), oe), err.substring(eb + begin.length(), ee),
                    batch.duration().dividedBy(scripts.size())));
            outAt = codeEnd;
            errAt = ee + end.length() + 1;
        }
        return results;
    }
}
