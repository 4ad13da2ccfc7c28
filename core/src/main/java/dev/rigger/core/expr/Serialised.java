package dev.rigger.core.expr;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rigger.core.expr.Values.ValueError;
import dev.rigger.core.secret.Secret;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;

/**
 * JSON and YAML in and out, as Ansible's {@code to_json}/{@code to_nice_json}/{@code from_json}
 * and {@code to_yaml}/{@code to_nice_yaml}/{@code from_yaml} filters give them: JSON written the
 * way Python's {@code json.dumps} writes it. Text that holds a secret's value is a secret.
 */
final class Serialised {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Serialised() {}

    static Object json(Object value, int indent, boolean sortKeys) {
        List<Secret> secrets = new ArrayList<>();
        StringBuilder out = new StringBuilder();
        writeJson(value, indent, sortKeys, 0, out, secrets);
        return secrets.isEmpty() ? out.toString() : Secret.composed(out.toString(), secrets);
    }

    private static void writeJson(Object value, int indent, boolean sortKeys, int depth, StringBuilder out, List<Secret> secrets) {
        if (value instanceof Secret s) {
            secrets.add(s);
            value = s.reveal();
        }
        if (value == null) {
            out.append("null");
        } else if (value instanceof Boolean || value instanceof Long || value instanceof Integer || value instanceof BigInteger || value instanceof BigDecimal) {
            out.append(value);
        } else if (value instanceof Number n) {
            out.append(Values.str(n));
        } else if (value instanceof Map<?, ?> m) {
            Map<?, ?> entries = sortKeys ? new TreeMap<>(stringKeys(m)) : m;
            if (entries.isEmpty()) {
                out.append("{}");
                return;
            }
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : entries.entrySet()) {
                if (!first) out.append(indent < 0 ? ", " : ",");
                first = false;
                newline(indent, depth + 1, out);
                writeString(Values.str(Values.reveal(e.getKey())), out);
                out.append(": ");
                writeJson(e.getValue(), indent, sortKeys, depth + 1, out, secrets);
            }
            newline(indent, depth, out);
            out.append('}');
        } else if (value instanceof Collection<?> c) {
            if (c.isEmpty()) {
                out.append("[]");
                return;
            }
            out.append('[');
            boolean first = true;
            for (Object item : c) {
                if (!first) out.append(indent < 0 ? ", " : ",");
                first = false;
                newline(indent, depth + 1, out);
                writeJson(item, indent, sortKeys, depth + 1, out, secrets);
            }
            newline(indent, depth, out);
            out.append(']');
        } else {
            writeString(Values.str(value), out);
        }
    }

    private static Map<String, Object> stringKeys(Map<?, ?> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(Values.str(Values.reveal(k)), v));
        return out;
    }

    private static void newline(int indent, int depth, StringBuilder out) {
        if (indent >= 0) out.append('\n').append(" ".repeat(indent * depth));
    }

    /** Python's json string: non-ASCII escaped as \\uXXXX (ensure_ascii). */
    private static void writeString(String s, StringBuilder out) {
        out.append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c > 0x7e) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
        out.append('"');
    }

    static Object fromJson(String text) {
        try {
            return normalise(JSON.readValue(text, Object.class));
        } catch (JsonProcessingException e) {
            throw new ValueError("from_json: not valid JSON (" + e.getOriginalMessage() + ")");
        }
    }

    static Object yaml(Object value, int indent, boolean block) {
        List<Secret> secrets = new ArrayList<>();
        Object plain = revealed(value, secrets);
        DumperOptions options = new DumperOptions();
        options.setIndent(Math.max(2, Math.min(9, indent)));
        options.setDefaultFlowStyle(block ? DumperOptions.FlowStyle.BLOCK : DumperOptions.FlowStyle.AUTO);
        options.setWidth(block ? 80 : 1000);
        String text = new Yaml(new Representer(options), options).dump(plain);
        return secrets.isEmpty() ? text : Secret.composed(text, secrets);
    }

    private static Object revealed(Object value, List<Secret> secrets) {
        if (value instanceof Secret s) {
            secrets.add(s);
            return s.reveal();
        }
        if (value instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(revealed(k, secrets), revealed(v, secrets)));
            return out;
        }
        if (value instanceof Collection<?> c) return c.stream().map(v -> revealed(v, secrets)).toList();
        return value;
    }

    static Object fromYaml(String text) {
        try {
            return normalise(new Yaml(new SafeConstructor(new LoaderOptions())).load(text));
        } catch (RuntimeException e) {
            throw new ValueError("from_yaml: not valid YAML");
        }
    }

    static Object fromYamlAll(String text) {
        try {
            List<Object> out = new ArrayList<>();
            for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(text)) out.add(normalise(doc));
            return out;
        } catch (RuntimeException e) {
            throw new ValueError("from_yaml_all: not valid YAML");
        }
    }

    /** Integers as Long, as the rest of the engine holds them. */
    private static Object normalise(Object value) {
        if (value instanceof Integer i) return i.longValue();
        if (value instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(normalise(k), normalise(v)));
            return out;
        }
        if (value instanceof List<?> l) return new ArrayList<>(l.stream().map(Serialised::normalise).toList());
        return value;
    }
}
