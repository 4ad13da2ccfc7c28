package dev.rigger.modules.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rigger.core.error.InputException;
import dev.rigger.core.module.Args;
import dev.rigger.core.module.ModuleRegistry;
import dev.rigger.core.secret.Secret;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** YAML arguments bound to the typed specs, with errors that name the argument. */
class BindingTest {
    private final ModuleRegistry registry = ModuleRegistry.load();

    private Object create(String module, Object... keyValues) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) values.put((String) keyValues[i], keyValues[i + 1]);
        return registry.find(module).orElseThrow().create(Args.of(module, values));
    }

    @Test
    void everyModuleIsFoundByItsAnsibleAndItsOwnName() {
        for (String name : List.of("copy", "copy_file", "template", "file", "lineinfile", "line_in_file", "blockinfile", "block_in_file",
                "ansible.builtin.lineinfile")) {
            assertThat(registry.knows(name)).as(name).isTrue();
        }
    }

    @Test
    void copyBindsItsParameters() {
        CopyFile c = (CopyFile) create("copy", "src", "a.conf", "dest", "/etc/a.conf", "mode", "0640", "owner", "app",
                "backup", "yes", "force", false, "validate", "visudo -cf %s");
        assertThat(c.src()).isEqualTo("a.conf");
        assertThat(c.attributes().mode().text()).isEqualTo("0640");
        assertThat(c.backup()).isTrue();
        assertThat(c.force()).isFalse();
        assertThat(c.validate()).containsExactly("visudo", "-cf", "%s");
    }

    @Test
    void anUnquotedYamlModeIsRefused() {
        assertThatThrownBy(() -> create("file", "path", "/x", "mode", 644)).isInstanceOf(InputException.class)
                .hasMessageContaining("unquoted number 644");
    }

    @Test
    void unknownParametersGetASuggestion() {
        assertThatThrownBy(() -> create("lineinfile", "path", "/x", "line", "a", "regxp", "^a"))
                .isInstanceOf(InputException.class).hasMessageContaining("unknown parameter 'regxp'");
    }

    @Test
    void validateMustSayWhereTheFileGoes() {
        assertThatThrownBy(() -> create("template", "src", "t", "dest", "/x", "validate", "haproxy -c -f"))
                .isInstanceOf(InputException.class).hasMessageContaining("must contain %s");
    }

    @Test
    void pathsMustBeAbsolute() {
        assertThatThrownBy(() -> create("copy", "content", "x", "dest", "etc/x")).hasMessageContaining("absolute");
        assertThatThrownBy(() -> create("file", "path", "tmp/x", "state", "directory")).hasMessageContaining("absolute");
    }

    @Test
    void aliasesOfPathLineAndRegexp() {
        LineInFile l = (LineInFile) create("lineinfile", "dest", "/etc/fstab/", "value", "x", "regex", "^x");
        assertThat(l.path()).isEqualTo("/etc/fstab");
        assertThat(l.line()).isEqualTo("x");
        assertThat(l.regexp()).isEqualTo("^x");
        ManagedPath f = (ManagedPath) create("file", "name", "/d", "state", "directory");
        assertThat(f.state()).isEqualTo(ManagedPath.Ensure.DIRECTORY);
        BlockInFile b = (BlockInFile) create("blockinfile", "path", "/etc/hosts", "content", "x");
        assertThat(b.block()).isEqualTo("x");
    }

    @Test
    void lineinfileRulesAreInputErrors() {
        assertThatThrownBy(() -> create("lineinfile", "path", "/x", "regexp", "^a")).isInstanceOf(InputException.class)
                .hasMessageContaining("line is required");
        assertThatThrownBy(() -> create("lineinfile", "path", "/x", "line", "a", "regexp", "(")).isInstanceOf(InputException.class)
                .hasMessageContaining("invalid regular expression");
    }

    @Test
    void secretValuesAreMarked() {
        CopyFile c = (CopyFile) create("copy", "content", Secret.of("k3y"), "dest", "/etc/k");
        assertThat(c.secretContent()).isNotNull();
        assertThat(c.toString()).doesNotContain("k3y");
        LineInFile l = (LineInFile) create("lineinfile", "path", "/x", "line", Secret.of("pw=1"));
        assertThat(l.secretLine()).isTrue();
        assertThat(l.line()).isEqualTo("pw=1");
    }

    @Test
    void fileStateChoicesAndLinkRules() {
        assertThatThrownBy(() -> create("file", "path", "/x", "state", "dir")).hasMessageContaining("directory");
        assertThatThrownBy(() -> create("file", "path", "/x", "state", "link")).hasMessageContaining("needs 'src'");
        assertThatThrownBy(() -> create("file", "path", "/x", "state", "link", "src", "/y", "mode", "0644"))
                .hasMessageContaining("does not apply to a symlink");
        ManagedPath touch = (ManagedPath) create("file", "path", "/x", "state", "touch", "modification_time", "preserve", "access_time", "preserve");
        assertThat(touch.touchAccessTime()).isFalse();
        assertThat(touch.touchModificationTime()).isFalse();
    }
}
