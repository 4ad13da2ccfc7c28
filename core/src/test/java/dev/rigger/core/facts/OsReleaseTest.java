package dev.rigger.core.facts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rigger.core.facts.Facts.Os;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OsReleaseTest {

    @Test
    void unquotesLikeTheShellAndSkipsCommentsAndJunk() {
        Map<String, String> values = OsRelease.parse(List.of(
                "# comment", "", "NAME=\"Some \\\"Quoted\\\" Linux\"", "ID='single'", "VERSION_ID=1.2", "no equals sign"));

        assertThat(values).containsExactly(
                Map.entry("NAME", "Some \"Quoted\" Linux"), Map.entry("ID", "single"), Map.entry("VERSION_ID", "1.2"));
    }

    @Test
    void unknownDistributionTakesItsFamilyFromIdLike() {
        Os os = OsRelease.toOs(Map.of("ID", "pop", "NAME", "Pop!_OS", "ID_LIKE", "ubuntu debian",
                "VERSION_ID", "22.04", "UBUNTU_CODENAME", "jammy"), Optional.empty());

        assertThat(os).isEqualTo(new Os("Debian", "pop", "Pop!_OS", Optional.of("22.04"), Optional.of("jammy")));
    }

    @Test
    void unknownDistributionWithoutKnownLikeIsItsOwnFamily() {
        Os os = OsRelease.toOs(Map.of("ID", "nixos", "NAME", "NixOS", "VERSION_ID", "24.05"), Optional.empty());

        assertThat(os.family()).isEqualTo("NixOS");
        assertThat(os.majorVersion()).contains("24");
    }

    @Test
    void debianPointReleaseOnlyWhenItIsANumber() {
        Map<String, String> debian = Map.of("ID", "debian", "VERSION_ID", "12", "VERSION_CODENAME", "bookworm");

        assertThat(OsRelease.toOs(debian, Optional.of("12.11")).version()).contains("12.11");
        assertThat(OsRelease.toOs(debian, Optional.of("trixie/sid")).version()).contains("12");
        assertThat(OsRelease.toOs(Map.of("ID", "debian"), Optional.of("trixie/sid")).version()).isEmpty();
    }
}
