package dev.rigger.core.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Expected values are what Python 3's ast.literal_eval gives (or the text itself where it raises). */
class PythonLiteralTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            22            | Integer | 22
            -7            | Integer | -7
            + 7           | Integer | 7
            1_000         | Integer | 1000
            0x1F          | Integer | 31
            0o644         | Integer | 420
            0b11          | Integer | 3
            00            | Integer | 0
            0644          | String  | 0644
            1.5           | Double  | 1.5
            .5            | Double  | 0.5
            1e3           | Double  | 1000.0
            -2.5e-1       | Double  | -0.25
            True          | Boolean | true
            False         | Boolean | false
            true          | String  | true
            yes           | String  | yes
            'quoted'      | String  | quoted
            "dq"          | String  | dq
            'a' "b"       | String  | ab
            r'\\d+'       | String  | \\d+
            'tab\\there'  | String  | tab	here
            'caf\\xe9'    | String  | café
            1abc          | String  | 1abc
            1j            | String  | 1j
            foo.example.com | String | foo.example.com
            -o ProxyJump=x | String | -o ProxyJump=x
            ...           | String  | ...
            12345678901   | Long    | 12345678901
            """)
    void scalars(String text, String type, String expected) {
        Object value = PythonLiteral.parse(text);
        assertThat(value.getClass().getSimpleName()).isEqualTo(type);
        assertThat(String.valueOf(value)).isEqualTo(expected);
    }

    @Test
    void containers() {
        assertThat(PythonLiteral.parse("[1, 'two', [3]]")).isEqualTo(List.of(1, "two", List.of(3)));
        assertThat(PythonLiteral.parse("(1, 2,)")).isEqualTo(List.of(1, 2));
        assertThat(PythonLiteral.parse("(5)")).isEqualTo(5);
        assertThat(PythonLiteral.parse("()")).isEqualTo(List.of());
        assertThat(PythonLiteral.parse("80,443")).isEqualTo(List.of(80, 443));
        assertThat(PythonLiteral.parse("{'a': 1, 2: [None], True: 'x'}"))
                .isEqualTo(Map.of("a", 1, "2", Arrays.asList((Object) null), "True", "x"));
        assertThat(PythonLiteral.parse("[1, None]")).isEqualTo(Arrays.asList(1, null));
    }

    @Test
    void noneIsNull() {
        assertThat(PythonLiteral.parse("None")).isNull();
    }

    @Test
    void commentsAndLeadingSpaceAreIgnoredAsByLiteralEval() {
        assertThat(PythonLiteral.parse("200  # per host")).isEqualTo(200);
        assertThat(PythonLiteral.parse("  42")).isEqualTo(42);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            {1, 2}
            [1, 2
            'open
            {'a' 1}
            --1
            f'x'
            ``
            Welcome, friend
            {[1]: 2}
            """)
    void anythingElseStaysTheTextItWas(String text) {
        assertThat(PythonLiteral.parse(text)).isEqualTo(text);
    }

    @Property
    void everyIntegerReadsBackAsItself(@ForAll long n) {
        Object value = PythonLiteral.parse(Long.toString(n));
        assertThat(((Number) value).longValue()).isEqualTo(n);
        assertThat(value).isInstanceOf(n == (int) n ? Integer.class : Long.class);
    }

    @Property
    void everyQuotedStringWithoutQuotesOrBackslashesReadsBackAsItself(@ForAll String s) {
        if (s.contains("'") || s.contains("\\") || s.contains("\n") || s.contains("\r")) return;
        assertThat(PythonLiteral.parse("'" + s + "'")).isEqualTo(s);
    }

    @Test
    void hugeIntegersStayExact() {
        assertThat(PythonLiteral.parse("123456789012345678901234567890"))
                .isEqualTo(new BigInteger("123456789012345678901234567890"));
    }
}
