package dev.rigger.core.module;

import dev.rigger.core.transport.ExecResult;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What applying a plan did. {@code data} holds the values a {@code register:} sees besides the
 * standard ones ({@code changed}, {@code failed}, {@code rc}, {@code stdout}, {@code stderr}, {@code msg}).
 */
public record Outcome(boolean failed, boolean changed, String message, Map<String, Object> data) {

    public Outcome {
        data = Map.copyOf(data);
    }

    /** The default reading of an apply script: exit 0 changed the host, anything else failed it. */
    public static Outcome fromExit(ExecResult r) {
        Map<String, Object> data = standard(r);
        if (r.succeeded()) return new Outcome(false, true, "", data);
        String err = r.stderr().isBlank() ? r.stdout().strip() : r.stderr().strip();
        return new Outcome(true, false, "exit " + r.exitCode() + (err.isEmpty() ? "" : ": " + err), data);
    }

    /** rc, stdout, stderr and their line lists, as Ansible registers them. */
    public static Map<String, Object> standard(ExecResult r) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("rc", r.exitCode());
        String out = stripTrailingNewline(r.stdout());
        String err = stripTrailingNewline(r.stderr());
        data.put("stdout", out);
        data.put("stderr", err);
        data.put("stdout_lines", out.isEmpty() ? java.util.List.of() : java.util.List.of(out.split("\n", -1)));
        data.put("stderr_lines", err.isEmpty() ? java.util.List.of() : java.util.List.of(err.split("\n", -1)));
        return data;
    }

    private static String stripTrailingNewline(String s) {
        return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }
}
