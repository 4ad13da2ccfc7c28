package dev.rigger.core.expr;

import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.secret.Secret;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.NumericChars;
import net.jqwik.api.constraints.StringLength;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ExpressionPropertiesTest {

    private static final SourceLocation AT = new SourceLocation("p.yml", 1, 1);

    @Property
    void integerComparisonsAgreeWithJava(@ForAll long a, @ForAll int b) {
        Map<String, Object> vars = Map.of("a", a, "b", b);
        assertThat(Expression.parse("a < b", AT).test(vars)).isEqualTo(a < b);
        assertThat(Expression.parse("a >= b", AT).test(vars)).isEqualTo(a >= b);
        assertThat(Expression.parse("a == b", AT).test(vars)).isEqualTo(a == b);
        assertThat(Expression.parse("a != b and not a == b", AT).test(vars)).isEqualTo(a != b);
    }

    @Property
    void mixedIntegerAndFloatCompareByValue(@ForAll int a, @ForAll int b) {
        Map<String, Object> vars = Map.of("a", a, "b", (double) b);
        assertThat(Expression.parse("a <= b", AT).test(vars)).isEqualTo(a <= b);
        assertThat(Expression.parse("a == b", AT).test(vars)).isEqualTo(a == b);
    }

    @Property
    void stringLiteralsRoundTripThroughEscapes(@ForAll @StringLength(max = 20) String s) {
        String literal = "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
        assertThat(Expression.parse("x == " + literal, AT).test(Map.of("x", s))).isTrue();
    }

    @Property
    void arbitraryTextEitherParsesOrFailsWithALocatedError(@ForAll @StringLength(max = 30)
            @Chars({'x', 'y', '1', '.', '\'', '"', '(', ')', '[', ']', '{', '}', '|', '=', '<', '!', ' ', '-', ',', ':'})
            @AlphaChars String text) {
        try {
            Expression.parse(text, AT);
        } catch (ExpressionException e) {
            assertThat(e.location().file()).isEqualTo("p.yml");
            assertThat(e.location().column()).isBetween(1, text.length() + 1);
        }
    }

    @Property
    void versionOrderIsAntisymmetricAndReflexive(@ForAll @StringLength(max = 8) @NumericChars @Chars({'.', 'a', 'r', 'c'}) String a,
                                                 @ForAll @StringLength(max = 8) @NumericChars @Chars({'.', 'a', 'r', 'c'}) String b) {
        assertThat(IsTest.compareVersions(a, a)).isZero();
        assertThat(Integer.signum(IsTest.compareVersions(a, b))).isEqualTo(-Integer.signum(IsTest.compareVersions(b, a)));
    }

    /** Whatever the expression and the values, evaluation either works or fails with a located error. */
    @Property(tries = 3000)
    void evaluationFailsOnlyWithLocatedErrors(@ForAll("expressions") String text) {
        Map<String, Object> vars = new HashMap<>();
        vars.put("n", 3);
        vars.put("f", 2.5);
        vars.put("s", "abc");
        vars.put("l", List.of(1, "a"));
        vars.put("m", Map.of("k", 1, "rc", 0));
        vars.put("nothing", null);
        vars.put("pw", Secret.of("hidden-value"));
        Expression expression;
        try {
            expression = Expression.parse(text, AT);
        } catch (ExpressionException e) {
            return;
        }
        try {
            expression.evaluate(vars);
        } catch (ExpressionException e) {
            assertThat(e.location().file()).isEqualTo("p.yml");
            assertThat(e.getMessage()).doesNotContain("hidden-value");
        }
    }

    @Provide
    Arbitrary<String> expressions() {
        return Arbitraries.of("n", "f", "s", "l", "m", "pw", "nothing", "undef", "1", "-2", "2.5", "'a'", "''", "[1, 'a']",
                        "{'k': 1}", "==", "!=", "<", ">=", "in", "not", "and", "or", "| length", "| int", "| bool", "| lower",
                        "| default(1)", "| default(0, true)", "| string", "is defined", "is not defined", "is none",
                        "is changed", "is failed", "is match('a')", "is search(s)", "is version('1.2', '<')", "(", ")",
                        ".k", ".rc", "[0]", "[-1]", "['k']", "[s]")
                .list().ofMinSize(1).ofMaxSize(7)
                .map(tokens -> String.join(" ", tokens));
    }
}
