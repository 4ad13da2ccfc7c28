package dev.rigger.core.module;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FootprintTest {

    @Test
    void equalPathsAndPathsAboveOrBelowOverlap() {
        assertThat(Footprint.of("/etc/ssh/sshd_config").overlaps(Footprint.of("/etc/ssh/sshd_config"))).isTrue();
        assertThat(Footprint.of("/etc").overlaps(Footprint.of("/etc/ssh/sshd_config"))).isTrue();
        assertThat(Footprint.of("/etc/ssh/sshd_config").overlaps(Footprint.of("/etc/ssh"))).isTrue();
        assertThat(Footprint.of("/").overlaps(Footprint.of("/tmp/x"))).isTrue();
    }

    @Test
    void siblingsAndNamesThatOnlyShareCharactersDoNotOverlap() {
        assertThat(Footprint.of("/tmp/x-touched").overlaps(Footprint.of("/tmp/x-copied"))).isFalse();
        assertThat(Footprint.of("/etc").overlaps(Footprint.of("/etcetera/a"))).isFalse();
        assertThat(Footprint.of("/etc/motd").overlaps(Footprint.of("/etc/motd~"))).isFalse();
        assertThat(Footprint.of("/srv/a/b", "/srv/c").overlaps(Footprint.of("/srv/a/c", "/var"))).isFalse();
    }

    @Test
    void anyOverlappingPairIsEnough() {
        assertThat(Footprint.of("/a", "/b/c").overlaps(Footprint.of("/x", "/b"))).isTrue();
    }

    @Test
    void pathsAreComparedAfterNormalisingSlashesAndDots() {
        assertThat(Footprint.of("//etc/./ssh//").overlaps(Footprint.of("/etc/ssh"))).isTrue();
        assertThat(Footprint.of("/etc/ssh/").paths()).containsExactly("/etc/ssh");
        assertThat(Footprint.of("/./").paths()).containsExactly("/");
        assertThat(Footprint.of("/tmp/./a//b/").overlaps(Footprint.of("/tmp/a/b/c"))).isTrue();
        assertThat(Footprint.of("/tmp/a//b").overlaps(Footprint.of("/tmp/a/c"))).isFalse();
    }

    @Test
    void relativeUnknownOrDotDotPathsOverlapEverything() {
        for (String unknown : new String[] {"tmp/x", "~/x", "", "/tmp/../etc/x", "/srv/a/.."}) {
            Footprint f = Footprint.of("/var/x", unknown);
            assertThat(f.isAnything()).as(unknown).isTrue();
            assertThat(f.overlaps(Footprint.of("/nowhere/else"))).as(unknown).isTrue();
        }
        assertThat(Footprint.of("/a", null).isAnything()).isTrue();
        assertThat(Footprint.anything().overlaps(Footprint.of("/x"))).isTrue();
        assertThat(Footprint.of("/x").overlaps(Footprint.anything())).isTrue();
    }

    @Test
    void plusIsTheUnionAndAnythingAbsorbs() {
        Footprint both = Footprint.of("/a").plus(Footprint.of("/b"));
        assertThat(both.paths()).containsExactly("/a", "/b");
        assertThat(both.overlaps(Footprint.of("/b/c"))).isTrue();
        assertThat(Footprint.of("/a").plus(Footprint.anything()).isAnything()).isTrue();
        assertThat(Footprint.of().overlaps(Footprint.of("/"))).isFalse();
    }

    @Test
    void theNameDatabasesOverlapWhatAccountToolsWriteNotOrdinaryFiles() {
        assertThat(Footprint.NAME_DATABASES.overlaps(Footprint.of("/etc"))).isTrue();
        assertThat(Footprint.NAME_DATABASES.overlaps(Footprint.of("/etc/passwd"))).isTrue();
        assertThat(Footprint.NAME_DATABASES.overlaps(Footprint.of("/etc/group"))).isTrue();
        assertThat(Footprint.NAME_DATABASES.overlaps(Footprint.of("/etc/motd", "/tmp/x"))).isFalse();
    }
}
