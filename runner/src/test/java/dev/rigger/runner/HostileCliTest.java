package dev.rigger.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rigger.core.testsupport.ScratchProject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
    private static final ScratchProject PROJECT = ScratchProject.copyOf(Path.of(Cli.DIR));
    private static final String SEED = PROJECT.read("site.yml");
    private static final List<String> FRAGMENTS = List.of("'", "\"", "{{", "}}", "{%", "[", "]", "{", "}", ": ", "- ",
            "\t", "\u0000", "&a ", "*a", "<<: *a", "!!binary ", "!vault ", "| default(", "99999999999999999999",
            "(".repeat(500), "{% if x %}".repeat(300), "host[1:999999999]", "\ud83d\ude00", "\n  ", "\n- ", "#");

    @Property(tries = 300, seed = "20261130")
    void badPlaybooksGiveExitCode2AndNoStackTrace(@ForAll("playbooks") String playbook) {
        Path file = PROJECT.write("fuzzed.yml", playbook);
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
}
