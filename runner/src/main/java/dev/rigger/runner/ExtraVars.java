package dev.rigger.runner;

import dev.rigger.core.error.InputException;
import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.internal.text.ShellWords;
import dev.rigger.core.internal.yaml.YamlNode;
import dev.rigger.core.internal.yaml.YamlReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code -e} values as ansible-playbook reads them: {@code key=value key2="two words"},
 * {@code @vars.yml} (a YAML or JSON file), or inline YAML/JSON ({@code '{"port": 5432}'}).
 * Later values override earlier ones.
 */
final class ExtraVars {
    private ExtraVars() {}

    static Map<String, Object> parse(List<String> values) {
        Map<String, Object> vars = new LinkedHashMap<>();
        for (String value : values) vars.putAll(parseOne(value));
        return vars;
    }

    private static Map<String, Object> parseOne(String value) {
        String v = value.strip();
        SourceLocation at = SourceLocation.unknown("-e " + value);
        if (v.startsWith("@")) {
            Path file = Path.of(v.substring(1));
            if (!Files.isRegularFile(file)) throw new InputException(at, "extra vars file '" + file + "' not found");
            return mapping(YamlReader.read(file), SourceLocation.unknown(file.toString()));
        }
        if (v.startsWith("{")) {
            return mapping(YamlReader.parse(v, "-e"), at);
        }
        Map<String, Object> vars = new LinkedHashMap<>();
        List<String> words;
        try {
            words = ShellWords.split(v);
        } catch (IllegalArgumentException e) {
            throw new InputException(at, e.getMessage());
        }
        for (String word : words) {
            int eq = word.indexOf('=');
            if (eq <= 0) throw new InputException(at, "extra vars take key=value, @file.yml or a YAML/JSON mapping, got '" + word + "'");
            vars.put(word.substring(0, eq), word.substring(eq + 1));
        }
        return vars;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> mapping(Optional<YamlNode> node, SourceLocation at) {
        if (node.isEmpty()) return Map.of();
        Object java = node.get().toJava();
        if (!(java instanceof Map)) throw new InputException(node.get().location(), "extra vars must be a mapping, got " + node.get().describe());
        return (Map<String, Object>) java;
    }
}
