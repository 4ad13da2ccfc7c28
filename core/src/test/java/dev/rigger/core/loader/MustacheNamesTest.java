package dev.rigger.core.loader;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MustacheNamesTest {
    @Test
    void reportsRootNamesOutsideSectionsWithTheirPlace() {
        String text = """
                listen {{ port }} {{{raw}}} {{&amp}}
                {{! a comment {{ignored}} }}
                {{#servers}}{{name}} {{.}}{{/servers}}
                {{^tls}}plain{{/tls}} {{hostvars.db1.port}}
                {{=<% %>=}} <% after %> {{after_delimiter_change}}
                """;
        assertThat(MustacheNames.topLevel(text, "t.mustache")).extracting(u -> u.name() + "@" + u.location())
                .containsExactly("port@t.mustache:1:11", "raw@t.mustache:1:22", "amp@t.mustache:1:32",
                        "servers@t.mustache:3:4", "tls@t.mustache:4:4", "hostvars@t.mustache:4:25");
    }
}
