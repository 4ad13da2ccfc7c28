package dev.rigger.core.internal.yaml;

import dev.rigger.core.error.InputException;
import dev.rigger.core.internal.text.NearNames;
import dev.rigger.core.error.SourceLocation;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A YAML mapping with string keys, in the order written. Keys are unique (the reader rejects
 * duplicates) and each remembers its own location, so "unknown key" errors point at the key.
 *
 * <p>The typed accessors treat a key whose value is YAML null ({@code key:} or {@code key: ~}) as
 * absent, as Ansible does for most keywords.
 */
public final class YamlMapping implements YamlNode {

    /** One {@code key: value} pair. */
    public record Entry(String key, SourceLocation keyLocation, YamlNode value) {}

    private final Map<String, Entry> entries;
    private final SourceLocation location;

    /** @param entries in document order; keys must be unique */
    public YamlMapping(List<Entry> entries, SourceLocation location) {
        Map<String, Entry> byKey = new LinkedHashMap<>();
        for (Entry e : entries) {
            if (byKey.put(e.key(), e) != null) throw new IllegalArgumentException("duplicate key " + e.key());
        }
        this.entries = Collections.unmodifiableMap(byKey);
        this.location = location;
    }

    public List<Entry> entries() { return List.copyOf(entries.values()); }
    public Set<String> keys() { return entries.keySet(); }
    public int size() { return entries.size(); }
    public boolean isEmpty() { return entries.isEmpty(); }
    public boolean has(String key) { return entries.containsKey(key); }

    public Optional<YamlNode> get(String key) {
        Entry e = entries.get(key);
        return e == null ? Optional.empty() : Optional.of(e.value());
    }

    public Optional<SourceLocation> keyLocation(String key) {
        Entry e = entries.get(key);
        return e == null ? Optional.empty() : Optional.of(e.keyLocation());
    }

    @Override public SourceLocation location() { return location; }
    @Override public String describe() { return "a mapping"; }

    @Override
    public Map<String, Object> toJava() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Entry e : entries.values()) out.put(e.key(), e.value().toJava());
        return Collections.unmodifiableMap(out);
    }

    /**
     * Rejects any key not in {@code allowed}: {@code unknown key 'host' in group 'all' (did you
     * mean 'hosts'?)}, or, when no allowed key is close, lists the allowed keys.
     *
     * @param where what this mapping is, for the message ("group 'all'"), or null
     */
    public void requireKnownKeys(Collection<String> allowed, String where) {
        for (Entry e : entries.values()) {
            if (allowed.contains(e.key())) continue;
            String problem = "unknown key '" + e.key() + "'" + (where == null ? "" : " in " + where);
            Optional<String> near = NearNames.closest(e.key(), allowed);
            if (near.isPresent()) throw new InputException(e.keyLocation(), problem, near.get());
            throw new InputException(e.keyLocation(), problem + " (expected one of: " + String.join(", ", allowed) + ")");
        }
    }

    public void requireKnownKeys(Collection<String> allowed) {
        requireKnownKeys(allowed, null);
    }

    /** The value under {@code key}, which must be present and not null. */
    public YamlNode require(String key) {
        Entry e = entries.get(key);
        if (e == null) throw new InputException(location, "missing required key '" + key + "'");
        return e.value();
    }

    /** The value under {@code key} unless it is absent or null. */
    public Optional<YamlNode> optional(String key) {
        Entry e = entries.get(key);
        if (e == null || e.value() instanceof YamlScalar s && s.isNull()) return Optional.empty();
        return Optional.of(e.value());
    }

    /** Any scalar, as written ({@code version: 1.10} gives "1.10", not "1.1"). */
    public String requireString(String key) {
        return scalarText(key, require(key));
    }

    public Optional<String> optionalString(String key) {
        return optional(key).map(v -> scalarText(key, v));
    }

    /** A YAML integer that fits an int; a quoted "22" is rejected. */
    public int requireInt(String key) {
        return intValue(key, require(key));
    }

    public Optional<Integer> optionalInt(String key) {
        return optional(key).map(v -> intValue(key, v));
    }

    /** A YAML 1.1 boolean: true/false, yes/no, on/off in any of their spellings. */
    public boolean requireBool(String key) {
        return boolValue(key, require(key));
    }

    public Optional<Boolean> optionalBool(String key) {
        return optional(key).map(v -> boolValue(key, v));
    }

    public YamlMapping requireMapping(String key) {
        return mappingValue(key, require(key));
    }

    public Optional<YamlMapping> optionalMapping(String key) {
        return optional(key).map(v -> mappingValue(key, v));
    }

    public YamlSequence requireSequence(String key) {
        return sequenceValue(key, require(key));
    }

    public Optional<YamlSequence> optionalSequence(String key) {
        return optional(key).map(v -> sequenceValue(key, v));
    }

    private static String scalarText(String key, YamlNode v) {
        if (v instanceof YamlScalar s && !s.isNull()) return s.text();
        throw wrongType(key, "a string", v);
    }

    private static int intValue(String key, YamlNode v) {
        if (v instanceof YamlScalar s && s.value() instanceof Integer i) return i;
        throw wrongType(key, "an integer", v);
    }

    private static boolean boolValue(String key, YamlNode v) {
        if (v instanceof YamlScalar s && s.value() instanceof Boolean b) return b;
        throw wrongType(key, "a boolean", v);
    }

    private static YamlMapping mappingValue(String key, YamlNode v) {
        if (v instanceof YamlMapping m) return m;
        throw wrongType(key, "a mapping", v);
    }

    private static YamlSequence sequenceValue(String key, YamlNode v) {
        if (v instanceof YamlSequence s) return s;
        throw wrongType(key, "a list", v);
    }

    private static InputException wrongType(String key, String expected, YamlNode actual) {
        return new InputException(actual.location(), "expected " + expected + " for '" + key + "', got " + actual.describe());
    }
}
