package dev.rigger.core.inventory;

import dev.rigger.core.error.InputException;
import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.internal.yaml.YamlMapping;
import dev.rigger.core.internal.yaml.YamlNode;
import dev.rigger.core.internal.yaml.YamlReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Ansible's host_group_vars: {@code group_vars/NAME} and {@code host_vars/NAME} beside an
 * inventory. NAME may be a file with no extension or {@code .yml}, {@code .yaml}, {@code .json}
 * (the first that exists, in that order), or a directory whose files are read in name order, later
 * files overriding earlier ones. Files for groups or hosts the inventory does not have are ignored,
 * as Ansible ignores them.
 */
final class VarsDirectories {
    private static final List<String> EXTENSIONS = List.of("", ".yml", ".yaml", ".json");

    @FunctionalInterface
    private interface VarSink {
        void set(String var, Object value, SourceLocation at);
    }

    private VarsDirectories() {}

    static void load(Path base, Inventory.Builder builder) {
        Path groupVars = base.resolve("group_vars");
        if (Files.isDirectory(groupVars)) {
            for (String group : List.copyOf(builder.groupNames())) {
                read(groupVars, group, (var, value, at) -> builder.groupFileVar(group, var, value, at));
            }
        }
        Path hostVars = base.resolve("host_vars");
        if (Files.isDirectory(hostVars)) {
            for (String host : List.copyOf(builder.hostNames())) {
                read(hostVars, host, (var, value, at) -> builder.hostVar(host, var, value, at));
            }
            for (String localhost : Inventory.LOCALHOST_NAMES) {
                if (builder.hasHost(localhost)) continue;
                read(hostVars, localhost, (var, value, at) -> builder.implicitLocalhostVar(localhost, var, value, at));
            }
        }
    }

    private static void read(Path dir, String name, VarSink sink) {
        for (Path file : filesFor(dir, name)) {
            String text = YamlReader.readText(file);
            YamlNode doc = YamlReader.parse(text, file.toString()).orElse(null);
            if (doc == null) continue;
            if (!(doc instanceof YamlMapping vars)) {
                throw new InputException(doc.location(), "expected a mapping of variables, got " + doc.describe());
            }
            for (YamlMapping.Entry e : vars.entries()) sink.set(e.key(), e.value().toJava(), e.keyLocation());
        }
    }

    private static List<Path> filesFor(Path dir, String name) {
        // Not a file name (a '/', or a NUL no path may hold); Ansible would not find it either.
        if (name.contains("/") || name.indexOf('\0') >= 0) return List.of();
        for (String ext : EXTENSIONS) {
            Path candidate = dir.resolve(name + ext);
            if (Files.isDirectory(candidate)) return filesIn(candidate);
            if (Files.isRegularFile(candidate)) return List.of(candidate);
        }
        return List.of();
    }

    private static List<Path> filesIn(Path dir) {
        List<Path> out = new ArrayList<>();
        for (Path entry : InventoryLoader.sortedEntries(dir)) {
            String name = entry.getFileName().toString();
            if (name.startsWith(".") || name.endsWith("~")) continue;
            String ext = extension(name);
            if (Files.isDirectory(entry) && ext.isEmpty()) out.addAll(filesIn(entry));
            else if (Files.isRegularFile(entry) && (ext.isEmpty() || EXTENSIONS.contains(ext))) out.add(entry);
        }
        return out;
    }

    /** Python's os.path.splitext: the last dot and what follows, unless the name starts with it. */
    private static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(dot) : "";
    }
}
