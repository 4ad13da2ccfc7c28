package dev.rigger.core.internal.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Command lines as Ansible's command module splits them: Python's shlex.split(line). */
class ShellWordsCommandTest {
    @Test
    void splitsLikeShlexWithoutExpansion() {
        assertThat(ShellWords.split("echo  'a b' \"c \\\"d\\\"\" e\\ f $HOME `id`"))
                .containsExactly("echo", "a b", "c \"d\"", "e f", "$HOME", "`id`");
        assertThat(ShellWords.split("")).isEmpty();
        assertThat(ShellWords.split("x''")).containsExactly("x");
        assertThat(ShellWords.split("''")).containsExactly("");
    }

    @Test
    void hashIsAnOrdinaryCharacterInCommands() {
        assertThat(ShellWords.split("grep -c '#' file # not a comment"))
                .containsExactly("grep", "-c", "#", "file", "#", "not", "a", "comment");
    }

    @Test
    void insideDoubleQuotesOnlyQuoteAndBackslashAreEscaped() {
        // shlex keeps the backslash before '$' inside double quotes (a POSIX shell would drop it).
        assertThat(ShellWords.split("\"\\$x\"")).containsExactly("\\$x");
    }

    @Test
    void rejectsUnterminatedQuotes() {
        assertThatThrownBy(() -> ShellWords.split("echo 'x")).hasMessage("No closing quotation");
    }
}
