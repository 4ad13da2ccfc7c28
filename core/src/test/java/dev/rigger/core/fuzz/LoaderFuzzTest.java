package dev.rigger.core.fuzz;

import dev.rigger.core.inventory.Inventory;
import dev.rigger.core.inventory.InventoryLoader;
import dev.rigger.core.loader.LoadedPlaybook;
import dev.rigger.core.loader.LoaderOptions;
import dev.rigger.core.loader.PlaybookLoader;
import dev.rigger.core.loader.Preflight;
import dev.rigger.core.module.ModuleRegistry;
import dev.rigger.core.testsupport.ScratchProject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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

    private static final ScratchProject SITE = ScratchProject.copyOf(RESOURCES.resolve("loader/site"));
    private static final ScratchProject INVENTORIES = ScratchProject.copyOf(RESOURCES.resolve("inventories"));

    @Property(tries = 10_000, seed = FuzzSeed.SEED)
    void playbooksRolesAndVarsLoadOrFailLocated(@ForAll("site") Mutations.Mutant mutant) {
        SITE.withContent(SITE_FILES.get(mutant.seed()), mutant.text(), () -> Bounded.check(mutant.text(), () -> {
            LoadedPlaybook playbook = new PlaybookLoader(MODULES, LoaderOptions.builder().displayRoot(SITE.root()).build())
                    .load(SITE.resolve("site.yml"));
            Preflight.check(playbook, HOSTS, Map.of()).forEach(Bounded::assertLocated);
        }));
    }

    @Property(tries = 10_000, seed = FuzzSeed.SEED)
    void inventoriesLoadOrFailLocated(@ForAll("inventories") Mutations.Mutant mutant) {
        String name = INVENTORY_FILES.get(mutant.seed());
        Path source = INVENTORIES.resolve(name.startsWith("dir/") ? "dir" : name);
        INVENTORIES.withContent(name, mutant.text(), () -> Bounded.check(mutant.text(), () -> InventoryLoader.load(source)));
    }

    @Provide
    Arbitrary<Mutations.Mutant> site() {
        return Mutations.mutants(SITE.read(SITE_FILES));
    }

    @Provide
    Arbitrary<Mutations.Mutant> inventories() {
        return Mutations.mutants(INVENTORIES.read(INVENTORY_FILES));
    }
}
