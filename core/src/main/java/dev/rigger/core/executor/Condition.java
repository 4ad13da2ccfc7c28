package dev.rigger.core.executor;

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
}
