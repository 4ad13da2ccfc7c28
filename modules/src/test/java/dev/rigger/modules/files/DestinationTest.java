package dev.rigger.modules.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Where copy and template write. */
class DestinationTest {

    @Test
    void aFilePathIsUsedAsItIsAndMayTurnOutToBeADirectoryOnTheHost() {
        Destination d = Destination.of("/etc/app.conf", "app.conf");
        assertThat(d).isEqualTo(new Destination("/etc/app.conf", "app.conf", false));
        assertThat(d.probe().script()).contains("if [ -d \"$p\" ]; then p=\"$p\"/'app.conf'");
    }

    @Test
    void aTrailingSlashMeansADirectoryToCreateWithTheSourceNameInside() {
        assertThat(Destination.of("/etc/app/", "app.conf")).isEqualTo(new Destination("/etc/app/app.conf", null, true));
        assertThat(Destination.of("/", "x")).isEqualTo(new Destination("/x", null, true));
    }

    @Test
    void contentHasNoNameForADirectory() {
        assertThatThrownBy(() -> Destination.of("/etc/app/", null)).hasMessageContaining("needs a src file");
        assertThat(Destination.of("/etc/app.conf", null).probe().script()).doesNotContain("p=\"$p\"/");
    }

    @Test
    void templatesLoseTheirMustacheSuffixInsideADirectory() {
        assertThat(TemplateFile.fileName("roles/haproxy/templates/haproxy.cfg.mustache")).isEqualTo("haproxy.cfg");
        assertThat(TemplateFile.fileName("motd")).isEqualTo("motd");
        assertThat(TemplateFile.fileName(".mustache")).isEqualTo(".mustache");
    }

    @Test
    void copyIntoADirectoryUsesTheBaseNameOfSrc() {
        CopyFile c = CopyFile.src("/etc/sudoers.d/", "files/deploy.sudoers").build();
        assertThat(c.probe(new TestContext()).script()).contains("p='/etc/sudoers.d/deploy.sudoers'");
    }
}
