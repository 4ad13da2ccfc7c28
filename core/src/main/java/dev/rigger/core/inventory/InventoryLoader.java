package dev.rigger.core.inventory;

import dev.rigger.core.error.InputException;
import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.internal.yaml.YamlMapping;
import dev.rigger.core.internal.yaml.YamlNode;
import dev.rigger.core.vault.VaultFormat;
import dev.rigger.core.internal.yaml.YamlReader;
import dev.rigger.core.internal.yaml.YamlScalar;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads Ansible inventories unchanged: YAML or INI files, or a directory of them, plus the
 * {@code group_vars/} and {@code host_vars/} folders next to an inventory file or inside an
 * inventory directory.
 *
 * <pre>{@code
 * Inventory inv = InventoryLoader.load(Path.of("inventories/odoo-ha"));
 * }</pre>
 *
 * <p>The format is chosen as Ansible's plugins would: {@code .yml}, {@code .yaml} and {@code .json}
 * are YAML, {@code .ini} is INI, and any other file is YAML when it reads as a YAML mapping and INI
 * otherwise. Where Ansible would warn and carry on with a half-read inventory, this throws an
 * {@link InputException} that names the file, line and column.
 */
public final class InventoryLoader {
    private static final List<String> YAML_EXTENSIONS = List.of(".yml", ".yaml", ".json");
    /** Ansible's INVENTORY_IGNORE_EXTS: files in an inventory directory that are not inventories. */
    private static final List<String> IGNORED_EXTENSIONS = List.of(".orig", ".cfg", ".retry", ".pyc", ".pyo", ".swp",
            ".bak", "~", ".rpm", ".md", ".txt", ".rst");
    private static final Set<String> IGNORED_DIRECTORIES = Set.of("group_vars", "host_vars", "vars_plugins");

    private InventoryLoader() {}

    /** Loads one or more sources (files or directories) into one inventory, as repeated {@code -i} do. */
    public static Inventory load(Path... sources) {
        return load(List.of(sources));
    }

    public static Inventory load(List<Path> sources) {
        Inventory inventory = read(sources);
        checkConnections(inventory);
        return inventory;
    }

    /** The inventory as written, its connection variables not checked yet (tests of those read it so). */
    static Inventory read(List<Path> sources) {
        Inventory.Builder builder = Inventory.builder();
        Set<Path> varsDirectories = new LinkedHashSet<>();
        for (Path source : sources) {
            if (Files.isDirectory(source)) {
                for (Path file : inventoryFiles(source)) parseFile(file, builder);
                varsDirectories.add(source);
            } else if (Files.isRegularFile(source)) {
                parseFile(source, builder);
                varsDirectories.add(source.getParent() != null ? source.getParent() : Path.of(""));
            } else if (source.toString().contains(",")) {
                hostList(source.toString(), builder);
            } else {
                throw new InputException(SourceLocation.unknown(source.toString()), "inventory not found");
            }
        }
        // Variables files apply to whatever all sources declared, so they come last.
        for (Path dir : varsDirectories) VarsDirectories.load(dir, builder);
        return builder.build();
    }

    /**
     * Ansible's host list ({@code -i 'web1,web2:2222,'}, {@code -i 'localhost,'}): a source that is
     * no file and holds a comma names hosts, separated by commas, each with an optional port
     * ({@code host:port}, {@code [v6 address]:port}; an address with several colons and no
     * brackets is IPv6 without a port). They are ungrouped, and use the default connection (SSH,
     * for {@code localhost} too), as in Ansible.
     */
    static void hostList(String list, Inventory.Builder builder) {
        SourceLocation at = SourceLocation.unknown(list);
        for (String entry : list.split(",")) {
            String h = entry.strip();
            if (h.isEmpty()) continue;
            String host = h;
            String port = null;
            if (h.startsWith("[") && h.contains("]")) {
                host = h.substring(1, h.indexOf(']'));
                String rest = h.substring(h.indexOf(']') + 1);
                if (rest.startsWith(":")) port = rest.substring(1);
                else if (!rest.isEmpty()) throw new InputException(at, "host list: cannot read '" + h + "'; write [address]:port");
            } else if (h.indexOf(':') > 0 && h.indexOf(':') == h.lastIndexOf(':')) {
                host = h.substring(0, h.indexOf(':'));
                port = h.substring(h.indexOf(':') + 1);
            }
            if (port != null && !port.matches("[0-9]{1,5}")) {
                throw new InputException(at, "host list: the port of '" + h + "' is not a number");
            }
            builder.host(host, at);
            if (port != null) builder.hostVar(host, "ansible_port", Integer.parseInt(port), at);
        }
    }

    /**
     * Reads every host's connection variables now, so that a value no connection could use
     * ({@code ansible_port: twentytwo}) stops the load at the line that set it instead of failing
     * the host at run time. The environment and ~/.ssh/config are left out: they are not the
     * inventory's to get wrong, and they are read when the hosts are contacted.
     */
    private static void checkConnections(Inventory inventory) {
        InventoryConnections connections = new InventoryConnections(inventory,
                java.util.Map.of(dev.rigger.core.transport.SshConfig.FILE_ENV, "none"));
        for (Host host : inventory.hosts()) connections.settingsFor(host.name());
    }

    /** Files of an inventory directory in name order, recursing into subdirectories, as Ansible does. */
    private static List<Path> inventoryFiles(Path dir) {
        List<Path> out = new ArrayList<>();
        for (Path entry : sortedEntries(dir)) {
            String name = entry.getFileName().toString();
            if (name.startsWith(".") || IGNORED_DIRECTORIES.contains(name)) continue;
            if (IGNORED_EXTENSIONS.stream().anyMatch(name::endsWith)) continue;
            if (Files.isDirectory(entry)) out.addAll(inventoryFiles(entry));
            else out.add(entry);
        }
        return out;
    }

    static List<Path> sortedEntries(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.sorted().toList();
        } catch (IOException e) {
            throw new InputException(SourceLocation.unknown(dir.toString()), "cannot list directory: " + e);
        }
    }

    private static void parseFile(Path file, Inventory.Builder builder) {
        String text = YamlReader.readText(file);
        String origin = file.toString();
        SourceLocation start = new SourceLocation(origin, 1, 1);
        if (text.startsWith("#!")) {
            throw new InputException(start, "executable inventory scripts are not supported; list the hosts in YAML or INI");
        }
        FileDeclarations out = new FileDeclarations(builder);
        if (VaultFormat.isVault(text)) {
            // Decrypted by the YAML reader, its values secrets; an encrypted INI inventory is not read (INI has no secret values).
            YamlReader.parse(text, origin).ifPresent(doc -> parseYaml(doc, out));
            return;
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (YAML_EXTENSIONS.stream().anyMatch(name::endsWith)) {
            YamlReader.parse(text, origin).ifPresent(doc -> parseYaml(doc, out));
        } else if (name.endsWith(".ini")) {
            IniInventoryParser.parse(text, origin, out);
        } else if (name.endsWith(".toml")) {
            throw new InputException(start, "TOML inventories are not supported; use YAML or INI");
        } else {
            parseByContent(text, origin, out);
        }
    }

    private static void parseYaml(YamlNode doc, FileDeclarations out) {
        if (!(doc instanceof YamlMapping root)) {
            throw new InputException(doc.location(), "expected a mapping of group names at the top of a YAML inventory, got "
                    + doc.describe());
        }
        YamlInventoryParser.parse(root, out);
    }

    /**
     * A file without a telling extension is YAML when it reads as a YAML mapping, else INI; INI
     * text such as {@code [web]} or {@code host1 a=1} reads as a YAML list or string, never a
     * mapping. When neither fits, the error of the format the text looks like is reported.
     */
    private static void parseByContent(String text, String origin, FileDeclarations out) {
        String first = firstSignificantLine(text);
        if (first.startsWith("[")) {
            IniInventoryParser.parse(text, origin, out);
            return;
        }
        Optional<YamlNode> doc;
        try {
            doc = YamlReader.parse(text, origin);
        } catch (InputException yamlError) {
            if (looksLikeYaml(first)) throw yamlError;
            IniInventoryParser.parse(text, origin, out);
            return;
        }
        if (doc.isPresent() && doc.get() instanceof YamlMapping root && looksLikeGroups(root)) {
            YamlInventoryParser.parse(root, out);
        } else {
            IniInventoryParser.parse(text, origin, out);
        }
    }

    /**
     * In a YAML inventory every top-level value is a group body or empty. An INI host line such as
     * {@code web1 motd='a: b'} also reads as a YAML mapping, but with a string value.
     */
    private static boolean looksLikeGroups(YamlMapping root) {
        return root.has("plugin") || root.entries().stream().allMatch(e ->
                e.value() instanceof YamlMapping || e.value() instanceof YamlScalar s && s.isNull());
    }

    private static String firstSignificantLine(String text) {
        for (String line : text.split("\r?\n|\r")) {
            String s = line.strip();
            if (!s.isEmpty() && s.charAt(0) != '#' && s.charAt(0) != ';') return s;
        }
        return "";
    }

    /** {@code ---} or a lone {@code name:} opening a block, which no INI line looks like. */
    private static boolean looksLikeYaml(String firstLine) {
        return firstLine.equals("---") || firstLine.matches("[^\\s=\\[]+:(\\s+#.*)?");
    }
}
