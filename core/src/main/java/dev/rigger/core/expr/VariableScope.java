package dev.rigger.core.expr;

import java.util.Collection;
import java.util.Map;

/**
 * The variables an expression can see. An interface rather than a plain {@code Function} because
 * an expression must tell "defined as null" ({@code x:} in YAML) from "not defined", and needs the
 * names in scope to suggest one when a name is misspelt. The executor can implement it over its
 * layered variables without merging them into one map.
 */
public interface VariableScope {

    /** True when {@code name} is defined, even if its value is null. */
    boolean isDefined(String name);

    /** The value of a defined name (may be null). Only called after {@link #isDefined} said yes. */
    Object get(String name);

    /** Every defined name; used only for "did you mean" suggestions. */
    Collection<String> names();

    static VariableScope of(Map<String, ?> variables) {
        return new VariableScope() {
            @Override public boolean isDefined(String name) { return variables.containsKey(name); }
            @Override public Object get(String name) { return variables.get(name); }
            @Override public Collection<String> names() { return variables.keySet(); }
        };
    }
}
