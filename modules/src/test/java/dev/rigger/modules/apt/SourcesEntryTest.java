package dev.rigger.modules.apt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SourcesEntryTest {

    @Test
    void parsesTypeOptionsUriSuiteAndComponents() {
        SourcesEntry e = SourcesEntry.parse("deb [arch=amd64 signed-by=/etc/apt/keyrings/pgdg.asc] http://apt.postgresql.org/pub/repos/apt bookworm-pgdg main 15");
        assertThat(e.type()).isEqualTo("deb");
        assertThat(e.options()).containsExactly(Map.entry("arch", "amd64"), Map.entry("signed-by", "/etc/apt/keyrings/pgdg.asc"));
        assertThat(e.uri()).isEqualTo("http://apt.postgresql.org/pub/repos/apt");
        assertThat(e.suite()).isEqualTo("bookworm-pgdg");
        assertThat(e.components()).containsExactly("main", "15");
        assertThat(e.signedBy()).contains("/etc/apt/keyrings/pgdg.asc");
        assertThat(e.line()).isEqualTo("deb [arch=amd64 signed-by=/etc/apt/keyrings/pgdg.asc] http://apt.postgresql.org/pub/repos/apt bookworm-pgdg main 15");
    }

    @Test
    void sameRepositoryDespiteSpacingOptionOrderTrailingSlashAndComment() {
        SourcesEntry a = SourcesEntry.parse("deb [arch=amd64 signed-by=/k.asc] http://x.org/debian/ bookworm main");
        SourcesEntry b = SourcesEntry.parse("  deb   [ signed-by=/k.asc  arch=amd64 ]  http://x.org/debian   bookworm main  # added by hand");
        assertThat(a.identity()).isEqualTo(b.identity());
        assertThat(SourcesEntry.parse("deb-src http://x.org/debian bookworm main").identity())
                .isNotEqualTo(SourcesEntry.parse("deb http://x.org/debian bookworm main").identity());
        assertThat(SourcesEntry.parse("deb http://x.org/debian bookworm main contrib").identity())
                .isNotEqualTo(SourcesEntry.parse("deb http://x.org/debian bookworm main").identity());
    }

    @Test
    void flatRepositoriesHaveNoComponents() {
        SourcesEntry flat = SourcesEntry.parse("deb [signed-by=/etc/apt/keyrings/odoo.asc] https://nightly.odoo.com/17.0/nightly/deb/ ./");
        assertThat(flat.suite()).isEqualTo("./");
        assertThat(flat.components()).isEmpty();
        assertThatThrownBy(() -> new SourcesEntry("deb", Map.of(), "file:/srv/repo", "./", List.of("main")))
                .hasMessageContaining("takes no components");
        assertThatThrownBy(() -> new SourcesEntry("deb", Map.of(), "file:/srv/repo", "bookworm", List.of()))
                .hasMessageContaining("needs at least one component");
    }

    @Test
    void commentsAndGarbageAreNotEntries() {
        assertThat(SourcesEntry.tryParse("# deb http://x.org/debian bookworm main")).isEmpty();
        assertThat(SourcesEntry.tryParse("")).isEmpty();
        assertThat(SourcesEntry.tryParse("deb http://x.org")).isEmpty();
        assertThat(SourcesEntry.tryParse("rpm http://x.org/ a b")).isEmpty();
    }

    @Test
    void refusesWhatWouldBreakTheLine() {
        assertThatThrownBy(() -> SourcesEntry.parse("deb [signed-by=/k.asc http://x.org bookworm main")).hasMessageContaining("not closed");
        assertThatThrownBy(() -> new SourcesEntry("deb", Map.of("signed-by", "/a b"), "http://x.org", "bookworm", List.of("main")))
                .hasMessageContaining("space");
        assertThatThrownBy(() -> new SourcesEntry("deb", Map.of(), "not a url", "bookworm", List.of("main")))
                .hasMessageContaining("not a repository URL");
    }

    @Test
    void derivesAnsiblesFileName() {
        assertThat(SourcesEntry.filenameFor("http://apt.postgresql.org/pub/repos/apt")).isEqualTo("apt_postgresql_org_pub_repos_apt");
        assertThat(SourcesEntry.filenameFor("https://user:secret@nightly.odoo.com/17.0/nightly/deb/")).isEqualTo("nightly_odoo_com_17_0_nightly_deb");
        assertThat(SourcesEntry.filenameFor("file:/srv/repo")).isEqualTo("file_srv_repo");
    }
}
