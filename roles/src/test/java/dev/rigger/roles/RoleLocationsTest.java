package dev.rigger.roles;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rigger.core.executor.Block;
import dev.rigger.core.executor.Play;
import dev.rigger.core.executor.TaskNode;
import dev.rigger.core.loader.LoaderOptions;
import dev.rigger.core.loader.PlaybookLoader;
import dev.rigger.core.module.ModuleRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A role is found two ways: as the folder {@code roles/NAME/} at the top of the repository (what
 * {@code rigger apply roles/haproxy} and a playbook next to {@code roles/} use) and as classpath
 * resources {@code roles/NAME/} of the roles jar (what the runner jar and embedders use). Both must
 * be the same role: the same files, byte for byte, and the same tasks loaded from them.
 */
class RoleLocationsTest {
    /** Surefire runs in the roles module's folder, which is the repository's roles/ folder. */
    private static final Path ROLES = Path.of("").toAbsolutePath();

    @TempDir
    Path elsewhere;

    static List<String> roleFolders() throws IOException {
        try (Stream<Path> children = Files.list(ROLES)) {
            return children.filter(d -> Files.isDirectory(d.resolve("tasks"))).map(d -> d.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void everyRoleFolderIsOnTheClasspathAndNothingElse() throws Exception {
        assertThat(roleFolders()).contains("haproxy", "web");
        assertThat(names(classpathFolder("roles"), Files::isDirectory)).containsExactlyElementsOf(roleFolders());
    }

    @ParameterizedTest
    @MethodSource("roleFolders")
    void theClasspathHoldsTheFolderFilesByteForByte(String role) throws Exception {
        Path folder = ROLES.resolve(role);
        Set<String> onDisk = files(folder);
        assertThat(onDisk).contains("tasks/main.yml");
        assertThat(files(classpathFolder("roles/" + role))).containsExactlyElementsOf(onDisk);
        for (String file : onDisk) {
            try (InputStream in = getClass().getClassLoader().getResourceAsStream("roles/" + role + "/" + file)) {
                assertThat(in).as("classpath roles/%s/%s", role, file).isNotNull();
                assertThat(in.readAllBytes()).as(file).isEqualTo(Files.readAllBytes(folder.resolve(file)));
            }
        }
    }

    /** The same tasks and handlers, at the same lines, whichever way the role is found. */
    @ParameterizedTest
    @MethodSource("roleFolders")
    void bothWaysLoadTheSameTasks(String role) throws IOException {
        String playbook = "- hosts: all\n  roles: [" + role + "]\n";
        Path site = Files.writeString(elsewhere.resolve("site.yml"), playbook);
        Path top = ROLES.getParent();

        List<String> fromClasspath = shape(new PlaybookLoader(ModuleRegistry.load(),
                LoaderOptions.builder().displayRoot(top).build()).load(site).playbook().plays().get(0));
        List<String> fromFolder = shape(new PlaybookLoader(ModuleRegistry.load(),
                LoaderOptions.builder().displayRoot(top).rolesPath(ROLES).build()).load(site).playbook().plays().get(0));

        // A role's meta dependencies (asterisk -> keepalived) come along the same way as the role.
        assertThat(fromClasspath).isNotEmpty().anyMatch(l -> l.contains("classpath:roles/" + role + "/"))
                .allMatch(l -> l.contains("classpath:roles/"));
        assertThat(fromFolder).allMatch(l -> l.contains(" roles/"));
        assertThat(fromFolder).isEqualTo(fromClasspath.stream().map(l -> l.replace("classpath:", "")).toList());
    }

    /** Every task and handler of a play with where it was read from, in order. */
    private static List<String> shape(Play play) {
        List<String> lines = new ArrayList<>();
        collect(play.tasks(), "", lines);
        play.handlers().forEach(h -> lines.add("handler " + h.name() + " " + h.location()));
        return lines;
    }

    private static void collect(List<TaskNode> nodes, String indent, List<String> lines) {
        for (TaskNode node : nodes) {
            if (node instanceof Block b) {
                collect(b.tasks(), indent + "  ", lines);
            } else {
                lines.add(indent + node.getClass().getSimpleName() + " " + node.name() + " " + node.location());
            }
        }
    }

    /** The classpath folder (target/classes in this module's tests). */
    private Path classpathFolder(String name) throws URISyntaxException {
        URL url = getClass().getClassLoader().getResource(name);
        assertThat(url).as("classpath " + name).isNotNull();
        assertThat(url.getProtocol()).isEqualTo("file");
        return Path.of(url.toURI());
    }

    private static Set<String> files(Path folder) throws IOException {
        try (Stream<Path> walk = Files.walk(folder)) {
            Set<String> out = new TreeSet<>();
            walk.filter(Files::isRegularFile).forEach(f -> out.add(folder.relativize(f).toString()));
            return out;
        }
    }

    private static List<String> names(Path folder, java.util.function.Predicate<Path> filter) throws IOException {
        try (Stream<Path> children = Files.list(folder)) {
            return children.filter(filter).map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
