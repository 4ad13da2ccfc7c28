package dev.rigger.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README and docs/ name only what exists: every relative link, every repository path (a word
 * starting with a top-level folder: {@code roles/haproxy}, {@code ./scripts/test}, ...) in code
 * spans and code blocks, and every test class ({@code *IT}, {@code *Test}, {@code class X}) is
 * there. Paths standing for the reader's own files are listed in {@link #EXAMPLES}; build output
 * ({@code target/}) and placeholders ({@code roles/NAME}, {@code <name>}) are not checked.
 */
class DocsTest {
    /** Surefire runs in the runner module's folder. */
    private static final Path TOP = Path.of("..").toAbsolutePath().normalize();
    private static final Set<String> TOP_LEVEL = Set.of("core", "modules", "roles", "runner", "testing", "inventories",
            "examples", "docs", "scripts", ".ci", "rigger", "pom.xml", "README.md");

    /** The reader's own files in command examples, not files of this repository. */
    private static final Set<String> EXAMPLES = Set.of("inventories/prod", "inventories/prod/hosts.yml", "MyClusterIT");

    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
    private static final Pattern FENCE = Pattern.compile("(?ms)^```[^\\n]*\\n(.*?)^```");
    private static final Pattern SPAN = Pattern.compile("`([^`\\n]+)`");
    private static final Pattern CLASS_DECLARATION = Pattern.compile("\\bclass (\\w+)");
    private static final Pattern TEST_CLASS = Pattern.compile("[A-Z]\\w*(?:IT|Test)");
    /** {@code <name>}, {@code *.yml}, {@code ${x}}, {@code roles/NAME/}, {@code ...}: a pattern, not a path. */
    private static final Pattern PLACEHOLDER = Pattern.compile("[<>*{}$]|\\b[A-Z]{3,}\\b|\\.\\.\\.");

    @Test
    void everyRelativeLinkPathAndTestClassTheDocsNameExists() throws IOException {
        Set<String> javaClasses = javaClasses();
        List<String> missing = new ArrayList<>();
        for (Path doc : documents()) {
            String text = Files.readString(doc);
            String where = TOP.relativize(doc).toString();
            Matcher link = LINK.matcher(text);
            while (link.find()) {
                String target = link.group(1);
                if (target.matches("(?i)(https?|mailto):.*|#.*")) continue;
                Path file = doc.getParent().resolve(target.replaceFirst("#.*", "")).normalize();
                if (!Files.exists(file)) missing.add(where + ": link " + target);
            }
            for (String word : words(text)) {
                String name = word.replaceAll("^[\"'(]+|[\"'),.;:]+$", "");
                if (TEST_CLASS.matcher(name).matches()) {
                    if (!javaClasses.contains(name) && !EXAMPLES.contains(name)) missing.add(where + ": class " + name);
                    continue;
                }
                String path = name.replaceFirst("^\\./", "").replaceFirst("(:\\d+)+$", "");
                if (!TOP_LEVEL.contains(path.split("/", -1)[0]) || PLACEHOLDER.matcher(path).find() || path.contains("target/")) continue;
                if (name.startsWith("./") || path.contains("/")) {
                    if (EXAMPLES.contains(path)) continue;
                    if (!Files.exists(TOP.resolve(path))) missing.add(where + ": path " + name);
                }
            }
        }
        assertThat(missing).as("named in the docs but not in the repository").isEmpty();
    }

    /**
     * A code block right after {@code <!-- include: PATH -->} is that file of the repository word
     * for word, so an example the docs show is one the build compiles (and a test runs).
     */
    @Test
    void includedCodeBlocksAreTheFilesTheyName() throws IOException {
        Pattern include = Pattern.compile("(?m)^<!-- include: (\\S+) -->\n```\\w*\n(.*?)^```", Pattern.DOTALL);
        int included = 0;
        for (Path doc : documents()) {
            Matcher m = include.matcher(Files.readString(doc));
            while (m.find()) {
                Path file = TOP.resolve(m.group(1));
                assertThat(file).as(TOP.relativize(doc) + " includes").exists();
                assertThat(m.group(2)).as(TOP.relativize(doc) + ": the block after the include of " + m.group(1))
                        .isEqualTo(Files.readString(file));
                included++;
            }
        }
        assertThat(included).as("docs/embedding.md includes its example").isPositive();
    }

    /** Code comments and poms point readers at docs pages: those pages exist. */
    @Test
    void everyDocsPageTheSourcesNameExists() throws IOException {
        Pattern page = Pattern.compile("docs/[\\w-]+\\.md");
        List<String> missing = new ArrayList<>();
        try (Stream<Path> files = Files.walk(TOP)) {
            for (Path f : files.filter(DocsTest::isSource).toList()) {
                Matcher m = page.matcher(Files.readString(f));
                while (m.find()) {
                    if (!Files.exists(TOP.resolve(m.group()))) missing.add(TOP.relativize(f) + ": " + m.group());
                }
            }
        }
        assertThat(missing).isEmpty();
    }

    private static boolean isSource(Path f) {
        String name = f.toString();
        return !name.contains("/target/") && !name.contains("/.git/") && name.matches(".*\\.(java|xml|md|yml|sh)$");
    }

    /** Words of code spans and of code blocks; quoted output ({@code error: ...}) names the reader's files. */
    private static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        Matcher fence = FENCE.matcher(text);
        while (fence.find()) {
            for (String line : fence.group(1).split("\n")) {
                if (line.startsWith("error:")) continue;
                words.addAll(List.of(line.replaceFirst("\\s#.*", "").trim().split("\\s+")));
                Matcher declared = CLASS_DECLARATION.matcher(line);
                while (declared.find()) words.add(declared.group(1));
            }
        }
        Matcher span = SPAN.matcher(fence.replaceAll(""));
        while (span.find()) words.addAll(List.of(span.group(1).trim().split("\\s+")));
        return words;
    }

    private static List<Path> documents() throws IOException {
        List<Path> docs = new ArrayList<>(List.of(TOP.resolve("README.md")));
        try (Stream<Path> files = Files.list(TOP.resolve("docs"))) {
            files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        return docs;
    }

    private static Set<String> javaClasses() throws IOException {
        try (Stream<Path> files = Files.walk(TOP)) {
            Set<String> names = new TreeSet<>();
            files.filter(f -> f.toString().endsWith(".java") && isSource(f))
                    .forEach(f -> names.add(f.getFileName().toString().replaceFirst("\\.java$", "")));
            return names;
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
