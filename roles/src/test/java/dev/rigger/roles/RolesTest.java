package dev.rigger.roles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rigger.core.error.InputException;
import dev.rigger.core.executor.Block;
import dev.rigger.core.executor.TaskNode;
import dev.rigger.core.inventory.Inventory;
import dev.rigger.core.loader.LoadedPlaybook;
import dev.rigger.core.loader.LoaderOptions;
import dev.rigger.core.loader.PlaybookLoader;
import dev.rigger.core.loader.Preflight;
import dev.rigger.core.module.ModuleRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Without hosts: every role loads by name from the classpath (where the jar puts it), passes the
 * preflight with its defaults (modules, parameters, templates, variables), and documents every
 * default. The roles run on real hosts in examples' ClusterDemoIT.
 */
class RolesTest {
    private static final Pattern DEFAULT_NAME = Pattern.compile("(?m)^([a-z_][a-z0-9_]*):");

    @TempDir
    Path dir;

    private final Inventory inventory = Inventory.builder()
            .group("lb", Map.of(), "lb1")
            .group("web", Map.of(), "web1", "web2")
            .group("redis", Map.of(), "redis1", "redis2")
            .group("redis_sentinel", Map.of(), "redis2")
            .build();

    /** Every folder under roles/ (the module's base directory) is a role: each one is checked, none can be forgotten. */
    static List<String> roleFolders() throws IOException {
        try (var entries = Files.list(Path.of(""))) {
            return entries.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(name -> !name.equals("src") && !name.equals("target") && !name.startsWith("."))
                    .sorted().toList();
        }
    }

    private LoadedPlaybook load(String playbook) throws IOException {
        Files.writeString(dir.resolve("site.yml"), playbook);
        return new PlaybookLoader(ModuleRegistry.load(), LoaderOptions.builder().displayRoot(dir).build()).load(dir.resolve("site.yml"));
    }

    @ParameterizedTest
    @MethodSource("roleFolders")
    void loadsFromTheClasspathAndPassesThePreflight(String role) throws IOException {
        LoadedPlaybook site = load("- hosts: all\n  roles: [" + role + "]\n");

        assertThat(Preflight.check(site, inventory, Map.of())).extracting(InputException::oneLine).isEmpty();
        List<TaskNode> nodes = site.playbook().plays().get(0).tasks();
        assertThat(nodes).singleElement().isInstanceOfSatisfying(Block.class, b -> {
            assertThat(b.name()).isEqualTo("role: " + role);
            assertThat(b.tasks()).isNotEmpty();
        });
    }

    @Test
    void aMisspelledRoleNameSuggestsThePackagedRole() throws IOException {
        assertThatThrownBy(() -> load("- hosts: lb\n  roles: [haproxi]\n"))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("role 'haproxi' not found")
                .hasMessageContaining("haproxy");
    }

    @ParameterizedTest
    @MethodSource("roleFolders")
    void everyDefaultIsInTheReadme(String role) throws IOException {
        String defaults = resource("roles/" + role + "/defaults/main.yml");
        String readme = resource("roles/" + role + "/README.md");
        Matcher names = DEFAULT_NAME.matcher(defaults);
        int count = 0;
        while (names.find()) {
            count++;
            assertThat(readme).as("README of " + role).contains("| `" + names.group(1) + "` |");
        }
        assertThat(count).isPositive();
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = RolesTest.class.getClassLoader().getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
