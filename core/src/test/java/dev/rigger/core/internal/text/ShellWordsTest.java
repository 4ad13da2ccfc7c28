package dev.rigger.core.internal.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Expected words are what Python's shlex.split(line, comments=True) returns. */
class ShellWordsTest {

    private static List<String> words(String line) {
        return ShellWords.splitWithComments(line).stream().map(ShellWords.Word::text).toList();
    }

    @Test
    void splitsOnWhitespaceAndRemovesQuotes() {
        assertThat(words("web1  a=1\tb='x y' c=\"p q\"")).containsExactly("web1", "a=1", "b=x y", "c=p q");
        assertThat(words("a=\"it's\" b='say \"hi\"'")).containsExactly("a=it's", "b=say \"hi\"");
        assertThat(words("e=''")).containsExactly("e=");
        assertThat(words("x=a'b c'd")).containsExactly("x=ab cd");
    }

    @Test
    void backslashesEscapeOutsideSingleQuotes() {
        assertThat(words("a=b\\ c")).containsExactly("a=b c");
        assertThat(words("a='\\n'")).containsExactly("a=\\n");
        assertThat(words("a=\"\\\"q\\\" \\n\"")).containsExactly("a=\"q\" \\n");
    }

    @Test
    void hashStartsACommentEvenInsideAWord() {
        assertThat(words("web1 pass=abc#123 more")).containsExactly("web1", "pass=abc");
        assertThat(words("web1 pass='abc#123'")).containsExactly("web1", "pass=abc#123");
        assertThat(words("   # only a comment")).isEmpty();
    }

    @Test
    void rememberTheColumnWhereEachWordStarts() {
        assertThat(ShellWords.splitWithComments("  web1   a='x y'")).extracting(ShellWords.Word::column).containsExactly(3, 10);
    }

    @Test
    void unclosedQuotesAndTrailingBackslashAreErrors() {
        assertThatThrownBy(() -> ShellWords.splitWithComments("a='x")).hasMessage("No closing quotation");
        assertThatThrownBy(() -> ShellWords.splitWithComments("a=\"x\\\"")).hasMessage("No closing quotation");
        assertThatThrownBy(() -> ShellWords.splitWithComments("a=x\\")).hasMessage("No escaped character");
    }
}
