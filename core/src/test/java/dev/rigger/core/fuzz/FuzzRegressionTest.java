package dev.rigger.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rigger.core.error.InputException;
import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.expr.Expression;
import dev.rigger.core.expr.JinjaTemplate;
import dev.rigger.core.expr.VariableScope;
import dev.rigger.core.inventory.Inventory;
import dev.rigger.core.inventory.InventoryLoader;
import dev.rigger.core.loader.LoaderOptions;
import dev.rigger.core.loader.PlaybookLoader;
import dev.rigger.core.loader.Preflight;
import dev.rigger.core.module.ModuleRegistry;
import dev.rigger.core.template.TemplateRenderer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The inputs the fuzz properties found crashing or hanging, each now a located error. */
class FuzzRegressionTest {
    private static final SourceLocation AT = new SourceLocation("p.yml", 3, 7);

    /** Was a StackOverflowError in the recursive-descent parser. */
    @Test
    void deeplyNestedExpressionIsALocatedError() {
        String text = "(".repeat(3000) + "1" + ")".repeat(3000);
        assertThatThrownBy(() -> Expression.parse(text, AT)).isInstanceOf(InputException.class)
                .hasMessage("p.yml:3:107: bad expression '" + text + "': the expression is nested too deeply (more than 100 levels)");
        assertThatThrownBy(() -> Expression.parse("[".repeat(500) + "]".repeat(500), AT))
                .hasMessageEndingWith("the expression is nested too deeply (more than 100 levels)");
        assertThatThrownBy(() -> Expression.parse("not ".repeat(500) + "x", AT))
                .hasMessageEndingWith("the expression is nested too deeply (more than 100 levels)");
        assertThat(Expression.parse("(".repeat(50) + "1" + ")".repeat(50), AT).evaluate(Map.of())).isEqualTo(1L);
    }

    /** Was java.util.IllegalFormatWidthException (width overflowing int) or an OutOfMemoryError (a huge width). */
    @Test
    void hugeFormatWidthIsALocatedError() {
        assertThatThrownBy(() -> Expression.parse("'%99999999999999999999s:%d' % (name, 80)", AT).evaluate(Map.of("name", "w")))
                .isInstanceOf(InputException.class)
                .hasMessage("p.yml:3:35: format field 99999999999999999999 is larger than 10000");
        assertThatThrownBy(() -> Expression.parse("'{99999999999}'.format(1)", AT).evaluate(Map.of()))
                .isInstanceOf(InputException.class).hasMessageContaining("format field 99999999999 is larger than 10000");
        assertThat(Expression.parse("'%5s|' % 'ab'", AT).evaluate(Map.of())).isEqualTo("   ab|");
        // Was java.util.FormatFlagsConversionMismatchException.
        assertThatThrownBy(() -> Expression.parse("'{% set %}%s:%d' % (name, 80)", AT).evaluate(Map.of("name", "w")))
                .isInstanceOf(InputException.class).hasMessageEndingWith("unsupported format '% s'");
    }

    /** Was a StackOverflowError in the Jinja statement parser. */
    @Test
    void deeplyNestedJinjaStatementsAreALocatedError() {
        String text = "a\n" + "{% if x %}".repeat(2000) + "{% endif %}".repeat(2000);
        assertThatThrownBy(() -> JinjaTemplate.compile("t.j2", text)).isInstanceOf(InputException.class)
                .hasMessage("t.j2:2:991: statements nested too deeply (more than 100 levels)");
    }

    /** Was a StackOverflowError in mustache.java's compiler. */
    @Test
    void deeplyNestedMustacheSectionsAreALocatedError() {
        String text = "{{#a}}".repeat(5000) + "{{/a}}".repeat(5000);
        assertThatThrownBy(() -> new TemplateRenderer().render("t.mustache", text, Map.of("a", true)))
                .isInstanceOf(InputException.class).hasMessage("t.mustache: bad template: sections nested too deeply");
    }

    /** Was a hang: the loader shares aliased nodes, but reading the variables expanded 10^9 of them. */
    @Test
    void aliasBombIsALocatedError(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("group_vars"));
        Files.writeString(dir.resolve("hosts.yml"), "all:\n  hosts:\n    web1:\n");
        Files.writeString(dir.resolve("group_vars/all.yml"), "level: base\nlol: " + Mutations.aliasBomb(6) + "\n");
        assertThatThrownBy(() -> InventoryLoader.load(dir)).isInstanceOf(InputException.class)
                .hasMessage(dir.resolve("group_vars/all.yml") + ":2:327: aliases expand to more than 1000000 nodes (an alias bomb?)");
    }

    /** Was a NullPointerException in the preflight: a role variable with no value. */
    @Test
    void roleVariableWithoutValueLoads(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("roles/web/vars"));
        Files.createDirectories(dir.resolve("roles/web/tasks"));
        Files.writeString(dir.resolve("roles/web/vars/main.yml"), "web_port: \nweb_root: \"{{ base_dir }}/www\"\n");
        Files.writeString(dir.resolve("roles/web/tasks/main.yml"), "- echo: msg={{ web_root }}\n");
        Files.writeString(dir.resolve("site.yml"), "- hosts: web\n  vars:\n    base_dir: /srv\n  roles: [web]\n");
        var playbook = new PlaybookLoader(ModuleRegistry.load(getClass().getClassLoader()), LoaderOptions.builder().displayRoot(dir).build())
                .load(dir.resolve("site.yml"));
        assertThat(Preflight.check(playbook, Inventory.builder().group("web", Map.of(), "web1").build(), Map.of())).isEmpty();
    }

    /** Was java.nio.file.InvalidPathException looking for host_vars/<name> and group_vars/<name>. */
    @Test
    void namesWithNulAreRefusedOrIgnored(@TempDir Path dir) throws IOException {
        Path hosts = Files.writeString(dir.resolve("hosts"), "[db]\ndb2\u0000-9\n");
        assertThatThrownBy(() -> InventoryLoader.load(hosts)).isInstanceOf(InputException.class)
                .hasMessage(hosts + ":2:1: host name contains a NUL character");
        Path groups = Files.writeString(dir.resolve("groups"), "[d\u0000b]\ndb2\n");
        assertThat(InventoryLoader.load(groups).hosts()).hasSize(1);
    }

    /** Was a hang filling the heap with a billion host names. */
    @Test
    void hugeHostRangeIsALocatedError(@TempDir Path dir) throws IOException {
        Path hosts = Files.writeString(dir.resolve("hosts"), "[web]\nhost[1:999999999]\n");
        assertThatThrownBy(() -> InventoryLoader.load(hosts)).isInstanceOf(InputException.class)
                .hasMessage(hosts + ":2:1: invalid host range in 'host[1:999999999]': it names more than 100000 hosts");
        Path product = Files.writeString(dir.resolve("product.yml"), "all:\n  hosts:\n    h[1:1000]-[1:1000]:\n");
        assertThatThrownBy(() -> InventoryLoader.load(product)).isInstanceOf(InputException.class)
                .hasMessageEndingWith("invalid host range in 'h[1:1000]-[1:1000]': it names more than 100000 hosts");
    }
}
