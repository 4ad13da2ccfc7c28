package dev.rigger.core.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rigger.core.error.InputException;
import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.expr.UndefinedVariableException;
import dev.rigger.core.secret.Secret;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplatedStringTest {
    private static final SourceLocation AT = new SourceLocation("t.yml", 3, 10);

    private static Object render(String text, Map<String, ?> vars) {
        return TemplatedString.parse(text, i -> new SourceLocation("t.yml", 3, 10 + i)).render(TemplatedVariables.of(vars, AT));
    }

    @Test
    void aLoneExpressionKeepsItsType() {
        Map<String, Object> vars = Map.of("ports", List.of(80, 443), "port", 8080, "on", true, "conf", Map.of("a", 1));
        assertThat(render("{{ ports }}", vars)).isEqualTo(List.of(80, 443));
        assertThat(render("{{ port }}", vars)).isEqualTo(8080);
        assertThat(render("{{ on }}", vars)).isEqualTo(true);
        assertThat(render("{{ conf }}", vars)).isEqualTo(Map.of("a", 1));
        assertThat(render("{{ {'a': {'b': port}} }}", vars)).isEqualTo(Map.of("a", Map.of("b", 8080)));
    }

    @Test
    void anythingElseIsTextAsAnsiblePrintsIt() {
        Map<String, Object> vars = new HashMap<>(Map.of("port", 8080, "on", true, "names", List.of("a", "b")));
        vars.put("nothing", null);
        assertThat(render("port {{ port }}!", vars)).isEqualTo("port 8080!");
        assertThat(render(" {{ port }}", vars)).isEqualTo(" 8080");
        assertThat(render("{{ on }}/{{ names }}/{{ nothing }}.", vars)).isEqualTo("True/['a', 'b']/.");
        assertThat(render("no braces } here {", vars)).isEqualTo("no braces } here {");
    }

    @Test
    void textMadeWithASecretIsASecret() {
        Object out = render("password={{ pw }}", Map.of("pw", Secret.of("s3cret")));
        assertThat(out).isInstanceOf(Secret.class);
        assertThat(((Secret) out).reveal()).isEqualTo("password=s3cret");
    }

    @Test
    void variablesHoldingTemplatesAreRenderedRecursively() {
        Map<String, Object> vars = Map.of("base", "/srv", "root", "{{ base }}/www", "site", "{{ root }}/site",
                "dirs", List.of("{{ root }}", "/tmp"), "port", "{{ 8000 }}");
        assertThat(render("{{ site }}", vars)).isEqualTo("/srv/www/site");
        assertThat(render("{{ dirs }}", vars)).isEqualTo(List.of("/srv/www", "/tmp"));
        assertThat(render("{{ port }}", vars)).isEqualTo(8000L); // expression literals are longs
    }

    @Test
    void aVariableDefinedThroughItselfIsAnErrorNamingTheChain() {
        Map<String, Object> vars = Map.of("a", "{{ b }}", "b", "x{{ c }}", "c", "{{ a }}");
        assertThatThrownBy(() -> render("{{ a }}", vars)).isInstanceOf(InputException.class)
                .hasMessage("t.yml:3:10: variable 'a' is defined in terms of itself: a -> b -> c -> a");
    }

    @Test
    void veryDeepChainsStop() {
        Map<String, Object> vars = new HashMap<>();
        for (int i = 0; i < 40; i++) vars.put("v" + i, "{{ v" + (i + 1) + " }}");
        vars.put("v40", "end");
        assertThatThrownBy(() -> render("{{ v0 }}", vars)).isInstanceOf(InputException.class)
                .hasMessageStartingWith("t.yml:3:10: variables refer to variables more than 32 deep: v0 -> v1 ->");
    }

    @Test
    void undefinedVariablesAndBadSyntaxAreLocated() {
        assertThatThrownBy(() -> render("x {{ prot }}", Map.of("port", 1))).isInstanceOf(UndefinedVariableException.class)
                .hasMessage("t.yml:3:15: 'prot' is undefined (did you mean 'port'?)");
        assertThatThrownBy(() -> render("x {{ a }", Map.of())).hasMessage("t.yml:3:12: '{{' is never closed with '}}'");
        assertThat(render("{# note #}x{% if port > 0 %}={{ port }}{% endif %}", Map.of("port", 1))).isEqualTo("x=1");
        assertThatThrownBy(() -> render("{% if prot %}x{% endif %}", Map.of("port", 1))).isInstanceOf(UndefinedVariableException.class)
                .hasMessage("t.yml:3:16: 'prot' is undefined (did you mean 'port'?)");
        assertThatThrownBy(() -> render("{% for x in y %}", Map.of())).hasMessage("t.yml:3:10: missing {% endfor %}");
    }
}
