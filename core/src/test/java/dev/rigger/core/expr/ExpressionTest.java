package dev.rigger.core.expr;

import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.secret.Secret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExpressionTest {

    private static final SourceLocation AT = new SourceLocation("play.yml", 12, 11);

    private static Map<String, Object> vars() {
        Map<String, Object> vars = new HashMap<>();
        vars.put("result", Map.of("rc", 0, "changed", true, "failed", false, "stdout", "active (running)",
                "stdout_lines", List.of("line one", "line two")));
        vars.put("hostvars", Map.of("pg1", Map.of("ansible_host", "10.0.0.11")));
        vars.put("groups", Map.of("db", List.of("pg1", "pg2"), "web", List.of("web1")));
        vars.put("ansible_default_ipv4", Map.of("address", "10.0.0.5"));
        vars.put("nothing", null);
        vars.put("count", 3);
        vars.put("ratio", 0.5);
        vars.put("enabled", "yes");
        vars.put("empty_list", List.of());
        vars.put("pg_version", "15.4");
        vars.put("db_password", Secret.of("s3cret"));
        return vars;
    }

    private static boolean test(String text) {
        return Expression.parse(text, AT).test(vars());
    }

    private static String parseError(String text) {
        return assertThatThrownBy(() -> Expression.parse(text, AT))
                .isInstanceOf(ExpressionException.class)
                .actual().getMessage();
    }

    private static Throwable evalError(String text) {
        Expression e = Expression.parse(text, AT);
        return assertThatThrownBy(() -> e.evaluate(vars())).isInstanceOf(ExpressionException.class).actual();
    }

    @ParameterizedTest(name = "{0} => {1}")
    @CsvSource(delimiterString = "=>", quoteCharacter = '`', textBlock = """
            result.rc == 0                                  => true
            result.rc != 0                                  => false
            result.rc == 0.0                                => true
            result.stdout_lines[0] == 'line one'            => true
            result.stdout_lines[-1] == "line two"           => true
            result['rc'] == 0                               => true
            hostvars['pg1'].ansible_host == '10.0.0.11'     => true
            ansible_default_ipv4.address == '10.0.0.5'      => true
            'pg1' in groups['db']                           => true
            'web1' in groups.db                             => false
            'web1' not in groups.db                         => true
            'active' in result.stdout                       => true
            'rc' in result                                  => true
            'missing' in result                             => false
            count > 2 and count <= 3                        => true
            count < 2 or ratio >= 0.5                       => true
            count > 3 or ratio < 0.5                        => false
            not result.failed                               => true
            not (count == 3)                                => false
            not count == 3                                  => false
            x is defined                                    => false
            result is defined                               => true
            x is not defined                                => true
            x is undefined                                  => true
            result.missing is defined                       => false
            x.y.z is defined                                => false
            result.stdout_lines[7] is defined               => false
            nothing is none                                 => true
            nothing is not none                             => false
            nothing is defined                              => true
            result is changed                               => true
            result is not changed                           => false
            result is failed                                => false
            result is succeeded                             => true
            result is success                               => true
            result is skipped                               => false
            {'rc': 2} is failed                             => true
            {'rc': 0} is succeeded                          => true
            {'rc': 2, 'failed': false} is failed            => false
            {'skipped': true} is skipped                    => true
            result.stdout is match('act')                   => true
            result.stdout is match('running')               => false
            result.stdout is search('running')              => true
            result.stdout is search('^running')             => false
            '123' is match('^\\d+$')                        => true
            pg_version is version('15', '>=')               => true
            pg_version is version('16', '<')                => true
            pg_version is version('15.4')                   => true
            pg_version is version('15.4.0', 'eq')           => true
            '1.10' is version('1.9', '>')                   => true
            '1.0rc1' is version('1.0', 'lt')                => false
            16 is version('15.4', 'gt')                     => true
            enabled | bool                                  => true
            'off' | bool                                    => false
            1 | bool                                        => true
            '  42 ' | int == 42                             => true
            '3.7' | int == 3                                => true
            'abc' | int == 0                                => true
            ratio | int == 0                                => true
            result.stdout_lines | length == 2               => true
            empty_list | length > 0                         => false
            'ABC' | lower == 'abc'                          => true
            'abc' | upper == 'ABC'                          => true
            '  x ' | trim == 'x'                            => true
            x | default('a') == 'a'                         => true
            nothing | default('a') is none                  => true
            nothing | default('a', true) == 'a'             => true
            count | string == '3'                           => true
            true | string == 'True'                         => true
            [1, 'a'] == [1, 'a']                            => true
            [1, 'a'] == [1, 'b']                            => false
            2 in [1, 2, 3]                                  => true
            empty_list                                      => false
            ''                                              => false
            'x'                                             => true
            0                                               => false
            -1 < 0                                          => true
            True and not False                              => true
            None                                            => false
            `{{ result.rc == 0 }}`                          => true
            db_password == 's3cret'                         => true
            db_password | length == 6                       => true
            'cret' in db_password                           => true
            db_password | upper == 'S3CRET'                 => true
            count == true                                   => false
            "it's" == 'it\\'s'                              => true
            'b' > 'a'                                       => true
            (result | default({})).rc == 0                  => true
            """)
    void evaluatesConditions(String text, boolean expected) {
        assertThat(test(text)).isEqualTo(expected);
    }

    @Test
    void andOrReturnAnOperandLikeJinja() {
        Map<String, Object> vars = vars();
        assertThat(Expression.parse("count or 5", AT).evaluate(vars)).isEqualTo(3);
        assertThat(Expression.parse("0 or 'fallback'", AT).evaluate(vars)).isEqualTo("fallback");
        assertThat(Expression.parse("empty_list and x", AT).evaluate(vars)).isEqualTo(List.of());
        assertThat(Expression.parse("x | default(5)", AT).evaluate(vars)).isEqualTo(5L);
    }

    @Test
    void shortCircuitSkipsUndefinedRightHandSide() {
        assertThat(test("x is defined and x.rc == 0")).isFalse();
        assertThat(test("result is defined or x")).isTrue();
    }

    @Test
    void parsedOnceEvaluatedManyTimes() {
        Expression e = Expression.parse("result.rc == 0", AT);
        assertThat(e.test(Map.of("result", Map.of("rc", 0)))).isTrue();
        assertThat(e.test(Map.of("result", Map.of("rc", 1)))).isFalse();
        assertThat(e.text()).isEqualTo("result.rc == 0");
        assertThat(e.location()).isEqualTo(AT);
    }

    @Test
    void secretStaysWrappedThroughStringFilters() {
        Object lowered = Expression.parse("db_password | lower", AT).evaluate(vars());
        assertThat(lowered).isInstanceOf(Secret.class);
        assertThat(((Secret) lowered).reveal()).isEqualTo("s3cret");
    }

    @Test
    void defaultAppliesToAnUndefinedChain() {
        assertThat(Expression.parse("x.y | default(1)", AT).evaluate(vars())).isEqualTo(1L);
        assertThat(test("'abc'.y is defined")).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiterString = "=>", quoteCharacter = '`', textBlock = """
            count @ 1 > 2                      => unexpected character '@'
            count if                           => expected a value after 'if'
            result.stdout.strartswith('a')     => unknown method 'strartswith' (did you mean 'startswith'?)
            sorted(x)                          => unknown function 'sorted'
            [x for x in y]                     => expected ']' to close the list, found 'for'
            """)
    void unsupportedJinjaIsALoadTimeError(String text, String detail) {
        assertThat(parseError(text)).endsWith("': " + detail);
    }

    @Test
    void nullValuedVariableIsDefined() {
        assertThat(test("nothing == none")).isTrue();
    }

    // --- syntax errors: located at the column inside the expression --------------------------

    @Test
    void missingOperandAfterOperator() {
        assertThat(parseError("x ==")).isEqualTo("play.yml:12:15: bad expression 'x ==': expected a value after '=='");
    }

    @Test
    void missingOperandInTheMiddle() {
        assertThat(parseError("x == )"))
                .isEqualTo("play.yml:12:16: bad expression 'x == )': expected a value after '==', found ')'");
    }

    @Test
    void emptyExpression() {
        assertThat(parseError("")).isEqualTo("play.yml:12:11: bad expression '': the expression is empty");
        assertThat(parseError("{{ }}")).isEqualTo("play.yml:12:14: bad expression '{{ }}': the expression is empty");
    }

    @Test
    void singleEqualsGetsAHint() {
        assertThat(parseError("result.rc = 0"))
                .isEqualTo("play.yml:12:21: bad expression 'result.rc = 0': unexpected '='; use '==' to compare");
    }

    @Test
    void foreignBooleanOperatorsGetHints() {
        assertThat(parseError("x && y")).isEqualTo("play.yml:12:13: bad expression 'x && y': use 'and' instead of '&&'");
        assertThat(parseError("x || y")).isEqualTo("play.yml:12:13: bad expression 'x || y': use 'or' instead of '||'");
        assertThat(parseError("!x")).isEqualTo("play.yml:12:11: bad expression '!x': use 'not' instead of '!'");
    }

    @Test
    void unclosedParenthesis() {
        assertThat(parseError("(x == 1"))
                .isEqualTo("play.yml:12:18: bad expression '(x == 1': expected ')' to close '(', found the end of the expression");
    }

    @Test
    void unclosedList() {
        assertThat(parseError("x in [1, 2"))
                .isEqualTo("play.yml:12:21: bad expression 'x in [1, 2': expected ']' to close the list, found the end of the expression");
    }

    @Test
    void unknownFilterSuggestsNearName() {
        ExpressionException e = (ExpressionException) assertThatThrownBy(() -> Expression.parse("x | lenght", AT)).actual();
        assertThat(e.getMessage())
                .isEqualTo("play.yml:12:15: bad expression 'x | lenght': unknown filter 'lenght' (did you mean 'length'?)");
        assertThat(e.suggestion()).contains("length");
    }

    @Test
    void unknownTestSuggestsNearName() {
        assertThat(parseError("x is defind"))
                .isEqualTo("play.yml:12:16: bad expression 'x is defind': unknown test 'defind' (did you mean 'defined'?)");
        assertThat(parseError("x is None"))
                .isEqualTo("play.yml:12:16: bad expression 'x is None': unknown test 'None' (did you mean 'none'?)");
    }

    @Test
    void unknownFilterFarFromAnyNameHasNoSuggestion() {
        assertThat(parseError("x | ipaddr"))
                .isEqualTo("play.yml:12:15: bad expression 'x | ipaddr': unknown filter 'ipaddr'");
    }

    @Test
    void wrongArgumentCounts() {
        assertThat(parseError("x | default"))
                .isEqualTo("play.yml:12:15: bad expression 'x | default': filter 'default' takes 1 or 2 arguments, got 0");
        assertThat(parseError("x | int(3, 4)"))
                .isEqualTo("play.yml:12:15: bad expression 'x | int(3, 4)': filter 'int' takes 0 or 1 arguments, got 2");
        assertThat(parseError("x is match('a', 'b')"))
                .isEqualTo("play.yml:12:16: bad expression 'x is match('a', 'b')': test 'match' takes 1 argument, got 2");
    }

    @Test
    void invalidLiteralRegexIsALoadTimeError() {
        assertThat(parseError("x is match('[a-')"))
                .startsWith("play.yml:12:16: bad expression 'x is match('[a-')': invalid regular expression: ");
    }

    @Test
    void invalidVersionOperatorIsALoadTimeError() {
        assertThat(parseError("x is version('1', '=>')"))
                .isEqualTo("play.yml:12:16: bad expression 'x is version('1', '=>')': "
                        + "unknown version operator '=>' (use one of < <= > >= == !=)");
    }

    @Test
    void unterminatedString() {
        assertThat(parseError("x == 'abc")).isEqualTo("play.yml:12:16: bad expression 'x == 'abc': unterminated string");
    }

    @Test
    void chainedComparisonIsRejected() {
        assertThat(parseError("1 < x < 3"))
                .isEqualTo("play.yml:12:17: bad expression '1 < x < 3': chained comparisons are not supported; join them with 'and'");
    }

    @Test
    void trailingGarbage() {
        assertThat(parseError("x y")).isEqualTo("play.yml:12:13: bad expression 'x y': unexpected 'y'");
    }

    @Test
    void unknownKeywordArgumentsAreRejected() {
        assertThat(parseError("x is match('a', ignorcase=true)"))
                .isEqualTo("play.yml:12:16: bad expression 'x is match('a', ignorcase=true)': test 'match' has no keyword argument 'ignorcase' (it has ignorecase, multiline) (did you mean 'ignorecase'?)");
    }

    @Test
    void templateDelimitersInsideTheExpression() {
        assertThat(parseError("{{ x }} == 1"))
                .isEqualTo("play.yml:12:11: bad expression '{{ x }} == 1': '{{ }}' may only wrap the whole expression");
    }

    @Test
    void missingNames() {
        assertThat(parseError("x.")).isEqualTo("play.yml:12:13: bad expression 'x.': expected a name after '.'");
        assertThat(parseError("x is")).isEqualTo("play.yml:12:15: bad expression 'x is': expected a test name after 'is'");
        assertThat(parseError("x | 1")).isEqualTo("play.yml:12:15: bad expression 'x | 1': expected a filter name after '|'");
    }

    @Test
    void unexpectedCharacter() {
        assertThat(parseError("x @ y")).isEqualTo("play.yml:12:13: bad expression 'x @ y': unexpected character '@'");
    }

    @Test
    void keywordIsNotAValue() {
        assertThat(parseError("x == and")).isEqualTo("play.yml:12:16: bad expression 'x == and': expected a value after '==', found 'and'");
    }

    @Test
    void errorPastALineBreakNamesTheLineOnly() {
        assertThat(parseError("x == 1 and\ny =="))
                .isEqualTo("play.yml:13: bad expression 'x == 1 and y ==': expected a value after '=='");
    }

    @Test
    void unknownLocationKeepsTheOrigin() {
        assertThatThrownBy(() -> Expression.parse("x ==", SourceLocation.unknown("-e")))
                .hasMessage("-e: bad expression 'x ==': expected a value after '=='");
    }

    // --- evaluation errors -----------------------------------------------------------------------

    @Test
    void undefinedVariableSuggestsNearName() {
        Throwable e = evalError("reslt.rc == 0");
        assertThat(e).isInstanceOf(UndefinedVariableException.class)
                .hasMessage("play.yml:12:11: 'reslt' is undefined (did you mean 'result'?)");
        assertThat(((UndefinedVariableException) e).variable()).isEqualTo("reslt");
    }

    @Test
    void undefinedKeySuggestsNearKey() {
        Throwable e = evalError("x is defined or result.rcc == 0");
        assertThat(e).isInstanceOf(UndefinedVariableException.class)
                .hasMessage("play.yml:12:27: 'result.rcc' is undefined (did you mean 'result.rc'?)");
    }

    @Test
    void undefinedListSuggestsNearKey() {
        assertThat(evalError("result.stdout_lnes | length > 0"))
                .hasMessage("play.yml:12:11: 'result.stdout_lnes' is undefined (did you mean 'result.stdout_lines'?)");
    }

    @Test
    void undefinedIndexSuggestsNearKey() {
        assertThat(evalError("hostvars['pg9'].ansible_host == '1'"))
                .hasMessage("play.yml:12:11: 'hostvars['pg9']' is undefined (did you mean 'hostvars['pg1']'?)");
    }

    @Test
    void attributeOfNoneIsUndefined() {
        assertThat(evalError("nothing.x")).hasMessage("play.yml:12:11: 'nothing.x' is undefined");
    }

    @Test
    void undefinedInFilterAndBareCondition() {
        assertThat(evalError("x | length > 0")).hasMessage("play.yml:12:11: 'x' is undefined");
        assertThat(evalError("not x")).hasMessage("play.yml:12:15: 'x' is undefined");
    }

    @Test
    void testsOtherThanDefinedNeedADefinedValue() {
        assertThat(evalError("x is none")).isInstanceOf(UndefinedVariableException.class);
        assertThat(evalError("reslt is changed")).hasMessage("play.yml:12:11: 'reslt' is undefined (did you mean 'result'?)");
    }

    @Test
    void suggestionsComeFromTheScopeNames() {
        VariableScope layered = new VariableScope() {
            @Override public boolean isDefined(String name) { return name.equals("packages"); }
            @Override public Object get(String name) { return List.of("nginx"); }
            @Override public Collection<String> names() { return Set.of("packages"); }
        };
        Expression e = Expression.parse("'nginx' in pakages", AT);
        assertThatThrownBy(() -> e.test(layered))
                .hasMessage("play.yml:12:22: 'pakages' is undefined (did you mean 'packages'?)");
        assertThat(Expression.parse("'nginx' in packages", AT).test(layered)).isTrue();
    }

    @Test
    void comparingDifferentTypes() {
        assertThat(evalError("count < 'a'")).hasMessage("play.yml:12:17: cannot compare integer with string using '<'");
        assertThat(evalError("nothing >= 1")).hasMessage("play.yml:12:19: cannot compare none with integer using '>='");
    }

    @Test
    void filterAndTestTypeErrors() {
        assertThat(evalError("count | length")).hasMessage("play.yml:12:19: filter 'length' needs a string, list or map, got integer");
        assertThat(evalError("count is changed"))
                .hasMessage("play.yml:12:20: test 'changed' needs a registered task result (a map), got integer");
        assertThat(evalError("count is match('3')")).hasMessage("play.yml:12:20: test 'match' needs a string, got integer");
        assertThat(evalError("5 in count")).hasMessage("play.yml:12:13: 'in' needs a list, map or string on the right, got integer");
        assertThat(evalError("5 in 'abc'")).hasMessage("play.yml:12:13: 'in' on a string needs a string on the left, got integer");
    }

    @Test
    void listIndexMustBeAnInteger() {
        assertThat(evalError("result.stdout_lines['x']")).hasMessage("play.yml:12:30: a list index must be an integer, got string");
    }

    @Test
    void dynamicRegexErrorsAtEvaluation() {
        Expression e = Expression.parse("'a' is match(pattern)", AT);
        assertThatThrownBy(() -> e.test(Map.of("pattern", "[")))
                .hasMessageStartingWith("play.yml:12:18: invalid regular expression: ");
        assertThat(e.test(Map.of("pattern", "a|b"))).isTrue();
    }

    @Test
    void secretValuesNeverAppearInMessages() {
        assertThat(evalError("db_password < 1").getMessage())
                .isEqualTo("play.yml:12:23: cannot compare secret with integer using '<'")
                .doesNotContain("s3cret");
        assertThat(evalError("db_password is changed").getMessage()).doesNotContain("s3cret");
        assertThat(evalError("[db_password] < 1").getMessage()).doesNotContain("s3cret");
    }
}
