package dev.rigger.core.template;

import dev.rigger.core.secret.Secret;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TemplateRendererTest {

    private static final String HAPROXY = "roles/haproxy/templates/haproxy.cfg.mustache";

    private final TemplateRenderer renderer = new TemplateRenderer();

    /** Variables as the executor builds them for host web1 of a small cluster. */
    private static Map<String, Object> cluster() {
        Map<String, Object> pg1 = Map.of("ansible_host", "10.0.0.11", "pg_port", 5432, "pg_role", "primary",
                "replication_password", "");
        Map<String, Object> pg2 = Map.of("ansible_host", "10.0.0.12", "pg_port", 5433, "pg_role", "standby",
                "replication_password", Secret.of("repl-pw"));
        Map<String, Object> vars = new HashMap<>();
        vars.put("inventory_hostname", "web1");
        vars.put("backend_port", 8069);
        vars.put("ansible_default_ipv4", Map.of("address", "10.0.0.5", "interface", "eth0"));
        vars.put("hostvars", Map.of("pg1", pg1, "pg2", pg2, "db3.example.com", Map.of("ansible_host", "10.0.0.13")));
        vars.put("groups", Map.of("db", List.of("pg1", "pg2"), "web", List.of("web1")));
        vars.put("admin_password", Secret.of("hunter2"));
        vars.put("nothing", null);
        vars.put("off", false);
        vars.put("none_yet", List.of());
        vars.put("ratio", 0.5);
        return vars;
    }

    private String content(String text) {
        return renderer.render("t.mustache", text, cluster()).content();
    }

    private String error(String text) {
        return assertThatThrownBy(() -> renderer.render(HAPROXY, text, cluster()))
                .isInstanceOf(TemplateException.class)
                .actual().getMessage();
    }

    @Test
    void printsValuesWithoutHtmlEscaping() {
        Map<String, Object> vars = Map.of("acl", "path_beg /a && <b> \"c\" 'd'");
        String text = "{{acl}}|{{{acl}}}|{{&acl}}";
        String raw = "path_beg /a && <b> \"c\" 'd'";
        assertThat(renderer.render("t", text, vars).content()).isEqualTo(raw + "|" + raw + "|" + raw);
    }

    @Test
    void printsNumbersAndBooleans() {
        assertThat(content("{{backend_port}} {{ratio}} {{off}}")).isEqualTo("8069 0.5 false");
    }

    @Test
    void dottedNamesReachIntoMaps() {
        assertThat(content("bind {{ansible_default_ipv4.address}}:{{backend_port}}")).isEqualTo("bind 10.0.0.5:8069");
        assertThat(content("primary {{hostvars.pg1.ansible_host}}")).isEqualTo("primary 10.0.0.11");
        assertThat(content("{{ hostvars.pg1.ansible_host }}")).isEqualTo("10.0.0.11");
    }

    @Test
    void dottedNamesAcceptHostNamesWithDots() {
        assertThat(content("{{hostvars.db3.example.com.ansible_host}}")).isEqualTo("10.0.0.13");
    }

    @Test
    void dottedNumberIndexesAList() {
        assertThat(content("first db: {{groups.db.0}}")).isEqualTo("first db: pg1");
    }

    @Test
    void sectionOverAMapEntersIt() {
        assertThat(content("{{#ansible_default_ipv4}}{{interface}}={{address}}{{/ansible_default_ipv4}}"))
                .isEqualTo("eth0=10.0.0.5");
    }

    @Test
    void missingVariableNamesTemplateLineAndVariable() {
        String text = "global\n".repeat(13) + "    bind *:{{backend_port}}\n    server {{backend_porte}}\n";
        Map<String, Object> vars = Map.of("other", 1);
        assertThatThrownBy(() -> renderer.render(HAPROXY, text, vars))
                .isInstanceOf(TemplateException.class)
                .hasMessage("roles/haproxy/templates/haproxy.cfg.mustache:14: undefined variable 'backend_port'");
    }

    @Test
    void missingVariableSuggestsANearName() {
        assertThat(error("a\n{{backend_prot}}"))
                .isEqualTo(HAPROXY + ":2: undefined variable 'backend_prot' (did you mean 'backend_port'?)");
    }

    @Test
    void missingNestedKeySuggestsTheFixedPath() {
        assertThat(error("{{hostvars.pg9.ansible_host}}"))
                .isEqualTo(HAPROXY + ":1: undefined variable 'hostvars.pg9.ansible_host' (did you mean 'hostvars.pg1.ansible_host'?)");
        assertThat(error("{{nothing.address}}")).isEqualTo(HAPROXY + ":1: undefined variable 'nothing.address'");
    }

    @Test
    void missingVariableInsideALoopHasTheLoopLine() {
        String text = "backend\n{{#group_hosts.db}}\n  server {{name}}\n  port {{pg_prot}}\n{{/group_hosts.db}}\n";
        assertThat(error(text)).isEqualTo(HAPROXY + ":4: undefined variable 'pg_prot' (did you mean 'pg_port'?)");
    }

    @Test
    void sectionOverUndefinedNameIsAnError() {
        assertThat(error("x\n{{#servers}}s{{/servers}}")).isEqualTo(HAPROXY + ":2: undefined variable 'servers'");
    }

    @Test
    void invertedSectionOverUndefinedNameIsAnError() {
        assertThat(error("{{^tls_enabled}}no tls{{/tls_enabled}}")).isEqualTo(HAPROXY + ":1: undefined variable 'tls_enabled'");
    }

    @Test
    void falseNullAndEmptyAreDefinedAndSkipSections() {
        assertThat(content("[{{#off}}x{{/off}}{{#nothing}}y{{/nothing}}{{#none_yet}}z{{/none_yet}}]")).isEqualTo("[]");
        assertThat(content("[{{^off}}a{{/off}}{{^nothing}}b{{/nothing}}{{^none_yet}}c{{/none_yet}}]")).isEqualTo("[abc]");
    }

    @Test
    void zeroIsTrueInMustacheSections() {
        assertThat(renderer.render("t", "{{#n}}n={{.}}{{/n}}", Map.of("n", 0)).content()).isEqualTo("n=0");
    }

    @Test
    void printingNullIsAnError() {
        assertThat(error("{{nothing}}")).isEqualTo(HAPROXY + ":1: variable 'nothing' is null");
    }

    @Test
    void printingAListOrMapIsAnError() {
        assertThat(error("{{groups.db}}"))
                .isEqualTo(HAPROXY + ":1: variable 'groups.db' is a list; print its items with {{#groups.db}}…{{/groups.db}}");
        assertThat(error("{{ansible_default_ipv4}}")).startsWith(HAPROXY + ":1: variable 'ansible_default_ipv4' is a map;");
    }

    @Test
    void loopsOverGroupHostNames() {
        assertThat(content("{{#groups.db}}{{.}} {{/groups.db}}")).isEqualTo("pg1 pg2 ");
    }

    @Test
    void groupHostsGivesEachHostsVariablesInALoop() {
        String text = """
                backend odoo
                {{#group_hosts.db}}
                    server {{name}} {{ansible_host}}:{{pg_port}} check  # {{pg_role}} seen from {{inventory_hostname}}
                {{/group_hosts.db}}
                """;
        assertThat(content(text)).isEqualTo("""
                backend odoo
                    server pg1 10.0.0.11:5432 check  # primary seen from web1
                    server pg2 10.0.0.12:5433 check  # standby seen from web1
                """);
    }

    @Test
    void firstLastAndIndexHelpers() {
        assertThat(content("{{#groups.db}}{{^-first}},{{/-first}}{{.}}{{/groups.db}}")).isEqualTo("pg1,pg2");
        assertThat(content("{{#groups.db}}{{.}}{{^-last}} {{/-last}}{{/groups.db}};")).isEqualTo("pg1 pg2;");
        assertThat(content("{{#group_hosts.db}}{{-index}}={{name}}{{#-last}}.{{/-last}} {{/group_hosts.db}}"))
                .isEqualTo("1=pg1 2=pg2. ");
    }

    @Test
    void innerLoopHelpersShadowOuterOnes() {
        Map<String, Object> vars = Map.of("outer", List.of(Map.of("inner", List.of("a", "b")), Map.of("inner", List.of("c"))));
        String text = "{{#outer}}{{-index}}:{{#inner}}{{-index}}{{.}}{{/inner}} {{/outer}}";
        assertThat(renderer.render("t", text, vars).content()).isEqualTo("1:1a2b 2:1c ");
    }

    @Test
    void loopHelpersOutsideALoopAreUndefined() {
        assertThat(error("{{#-first}}x{{/-first}}")).isEqualTo(HAPROXY + ":1: undefined variable '-first'");
    }

    @Test
    void theHostsOwnVariablesWinOverHelpers() {
        Map<String, Object> vars = new HashMap<>(cluster());
        vars.put("group_hosts", Map.of("db", List.of(Map.of("name", "mine"))));
        assertThat(renderer.render("t", "{{#group_hosts.db}}{{name}}{{/group_hosts.db}}", vars).content()).isEqualTo("mine");
    }

    @Test
    void groupHostsNeedsGroups() {
        assertThatThrownBy(() -> renderer.render("t", "{{#group_hosts.db}}{{/group_hosts.db}}", Map.of("x", 1)))
                .hasMessage("t:1: undefined variable 'group_hosts.db'");
    }

    @Test
    void secretsAreRealInContentAndRedactedForDiffs() {
        Rendered r = renderer.render("pgpass.mustache", "admin:{{admin_password}}\n", cluster());
        assertThat(r.content()).isEqualTo("admin:hunter2\n");
        assertThat(r.redacted()).isEqualTo("admin:********\n");
    }

    @Test
    void secretsInLoopsAndListsAreRedactedToo() {
        String text = "{{#group_hosts.db}}{{name}}:{{#replication_password}}{{.}}{{/replication_password}};{{/group_hosts.db}}"
                + "{{#tokens}}[{{.}}]{{/tokens}}";
        Map<String, Object> vars = new HashMap<>(cluster());
        vars.put("tokens", List.of(Secret.of("t1"), "plain"));
        Rendered r = renderer.render("t", text, vars);
        assertThat(r.content()).isEqualTo("pg1:;pg2:repl-pw;[t1][plain]");
        assertThat(r.redacted()).isEqualTo("pg1:;pg2:********;[********][plain]");
    }

    @Test
    void withoutSecretsRedactedIsTheContent() {
        Rendered r = renderer.render("t", "port {{backend_port}}", cluster());
        assertThat(r.redacted()).isEqualTo(r.content()).isEqualTo("port 8069");
    }

    @Test
    void errorsNeverShowSecretValues() {
        assertThat(error("{{admin_password}} {{admin_pasword.x}}")).doesNotContain("hunter2");
    }

    @Test
    void compilesOncePerRendererAndText() {
        Template first = renderer.compile("a.mustache", "{{x}}");
        assertThat(renderer.compile("a.mustache", "{{x}}")).isSameAs(first);
        assertThat(renderer.compile("a.mustache", "{{y}}")).isNotSameAs(first);
        assertThat(new TemplateRenderer().compile("a.mustache", "{{x}}")).isNotSameAs(first);
        assertThat(first.name()).isEqualTo("a.mustache");
        assertThat(first.render(Map.of("x", "1")).content()).isEqualTo("1");
        assertThat(first.render(Map.of("x", "2")).content()).isEqualTo("2");
    }

    @Test
    void rendersConcurrentlyFromOneCompiledTemplate() throws Exception {
        Template template = renderer.compile("t", "{{#group_hosts.db}}{{name}}={{id}}/{{secret}} {{/group_hosts.db}}");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Rendered>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                Map<String, Object> vars = Map.of("groups", Map.of("db", List.of("a", "b")),
                        "hostvars", Map.of("a", Map.of("id", i), "b", Map.of("id", -i)), "secret", Secret.of("s" + i));
                results.add(pool.submit(() -> template.render(vars)));
            }
            for (int i = 0; i < results.size(); i++) {
                Rendered r = results.get(i).get();
                assertThat(r.content()).isEqualTo("a=" + i + "/s" + i + " b=" + -i + "/s" + i + " ");
                assertThat(r.redacted()).isEqualTo("a=" + i + "/******** b=" + -i + "/******** ");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void syntaxErrorsAreLocated() {
        assertThatThrownBy(() -> renderer.compile(HAPROXY, "a\n{{#servers}}\nb\n"))
                .isInstanceOf(TemplateException.class)
                .hasMessage(HAPROXY + ":2: bad template: Failed to close 'servers' tag");
    }

    @Test
    void partialsAreRejected() {
        assertThatThrownBy(() -> renderer.compile(HAPROXY, "a\n{{> common}}\n"))
                .isInstanceOf(TemplateException.class)
                .hasMessage(HAPROXY + ":2: partials ({{> common}}) are not supported");
    }

    @Test
    void lineNumbersSurviveCommentsAndStandaloneTags() {
        String text = "{{! a comment\n   over two lines }}\n{{#groups.db}}\n{{.}}\n{{/groups.db}}\n{{missing}}\n";
        assertThat(error(text)).isEqualTo(HAPROXY + ":6: undefined variable 'missing'");
    }
}
