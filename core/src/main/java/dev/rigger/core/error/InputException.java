package dev.rigger.core.error;

import java.util.Optional;

/**
 * Bad user input (inventory, playbook, role, template, expression). Always carries where the bad
 * input is, what is wrong and, when a near name exists, a suggestion. The runner prints
 * {@link #oneLine()} and exits with code 2 without a stack trace; no host is contacted.
 */
public class InputException extends RuntimeException {
    private final SourceLocation location;
    private final String problem;
    private final String suggestion;

    public InputException(SourceLocation location, String problem) {
        this(location, problem, null);
    }

    public InputException(SourceLocation location, String problem, String suggestion) {
        super(format(location, problem, suggestion));
        this.location = location;
        this.problem = problem;
        this.suggestion = suggestion;
    }

    public SourceLocation location() { return location; }
    public String problem() { return problem; }
    public Optional<String> suggestion() { return Optional.ofNullable(suggestion); }

    /** {@code file:line:col: problem (did you mean 'x'?)} */
    public String oneLine() { return getMessage(); }

    private static String format(SourceLocation location, String problem, String suggestion) {
        String text = location + ": " + problem;
        return suggestion == null ? text : text + " (did you mean '" + suggestion + "'?)";
    }
}
