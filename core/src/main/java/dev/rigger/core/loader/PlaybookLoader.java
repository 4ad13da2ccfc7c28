package dev.rigger.core.loader;

import dev.rigger.core.error.InputException;
import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.executor.Play;
import dev.rigger.core.executor.Playbook;
import dev.rigger.core.module.ModuleRegistry;
import dev.rigger.core.internal.yaml.YamlMapping;
import dev.rigger.core.internal.yaml.YamlNode;
import dev.rigger.core.internal.yaml.YamlScalar;
import dev.rigger.core.internal.yaml.YamlSequence;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads a YAML playbook, with its roles, imported playbooks and task files, into the executor's
 * model. Every mistake that can be seen without a host is an {@link InputException} with
 * {@code file:line:col} here, before anything runs.
 *
 * <pre>{@code
 * LoadedPlaybook site = new PlaybookLoader(ModuleRegistry.load(), LoaderOptions.defaults()).load(Path.of("site.yml"));
 * List<InputException> problems = Preflight.check(site, inventory, extraVars);
 * RunResult result = PlaybookRun.of(site.playbook()).inventory(inventory)...execute();
 * }</pre>
 *
 * A loader caches the roles it loaded; use one per playbook load, or reuse it for playbooks that
 * share roles.
 */
public final class PlaybookLoader {
    private final LoaderOptions options;
    private final PlayLoader plays;

    public PlaybookLoader(ModuleRegistry modules, LoaderOptions options) {
        this.options = options;
        this.plays = new PlayLoader(new RoleLoader(modules, options));
    }

    public LoadedPlaybook load(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        Folder folder = new Folder.Disk(absolute.getParent(), options.displayRoot());
        List<Play> loaded = new ArrayList<>();
        List<Symbols> symbols = new ArrayList<>();
        String name = absolute.getFileName().toString();
        load(folder, name, SourceLocation.unknown(file.toString()), List.of(), loaded, symbols);
        return new LoadedPlaybook(new Playbook(name, absolute.getParent(), loaded), symbols);
    }

    /**
     * Loads a playbook that a program wrote rather than a file (such as {@code rigger apply}'s), as
     * if it were in {@code dir}: roles are looked for in {@code dir/roles}, then the roles paths.
     *
     * @param origin how messages name the text, in place of a file name
     */
    public LoadedPlaybook load(String origin, String yaml, Path dir) {
        Path absolute = dir.toAbsolutePath().normalize();
        List<Play> loaded = new ArrayList<>();
        List<Symbols> symbols = new ArrayList<>();
        loadPlays(new Folder.Disk(absolute, options.displayRoot()), new Folder.SourceText(origin, yaml), List.of(), loaded, symbols);
        return new LoadedPlaybook(new Playbook(origin, absolute, loaded), symbols);
    }

    /** Loads the plays of {@code name} in {@code folder}, following import_playbook; {@code chain} holds the files being loaded. */
    private void load(Folder folder, String name, SourceLocation at, List<String> chain, List<Play> out, List<Symbols> symbols) {
        Folder.SourceText source = folder.read(name)
                .orElseThrow(() -> new InputException(at, "playbook '" + name + "' not found; " + Folder.lookedFor(List.of(folder), name)));
        if (chain.contains(source.origin())) {
            List<String> loop = new ArrayList<>(chain.subList(chain.indexOf(source.origin()), chain.size()));
            loop.add(source.origin());
            throw new InputException(at, "import_playbook loop: " + String.join(" -> ", loop));
        }
        loadPlays(folder, source, chain, out, symbols);
    }

    private void loadPlays(Folder folder, Folder.SourceText source, List<String> chain, List<Play> out, List<Symbols> symbols) {
        List<String> inner = new ArrayList<>(chain);
        inner.add(source.origin());
        YamlNode document = Folder.parse(source)
                .orElseThrow(() -> new InputException(SourceLocation.unknown(source.origin()), "the playbook is empty"));
        if (!(document instanceof YamlSequence entries)) {
            throw new InputException(document.location(), "expected a list of plays ('- hosts: ...'), got " + document.describe());
        }
        for (YamlNode entry : entries) {
            YamlMapping m = entry.asMapping();
            // Ansible's old 'include:' at the top of a playbook is what import_playbook is now.
            String keyword = m.has("include") && !m.has("hosts") ? "include" : "import_playbook";
            if (m.has(keyword)) {
                m.requireKnownKeys(List.of(keyword, "name"), keyword);
                YamlScalar file = m.require(keyword).asScalar();
                int slash = file.text().lastIndexOf('/');
                Folder target = slash < 0 ? folder : folder.resolve(file.text().substring(0, slash));
                load(target, file.text().substring(slash + 1), file.location(), inner, out, symbols);
            } else {
                Unit unit = new Unit();
                out.add(plays.load(m, folder, unit));
                symbols.add(unit.symbols);
            }
        }
    }
}
