package dev.rigger.core.executor;

import dev.rigger.core.error.InputException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A playbook built in code that cannot run as written: a blank host pattern or name, a
 * {@code notify} nobody answers, no inventory, a host pattern that matches nothing under
 * {@link RunOptions#strictHostPatterns()}. Thrown before any host is contacted; lists every
 * problem found, one per line, each with a near name when there is one.
 */
public final class InvalidPlaybookException extends IllegalArgumentException {
    private final List<InputException> problems;

    public InvalidPlaybookException(List<InputException> problems) {
        super(problems.stream().map(InputException::oneLine).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    InvalidPlaybookException(String problem) {
        this(List.of(new InputException(PlaybookCheck.JAVA, problem)));
    }

    /** Each problem with where it is (the source location of YAML-loaded parts, else "java"). */
    public List<InputException> problems() {
        return problems;
    }

    /** Throws when {@code value} is null or blank; {@code what} names it in the message. */
    static String requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new InvalidPlaybookException(what + " must not be " + (value == null ? "null" : "blank"));
        }
        return value;
    }
}
