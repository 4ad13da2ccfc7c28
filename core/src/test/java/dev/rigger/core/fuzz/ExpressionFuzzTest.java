package dev.rigger.core.fuzz;

import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.expr.Expression;
import dev.rigger.core.expr.JinjaTemplate;
import dev.rigger.core.expr.VariableScope;
import dev.rigger.core.secret.Secret;
import dev.rigger.core.template.TemplateRenderer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Hostile expressions ({@code {{ }}} and {@code when:} text), Jinja2 templates (statements, filters)
 * and Mustache templates, made by editing valid ones: parsing, compiling and rendering each either
 * works or throws an InputException with a location, within a time limit.
 */
class ExpressionFuzzTest {
    private static final SourceLocation AT = new SourceLocation("p.yml", 3, 7);
    private static final TemplateRenderer MUSTACHE = new TemplateRenderer();

    private static final List<String> EXPRESSIONS = List.of(
            "'/srv' ~ '/' ~ n", "ports + [8080]", "n * 2 + 1", "n // 2 + n % 3 + 2 ** 10", "-n + 1",
            "(ports | length) * 2 > 3", "'yes' if n > 5 else 'no'", "'%s:%d' % (name, 80)", "ports[1:]", "name[:6]",
            "ports.0", "pw | upper", "{'p': pw} | to_json", "name.split('.')[0]", "name.upper().startswith('WEB')",
            "'{}:{}'.format(name, 80)", "', '.join(['a', 'b'])", "conf.get('b', 2)", "conf | combine({'b': 2})",
            "conf | dict2items | map(attribute='key') | list", "users | selectattr('admin') | map(attribute='name') | join(',')",
            "[3, 1, 2, 1] | unique | sort", "[[1, [2]], 3] | flatten", "ports | max + ports | min + ports | sum",
            "ports | map('string') | join(':')", "n is defined and name is match('web.*') and ports is not none",
            "undefined_var | default('x') | lower", "name in ['a', 'b'] or not n >= 3", "lookup('env', 'HOME')",
            "query('inventory_hostnames', 'all')", "item.key ~ '=' ~ item.value", "range(3) | list",
            "'a' * 3", "ports | to_json | from_json", "name | regex_replace('w(e)b', '\\\\1')", "'x' | b64encode | b64decode");

    private static final List<String> JINJA = List.of(
            "listen {{ web_port }};\n{% for p in ports %}port {{ p }}\n{% endfor %}\n",
            "{% if n > 2 %}big{% elif n == 2 %}two{% else %}small{% endif %}\n",
            "{% set total = ports | sum %}total={{ total }}\n{# a comment #}\n",
            "{% for k, v in conf.items() %}{{ k }}={{ v | string }}{% if not loop.last %},{% endif %}{% endfor %}\n",
            "{% raw %}{{ not an expression }}{% endraw %}\n{{ name | upper }}\n",
            "{%- for u in users -%}\n  {{ u.name }}{{ ' (admin)' if u.admin else '' }}\n{%- endfor %}\n",
            "password={{ pw }}\nurl={{ 'x://u:' ~ pw ~ '@h' }}\n");

    private static final List<String> MUSTACHE_SEEDS = List.of(
            "listen {{web_port}};\nroot {{web_root}};\n{{#packages}}\n# {{.}}\n{{/packages}}\n",
            "{{^empty}}none{{/empty}}{{! comment }}{{&raw}}{{{triple}}}\n",
            "{{#servers}}server {{name}} {{address}}:{{port}} check\n{{/servers}}\n");

    @Property(tries = 10_000, seed = FuzzSeed.SEED)
    void expressionsParseAndEvaluateOrFailLocated(@ForAll("expressions") String text) {
        Bounded.check(text, () -> Expression.parse(text, AT).evaluate(variables()));
    }

    @Property(tries = 10_000, seed = FuzzSeed.SEED)
    void jinjaTemplatesRenderOrFailLocated(@ForAll("jinja") String text) {
        Bounded.check(text, () -> JinjaTemplate.compile("t.j2", text).render(VariableScope.of(variables())));
    }

    @Property(tries = 10_000, seed = FuzzSeed.SEED)
    void mustacheTemplatesRenderOrFailLocated(@ForAll("mustache") String text) {
        Bounded.check(text, () -> MUSTACHE.render("t.mustache", text, variables()));
    }

    @Provide
    Arbitrary<String> expressions() {
        return Mutations.of(EXPRESSIONS);
    }

    @Provide
    Arbitrary<String> jinja() {
        return Mutations.of(JINJA);
    }

    @Provide
    Arbitrary<String> mustache() {
        return Mutations.of(MUSTACHE_SEEDS);
    }

    private static Map<String, Object> variables() {
        Map<String, Object> vars = new HashMap<>();
        vars.put("n", 3);
        vars.put("name", "web1.example.com");
        vars.put("ports", List.of(80, 443));
        vars.put("web_port", 8080);
        vars.put("web_root", "/srv");
        vars.put("packages", List.of("nginx", "curl"));
        vars.put("conf", Map.of("a", 1));
        vars.put("users", List.of(Map.of("name", "alice", "admin", true), Map.of("name", "bob", "admin", false)));
        vars.put("servers", List.of(Map.of("name", "s1", "address", "10.0.0.1", "port", 5432)));
        vars.put("item", Map.of("key", "k", "value", "v"));
        vars.put("pw", Secret.of("hidden-value"));
        vars.put("nothing", null);
        return vars;
    }
}
