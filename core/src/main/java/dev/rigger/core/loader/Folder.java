package dev.rigger.core.loader;

import dev.rigger.core.error.InputException;
import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.internal.yaml.YamlNode;
import dev.rigger.core.internal.yaml.YamlReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * A folder the loader reads YAML and templates from: a directory on disk, or a resource prefix on
 * the classpath, because roles packaged in a jar keep their Ansible layout under {@code roles/NAME/}.
 */
sealed interface Folder permits Folder.Disk, Folder.Classpath {

    /** The text of a file in this folder, or empty when there is none. */
    Optional<SourceText> read(String relative);

    Folder resolve(String relative);

    /** The folder on disk, or null on the classpath. */
    Path path();

    /** How messages name the file {@code relative} in this folder, whether it exists or not. */
    String describe(String relative);

    /** {@code "looked for a, b"}: every place a file named relatively was searched, for not-found messages. */
    static String lookedFor(List<Folder> folders, String relative) {
        return "looked for " + String.join(", ", folders.stream().map(f -> f.describe(relative)).distinct().toList());
    }

    /** {@code name.yml}, else {@code name.yaml}, as Ansible looks them up. */
    default Optional<SourceText> readYaml(String name) {
        Optional<SourceText> yml = read(name + ".yml");
        return yml.isPresent() ? yml : read(name + ".yaml");
    }

    /** A file's text and the name messages use for it. */
    record SourceText(String origin, String text) {}

    record Disk(Path dir, Path displayRoot) implements Folder {
        public Disk {
            dir = dir.toAbsolutePath().normalize();
        }

        @Override
        public Optional<SourceText> read(String relative) {
            Path file = dir.resolve(relative).normalize();
            if (!Files.isRegularFile(file)) return Optional.empty();
            String origin = displayName(file);
            try {
                // Lenient, as on the classpath: a template may hold bytes that are not UTF-8 (the
                // template module writes them as they are); the loader only reads names here.
                String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
                return Optional.of(new SourceText(origin, text.startsWith("\uFEFF") ? text.substring(1) : text));
            } catch (IOException e) {
                throw new InputException(SourceLocation.unknown(origin), "cannot read file: " + e.getMessage());
            }
        }

        @Override
        public Folder resolve(String relative) {
            return new Disk(dir.resolve(relative), displayRoot);
        }

        @Override
        public Path path() {
            return dir;
        }

        @Override
        public String describe(String relative) {
            return displayName(dir.resolve(relative).normalize());
        }

        private String displayName(Path file) {
            return file.startsWith(displayRoot) && !file.equals(displayRoot) ? displayRoot.relativize(file).toString() : file.toString();
        }
    }

    record Classpath(ClassLoader loader, String prefix) implements Folder {
        @Override
        public Optional<SourceText> read(String relative) {
            String name = normalize(prefix + "/" + relative);
            try (InputStream in = loader.getResourceAsStream(name)) {
                if (in == null) return Optional.empty();
                return Optional.of(new SourceText("classpath:" + name, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new InputException(SourceLocation.unknown("classpath:" + name), "cannot read resource: " + e.getMessage());
            }
        }

        @Override
        public Folder resolve(String relative) {
            return new Classpath(loader, normalize(prefix + "/" + relative));
        }

        @Override
        public Path path() {
            return null;
        }

        @Override
        public String describe(String relative) {
            return "classpath:" + normalize(prefix + "/" + relative);
        }

        /** Resolves {@code .} and {@code ..} segments, which resource names cannot contain. */
        private static String normalize(String name) {
            Deque<String> parts = new ArrayDeque<>();
            for (String part : name.split("/")) {
                if (part.isEmpty() || part.equals(".")) continue;
                if (part.equals("..")) {
                    if (!parts.isEmpty()) parts.removeLast();
                } else {
                    parts.addLast(part);
                }
            }
            return String.join("/", parts);
        }
    }

    /** Parses a file's only YAML document; an empty file is an empty document. */
    static Optional<YamlNode> parse(SourceText source) {
        return YamlReader.parse(source.text(), source.origin());
    }
}
