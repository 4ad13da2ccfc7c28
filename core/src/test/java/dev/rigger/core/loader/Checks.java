package dev.rigger.core.loader;

import dev.rigger.core.error.InputException;
import dev.rigger.core.inventory.Inventory;
import dev.rigger.core.module.ModuleRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** What the runner does before running anything: load, then preflight. Tests use it as the oracle. */
final class Checks {
    static final Path BAD = Path.of("src/test/resources/bad");
    static final Inventory INVENTORY = Inventory.builder()
            .group("web", Map.of("http_port", 80), "web1", "web2")
            .group("db", Map.of("pg_port", 5432), "db1")
            .build();

    private Checks() {}

    static LoadedPlaybook load(Path playbook) {
        ModuleRegistry modules = ModuleRegistry.load(Checks.class.getClassLoader());
        return new PlaybookLoader(modules, LoaderOptions.builder().displayRoot(BAD).build()).load(playbook);
    }

    /** The problems of a playbook in {@code bad/}: the load error, or else what the preflight finds. */
    static List<String> problems(String file) {
        LoadedPlaybook playbook;
        try {
            playbook = load(BAD.resolve(file));
        } catch (InputException e) {
            return List.of(e.oneLine());
        }
        return Preflight.check(playbook, INVENTORY, Map.of()).stream().map(InputException::oneLine).toList();
    }
}
