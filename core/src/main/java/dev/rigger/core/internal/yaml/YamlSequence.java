package dev.rigger.core.internal.yaml;

import dev.rigger.core.error.SourceLocation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/** A YAML sequence ({@code - a} block or {@code [a, b]} flow form). */
public final class YamlSequence implements YamlNode, Iterable<YamlNode> {
    private final List<YamlNode> items;
    private final SourceLocation location;

    public YamlSequence(List<YamlNode> items, SourceLocation location) {
        this.items = List.copyOf(items);
        this.location = location;
    }

    public List<YamlNode> items() { return items; }
    public int size() { return items.size(); }
    public YamlNode get(int index) { return items.get(index); }

    @Override public Iterator<YamlNode> iterator() { return items.iterator(); }
    @Override public SourceLocation location() { return location; }
    @Override public String describe() { return "a list"; }

    @Override
    public List<Object> toJava() {
        List<Object> out = new ArrayList<>(items.size());
        for (YamlNode item : items) out.add(item.toJava());
        return Collections.unmodifiableList(out);
    }
}
