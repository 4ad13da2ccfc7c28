package dev.rigger.core.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rigger.core.error.InputException;
import dev.rigger.core.error.SourceLocation;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Patterns from Ansible's "Patterns: targeting hosts and groups" guide, on its parent/child example inventory. */
class HostPatternTest {
    private static final Inventory INV = InventoryLoader.load(Path.of("src/test/resources/inventories/ansible-docs/parent-child.yml"));

    private static List<String> select(String pattern) {
        return HostPattern.parse(pattern).select(INV).hosts();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            all                          | mail foo bar one two three
            *                            | mail foo bar one two three
            foo.example.com              | foo
            foo.example.com:bar.example.com | foo bar
            foo.example.com,bar.example.com | foo bar
            webservers                   | foo bar
            webservers:dbservers         | foo bar one two three
            webservers:!east             | bar
            !east:webservers             | bar
            webservers:&east             | foo
            webservers:dbservers:&east:!two.example.com | foo one
            &east                        | foo one two
            !prod                        | mail bar three
            prod                         | foo one two
            *.example.com                | mail foo bar one two three
            t*.example.com               | two three
            one*.com:dbservers           | one two three
            w*                           | foo bar three
            ~[ot][nw][eo]\\.example      | one two
            ~t                           | bar three two
            dbservers[0]                 | one
            dbservers[-1]                | three
            dbservers[0:1]               | one two
            dbservers[1:]                | two three
            dbservers[1:9]               | two three
            """)
    void selectsAsAnsibleDoes(String pattern, String expected) {
        // ~t matches group 'test' (bar, three) and then hosts two, three: groups' hosts come first.
        List<String> wanted = List.of(expected.split(" ")).stream()
                .map(h -> h + ".example.com").toList();
        assertThat(select(pattern)).isEqualTo(wanted);
    }

    @Test
    void termsThatMatchNothingAreReportedWithASuggestion() {
        HostPattern.Selection s = HostPattern.parse("webserver:dbservers", new SourceLocation("site.yml", 2, 10)).select(INV);
        assertThat(s.hosts()).hasSize(3);
        assertThat(s.allMatched()).isFalse();
        assertThat(s.unmatched()).extracting(HostPattern.Unmatched::term).containsExactly("webserver");
        assertThat(s.unmatched().get(0).suggestion()).contains("webservers");
        assertThatThrownBy(s::requireAllMatched).isInstanceOf(InputException.class)
                .hasMessage("site.yml:2:10: no host or group matches 'webserver' in host pattern 'webserver:dbservers'"
                        + " (did you mean 'webservers'?)");
    }

    @Test
    void exclusionsAndGlobsAreCheckedToo() {
        HostPattern.Selection s = HostPattern.parse("all:!tesst:zz*").select(INV);
        assertThat(s.unmatched()).extracting(HostPattern.Unmatched::term).containsExactly("zz*", "!tesst");
        assertThat(s.unmatched()).extracting(HostPattern.Unmatched::suggestion)
                .containsExactly(Optional.empty(), Optional.of("test"));
        assertThat(HostPattern.parse("nothere").select(INV).unmatched().get(0).toException().oneLine())
                .isEqualTo("host pattern 'nothere': no host or group matches 'nothere'");
    }

    @Test
    void anEmptyGroupMatchesWithoutHosts() {
        Inventory inv = Inventory.builder().host("web1", java.util.Map.of()).group("empty", java.util.Map.of()).build();
        HostPattern.Selection s = HostPattern.parse("empty").select(inv);
        assertThat(s.hosts()).isEmpty();
        assertThat(s.allMatched()).isTrue();
    }

    @Test
    void localhostIsImplicitButNotPartOfAll() {
        assertThat(select("localhost")).containsExactly("localhost");
        assertThat(select("webservers:localhost")).containsExactly("foo.example.com", "bar.example.com", "localhost");
        assertThat(select("all")).doesNotContain("localhost");
        assertThat(HostPattern.parse("localhost").select(INV).allMatched()).isTrue();
    }

    @Test
    void theYamlListFormIsAUnion() {
        HostPattern p = HostPattern.parse(List.of("webservers", "dbservers:!three.example.com"), SourceLocation.unknown("play"));
        assertThat(p.select(INV).hosts()).containsExactly("foo.example.com", "bar.example.com", "one.example.com", "two.example.com");
    }

    @Test
    void ipv6AddressesAreOneTerm() {
        Inventory inv = Inventory.builder().host("fe80::1", java.util.Map.of()).host("db", java.util.Map.of()).build();
        assertThat(HostPattern.parse("fe80::1").select(inv).hosts()).containsExactly("fe80::1");
    }

    @Test
    void invalidInputIsAnError() {
        SourceLocation at = new SourceLocation("site.yml", 3, 10);
        assertThatThrownBy(() -> HostPattern.parse("~web(", at).select(INV))
                .hasMessage("site.yml:3:10: invalid regular expression 'web(' in host pattern: Unclosed group");
        assertThatThrownBy(() -> HostPattern.parse("dbservers[5]", at).select(INV))
                .hasMessage("site.yml:3:10: no host at index 5 of 'dbservers' (it has 3)");
        assertThatThrownBy(() -> HostPattern.parse(" , ", at)).hasMessage("site.yml:3:10: empty host pattern");
    }
}
