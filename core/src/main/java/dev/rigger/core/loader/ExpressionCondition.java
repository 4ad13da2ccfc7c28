package dev.rigger.core.loader;

import dev.rigger.core.executor.Condition;
import dev.rigger.core.expr.Expression;
import java.util.Map;

/** A {@code when}/{@code until}/{@code changed_when}/{@code failed_when} expression, parsed at load time, tested per host. */
record ExpressionCondition(Expression expression) implements Condition {

    @Override
    public boolean test(Map<String, Object> vars) {
        return expression.test(TemplatedVariables.of(vars, expression.location()));
    }

    @Override
    public String text() {
        return expression.text();
    }
}
