package dev.rigger.core.loader;

import dev.rigger.core.error.InputException;
import dev.rigger.core.internal.text.NearNames;
import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.executor.Attributes;
import dev.rigger.core.render.TemplatedString;
import dev.rigger.core.internal.yaml.YamlMapping;
import dev.rigger.core.internal.yaml.YamlNode;
import dev.rigger.core.internal.yaml.YamlScalar;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An entry of a play's {@code roles:} or of a role's {@code dependencies:}: a name, or a mapping
 * with {@code role:} (or {@code name:}), the inherited keywords, and role parameters — any other
 * key, which becomes a variable of the role's tasks.
 */
record RoleReference(String name, SourceLocation at, Attributes attributes) {

    static RoleReference parse(YamlNode entry, Symbols symbols) {
        if (entry instanceof YamlScalar scalar) return new RoleReference(literalName(scalar), scalar.location(), Attributes.NONE);
        YamlMapping m = entry.asMapping();
        if (m.has("role") && m.has("name")) {
            throw new InputException(m.keyLocation("name").orElseThrow(), "a role entry takes 'role' or 'name', not both");
        }
        YamlScalar name = m.require(m.has("name") ? "name" : "role").asScalar();
        Attributes attributes = Keywords.attributes(m, symbols);
        Map<String, Object> params = new LinkedHashMap<>();
        for (YamlMapping.Entry e : m.entries()) {
            if (e.key().equals("role") || e.key().equals("name") || Keywords.INHERITED.contains(e.key())) continue;
            // Any key is a parameter, so a misspelt keyword would silently become one: refuse near misses.
            Optional<String> keyword = NearNames.closest(e.key(), Keywords.INHERITED);
            if (keyword.isPresent()) {
                throw new InputException(e.keyLocation(), "unknown key '" + e.key() + "' in role entry; role parameters that look like"
                        + " keywords must go under vars:", keyword.get());
            }
            params.put(e.key(), e.value());
        }
        if (!params.isEmpty()) {
            YamlMapping asVars = new YamlMapping(m.entries().stream().filter(e -> params.containsKey(e.key())).toList(), m.location());
            attributes = attributes.withVars(Keywords.vars(asVars, symbols));
        }
        return new RoleReference(literalName(name), name.location(), attributes);
    }

    private static String literalName(YamlScalar name) {
        if (name.isNull()) throw new InputException(name.location(), "expected a role name, got null");
        if (TemplatedString.isTemplated(name.text())) {
            throw new InputException(name.location(), "role names in roles: and dependencies: must be literal; use include_role for a templated one");
        }
        return name.text();
    }
}
