package dev.rigger.core.internal.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rigger.core.error.InputException;
import dev.rigger.core.error.SourceLocation;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class YamlReaderTest {

    private static YamlNode parse(String text) {
        return YamlReader.parse(text, "t.yml").orElseThrow();
    }

    private static String error(String text) {
        InputException e = org.junit.jupiter.api.Assertions.assertThrows(InputException.class, () -> YamlReader.parseAll(text, "t.yml"));
        return e.oneLine();
    }

    @Test
    void everyNodeAndKeyCarriesItsLocation() {
        YamlMapping root = parse("""
                all:
                  hosts:
                    web1:
                      port: 22
                  list: [a, "b"]
                """).asMapping();
        assertThat(root.location()).isEqualTo(new SourceLocation("t.yml", 1, 1));
        YamlMapping all = root.requireMapping("all");
        assertThat(all.location()).isEqualTo(new SourceLocation("t.yml", 2, 3));
        assertThat(all.keyLocation("list")).contains(new SourceLocation("t.yml", 5, 3));
        YamlMapping web1 = all.requireMapping("hosts").requireMapping("web1");
        assertThat(web1.keyLocation("port")).contains(new SourceLocation("t.yml", 4, 7));
        assertThat(web1.require("port").location()).isEqualTo(new SourceLocation("t.yml", 4, 13));
        YamlSequence list = all.requireSequence("list");
        assertThat(list.location()).isEqualTo(new SourceLocation("t.yml", 5, 9));
        assertThat(list.get(1).location()).isEqualTo(new SourceLocation("t.yml", 5, 13));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            yes       | Boolean | true
            No        | Boolean | false
            on        | Boolean | true
            OFF       | Boolean | false
            TRUE      | Boolean | true
            y         | String  | y
            ~         | null    |
            null      | null    |
            644       | Integer | 644
            0644      | Integer | 420
            0x1F      | Integer | 31
            0b101     | Integer | 5
            -1_000    | Integer | -1000
            1:30      | Integer | 90
            08        | String  | 08
            0o644     | String  | 0o644
            4294967296 | Long   | 4294967296
            1.5       | Double  | 1.5
            1e5       | String  | 1e5
            1.0e+5    | Double  | 100000.0
            .inf      | Double  | Infinity
            2001-12-14 | String | 2001-12-14
            web01     | String  | web01
            """)
    void plainScalarsResolveAsYaml11(String text, String type, String expected) {
        Object value = parse("v: " + text).asMapping().require("v").asScalar().value();
        if (type.equals("null")) {
            assertThat(value).isNull();
        } else {
            assertThat(value.getClass().getSimpleName()).isEqualTo(type);
            assertThat(String.valueOf(value)).isEqualTo(expected);
        }
    }

    @Test
    void quotedAndBlockScalarsStayStringsAndRememberHowTheyWereWritten() {
        YamlMapping m = parse("""
                a: "0644"
                b: '644'
                c: 644
                d: |
                  yes
                e: !!str 12
                f: !!int "12"
                g: !unsafe '{{ x }}'
                """).asMapping();
        YamlScalar a = m.require("a").asScalar();
        assertThat(a.value()).isEqualTo("0644");
        assertThat(a.quoted()).isTrue();
        assertThat(a.style()).isEqualTo(YamlScalar.Style.DOUBLE_QUOTED);
        assertThat(m.require("b").asScalar().style()).isEqualTo(YamlScalar.Style.SINGLE_QUOTED);
        YamlScalar c = m.require("c").asScalar();
        assertThat(c.plain()).isTrue();
        assertThat(c.value()).isEqualTo(644);
        assertThat(c.text()).isEqualTo("644");
        assertThat(m.require("d").asScalar().value()).isEqualTo("yes\n");
        assertThat(m.require("e").asScalar().value()).isEqualTo("12");
        assertThat(m.require("f").asScalar().value()).isEqualTo(12);
        assertThat(m.require("g").asScalar().tag()).contains("!unsafe");
        assertThat(m.require("g").asScalar().value()).isEqualTo("{{ x }}");
    }

    @Test
    void bigIntegersKeepTheirValue() {
        assertThat(parse("v: 123456789012345678901234567890").asMapping().require("v").asScalar().value())
                .isEqualTo(new BigInteger("123456789012345678901234567890"));
    }

    @Test
    void convertsToPlainJavaKeepingOrderAndNulls() {
        Object java = parse("""
                z: 1
                a: [x, ~, {k: yes}]
                m:
                """).toJava();
        assertThat(java).isInstanceOf(Map.class);
        Map<?, ?> map = (Map<?, ?>) java;
        assertThat(List.copyOf(map.keySet())).isEqualTo(List.of("z", "a", "m"));
        assertThat(map.get("a")).isEqualTo(Arrays.asList("x", null, Map.of("k", true)));
        assertThat(map.containsKey("m")).isTrue();
        assertThat(map.get("m")).isNull();
    }

    @Test
    void anchorsAliasesAndMergeKeys() {
        YamlMapping m = parse("""
                base: &base
                  user: deploy
                  port: 22
                web:
                  <<: *base
                  port: 2222
                copy: *base
                """).asMapping();
        assertThat(m.require("web").toJava()).isEqualTo(Map.of("user", "deploy", "port", 2222));
        assertThat(m.require("copy").toJava()).isEqualTo(Map.of("user", "deploy", "port", 22));
    }

    @Test
    void multipleDocuments() {
        List<YamlNode> docs = YamlReader.parseAll("a: 1\n---\n- b\n---\n", "t.yml");
        assertThat(docs).hasSize(3);
        assertThat(docs.get(0).toJava()).isEqualTo(Map.of("a", 1));
        assertThat(docs.get(1).toJava()).isEqualTo(List.of("b"));
        assertThat(docs.get(1).location()).isEqualTo(new SourceLocation("t.yml", 3, 1));
        assertThat(docs.get(2).asScalar().isNull()).isTrue();
        assertThat(YamlReader.parseAll("", "t.yml")).isEmpty();
        assertThat(YamlReader.parse("# only a comment\n", "t.yml")).isEmpty();
        assertThatThrownBy(() -> YamlReader.parse("a: 1\n---\nb: 2\n", "t.yml"))
                .hasMessage("t.yml:3:1: expected a single YAML document, found a second one");
    }

    @Test
    void readsFilesWithTheirPathInLocations(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("vars.yml");
        Files.writeString(file, "\uFEFFa: 1\nb: [\n");
        assertThatThrownBy(() -> YamlReader.read(file))
                .hasMessage(file + ":3:1: YAML syntax error: expected the node content, but found '<stream end>' (while parsing a flow node)");
        Files.writeString(file, "\uFEFFa: 1\n");
        assertThat(YamlReader.read(file).orElseThrow().toJava()).isEqualTo(Map.of("a", 1));
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            a: b: c                         | t.yml:1:5: YAML syntax error: mapping values are not allowed here
            `a:\n  b: 1\n c: 2`             | t.yml:3:2: YAML syntax error: expected <block end>, but found '<block mapping start>' (while parsing a block mapping that starts at line 1)
            `a:\n\t- b`                     | t.yml:2:1: YAML syntax error: found character '\\t(TAB)' that cannot start any token. (Do not use \\t(TAB) for indentation) (while scanning for the next token)
            `a: "open\nb: 1`                | t.yml:2:5: YAML syntax error: found unexpected end of stream (while scanning a quoted scalar that starts at line 1)
            `hosts: 1\nvars: 2\nhosts: 3`   | t.yml:3:1: duplicate key 'hosts' (first at line 1)
            `a: *nope`                      | t.yml:1:4: unknown alias '*nope'
            `? [a]\n: 1`                    | t.yml:1:4: YAML syntax error: only plain values can be mapping keys
            `a: !!int abc`                  | t.yml:1:4: 'abc' is not a valid !!int
            `a:\n  <<: [1]`                 | t.yml:2:8: expected a mapping to merge with '<<', got an integer '1'
            """)
    void errorsAreOneLineWithExactLocation(String text, String expected) {
        assertThat(error(text.replace("\\n", "\n").replace("\\t", "\t"))).isEqualTo(expected);
    }

    @Test
    void typedAccessorsNameTheKeyAndWhatWasFound() {
        YamlMapping m = parse("""
                name: web
                port: "22"
                tasks: {a: 1}
                flag: maybe
                empty:
                version: 1.10
                """).asMapping();
        assertThat(m.requireString("name")).isEqualTo("web");
        assertThat(m.requireString("version")).isEqualTo("1.10");
        assertThat(m.optionalString("empty")).isEmpty();
        assertThat(m.optionalInt("missing")).isEmpty();
        assertThatThrownBy(() -> m.optionalInt("port"))
                .hasMessage("t.yml:2:7: expected an integer for 'port', got a string '22'");
        assertThatThrownBy(() -> m.requireSequence("tasks"))
                .hasMessage("t.yml:3:8: expected a list for 'tasks', got a mapping");
        assertThatThrownBy(() -> m.optionalBool("flag"))
                .hasMessage("t.yml:4:7: expected a boolean for 'flag', got a string 'maybe'");
        assertThatThrownBy(() -> m.requireString("missing"))
                .hasMessage("t.yml:1:1: missing required key 'missing'");
        assertThatThrownBy(() -> m.requireString("empty"))
                .hasMessage("t.yml:5:7: expected a string for 'empty', got null");
        assertThatThrownBy(() -> m.require("tasks").asSequence())
                .hasMessage("t.yml:3:8: expected a list, got a mapping");
    }

    @Test
    void unknownKeysSuggestTheNearestAllowedKey() {
        YamlMapping m = parse("host: a\nchildren: {}\n").asMapping();
        assertThatThrownBy(() -> m.requireKnownKeys(List.of("hosts", "vars", "children"), "group 'all'"))
                .isInstanceOf(InputException.class)
                .hasMessage("t.yml:1:1: unknown key 'host' in group 'all' (did you mean 'hosts'?)");
        YamlMapping far = parse("children: {}\nansible_user: x\n").asMapping();
        assertThatThrownBy(() -> far.requireKnownKeys(List.of("hosts", "vars", "children")))
                .hasMessage("t.yml:2:1: unknown key 'ansible_user' (expected one of: hosts, vars, children)");
        parse("vars: {}\n").asMapping().requireKnownKeys(Set.of("vars"));
    }

    @Test
    void secretTagMakesASecretThatNeverPrints() {
        YamlMapping m = parse("db_password: !secret hunter2\nplain: hunter2\n").asMapping();
        Object value = m.require("db_password").asScalar().value();
        assertThat(value).isEqualTo(dev.rigger.core.secret.Secret.of("hunter2"));
        assertThat(String.valueOf(value)).isEqualTo("********");
        assertThat(m.toJava().toString()).doesNotContain("hunter2=").contains("db_password=********");
        assertThat(m.require("plain").asScalar().value()).isEqualTo("hunter2");
    }
}
