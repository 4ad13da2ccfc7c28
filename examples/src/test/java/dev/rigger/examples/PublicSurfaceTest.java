package dev.rigger.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Modifier;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Guards the public surface of the published artifacts (core, modules, testing, runner), read from
 * the class path as a consumer sees it: which packages carry public classes (docs/embedding.md lists
 * them; {@code internal} packages are not API), that helpers meant to stay inside their package are
 * not public, and that no public class shares its simple name with another Rigger class or with
 * {@code java.lang}/{@code java.io} (a clash makes every user write a qualified name).
 */
class PublicSurfaceTest {

    /** The API packages; a new one is a decision to document in docs/embedding.md, then add here. */
    private static final Set<String> API_PACKAGES = Set.of(
            "dev.rigger.core.error", "dev.rigger.core.executor", "dev.rigger.core.expr", "dev.rigger.core.facts",
            "dev.rigger.core.inventory", "dev.rigger.core.loader", "dev.rigger.core.module", "dev.rigger.core.render",
            "dev.rigger.core.report", "dev.rigger.core.secret", "dev.rigger.core.template", "dev.rigger.core.transport",
            "dev.rigger.core.vault",
            "dev.rigger.modules.apt", "dev.rigger.modules.builtin", "dev.rigger.modules.command", "dev.rigger.modules.files",
            "dev.rigger.modules.postgresql", "dev.rigger.modules.redis", "dev.rigger.modules.storage", "dev.rigger.modules.system",
            "dev.rigger.testing", "dev.rigger.runner");

    /** Helpers used only inside their package: public would make them look like API. */
    private static final Set<String> PACKAGE_PRIVATE = Set.of(
            "dev.rigger.core.transport.RemoteShell", "dev.rigger.core.transport.SshConnection",
            "dev.rigger.core.transport.SshLink", "dev.rigger.core.transport.JumpProxy",
            "dev.rigger.core.transport.KnownHostsFile", "dev.rigger.core.transport.HandshakeGate",
            "dev.rigger.core.executor.PlayExecution", "dev.rigger.core.executor.TaskExecution",
            "dev.rigger.core.executor.RunContext", "dev.rigger.core.executor.HostState",
            "dev.rigger.core.expr.Loops", "dev.rigger.modules.postgresql.Psql",
            "dev.rigger.testing.LabImage", "dev.rigger.testing.LabKeys", "dev.rigger.testing.LabNetwork");

    /**
     * Names that stay although the JDK has them, with the reason. {@code Module} is the module
     * contract every module implements (java.lang.Module is the JPMS module, which Rigger's users
     * do not meet); {@code Serial} is a play's batch sizes (java.io.Serial an annotation for
     * serialization fields).
     */
    private static final Set<String> JDK_NAMES_ALLOWED = Set.of("Module", "Serial");

    private static final List<Class<?>> CLASSES = new ArrayList<>();

    @BeforeAll
    static void scan() throws IOException {
        ClassLoader loader = PublicSurfaceTest.class.getClassLoader();
        Enumeration<URL> roots = loader.getResources("dev/rigger");
        Set<String> names = new TreeSet<>();
        while (roots.hasMoreElements()) names.addAll(classNames(roots.nextElement()));
        for (String name : names) {
            if (name.startsWith("dev.rigger.examples.") || name.contains("$")) continue;
            try {
                CLASSES.add(Class.forName(name, false, loader));
            } catch (ClassNotFoundException | LinkageError e) {
                throw new AssertionError("cannot load " + name + " from the class path", e);
            }
        }
        // Not vacuous: every published artifact was found.
        assertThat(CLASSES).extracting(Class::getName).contains("dev.rigger.core.executor.PlaybookRun",
                "dev.rigger.modules.files.CopyFile", "dev.rigger.testing.LabHosts", "dev.rigger.runner.Main");
        assertThat(CLASSES).hasSizeGreaterThan(150);
    }

    @Test
    void apiPackagesAreTheDocumentedOnes() {
        Set<String> published = publicClasses().stream().map(Class::getPackageName)
                .filter(p -> !isInternal(p)).collect(Collectors.toCollection(TreeSet::new));
        assertThat(published).as("packages with public classes outside '.internal'").isEqualTo(new TreeSet<>(API_PACKAGES));
    }

    @Test
    void packageHelpersAreNotPublic() {
        Set<String> found = CLASSES.stream().map(Class::getName).collect(Collectors.toSet());
        assertThat(found).as("the helpers are still there (else this list is stale)").containsAll(PACKAGE_PRIVATE);
        assertThat(publicClasses()).extracting(Class::getName).doesNotContainAnyElementsOf(PACKAGE_PRIVATE);
        assertThat(found).as("the old internal packages are gone")
                .noneMatch(n -> n.startsWith("dev.rigger.core.yaml.") || n.startsWith("dev.rigger.core.text."));
    }

    @Test
    void noPublicClassSharesItsNameWithAnotherRiggerClass() {
        Map<String, List<String>> bySimpleName = new TreeMap<>();
        for (Class<?> c : publicClasses()) bySimpleName.computeIfAbsent(c.getSimpleName(), k -> new ArrayList<>()).add(c.getName());
        assertThat(bySimpleName.entrySet().stream().filter(e -> e.getValue().size() > 1).map(Map.Entry::getValue))
                .as("public classes with the same simple name").isEmpty();
    }

    @Test
    void noApiClassSharesItsNameWithJavaLangOrJavaIo() {
        List<String> clashes = new ArrayList<>();
        for (Class<?> c : publicClasses()) {
            if (isInternal(c.getPackageName()) || JDK_NAMES_ALLOWED.contains(c.getSimpleName())) continue;
            for (String jdk : List.of("java.lang.", "java.io.")) {
                if (jdkPublicClass(jdk + c.getSimpleName())) clashes.add(c.getName() + " vs " + jdk + c.getSimpleName());
            }
        }
        assertThat(clashes).isEmpty();
        assertThat(jdkPublicClass("java.io.File")).as("the JDK lookup works").isTrue();
    }

    private static List<Class<?>> publicClasses() {
        return CLASSES.stream().filter(c -> Modifier.isPublic(c.getModifiers())).toList();
    }

    private static boolean isInternal(String pkg) {
        return pkg.contains(".internal");
    }

    private static boolean jdkPublicClass(String name) {
        try {
            return Modifier.isPublic(Class.forName(name, false, ClassLoader.getPlatformClassLoader()).getModifiers());
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** Class names under a {@code dev/rigger} root, from a folder (target/classes) or a jar. */
    private static Set<String> classNames(URL root) throws IOException {
        if (root.getProtocol().equals("jar")) {
            JarURLConnection connection = (JarURLConnection) root.openConnection();
            connection.setUseCaches(false);
            try (JarFile jar = connection.getJarFile()) {
                return jar.stream().map(e -> e.getName()).filter(n -> n.startsWith("dev/rigger/") && n.endsWith(".class"))
                        .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.')).collect(Collectors.toSet());
            }
        }
        Path dir;
        try {
            dir = Path.of(root.toURI());
        } catch (URISyntaxException e) {
            throw new IOException(root + " is not a folder", e);
        }
        Path base = dir.getParent().getParent();
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.toString().endsWith(".class")).map(p -> base.relativize(p).toString())
                    .map(n -> n.substring(0, n.length() - ".class".length()).replace(java.io.File.separatorChar, '.'))
                    .collect(Collectors.toSet());
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
