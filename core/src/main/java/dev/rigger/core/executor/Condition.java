package dev.rigger.core.executor;

import dev.rigger.core.render.ExpressionCondition;
import java.util.Map;

/**
 * A {@code when}/{@code until}/{@code changed_when}/{@code failed_when} test over the variables a
 * task sees. The YAML loader builds these from expressions; Java users may pass lambdas.
 */
@FunctionalInterface
public interface Condition {
    boolean test(Map<String, Object> vars);

    /** The source text shown in messages ("when: x is defined"). */
    default String text() {
        return "<java condition>";
    }

    /** An expression (as YAML tasks write them), tested with the host's variables rendered. */
    static Condition of(ExpressionCondition expression) {
        return new Condition() {
            @Override
            public boolean test(Map<String, Object> vars) {
                return expression.test(vars);
            }

            @Override
            public String text() {
                return expression.text();
            }
        };
    }
}
