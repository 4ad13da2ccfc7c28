package dev.rigger.core.module;

import dev.rigger.core.error.InputException;
import dev.rigger.core.internal.text.NearNames;
import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.secret.Secret;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A task's arguments for one module, with typed accessors whose errors point at the argument:
 * {@code site.yml:12:7: copy: 'mode' must be a quoted octal string like "0644" or symbolic like "u=rw,g=r", got the number 644}.
 * Values are plain Java (String, Number, Boolean, List, Map) as YAML or Java gave them.
 */
public final class Args {
    private final String module;
    private final Map<String, Object> values;
    private final Map<String, SourceLocation> locations;
    private final SourceLocation taskLocation;

    public Args(String module, Map<String, Object> values, Map<String, SourceLocation> locations, SourceLocation taskLocation) {
        this.module = module;
        this.values = values;
        this.locations = locations;
        this.taskLocation = taskLocation;
    }

    /** Arguments built in code (no file locations). */
    public static Args of(String module, Map<String, Object> values) {
        return new Args(module, values, Map.of(), SourceLocation.unknown("java"));
    }

    public String module() {
        return module;
    }

    public boolean has(String name) {
        return values.containsKey(name) && values.get(name) != null;
    }

    /** Rejects any argument not in {@code known}, suggesting the nearest known name. */
    public Args requireKnown(Collection<String> known) {
        for (String key : values.keySet()) {
            if (!known.contains(key)) {
                throw new InputException(at(key), module + ": unknown parameter '" + key + "'",
                        NearNames.closest(key, known).orElse(null));
            }
        }
        return this;
    }

    public String string(String name) {
        return optionalString(name).orElseThrow(() -> missing(name));
    }

    public String string(String name, String fallback) {
        return optionalString(name).orElse(fallback);
    }

    public Optional<String> optionalString(String name) {
        Object v = values.get(name);
        if (v == null) return Optional.empty();
        if (v instanceof Map || v instanceof List) throw error(name, "'" + name + "' must be a string, got " + typeOf(v));
        if (v instanceof Secret s) return Optional.of(s.reveal());
        return Optional.of(String.valueOf(v));
    }

    public boolean bool(String name, boolean fallback) {
        Object v = values.get(name);
        if (v == null) return fallback;
        if (v instanceof Boolean b) return b;
        String s = String.valueOf(v).trim().toLowerCase(Locale.ROOT);
        switch (s) {
            case "true", "yes", "on", "1", "y" -> { return true; }
            case "false", "no", "off", "0", "n" -> { return false; }
            default -> throw error(name, "'" + name + "' must be true or false, got '" + v + "'");
        }
    }

    public Optional<Integer> optionalInt(String name) {
        Object v = values.get(name);
        if (v == null) return Optional.empty();
        if (v instanceof Integer i) return Optional.of(i);
        if (v instanceof Long l && l == l.intValue()) return Optional.of(l.intValue());
        try {
            return Optional.of(Integer.parseInt(String.valueOf(v).trim()));
        } catch (NumberFormatException e) {
            throw error(name, "'" + name + "' must be a whole number, got '" + v + "'");
        }
    }

    public int integer(String name, int fallback) {
        return optionalInt(name).orElse(fallback);
    }

    /** A list of strings; a single string is a one-element list, a comma-separated string is split (as Ansible). */
    public List<String> stringList(String name) {
        Object v = values.get(name);
        if (v == null) return List.of();
        if (v instanceof List<?> list) {
            List<String> out = new ArrayList<>();
            for (Object o : list) {
                if (o instanceof Map || o instanceof List) throw error(name, "'" + name + "' must be a list of strings, got an element that is " + typeOf(o));
                out.add(String.valueOf(o));
            }
            return List.copyOf(out);
        }
        if (v instanceof Map) throw error(name, "'" + name + "' must be a string or a list, got " + typeOf(v));
        List<String> out = new ArrayList<>();
        for (String part : String.valueOf(v).split(",")) {
            if (!part.isBlank()) out.add(part.trim());
        }
        return List.copyOf(out);
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> map(String name) {
        Object v = values.get(name);
        if (v == null) return Map.of();
        if (!(v instanceof Map)) throw error(name, "'" + name + "' must be a mapping, got " + typeOf(v));
        return (Map<String, Object>) v;
    }

    public Object raw(String name) {
        return values.get(name);
    }

    /** One of {@code allowed} (case-insensitive), or {@code fallback} when absent. */
    public String choice(String name, List<String> allowed, String fallback) {
        Optional<String> v = optionalString(name);
        if (v.isEmpty()) {
            if (fallback == null) throw missing(name);
            return fallback;
        }
        String s = v.get().toLowerCase(Locale.ROOT);
        if (!allowed.contains(s)) {
            // No "did you mean" for a secret: the suggestion would hint at its value.
            boolean secret = values.get(name) instanceof Secret;
            throw new InputException(at(name), module + ": '" + name + "' must be one of " + String.join(", ", allowed) + ", got '"
                    + shown(name) + "'", secret ? null : NearNames.closest(s, allowed).orElse(null));
        }
        return s;
    }

    /** A file mode: quoted octal ("0644", "644") or symbolic ("u=rw,g=r"); an unquoted YAML number is refused. */
    public Optional<FileMode> mode(String name) {
        Object v = values.get(name);
        if (v == null) return Optional.empty();
        if (v instanceof Number n) {
            throw error(name, "'" + name + "' is the unquoted number " + n + ", which YAML does not read as octal; quote it, e.g. "
                    + name + ": \"0644\"");
        }
        try {
            return Optional.of(FileMode.parse(String.valueOf(v)));
        } catch (IllegalArgumentException e) {
            throw error(name, e.getMessage());
        }
    }

    public Optional<Secret> secret(String name) {
        Object v = values.get(name);
        if (v == null) return Optional.empty();
        return Optional.of(v instanceof Secret s ? s : Secret.of(String.valueOf(v)));
    }

    public InputException missing(String name) {
        return new InputException(taskLocation, module + ": missing required parameter '" + name + "'");
    }

    public InputException error(String name, String problem) {
        return new InputException(at(name), module + ": " + problem);
    }

    /**
     * A module's own validation, refused while the module was built from these arguments, located
     * at the parameter it names: a {@link ModuleArgumentException} names it; an older-style message
     * may start with {@code parameter: }; otherwise {@code fallback}.
     */
    public InputException error(IllegalArgumentException refused, String fallback) {
        if (refused instanceof ModuleArgumentException m) {
            // The Java name of a parameter may be written as an alias here (apt's pkg for name).
            String where = locations.containsKey(m.parameter()) ? m.parameter() : fallback;
            return new InputException(at(where), module + ": " + m.parameter() + ": " + m.problem());
        }
        String message = String.valueOf(refused.getMessage());
        int colon = message.indexOf(':');
        String named = colon > 0 ? message.substring(0, colon) : "";
        return error(named.matches("[a-z_]+") ? named : fallback, message);
    }

    /** Location of an argument, or of the task when the argument has none. */
    public SourceLocation at(String name) {
        return locations.getOrDefault(name, taskLocation);
    }

    /** An argument's value for an error message: a secret's never shows. */
    private String shown(String name) {
        return String.valueOf(values.get(name));
    }

    /** True when the argument is a {@link Secret} (written with {@code !secret} or built from one). */
    public boolean isSecret(String name) {
        return values.get(name) instanceof Secret;
    }

    private static String typeOf(Object v) {
        if (v instanceof Map) return "a mapping";
        if (v instanceof List) return "a list";
        if (v instanceof Boolean) return "a boolean";
        if (v instanceof Number) return "a number";
        return "a string";
    }

    /** Exposed for modules whose parameters are a closed set they check themselves. */
    public Set<String> names() {
        return values.keySet();
    }
}
