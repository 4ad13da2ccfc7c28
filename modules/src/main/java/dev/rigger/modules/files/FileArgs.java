package dev.rigger.modules.files;

import dev.rigger.core.module.Args;
import dev.rigger.core.internal.text.ShellWords;
import dev.rigger.core.secret.Secret;
import java.util.List;
import java.util.Optional;

/** Argument rules the file modules share: absolute paths, aliases, the validate command. */
final class FileArgs {
    private FileArgs() {}

    /** The first of {@code names} that is given (a parameter and its aliases), as an absolute path. */
    static String path(Args args, String... names) {
        for (String name : names) {
            Optional<String> value = args.optionalString(name);
            if (value.isPresent()) return absolute(args, name, value.get());
        }
        throw args.missing(names[0]);
    }

    static String absolute(Args args, String name, String value) {
        if (!value.startsWith("/")) throw args.error(name, "'" + name + "' must be an absolute path, got '" + value + "'");
        if (value.indexOf('\0') >= 0) throw args.error(name, "'" + name + "' contains a NUL byte");
        return normalize(value);
    }

    /** Without trailing slashes ({@code /} stays {@code /}). */
    static String normalize(String path) {
        String p = path;
        while (p.length() > 1 && p.endsWith("/")) p = p.substring(0, p.length() - 1);
        return p;
    }

    /** {@code validate} split into words like a shell would (no expansion); it must name the file as {@code %s}. */
    static List<String> validate(Args args) {
        Optional<String> line = args.optionalString("validate");
        if (line.isEmpty()) return List.of();
        List<String> words;
        try {
            words = ShellWords.split(line.get());
        } catch (IllegalArgumentException e) {
            throw args.error("validate", "'validate' " + e.getMessage());
        }
        if (words.isEmpty() || words.stream().noneMatch(w -> w.contains("%s"))) {
            throw args.error("validate", "'validate' must contain %s where the file to check goes, e.g. \"visudo -cf %s\"; got '" + line.get() + "'");
        }
        return words;
    }

    /** Whether the value bound to {@code name} came from a secret variable. */
    static boolean isSecret(Args args, String name) {
        return args.raw(name) instanceof Secret;
    }

    static String basename(String path) {
        String p = normalize(path);
        return p.substring(p.lastIndexOf('/') + 1);
    }
}
