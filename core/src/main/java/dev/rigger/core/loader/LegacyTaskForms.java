package dev.rigger.core.loader;

import dev.rigger.core.error.InputException;
import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.internal.yaml.YamlMapping;
import dev.rigger.core.internal.yaml.YamlNode;
import dev.rigger.core.internal.yaml.YamlScalar;
import java.util.ArrayList;
import java.util.List;

/**
 * Rewrites Ansible's older task forms into the ones the loader reads, keeping every location:
 * <ul>
 *   <li>{@code action: copy src=a dest=b} (or {@code action: {module: copy, src: a}}) is {@code copy: src=a dest=b};</li>
 *   <li>{@code local_action: ...} is the same plus {@code delegate_to: localhost};</li>
 *   <li>{@code include: file.yml a=1} in a task list is {@code include_tasks: file.yml} with {@code vars: {a: 1}},
 *       the dynamic include Ansible made of it.</li>
 * </ul>
 */
final class LegacyTaskForms {
    private LegacyTaskForms() {}

    static YamlMapping normalize(YamlMapping m) {
        if (m.has("action") && m.has("local_action")) {
            throw new InputException(m.keyLocation("local_action").orElseThrow(), "a task has either action or local_action, not both");
        }
        if (m.has("action")) return action(m, "action");
        if (m.has("local_action")) return action(m, "local_action");
        if (m.has("include") && !m.has("include_tasks")) return include(m);
        return m;
    }

    private static YamlMapping action(YamlMapping m, String keyword) {
        YamlNode spec = m.require(keyword);
        String module;
        YamlNode args;
        SourceLocation moduleAt;
        if (spec instanceof YamlMapping options) {
            YamlScalar name = options.require("module").asScalar();
            module = name.text();
            moduleAt = name.location();
            List<YamlMapping.Entry> rest = new ArrayList<>(options.entries());
            rest.removeIf(e -> e.key().equals("module"));
            args = new YamlMapping(rest, options.location());
        } else {
            YamlScalar line = spec.asScalar();
            String text = line.text().stripLeading();
            int lead = line.text().length() - text.length();
            int space = indexOfSpace(text);
            module = space < 0 ? text : text.substring(0, space);
            moduleAt = line.location();
            if (module.isEmpty()) throw new InputException(line.location(), keyword + " needs a module, e.g. '" + keyword + ": command uptime'");
            String rest = space < 0 ? "" : text.substring(space).stripLeading();
            int restAt = lead + text.length() - rest.length();
            SourceLocation at = line.plain()
                    ? new SourceLocation(line.location().file(), line.location().line(), line.location().column() + restAt)
                    : line.location();
            args = new YamlScalar(rest, line.style(), "tag:yaml.org,2002:str", at);
        }
        List<YamlMapping.Entry> entries = new ArrayList<>();
        for (YamlMapping.Entry e : m.entries()) {
            if (e.key().equals(keyword)) {
                entries.add(new YamlMapping.Entry(module, moduleAt, args));
            } else {
                entries.add(e);
            }
        }
        if (keyword.equals("local_action")) {
            if (m.has("delegate_to")) {
                throw new InputException(m.keyLocation("delegate_to").orElseThrow(), "local_action already runs on localhost; remove delegate_to");
            }
            SourceLocation at = m.keyLocation(keyword).orElseThrow();
            entries.add(new YamlMapping.Entry("delegate_to", at, new YamlScalar("localhost", YamlScalar.Style.PLAIN, null, at)));
        }
        return new YamlMapping(entries, m.location());
    }

    /** {@code include: file.yml a=1 b="x y"}: the file, then parameters that become the include's vars. */
    private static YamlMapping include(YamlMapping m) {
        YamlScalar spec = m.require("include").asScalar();
        List<String> words = FreeFormArgs.words(spec.text(), i -> spec.location());
        if (words.isEmpty()) throw new InputException(spec.location(), "include needs a file name");
        List<YamlMapping.Entry> vars = new ArrayList<>();
        for (String word : words.subList(1, words.size())) {
            int eq = word.indexOf('=');
            if (eq <= 0) throw new InputException(spec.location(), "include: expected name=value after the file name, got '" + word + "'");
            vars.add(new YamlMapping.Entry(word.substring(0, eq), spec.location(),
                    new YamlScalar(word.substring(eq + 1), YamlScalar.Style.PLAIN, null, spec.location())));
        }
        List<YamlMapping.Entry> entries = new ArrayList<>();
        for (YamlMapping.Entry e : m.entries()) {
            if (e.key().equals("include")) {
                entries.add(new YamlMapping.Entry("include_tasks", e.keyLocation(),
                        new YamlScalar(words.get(0), YamlScalar.Style.PLAIN, null, spec.location())));
            } else if (e.key().equals("vars") && !vars.isEmpty()) {
                vars.addAll(0, e.value().asMapping().entries());
            } else {
                entries.add(e);
            }
        }
        if (!vars.isEmpty()) entries.add(new YamlMapping.Entry("vars", spec.location(), new YamlMapping(vars, spec.location())));
        return new YamlMapping(entries, m.location());
    }

    private static int indexOfSpace(String text) {
        for (int i = 0; i < text.length(); i++) if (Character.isWhitespace(text.charAt(i))) return i;
        return -1;
    }
}
