package dev.rigger.modules.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

/** Python regular expression syntax on Java's engine, where Ansible playbooks rely on the difference. */
class PythonRegexTest {

    private static String expand(String regex, String text, String template) {
        PythonRegex re = PythonRegex.compile(regex);
        Matcher m = re.search(text);
        assertThat(m).as("%s should match %s", regex, text).isNotNull();
        return re.expand(m, template);
    }

    @Test
    void namedGroupsInPythonSyntaxIncludingUnderscores() {
        assertThat(expand("(?P<listen_addr>[\\d.]+):(?P<port>\\d+)", "bind 10.0.0.1:5432\n", "\\g<port>@\\g<listen_addr>"))
                .isEqualTo("5432@10.0.0.1");
    }

    @Test
    void backReferenceToANamedGroup() {
        assertThat(PythonRegex.compile("(?P<q>['\"]).*(?P=q)").search("x = 'a'\n")).isNotNull();
        assertThat(PythonRegex.compile("(?P<q>['\"])a(?P=q)").search("x = 'a\"\n")).isNull();
    }

    @Test
    void numberedGroupsUpToTwoDigitsAndUnmatchedGroupsAreEmpty() {
        assertThat(expand("(a)(b)?c", "ac", "[\\1][\\2]")).isEqualTo("[a][]");
        assertThat(expand("(a)", "a", "\\g<1>0")).isEqualTo("a0");
    }

    @Test
    void escapesInTheTemplate() {
        assertThat(expand("(x)", "x", "\\1\\t\\\\n")).isEqualTo("x\t\\n");
    }

    @Test
    void aGroupTheRegexDoesNotHaveIsAnError() {
        assertThatThrownBy(() -> expand("(a)", "a", "\\3")).hasMessageContaining("group 3");
    }

    @Test
    void bracesThatAreNoRepetitionAreLiteral() {
        assertThat(PythonRegex.compile("^server {$").search("server {\n")).isNotNull();
        assertThat(PythonRegex.compile("a{2}").search("caab")).isNotNull();
        assertThat(PythonRegex.compile("^a{,2}b").search("aab")).isNotNull();
        assertThat(PythonRegex.compile("\\${HOME}").search("${HOME}/x")).isNotNull();
    }

    @Test
    void bigZAndDollarBeforeTheFinalNewline() {
        assertThat(PythonRegex.compile("end\\Z").search("the end")).isNotNull();
        assertThat(PythonRegex.compile("end\\Z").search("the end\n")).isNull();
        assertThat(PythonRegex.compile("end$").search("the end\n")).isNotNull();
    }

    @Test
    void characterClassesWithBracketsAndAmpersands() {
        assertThat(PythonRegex.compile("[]a]+").search("x]a]")).isNotNull();
        assertThat(PythonRegex.compile("^[&x]+$").search("&&x")).isNotNull();
        assertThat(PythonRegex.compile("[[]").search("a[b")).isNotNull();
    }

    @Test
    void multilineFlagIsSeenAtTheStart() {
        assertThat(PythonRegex.isMultiline("(?m)^a$")).isTrue();
        assertThat(PythonRegex.isMultiline("(?im)^a$")).isTrue();
        assertThat(PythonRegex.isMultiline("^a(?m)")).isFalse();
    }

    @Test
    void anInvalidExpressionNamesItself() {
        assertThatThrownBy(() -> PythonRegex.compile("a(b")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a(b'");
    }
}
