package dev.rigger.core.expr;

import dev.rigger.core.error.SourceLocation;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.NumericChars;
import net.jqwik.api.constraints.StringLength;

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
}
