package dev.rigger.modules.corpus;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rigger.core.error.InputException;
import dev.rigger.core.inventory.Inventory;
import dev.rigger.core.inventory.InventoryLoader;
import dev.rigger.core.loader.LoadedPlaybook;
import dev.rigger.core.loader.LoaderOptions;
import dev.rigger.core.loader.PlaybookLoader;
import dev.rigger.core.loader.Preflight;
import dev.rigger.core.module.ModuleRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Runs what {@code rigger play --syntax-check} runs (load, then preflight) over the playbooks in
 * src/test/resources/ansible-corpus, written the way public Ansible examples are written, and
 * prints the load rate with the first error of each file, grouped by cause. A playbook whose
 * first line says {@code # expect-refusal: TEXT} must be refused with a message holding TEXT
 * (Ansible accepts it but means something Rigger will not guess, such as {@code mode: 755}).
 *
 * <p>The rate must not drop below {@link #MINIMUM_RATE}: raise it as constructs are added.
 */
class AnsibleCorpusTest {
    private static final Path CORPUS = Path.of("src/test/resources/ansible-corpus");
    /** Percent of the corpus (expected refusals aside) that must load. */
    private static final int MINIMUM_RATE = 90;
    private static final Pattern REFUSAL = Pattern.compile("^# expect-refusal: (.+)$", Pattern.MULTILINE);

    @Test
    void corpusLoads() throws IOException {
        ModuleRegistry modules = ModuleRegistry.load(getClass().getClassLoader());
        PlaybookLoader loader = new PlaybookLoader(modules, LoaderOptions.builder().displayRoot(CORPUS).build());
        Inventory inventory = InventoryLoader.load(CORPUS.resolve("hosts"));
        List<Path> playbooks;
        try (Stream<Path> files = Files.list(CORPUS)) {
            playbooks = files.filter(p -> p.getFileName().toString().matches("\\d+-.*\\.yml")).sorted().toList();
        }
        int loaded = 0;
        int counted = 0;
        Map<String, List<String>> byCause = new TreeMap<>();
        List<String> wrongRefusals = new ArrayList<>();
        for (Path playbook : playbooks) {
            Matcher refusal = REFUSAL.matcher(Files.readString(playbook));
            String error = firstError(loader, playbook, inventory);
            if (refusal.find()) {
                if (error == null || !error.contains(refusal.group(1).strip())) {
                    wrongRefusals.add(playbook.getFileName() + ": expected a refusal naming '" + refusal.group(1).strip() + "', got " + error);
                }
                continue;
            }
            counted++;
            if (error == null) {
                loaded++;
            } else {
                byCause.computeIfAbsent(cause(error), k -> new ArrayList<>()).add(error);
            }
        }
        int rate = counted == 0 ? 0 : loaded * 100 / counted;
        System.out.printf("ansible corpus: %d of %d playbooks load (%d %%)%n", loaded, counted, rate);
        byCause.forEach((cause, errors) -> {
            System.out.printf("  %2d  %s%n", errors.size(), cause);
            errors.forEach(e -> System.out.println("        " + e));
        });
        assertTrue(wrongRefusals.isEmpty(), String.join("\n", wrongRefusals));
        assertTrue(rate >= MINIMUM_RATE, "load rate " + rate + " % is below " + MINIMUM_RATE + " %");
    }

    /** The runner's syntax check: the load error, or else the first preflight problem; null when clean. */
    private static String firstError(PlaybookLoader loader, Path playbook, Inventory inventory) {
        try {
            LoadedPlaybook loaded = loader.load(playbook);
            List<InputException> problems = Preflight.check(loaded, inventory, Map.of());
            return problems.isEmpty() ? null : problems.get(0).oneLine();
        } catch (InputException e) {
            return e.oneLine();
        }
    }

    /** The error without its location and the expression's text, so that alike errors group. */
    private static String cause(String error) {
        String problem = error.replaceFirst("^\\S+:\\d+(:\\d+)?: ", "");
        return problem.replaceFirst("^bad expression '.*?': ", "expression: ").replaceFirst(" \\(did you mean.*$", "");
    }
}
