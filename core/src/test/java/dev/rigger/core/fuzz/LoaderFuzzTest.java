package dev.rigger.core.fuzz;

import dev.rigger.core.inventory.Inventory;
import dev.rigger.core.inventory.InventoryLoader;
import dev.rigger.core.loader.LoadedPlaybook;
import dev.rigger.core.loader.LoaderOptions;
import dev.rigger.core.loader.PlaybookLoader;
import dev.rigger.core.loader.Preflight;
import dev.rigger.core.module.ModuleRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Hostile playbooks, roles, vars files and inventories (YAML, INI, a folder with group_vars and
 * host_vars): one file of a valid project is edited, then the project is loaded as the runner
 * loads it (playbook load then preflight; inventory load). Each case either loads or throws an
 * InputException with a location, within a time limit.
 */
class LoaderFuzzTest {
    private static final Path RESOURCES = Path.of("src/test/resources");
    private static final ModuleRegistry MODULES = ModuleRegistry.load(LoaderFuzzTest.class.getClassLoader());
    private static final Inventory HOSTS = Inventory.builder()
            .group("web", Map.of("http_port", 80), "web1", "web2")
            .group("db", Map.of("pg_port", 5432), "db1")
            .build();

    /** Files of the loader's sample site, all of which the load of site.yml reads. */
    private static final List<String> SITE_FILES = List.of("site.yml", "tasks/included.yml", "tasks/imported.yml",
            "vars/extra.yml", "roles/web/tasks/main.yml", "roles/web/handlers/main.yml", "roles/web/vars/main.yml",
            "roles/web/defaults/main.yml", "roles/web/meta/main.yml", "roles/web/templates/site.conf.mustache",
            "roles/common/tasks/main.yml");
    /** Inventory files and the source to load for each (a file, or the folder holding it). */
    private static final List<String> INVENTORY_FILES = List.of("yaml/hosts.yml", "ini/hosts", "dir/01-hosts.yml",
            "dir/02-groups", "dir/sub/03-more.ini", "dir/group_vars/all.yml", "dir/group_vars/db.json",
            "dir/group_vars/web/10-base.yml", "dir/host_vars/web1.yml");

    private static final Path SITE = copy(RESOURCES.resolve("loader/site"));
    private static final Path INVENTORIES = copy(RESOURCES.resolve("inventories"));

    @Property(tries = 10_000, seed = FuzzSeed.SEED)
    void playbooksRolesAndVarsLoadOrFailLocated(@ForAll("site") Mutations.Mutant mutant) {
        Path file = SITE.resolve(SITE_FILES.get(mutant.seed()));
        withContent(file, mutant.text(), () -> Bounded.check(mutant.text(), () -> {
            LoadedPlaybook playbook = new PlaybookLoader(MODULES, LoaderOptions.builder().displayRoot(SITE).build())
                    .load(SITE.resolve("site.yml"));
            Preflight.check(playbook, HOSTS, Map.of()).forEach(Bounded::assertLocated);
        }));
    }

    @Property(tries = 10_000, seed = FuzzSeed.SEED)
    void inventoriesLoadOrFailLocated(@ForAll("inventories") Mutations.Mutant mutant) {
        String name = INVENTORY_FILES.get(mutant.seed());
        Path file = INVENTORIES.resolve(name);
        Path source = name.startsWith("dir/") ? INVENTORIES.resolve("dir") : file;
        withContent(file, mutant.text(), () -> Bounded.check(mutant.text(), () -> InventoryLoader.load(source)));
    }

    @Provide
    Arbitrary<Mutations.Mutant> site() {
        return Mutations.mutants(read(SITE, SITE_FILES));
    }

    @Provide
    Arbitrary<Mutations.Mutant> inventories() {
        return Mutations.mutants(read(INVENTORIES, INVENTORY_FILES));
    }

    /** Runs {@code body} with {@code file} holding {@code text}, then puts the original back for the next case. */
    private static void withContent(Path file, String text, Runnable body) {
        try {
            byte[] original = Files.readAllBytes(file);
            Files.write(file, text.getBytes(StandardCharsets.UTF_8)); // a lone surrogate becomes "?"
            try {
                body.run();
            } finally {
                Files.write(file, original);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> read(Path dir, List<String> files) {
        List<String> texts = new ArrayList<>();
        for (String f : files) {
            try {
                texts.add(Files.readString(dir.resolve(f)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return texts;
    }

    /** A private copy under target/, so the edits never touch the test resources other tests read. */
    private static Path copy(Path from) {
        try {
            Path to = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "fuzz-").toAbsolutePath();
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
