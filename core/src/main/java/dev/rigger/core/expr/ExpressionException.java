package dev.rigger.core.expr;

import dev.rigger.core.error.InputException;
import dev.rigger.core.error.SourceLocation;

/**
 * A bad {@code when:}/{@code until:}/{@code changed_when:}/{@code failed_when:} expression. Thrown
 * by {@link Expression#parse} for syntax errors (at load time, before any host is contacted) and by
 * {@link Expression#evaluate} for errors that only show with real values, such as comparing a
 * string with a number. The location points inside the expression. Messages name types and
 * variables, never values, so a {@code Secret} cannot leak through them.
 */
public class ExpressionException extends InputException {
    public ExpressionException(SourceLocation location, String problem) {
        super(location, problem);
    }

    public ExpressionException(SourceLocation location, String problem, String suggestion) {
        super(location, problem, suggestion);
    }
}
