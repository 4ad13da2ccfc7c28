package dev.rigger.core.expr;

import dev.rigger.core.error.SourceLocation;

/**
 * An expression used a variable (or a key of one) that is not defined, as in
 * {@code play.yml:12:7: 'reslt' is undefined (did you mean 'result'?)}. Only raised when the value
 * is actually needed: {@code x is defined} and {@code x | default(...)} never raise it.
 */
public class UndefinedVariableException extends ExpressionException {
    private final String variable;

    public UndefinedVariableException(SourceLocation location, String variable, String suggestion) {
        super(location, "'" + variable + "' is undefined", suggestion);
        this.variable = variable;
    }

    /** The undefined reference as written, e.g. {@code reslt} or {@code result.stdout_lnes}. */
    public String variable() {
        return variable;
    }
}
