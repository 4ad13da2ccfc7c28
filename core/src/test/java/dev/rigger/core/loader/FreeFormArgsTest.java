package dev.rigger.core.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rigger.core.error.InputException;
import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.module.ModuleType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FreeFormArgsTest {
    private static final ModuleType APT = new TestModules.Apt();
    private static final ModuleType COMMAND = new TestModules.Command();

    private static Map<String, String> parse(String text, ModuleType type) {
        Map<String, String> out = new LinkedHashMap<>();
        for (FreeFormArgs.Arg a : FreeFormArgs.parse(text, "m", type, i -> new SourceLocation("t.yml", 1, 1 + i))) {
            out.put(a.key(), a.value());
        }
        return out;
    }

    @Test
    void keyValuePairsWithQuotesAndTemplates() {
        assertThat(parse("name=nginx state='present' update_cache=\"yes please\"", APT))
                .containsExactly(Map.entry("name", "nginx"), Map.entry("state", "present"), Map.entry("update_cache", "yes please"));
        assertThat(parse("name={{ packages | join(', ') }} state=latest", APT))
                .containsExactly(Map.entry("name", "{{ packages | join(', ') }}"), Map.entry("state", "latest"));
    }

    @Test
    void freeFormKeepsItsWordsAndQuotesButGivesUpTheModulesParameters() {
        assertThat(parse("./configure --prefix=/opt 'a  b' chdir=/src creates=/opt/bin/x", COMMAND))
                .containsExactly(Map.entry("chdir", "/src"), Map.entry("creates", "/opt/bin/x"), Map.entry("cmd", "./configure --prefix=/opt 'a  b'"));
        // cmd= is the free form itself, so it stays part of the text.
        assertThat(parse("echo cmd=x", COMMAND)).containsExactly(Map.entry("cmd", "echo cmd=x"));
    }

    @Test
    void aMultiLineScriptKeepsItsLinesAndBlanks() {
        // `shell: |` as Ansible runs it: each line a command, blanks inside a line kept.
        assertThat(parse("echo one\necho  two\nchdir=/src\nif true; then\n  echo three\nfi\n", COMMAND))
                .containsExactly(Map.entry("chdir", "/src"), Map.entry("cmd", "echo one\necho  two\nif true; then\n  echo three\nfi"));
    }

    @Test
    void offsetsPointAtKeysAndValues() {
        List<FreeFormArgs.Arg> args = FreeFormArgs.parse("name=x state=\"present\"", "apt", APT, i -> new SourceLocation("t.yml", 1, 1 + i));
        assertThat(args.get(1).keyStart()).isEqualTo(7);
        assertThat(args.get(1).valueStart()).isEqualTo(14);
    }

    @Test
    void mistakesAreLocated() {
        assertThatThrownBy(() -> parse("name=x name=y", APT)).isInstanceOf(InputException.class)
                .hasMessage("t.yml:1:8: m: parameter 'name' given twice");
        assertThatThrownBy(() -> parse("echo 'unterminated", COMMAND)).isInstanceOf(InputException.class)
                .hasMessage("t.yml:1:6: unterminated ' quote in arguments");
    }
}
