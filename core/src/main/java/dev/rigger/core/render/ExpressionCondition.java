package dev.rigger.core.render;

import dev.rigger.core.expr.Expression;
import java.util.Map;

/** A {@code when}/{@code until}/{@code changed_when}/{@code failed_when} expression, parsed at load time, tested per host. */
public record ExpressionCondition(Expression expression) {

    public boolean test(Map<String, Object> vars) {
        return expression.test(TemplatedVariables.of(vars, expression.location()));
    }

    public String text() {
        return expression.text();
    }
}
