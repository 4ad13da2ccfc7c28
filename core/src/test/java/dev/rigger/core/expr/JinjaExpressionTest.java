package dev.rigger.core.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.secret.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Jinja2 beyond conditions: arithmetic, concatenation, methods, Ansible's filters, lookups, templates. */
class JinjaExpressionTest {
    private static final SourceLocation AT = new SourceLocation("play.yml", 3, 10);

    @TempDir
    Path dir;

    private final Map<String, Object> vars = new LinkedHashMap<>(Map.of(
            "name", "web-01.example.com",
            "ports", List.of(80L, 443L),
            "conf", Map.of("a", 1L),
            "users", List.of(Map.of("name", "alice", "admin", true), Map.of("name", "bob", "admin", false)),
            "n", 7L,
            "pw", Secret.of("s3cret")));

    private Object eval(String text) {
        return Expression.parse(text, AT).evaluate(vars);
    }

    @Test
    void operatorsFollowPythonAndJinja() {
        assertThat(eval("'/srv' ~ '/' ~ n")).isEqualTo("/srv/7");
        assertThat(eval("'a' + 'b'")).isEqualTo("ab");
        assertThat(eval("ports + [8080]")).isEqualTo(List.of(80L, 443L, 8080L));
        assertThat(eval("n * 2 + 1")).isEqualTo(15L);
        assertThat(eval("n / 2")).isEqualTo(3.5);
        assertThat(eval("n // 2")).isEqualTo(3L);
        assertThat(eval("n % 3")).isEqualTo(1L);
        assertThat(eval("2 ** 10")).isEqualTo(1024L);
        assertThat(eval("-n + 1")).isEqualTo(-6L);
        assertThat(eval("(ports | length) * 2 > 3")).isEqualTo(true);
        assertThat(eval("'yes' if n > 5 else 'no'")).isEqualTo("yes");
        assertThat(eval("'%s:%d' % (name, 80)")).isEqualTo("web-01.example.com:80");
        assertThat(eval("ports[1:]")).isEqualTo(List.of(443L));
        assertThat(eval("name[:6]")).isEqualTo("web-01");
        assertThat(eval("ports.0")).isEqualTo(80L);
        assertThatThrownBy(() -> eval("name - 1")).hasMessage("play.yml:3:15: cannot use '-' on string and integer");
    }

    @Test
    void textBuiltFromASecretStaysASecret() {
        Object joined = eval("'pw=' ~ pw");
        assertThat(joined).isInstanceOf(Secret.class).hasToString("pw=********");
        assertThat(((Secret) joined).reveal()).isEqualTo("pw=s3cret");
        assertThat(eval("pw | upper")).isInstanceOf(Secret.class);
        assertThat(eval("pw | b64encode")).isInstanceOf(Secret.class);
        assertThat(eval("{'p': pw} | to_json")).isInstanceOf(Secret.class).hasToString("{\"p\": \"********\"}");
    }

    @Test
    void methodsOfStringsListsAndMaps() {
        assertThat(eval("name.split('.')[0]")).isEqualTo("web-01");
        assertThat(eval("name.upper().startswith('WEB')")).isEqualTo(true);
        assertThat(eval("'  x '.strip()")).isEqualTo("x");
        assertThat(eval("name.replace('-', '_').endswith('.com')")).isEqualTo(true);
        assertThat(eval("'{}:{}'.format(name, 80)")).isEqualTo("web-01.example.com:80");
        assertThat(eval("', '.join(['a', 'b'])")).isEqualTo("a, b");
        assertThat(eval("conf.get('b', 2)")).isEqualTo(2L);
        assertThat(eval("conf.keys() | list")).isEqualTo(List.of("a"));
        assertThatThrownBy(() -> eval("name.uper()")).hasMessage("play.yml:3:15: bad expression 'name.uper()': unknown method 'uper' (did you mean 'upper'?)");
    }

    @Test
    void ansibleFilters() {
        assertThat(eval("conf | combine({'b': 2})")).isEqualTo(Map.of("a", 1L, "b", 2L));
        assertThat(eval("conf | dict2items | map(attribute='key') | list")).isEqualTo(List.of("a"));
        assertThat(eval("[{'key': 'k', 'value': 1}] | items2dict")).isEqualTo(Map.of("k", 1L));
        assertThat(eval("users | selectattr('admin') | map(attribute='name') | join(',')")).isEqualTo("alice");
        assertThat(eval("users | rejectattr('name', 'equalto', 'alice') | map(attribute='name') | first")).isEqualTo("bob");
        assertThat(eval("ports | map('string') | join(':')")).isEqualTo("80:443");
        assertThat(eval("[3, 1, 2, 1] | unique | sort")).isEqualTo(List.of(1L, 2L, 3L));
        assertThat(eval("[[1, [2]], 3] | flatten")).isEqualTo(List.of(1L, 2L, 3L));
        assertThat(eval("ports | max + ports | min + ports | sum")).isEqualTo(443L + 80L + 523L);
        assertThat(eval("[1, 2] | zip(['a', 'b']) | list")).isEqualTo(List.of(List.of(1L, "a"), List.of(2L, "b")));
        assertThat(eval("conf | to_json")).isEqualTo("{\"a\": 1}");
        assertThat(eval("{'b': [1, 2], 'a': 'x'} | to_nice_json")).isEqualTo("{\n    \"a\": \"x\",\n    \"b\": [\n        1,\n        2\n    ]\n}");
        assertThat(eval("'{\"a\": [1, 2]}' | from_json")).isEqualTo(Map.of("a", List.of(1L, 2L)));
        assertThat(eval("'a: 1\\nb: [2, 3]' | from_yaml")).isEqualTo(Map.of("a", 1L, "b", List.of(2L, 3L)));
        assertThat(eval("{'a': [1, 2]} | to_nice_yaml")).isEqualTo("a:\n- 1\n- 2\n");
        assertThat(eval("name | regex_replace('\\\\..*$', '')")).isEqualTo("web-01");
        assertThat(eval("name | regex_replace('^(\\\\w+)-(\\\\d+).*', '\\\\2-\\\\1')")).isEqualTo("01-web");
        assertThat(eval("name | regex_search('\\\\d+')")).isEqualTo("01");
        assertThat(eval("'a1b22' | regex_findall('\\\\d+')")).isEqualTo(List.of("1", "22"));
        assertThat(eval("'secret' | b64encode")).isEqualTo("c2VjcmV0");
        assertThat(eval("'c2VjcmV0' | b64decode")).isEqualTo("secret");
        assertThat(eval("'/etc/nginx/nginx.conf' | basename")).isEqualTo("nginx.conf");
        assertThat(eval("'/etc/nginx/nginx.conf' | dirname")).isEqualTo("/etc/nginx");
        assertThat(eval("\"it's\" | quote")).isEqualTo("'it'\"'\"'s'");
        assertThat(eval("'abc' | hash('sha256')")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(eval("false | ternary('on', 'off')")).isEqualTo("off");
        assertThat(eval("missing | d('x')")).isEqualTo("x");
        assertThat(eval("'3.5' | float + '2' | int")).isEqualTo(5.5);
        assertThat(eval("ports | random(seed='web1')")).isEqualTo(eval("ports | random(seed='web1')"));
        assertThatThrownBy(() -> eval("missing | mandatory")).hasMessageContaining("mandatory variable 'missing' is not defined");
        assertThatThrownBy(() -> eval("ports | to_json(indnt=2)")).hasMessageContaining("filter 'to_json' has no keyword argument 'indnt'");
    }

    @Test
    void testsBeyondConditions() {
        assertThat(eval("ports is sequence and conf is mapping and n is number and name is string")).isEqualTo(true);
        assertThat(eval("80 is in(ports)")).isEqualTo(true);
        assertThat(eval("'1.10' is version_compare('1.9', '>')")).isEqualTo(true);
        assertThat(eval("name is match('WEB', ignorecase=true)")).isEqualTo(true);
        assertThat(eval("[1, 2, 3] | select('odd') | list")).isEqualTo(List.of(1L, 3L));
    }

    @Test
    void lookupsReadTheControllersFilesAndEnvironment() throws IOException {
        Files.createDirectories(dir.resolve("files"));
        Files.createDirectories(dir.resolve("templates"));
        Files.writeString(dir.resolve("files/motd"), "hello\n\n");
        Files.writeString(dir.resolve("templates/t.j2"), "{% for p in ports %}{{ p }} {% endfor %}");
        vars.put("playbook_dir", dir.toString());
        assertThat(eval("lookup('file', 'motd')")).isEqualTo("hello");
        assertThat(eval("lookup('template', 't.j2')")).isEqualTo("80 443 ");
        assertThat(eval("lookup('env', 'PATH')")).isEqualTo(System.getenv("PATH"));
        assertThat(eval("lookup('vars', 'n')")).isEqualTo(7L);
        assertThat(eval("lookup('pipe', 'echo hi')")).isEqualTo("hi");
        assertThat(eval("query('sequence', 'start=1 end=3')")).isEqualTo(List.of("1", "2", "3"));
        assertThat(eval("range(3) | list")).isEqualTo(List.of(0L, 1L, 2L));
        assertThatThrownBy(() -> eval("lookup('fiel', 'motd')")).hasMessage("play.yml:3:10: bad expression 'lookup('fiel', 'motd')': unknown lookup 'fiel' (did you mean 'file'?)");
        assertThatThrownBy(() -> eval("lookup('file', 'nope')")).hasMessageContaining("lookup('file'): 'nope' not found");
    }

    @Test
    void templatesWithStatementsAndWhitespaceControl() {
        String text = """
                {# a comment line disappears #}
                {% for u in users if u.admin %}
                admin {{ u.name }} {{ loop.index }}/{{ loop.length }}
                {% else %}
                nobody
                {% endfor %}
                {% set total = ports | sum %}
                {%- if total > 500 %}
                big {{ total }}
                {%- elif total > 100 %}
                medium
                {%- else %}
                small
                {% endif %}
                {% raw %}{{ not rendered }}{% endraw %}
                {% for k, v in conf.items() %}{{ k }}={{ v }}{% endfor %}
                """;
        JinjaTemplate.Result r = JinjaTemplate.compile("t.j2", text).render(VariableScope.of(vars));
        // trim_blocks drops the newline after each tag; {%- strips the whitespace before it.
        assertThat(r.content()).isEqualTo("admin alice 1/1\nbig 523{{ not rendered }}a=1");
        assertThat(r.redacted()).isEqualTo(r.content());
    }

    @Test
    void templateSecretsAreMaskedInTheRedactedRendering() {
        JinjaTemplate.Result r = JinjaTemplate.compile("t.j2", "password={{ pw }}\nurl={{ 'x://u:' ~ pw ~ '@h' }}\n").render(VariableScope.of(vars));
        assertThat(r.content()).isEqualTo("password=s3cret\nurl=x://u:s3cret@h\n");
        assertThat(r.redacted()).isEqualTo("password=********\nurl=x://u:********@h\n");
    }

    @Test
    void templateErrorsNameFileLineAndColumn() {
        assertThatThrownBy(() -> JinjaTemplate.compile("t.j2", "a\nb {{ nme }}\n").render(VariableScope.of(vars)))
                .isInstanceOf(UndefinedVariableException.class).hasMessage("t.j2:2:6: 'nme' is undefined (did you mean 'name'?)");
        assertThatThrownBy(() -> JinjaTemplate.compile("t.j2", "{% if x %}\nno end\n"))
                .hasMessage("t.j2:1:1: missing {% endif %}");
        assertThatThrownBy(() -> JinjaTemplate.compile("t.j2", "x\n{% include 'other.j2' %}\n"))
                .hasMessage("t.j2:2:1: '{% include %}' is not supported: Rigger renders one self-contained template (use set, if and for)");
        assertThatThrownBy(() -> JinjaTemplate.compile("t.j2", "{{ ports | lenght }}"))
                .hasMessage("t.j2:1:12: bad expression 'ports | lenght': unknown filter 'lenght' (did you mean 'length'?)");
    }
}
