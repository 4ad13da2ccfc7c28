package dev.rigger.core.module;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ShellWordsTest {
    @Test
    void splitsLikeAShell() {
        assertThat(ShellWords.split("echo  'a b' \"c \\\"d\\\"\" e\\ f $HOME")).containsExactly("echo", "a b", "c \"d\"", "e f", "$HOME");
        assertThat(ShellWords.split("")).isEmpty();
        assertThat(ShellWords.split("x''")).containsExactly("x");
        assertThat(ShellWords.split("''")).containsExactly("");
    }

    @Test
    void rejectsUnterminatedQuotes() {
        assertThatThrownBy(() -> ShellWords.split("echo 'x")).hasMessageContaining("unterminated single quote");
    }
}
