package dev.rigger.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The CLI never shows a stack trace for bad input: {@code rigger play --syntax-check} on an edited
 * copy of a valid playbook exits 0 or 2, and standard error holds messages, not Java. (The parsers
 * behind it are fuzzed far harder in core's dev.rigger.core.fuzz tests; this checks the last step,
 * from an exception to what the user sees.)
 */
class HostileCliTest {
    private static final Path PROJECT = copy(Path.of(Cli.DIR));
    private static final String SEED = read(PROJECT.resolve("site.yml"));
    private static final List<String> FRAGMENTS = List.of("'", "\"", "{{", "}}", "{%", "[", "]", "{", "}", ": ", "- ",
            "\t", "\u0000", "&a ", "*a", "<<: *a", "!!binary ", "!vault ", "| default(", "99999999999999999999",
            "(".repeat(500), "{% if x %}".repeat(300), "host[1:999999999]", "\ud83d\ude00", "\n  ", "\n- ", "#");

    @Property(tries = 300, seed = "20261130")
    void badPlaybooksGiveExitCode2AndNoStackTrace(@ForAll("playbooks") String playbook) throws IOException {
        Path file = Files.write(PROJECT.resolve("fuzzed.yml"), playbook.getBytes(StandardCharsets.UTF_8));
        Cli run = Cli.riggerWith(Map.of(), "", "play", file.toString(), "-i", PROJECT.resolve("inventory/refused.yml").toString(),
                "--syntax-check");
        assertThat(run.exitCode()).as("exit code, stderr: %s", run.err()).isIn(0, 2);
        assertThat(run.err()).doesNotContain("Exception").doesNotContain("at dev.rigger").doesNotContain("at java.");
        if (run.exitCode() == 2) assertThat(run.err()).contains("error: ");
    }

    /** The sample site with one to three fragments inserted at places measured as fractions of it. */
    @Provide
    Arbitrary<String> playbooks() {
        Arbitrary<int[]> insertion = Combinators.combine(Arbitraries.integers().between(0, SEED.length()),
                Arbitraries.integers().between(0, FRAGMENTS.size() - 1)).as((at, what) -> new int[] {at, what});
        return insertion.list().ofMinSize(1).ofMaxSize(3).map(list -> {
            StringBuilder text = new StringBuilder(SEED);
            for (int[] i : list) text.insert(Math.min(i[0], text.length()), FRAGMENTS.get(i[1]));
            return text.toString();
        });
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A copy under target/, so the fuzzed playbook sits next to the roles it names without touching the sources. */
    private static Path copy(Path from) {
        try {
            Path to = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "cli-fuzz-");
            try (Stream<Path> all = Files.walk(from)) {
                for (Path p : (Iterable<Path>) all::iterator) {
                    Path target = to.resolve(from.relativize(p).toString());
                    if (Files.isDirectory(p)) Files.createDirectories(target);
                    else Files.copy(p, target);
                }
            }
            return to;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
