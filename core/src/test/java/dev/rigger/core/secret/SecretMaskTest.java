package dev.rigger.core.secret;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretMaskTest {

    @Test
    void aShortSecretIsMaskedWhereItStandsAloneNeverInsideAWord() {
        SecretMask mask = new SecretMask();
        mask.add(Secret.of("r"));
        assertThat(mask.mask("users")).isEqualTo("users");
        assertThat(mask.mask("password=r; r")).isEqualTo("password=********; ********");
    }

    @Test
    void textComposedAroundASecretShowsOnlyTheSecretMasked() {
        Secret pw = Secret.of("hunter2");
        Secret url = Secret.composed("postgres://app:hunter2@db1/app", List.of(pw));
        assertThat(url.reveal()).isEqualTo("postgres://app:hunter2@db1/app");
        assertThat(url).hasToString("postgres://app:********@db1/app");
        assertThat(url.texts()).containsExactly("hunter2");
        assertThat(pw).hasToString("********");
    }

    @Test
    void aPartThatDoesNotShowInTheTextMasksTheWholeText() {
        Secret pw = Secret.of("hunter2");
        Secret mangled = Secret.composed("x=HUNTER2", List.of(pw));
        assertThat(mangled).hasToString("********");
        assertThat(mangled.texts()).containsExactly("x=HUNTER2");
    }

    @Test
    void masksEverySecretSeenInTextListsAndMapsLongestFirst() {
        SecretMask mask = new SecretMask();
        assertThat(mask.isEmpty()).isTrue();
        mask.addAll(Map.of("a", List.of(Secret.of("abc")), "b", "not secret", "c", Map.of("d", Secret.of("abcdef"))));
        assertThat(mask.mask("abcdef and abc and ab")).isEqualTo("******** and ******** and ab");
        assertThat(mask.mask((Object) Map.of("stdout", "abc", "lines", List.of("x abcdef"), "rc", 0)))
                .isEqualTo(Map.of("stdout", "********", "lines", List.of("x ********"), "rc", 0));
    }
}
