package dev.rigger.core.internal.yaml;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.rigger.core.error.InputException;
import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.vault.Vault;
import dev.rigger.core.vault.VaultFormat;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.events.ScalarEvent;

/**
 * Reads YAML into located {@link YamlNode} trees. Every problem becomes an {@link InputException}
 * with {@code file:line:col} and one line of text: syntax errors, duplicate keys, unknown aliases.
 * Anchors, aliases and {@code <<} merge keys work as in Ansible's loader.
 *
 * <pre>{@code
 * YamlMapping play = YamlReader.read(path).orElseThrow().asMapping();
 * play.requireKnownKeys(Set.of("hosts", "tasks"), "play");
 * String hosts = play.requireString("hosts");
 * }</pre>
 */
public final class YamlReader {
    private static final EventYamlFactory FACTORY = new EventYamlFactory();
    private static final String MERGE_KEY = "<<";

    private final String origin;
    private final EventYamlFactory.EventParser parser;
    private final Map<String, YamlNode> anchors = new HashMap<>();
    /**
     * Aliases share their target's node, so the tree stays small, but whatever walks it later
     * (variables, templates) sees every alias expanded: a few lines of "billion laughs" would hang
     * the load. Far more nodes than real files alias.
     */
    private static final long MAX_ALIASED_NODES = 1_000_000;
    private final Map<YamlNode, Long> sizes = new IdentityHashMap<>();
    private long aliasedNodes;
    /** The text was an Ansible Vault file: its string values are secrets. */
    private final boolean decrypted;

    private YamlReader(String origin, EventYamlFactory.EventParser parser, boolean decrypted) {
        this.origin = origin;
        this.parser = parser;
        this.decrypted = decrypted;
    }

    /** Every document in the file ({@code ---} separated); none for an empty file. */
    public static List<YamlNode> readAll(Path file) {
        return parseAll(readText(file), file.toString());
    }

    /** The file's only document, or empty when the file holds none or an empty one. */
    public static Optional<YamlNode> read(Path file) {
        return parse(readText(file), file.toString());
    }

    /**
     * A text that is an Ansible Vault file is decrypted first (see {@link Vault}); its string
     * values are then {@link dev.rigger.core.secret.Secret}s.
     *
     * @param origin names the text in error locations, usually its file path
     */
    public static List<YamlNode> parseAll(String text, String origin) {
        boolean decrypted = VaultFormat.isVault(text);
        String yaml = decrypted ? Vault.decrypt(text, new SourceLocation(origin, 1, 1)) : text;
        try (EventYamlFactory.EventParser p = (EventYamlFactory.EventParser) FACTORY.createParser(new StringReader(yaml))) {
            YamlReader reader = new YamlReader(origin, p, decrypted);
            List<YamlNode> documents = new ArrayList<>();
            JsonToken token;
            while ((token = p.nextToken()) != null) {
                reader.anchors.clear(); // anchors do not cross document boundaries
                reader.aliasedNodes = 0;
                documents.add(reader.node(token));
            }
            return documents;
        } catch (JsonProcessingException e) {
            throw syntaxError(origin, e);
        } catch (IOException e) {
            throw new InputException(SourceLocation.unknown(origin), "cannot read YAML: " + e.getMessage());
        }
    }

    /** The text's only document, or empty when it holds none or an empty one. */
    public static Optional<YamlNode> parse(String text, String origin) {
        List<YamlNode> documents = parseAll(text, origin);
        if (documents.size() > 1) {
            throw new InputException(documents.get(1).location(), "expected a single YAML document, found a second one");
        }
        if (documents.isEmpty() || documents.get(0) instanceof YamlScalar s && s.isNull()) return Optional.empty();
        return Optional.of(documents.get(0));
    }

    /** The file as text, without a byte order mark. */
    public static String readText(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (IOException e) {
            throw new InputException(SourceLocation.unknown(file.toString()), "cannot read file: " + e);
        }
    }

    private YamlNode node(JsonToken token) throws IOException {
        Event event = parser.event();
        SourceLocation at = location(parser.currentTokenLocation());
        if (event instanceof AliasEvent alias) {
            YamlNode target = anchors.get(alias.getAnchor());
            if (target == null) throw new InputException(at, "unknown alias '*" + alias.getAnchor() + "'");
            aliasedNodes += expandedSize(target);
            if (aliasedNodes > MAX_ALIASED_NODES) {
                throw new InputException(at, "aliases expand to more than " + MAX_ALIASED_NODES + " nodes (an alias bomb?)");
            }
            return target;
        }
        String anchor = event instanceof NodeEvent n ? n.getAnchor() : null;
        YamlNode node = switch (token) {
            case START_OBJECT -> mapping(at);
            case START_ARRAY -> sequence(at);
            default -> scalar((ScalarEvent) event, at);
        };
        if (anchor != null) anchors.put(anchor, node);
        return node;
    }

    /** How many nodes {@code node} stands for once its aliases are expanded, as a consumer walking it sees them. */
    private long expandedSize(YamlNode node) {
        Long known = sizes.get(node);
        if (known != null) return known;
        long size = 1;
        if (node instanceof YamlMapping m) for (YamlMapping.Entry e : m.entries()) size += expandedSize(e.value());
        if (node instanceof YamlSequence s) for (YamlNode item : s) size += expandedSize(item);
        sizes.put(node, size);
        return size;
    }

    private YamlMapping mapping(SourceLocation at) throws IOException {
        Map<String, YamlMapping.Entry> explicit = new LinkedHashMap<>();
        List<YamlMapping.Entry> merged = new ArrayList<>();
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_OBJECT) {
            String key = parser.currentName();
            SourceLocation keyAt = location(parser.currentTokenLocation());
            boolean mergeKey = key.equals(MERGE_KEY) && parser.event() instanceof ScalarEvent s
                    && s.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN;
            YamlNode value = node(parser.nextToken());
            YamlMapping.Entry first = explicit.get(key);
            if (first != null) {
                throw new InputException(keyAt, "duplicate key '" + key + "' (first at line " + first.keyLocation().line() + ")");
            }
            if (mergeKey) merged.addAll(mergeSources(value));
            else explicit.put(key, new YamlMapping.Entry(key, keyAt, value));
        }
        // Merged entries come first and never override explicit keys; among merged mappings the
        // first listed wins, as in PyYAML.
        Map<String, YamlMapping.Entry> entries = new LinkedHashMap<>();
        for (YamlMapping.Entry e : merged) entries.putIfAbsent(e.key(), e);
        for (YamlMapping.Entry e : explicit.values()) {
            entries.remove(e.key());
            entries.put(e.key(), e);
        }
        return new YamlMapping(new ArrayList<>(entries.values()), at);
    }

    private static List<YamlMapping.Entry> mergeSources(YamlNode value) {
        if (value instanceof YamlMapping m) return m.entries();
        if (value instanceof YamlSequence s) {
            List<YamlMapping.Entry> out = new ArrayList<>();
            for (YamlNode item : s) {
                if (!(item instanceof YamlMapping m)) {
                    throw new InputException(item.location(), "expected a mapping to merge with '<<', got " + item.describe());
                }
                out.addAll(m.entries());
            }
            return out;
        }
        throw new InputException(value.location(), "expected a mapping to merge with '<<', got " + value.describe());
    }

    private YamlSequence sequence(SourceLocation at) throws IOException {
        List<YamlNode> items = new ArrayList<>();
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) items.add(node(token));
        return new YamlSequence(items, at);
    }

    private YamlScalar scalar(ScalarEvent event, SourceLocation at) {
        YamlScalar.Style style = switch (event.getScalarStyle()) {
            case SINGLE_QUOTED -> YamlScalar.Style.SINGLE_QUOTED;
            case DOUBLE_QUOTED -> YamlScalar.Style.DOUBLE_QUOTED;
            case LITERAL -> YamlScalar.Style.LITERAL;
            case FOLDED -> YamlScalar.Style.FOLDED;
            default -> YamlScalar.Style.PLAIN;
        };
        return new YamlScalar(event.getValue(), style, event.getTag(), at, decrypted);
    }

    private SourceLocation location(JsonLocation l) {
        return new SourceLocation(origin, l.getLineNr(), l.getColumnNr());
    }

    /**
     * SnakeYAML's messages span several lines with a source excerpt; keep the problem, where it
     * is, and what the parser was doing, on one line.
     */
    private static InputException syntaxError(String origin, JsonProcessingException e) {
        MarkedYAMLException m = snakeYamlCause(e);
        if (m != null && m.getProblemMark() != null) {
            Mark mark = m.getProblemMark();
            SourceLocation at = new SourceLocation(origin, mark.getLine() + 1, mark.getColumn() + 1);
            String problem = oneLine(m.getProblem());
            if (m.getContext() != null && m.getContextMark() != null && m.getContextMark().getLine() != mark.getLine()) {
                problem += " (" + oneLine(m.getContext()) + " that starts at line " + (m.getContextMark().getLine() + 1) + ")";
            } else if (m.getContext() != null) {
                problem += " (" + oneLine(m.getContext()) + ")";
            }
            return new InputException(at, "YAML syntax error: " + problem);
        }
        JsonLocation l = e.getLocation();
        SourceLocation at = l == null ? SourceLocation.unknown(origin) : new SourceLocation(origin, l.getLineNr(), l.getColumnNr());
        String message = oneLine(e.getOriginalMessage());
        if (message.startsWith("Expected a field name")) message = "only plain values can be mapping keys";
        return new InputException(at, "YAML syntax error: " + message);
    }

    /** Jackson wraps SnakeYAML's exception, which carries the problem and its position. */
    private static MarkedYAMLException snakeYamlCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MarkedYAMLException m) return m;
        }
        return null;
    }

    private static String oneLine(String text) {
        return text.strip().replaceAll("\\s+", " ");
    }
}
