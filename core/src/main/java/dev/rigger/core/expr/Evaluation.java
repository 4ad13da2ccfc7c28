package dev.rigger.core.expr;

import dev.rigger.core.internal.text.NearNames;

import java.util.TreeSet;

/** One evaluation of an expression: the variables it sees and where to point errors. */
final class Evaluation {
    private final VariableScope scope;
    private final Expression expression;

    Evaluation(VariableScope scope, Expression expression) {
        this.scope = scope;
        this.expression = expression;
    }

    /** The value of a variable, or an {@link Undefined} that remembers where it was referenced. */
    Object variable(String name, int start) {
        if (scope.isDefined(name)) return scope.get(name);
        return new Undefined(name, start, () -> NearNames.closest(name, new TreeSet<>(scope.names())).orElse(null));
    }

    /** Evaluates a node whose value is needed: an undefined value is an error here. */
    Object value(Node node) {
        Object value = node.eval(this);
        if (value instanceof Undefined u) {
            throw new UndefinedVariableException(expression.locate(u.start()), u.path(), u.suggestion().get());
        }
        return value;
    }

    VariableScope scope() {
        return scope;
    }

    ExpressionException error(int offset, String problem) {
        return new ExpressionException(expression.locate(offset), problem);
    }
}
