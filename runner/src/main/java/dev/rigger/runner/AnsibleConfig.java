package dev.rigger.runner;

import dev.rigger.core.error.InputException;
import dev.rigger.core.error.SourceLocation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The settings Rigger takes from Ansible's configuration: an {@code ANSIBLE_*} environment
 * variable, else the key in the one {@code ansible.cfg} Ansible would read — the file
 * {@code ANSIBLE_CONFIG} names (or {@code ansible.cfg} in the folder it names), else
 * {@code ./ansible.cfg} (not in a world-writable folder, as Ansible), else {@code ~/.ansible.cfg},
 * else {@code /etc/ansible/ansible.cfg}. Command-line flags go over both (see docs/cli.md).
 *
 * <p>Keys Rigger does not use are ignored, as Ansible ignores keys it does not know; a key Rigger
 * uses with a bad value is an error naming {@code file:line} (or the variable).
 */
final class AnsibleConfig {
    /** A setting's text and where it was written, for error messages. */
    record Value(String text, SourceLocation at) {
        InputException problem(String message) {
            return new InputException(at, message);
        }
    }

    private final Path file;
    private final Map<String, Value> keys;
    private final Map<String, String> env;

    private AnsibleConfig(Path file, Map<String, Value> keys, Map<String, String> env) {
        this.file = file;
        this.keys = keys;
        this.env = env;
    }

    /** Finds and reads the configuration as Ansible does, for this environment and working folder. */
    static AnsibleConfig load(Map<String, String> env, Path workingFolder) {
        Path file = find(env, workingFolder);
        return new AnsibleConfig(file, file == null ? Map.of() : parse(file), env);
    }

    /** The file read, if any. */
    Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    private static Path find(Map<String, String> env, Path workingFolder) {
        List<Path> candidates = new ArrayList<>();
        String named = env.get("ANSIBLE_CONFIG");
        if (named != null && !named.isBlank()) {
            Path p = expandUser(named, env);
            candidates.add(Files.isDirectory(p) ? p.resolve("ansible.cfg") : p);
        }
        if (!worldWritable(workingFolder)) candidates.add(workingFolder.resolve("ansible.cfg"));
        candidates.add(home(env).resolve(".ansible.cfg"));
        candidates.add(Path.of("/etc/ansible/ansible.cfg"));
        return candidates.stream().filter(Files::isRegularFile).findFirst().orElse(null);
    }

    private static boolean worldWritable(Path folder) {
        try {
            return Files.getPosixFilePermissions(folder).contains(PosixFilePermission.OTHERS_WRITE);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /**
     * Python's configparser as Ansible sets it up: {@code [section]}, {@code key = value} or
     * {@code key: value}, whole-line comments with {@code #} or {@code ;}, inline comments after
     * {@code " ;"}, indented lines continuing the value before them. Keys are case-insensitive.
     */
    private static Map<String, Value> parse(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InputException(SourceLocation.unknown(file.toString()), "cannot read the Ansible configuration: " + e.getMessage());
        }
        Map<String, Value> out = new HashMap<>();
        String section = null;
        String lastKey = null;
        for (int i = 0; i < lines.size(); i++) {
            String raw = lines.get(i);
            String line = raw.strip();
            SourceLocation at = new SourceLocation(file.toString(), i + 1, 0);
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) continue;
            int comment = line.indexOf(" ;");
            if (comment >= 0) line = line.substring(0, comment).strip();
            if (Character.isWhitespace(raw.charAt(0)) && lastKey != null) {
                Value before = out.get(lastKey);
                out.put(lastKey, new Value(before.text() + "\n" + line, before.at()));
                continue;
            }
            if (line.startsWith("[")) {
                if (!line.endsWith("]")) throw new InputException(at, "expected a section header such as [defaults], got '" + line + "'");
                section = line.substring(1, line.length() - 1).strip();
                lastKey = null;
                continue;
            }
            int eq = line.indexOf('=');
            int colon = line.indexOf(':');
            int sep = eq < 0 ? colon : colon < 0 ? eq : Math.min(eq, colon);
            if (sep <= 0) throw new InputException(at, "expected key = value, got '" + line + "'");
            if (section == null) throw new InputException(at, "a key before any [section]");
            lastKey = section + "." + line.substring(0, sep).strip().toLowerCase(Locale.ROOT);
            out.put(lastKey, new Value(line.substring(sep + 1).strip(), new SourceLocation(file.toString(), i + 1, 0)));
        }
        return out;
    }

    /** The environment variable when set, else {@code [section] key}. */
    Optional<Value> get(String envName, String section, String key) {
        String fromEnv = env.get(envName);
        if (fromEnv != null) return Optional.of(new Value(fromEnv, SourceLocation.unknown("environment variable " + envName)));
        return Optional.ofNullable(keys.get(section + "." + key));
    }

    Optional<String> string(String envName, String section, String key) {
        return get(envName, section, key).map(Value::text).filter(t -> !t.isEmpty());
    }

    Optional<Boolean> bool(String envName, String section, String key) {
        return get(envName, section, key).map(v -> {
            String word = v.text().toLowerCase(Locale.ROOT);
            if (Set.of("y", "yes", "on", "1", "true", "t").contains(word)) return true;
            if (Set.of("n", "no", "off", "0", "false", "f").contains(word)) return false;
            throw v.problem(key + " must be a boolean (true or false), got '" + v.text() + "'");
        });
    }

    Optional<Integer> integer(String envName, String section, String key, int min) {
        return get(envName, section, key).map(v -> {
            try {
                int n = Integer.parseInt(v.text());
                if (n >= min) return n;
            } catch (NumberFormatException e) {
                // reported below, with the allowed range
            }
            throw v.problem(key + " must be a whole number of at least " + min + ", got '" + v.text() + "'");
        });
    }

    /** A path, with {@code ~} expanded as Ansible does. */
    Optional<Path> path(String envName, String section, String key) {
        return string(envName, section, key).map(t -> expandUser(t, env));
    }

    /** A list split on {@code separator} (Ansible: {@code ,} for inventory, {@code :} for roles_path). */
    List<String> list(String envName, String section, String key, String separator) {
        return string(envName, section, key).map(t -> List.of(t.split(separator))).orElse(List.of())
                .stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    List<Path> paths(String envName, String section, String key, String separator) {
        return list(envName, section, key, separator).stream().map(s -> expandUser(s, env)).toList();
    }

    static Path expandUser(String text, Map<String, String> env) {
        if (text.equals("~")) return home(env);
        if (text.startsWith("~/")) return home(env).resolve(text.substring(2));
        return Path.of(text);
    }

    private static Path home(Map<String, String> env) {
        return Path.of(env.getOrDefault("HOME", System.getProperty("user.home")));
    }
}
