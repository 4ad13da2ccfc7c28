package dev.rigger.modules.files;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Secrets stay out of diffs: the new ones, and old values still in the host's file. */
class RedactionTest {

    @Test
    void withoutSecretsTextIsShownAsItIs() {
        Redaction r = Redaction.ofRendering("a\nb\n", "a\nb\n");
        assertThat(r.mask("password x\n")).isEqualTo("password x\n");
    }

    @Test
    void theNewSecretValueIsMaskedWhereverItAppears() {
        Redaction r = Redaction.ofRendering("user admin\npass s3cr3t!\n", "user admin\npass ********\n");
        assertThat(r.mask("# old comment mentioning s3cr3t!\n")).isEqualTo("# old comment mentioning ********\n");
        assertThat(r.shown("ignored")).isEqualTo("user admin\npass ********\n");
    }

    @Test
    void anOlderSecretInALineOfTheSameShapeIsMaskedToo() {
        Redaction r = Redaction.ofRendering("stats auth admin:n3w-pass\n", "stats auth admin:********\n");
        assertThat(r.mask("global\nstats auth admin:0ld-pass\n")).isEqualTo("global\nstats auth admin:********\n");
    }

    @Test
    void severalSecretsOnOneLine() {
        Redaction r = Redaction.ofRendering("url=postgres://app:pw1@db:5432/x?k=key2\n", "url=postgres://app:********@db:5432/x?k=********\n");
        assertThat(r.mask("url=postgres://app:old1@db:5432/x?k=old2")).isEqualTo("url=postgres://app:********@db:5432/x?k=********");
    }

    @Test
    void aLineThatIsOnlyASecretMasksEveryOldLineTheNewRenderingLacks() {
        Redaction r = Redaction.ofRendering("key:\nAAAA-new\nend\n", "key:\n********\nend\n");
        assertThat(r.mask("key:\nBBBB-old\nend\n")).isEqualTo("key:\n********\nend\n");
    }

    @Test
    void aSecretSpanningLinesHidesTheDiffAltogether() {
        Redaction r = Redaction.ofRendering("a\nline1\nline2\nb\n", "a\n********\nb\n");
        assertThat(r.hidesEverything()).isTrue();
    }

    @Test
    void hiddenContentShowsNothing() {
        assertThat(Redaction.hidden().mask("anything")).isEqualTo("********");
    }
}
