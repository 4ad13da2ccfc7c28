package dev.rigger.core.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A private copy of a sample project under {@code target/} that tests may edit (the fuzz tests of
 * core and the runner put hostile text into it), so the test resources other tests read stay as they
 * are. Shared with the runner's tests through core's test jar.
 */
public final class ScratchProject {
    private final Path root;

    private ScratchProject(Path root) {
        this.root = root;
    }

    /** Copies {@code from} (a folder) into a new folder under {@code target/}. */
    public static ScratchProject copyOf(Path from) {
        try {
            Path to = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "scratch-").toAbsolutePath();
            try (Stream<Path> all = Files.walk(from)) {
                for (Path p : (Iterable<Path>) all::iterator) {
                    Path target = to.resolve(from.relativize(p).toString());
                    if (Files.isDirectory(p)) Files.createDirectories(target);
                    else Files.copy(p, target);
                }
            }
            return new ScratchProject(to);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path root() {
        return root;
    }

    public Path resolve(String relative) {
        return root.resolve(relative);
    }

    /** The text of each file, in order. */
    public List<String> read(List<String> files) {
        List<String> texts = new ArrayList<>();
        for (String f : files) texts.add(read(f));
        return texts;
    }

    public String read(String file) {
        try {
            return Files.readString(root.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code text} (UTF-8) to a file of the copy, replacing what was there. */
    public Path write(String file, String text) {
        try {
            return Files.write(root.resolve(file), text.getBytes(StandardCharsets.UTF_8)); // a lone surrogate becomes "?"
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code body} with {@code file} holding {@code text}, then puts the original back for the next case. */
    public void withContent(String file, String text, Runnable body) {
        Path path = root.resolve(file);
        try {
            byte[] original = Files.readAllBytes(path);
            write(file, text);
            try {
                body.run();
            } finally {
                Files.write(path, original);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
