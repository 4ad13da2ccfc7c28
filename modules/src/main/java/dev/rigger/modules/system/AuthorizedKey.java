package dev.rigger.modules.system;

import dev.rigger.core.module.Args;
import dev.rigger.core.module.Change;
import dev.rigger.core.module.Module;
import dev.rigger.core.module.ModuleContext;
import dev.rigger.core.module.ModuleException;
import dev.rigger.core.module.ModuleType;
import dev.rigger.core.module.Plan;
import dev.rigger.core.module.Probe;
import dev.rigger.core.module.UnifiedDiff;
import dev.rigger.core.module.ModuleArgumentException;
import dev.rigger.core.transport.ExecRequest;
import dev.rigger.core.transport.ExecResult;
import dev.rigger.core.transport.RemoteFiles;
import dev.rigger.core.transport.ShellQuote;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * SSH public keys in a user's {@code authorized_keys}.
 *
 * <p>Parameters (Ansible's {@code authorized_key}):
 * <ul>
 *   <li>{@code user} — whose file (required; the user must exist).</li>
 *   <li>{@code key} — one or several public key lines ({@code [options] type base64 [comment]}); blank
 *       lines and {@code #} comments are ignored (required).</li>
 *   <li>{@code state} — {@code present} (default) or {@code absent}. A key is identified by its type and
 *       base64 blob: a present key whose line differs (options, comment) is replaced in place.</li>
 *   <li>{@code exclusive} — with present, the file holds exactly the given keys, in the given order.</li>
 *   <li>{@code path} — the file, default {@code ~/.ssh/authorized_keys} ({@code ~/} is the user's home).</li>
 *   <li>{@code manage_dir} — create the file's directory and keep it {@code 0700} and owned by the user
 *       (default true; turn it off for a shared directory such as {@code /etc/ssh/authorized_keys}).</li>
 * </ul>
 * The file is written atomically (temp file in the same directory, then {@code mv}) with mode
 * {@code 0600} and the user as owner, which sshd's StrictModes demands. The probe is one exec.
 *
 * <pre>{@code
 * - name: alice logs in with her key
 *   authorized_key:
 *     user: alice
 *     key: "{{ lookup('file', 'alice.pub') }}"
 * }</pre>
 *
 * <pre>{@code
 * AuthorizedKey.present("alice", Files.readString(Path.of("alice.pub"))).build()
 * }</pre>
 */
public record AuthorizedKey(String user, List<String> keys, boolean present, boolean exclusive, String path, boolean manageDir)
        implements Module<AuthorizedKey.KeyFile> {

    private static final String FILE_MODE = "600";
    private static final String DIR_MODE = "700";

    public AuthorizedKey {
        Accounts.requireName("authorized_key", "user", "user", user);
        keys = parseKeys(keys);
        if (keys.isEmpty()) throw new ModuleArgumentException("authorized_key", "key", "no public key given");
        if (path != null && !path.startsWith("/") && !path.startsWith("~/")) {
            throw new ModuleArgumentException("authorized_key", "path", "must be absolute or start with ~/, got '" + path + "'");
        }
        if (path != null && path.indexOf('\0') >= 0) throw new ModuleArgumentException("authorized_key", "path", "contains NUL");
    }

    /** The keys (one or several lines) in {@code user}'s {@code ~/.ssh/authorized_keys}, besides any others. */
    public static Builder present(String user, String keyLines) {
        return new Builder(user, keyLines, true, false);
    }

    /** {@code user}'s {@code ~/.ssh/authorized_keys} holds exactly these keys. */
    public static Builder exclusive(String user, String keyLines) {
        return new Builder(user, keyLines, true, true);
    }

    /** The keys removed from {@code user}'s {@code ~/.ssh/authorized_keys}. */
    public static Builder absent(String user, String keyLines) {
        return new Builder(user, keyLines, false, false);
    }

    /** Optional parameters of an authorized_key task; {@link #build()} checks them all. */
    public static final class Builder {
        private final String user;
        private final String keyLines;
        private final boolean present;
        private final boolean exclusive;
        private String path;
        private boolean manageDir = true;

        private Builder(String user, String keyLines, boolean present, boolean exclusive) {
            this.user = user;
            this.keyLines = keyLines;
            this.present = present;
            this.exclusive = exclusive;
        }

        /** The file, absolute or starting with {@code ~/} (default {@code ~/.ssh/authorized_keys}). */
        public Builder path(String value) { this.path = value; return this; }
        /** Whether the file's directory is created and kept 0700, owned by the user (default true). */
        public Builder manageDir(boolean value) { this.manageDir = value; return this; }

        /** @throws ModuleArgumentException naming the parameter that cannot work */
        public AuthorizedKey build() {
            return new AuthorizedKey(user, List.of(keyLines), present, exclusive, path, manageDir);
        }
    }

    /** Splits multi-line values into key lines, drops blanks and comments, and refuses what is not a key. */
    private static List<String> parseKeys(List<String> values) {
        List<String> lines = new ArrayList<>();
        for (String value : values) {
            for (String raw : value.split("\r?\n")) {
                String line = raw.strip();
                if (line.isEmpty() || line.startsWith("#")) continue;
                if (identity(line).isEmpty()) {
                    throw new ModuleArgumentException("authorized_key", "key", "not an SSH public key line: '" + abbreviate(line) + "'");
                }
                lines.add(line);
            }
        }
        return List.copyOf(lines);
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    /**
     * What identifies a key line: its type and base64 blob, whatever options and comment surround
     * it. Options may hold quoted blanks ({@code command="a b"}), so words are split outside quotes.
     */
    static Optional<String> identity(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') quoted = !quoted;
            if (!quoted && (c == ' ' || c == '\t')) {
                if (word.length() > 0) words.add(word.toString());
                word.setLength(0);
            } else {
                word.append(c);
            }
        }
        if (word.length() > 0) words.add(word.toString());
        for (int i = 0; i + 1 < words.size(); i++) {
            String type = words.get(i);
            boolean keyType = type.startsWith("ssh-") || type.startsWith("ecdsa-sha2-") || type.startsWith("sk-ssh-")
                    || type.startsWith("sk-ecdsa-");
            if (keyType && words.get(i + 1).matches("[A-Za-z0-9+/]+=*")) return Optional.of(type + " " + words.get(i + 1));
        }
        return Optional.empty();
    }

    @Override
    public String moduleName() {
        return "authorized_key";
    }

    @Override
    public Probe<KeyFile> probe(ModuleContext context) {
        String file = path == null ? "\"$home\"/.ssh/authorized_keys"
                : path.startsWith("~/") ? "\"$home\"/" + ShellQuote.quote(path.substring(2)) : ShellQuote.quote(path);
        String script = "entry=$(getent passwd -- " + ShellQuote.quote(user) + ") || { echo no-such-user; exit 0; }\n"
                + "home=$(printf '%s\\n' \"$entry\" | cut -d: -f6)\n"
                + "path=" + file + "\n"
                + "dir=$(dirname -- \"$path\")\n"
                + "printf 'user\\t%s\\n' \"$(printf '%s\\n' \"$entry\" | cut -d: -f3,4)\"\n"
                + "printf 'path\\t%s\\n' \"$path\"\n"
                + "if [ -d \"$dir\" ]; then printf 'dir\\t%s\\n' \"$(stat -c '%a %u:%g' -- \"$dir\")\"; fi\n"
                + "if [ -f \"$path\" ]; then\n"
                + "  printf 'file\\t%s\\n' \"$(stat -c '%a %u:%g' -- \"$path\")\"\n"
                + "  echo content\n"
                + "  cat -- \"$path\"\n"
                + "fi\n";
        return Probe.of(script, r -> KeyFile.parse(r, user));
    }

    @Override
    public Plan plan(KeyFile current, ModuleContext context) {
        List<String> lines = desiredLines(current.lines());
        boolean writeFile = !lines.equals(current.lines()) && (present || current.exists());
        List<Change> changes = new ArrayList<>();
        StringBuilder script = new StringBuilder("set -eu\n");
        String dir = current.path().substring(0, Math.max(1, current.path().lastIndexOf('/')));
        String qdir = ShellQuote.quote(dir);
        String owner = current.owner();
        // uid:gid as the probe read them from the host: quoted like any value placed in a script.
        String qowner = ShellQuote.quote(owner);
        if (manageDir && present) {
            if (current.dirStat() == null) {
                changes.add(Change.of("create directory " + dir + " (" + DIR_MODE + ", owner " + user + ")"));
                script.append("mkdir -p -m ").append(DIR_MODE).append(" -- ").append(qdir).append('\n')
                        .append("chown ").append(qowner).append(" -- ").append(qdir).append('\n');
            } else if (!current.dirStat().equals(DIR_MODE + " " + owner)) {
                changes.add(Change.of("set mode " + DIR_MODE + " and owner " + user + " on " + dir));
                script.append("chmod ").append(DIR_MODE).append(" -- ").append(qdir).append('\n')
                        .append("chown ").append(qowner).append(" -- ").append(qdir).append('\n');
            }
        }
        String content = lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
        if (writeFile) {
            String summary = (current.exists() ? "update " : "create ") + current.path() + ": " + describe(current.lines(), lines);
            String before = current.lines().isEmpty() ? "" : String.join("\n", current.lines()) + "\n";
            changes.add(context.diffMode() ? Change.withDiff(summary, UnifiedDiff.of(current.path(), before, content)) : Change.of(summary));
            ExecRequest write = RemoteFiles.write(current.path(), content.getBytes(StandardCharsets.UTF_8))
                    .mode("0" + FILE_MODE).owner(owner.split(":")[0]).group(owner.split(":")[1]).request();
            script.append(write.script());
        } else if (current.exists() && present && !current.fileStat().equals(FILE_MODE + " " + owner)) {
            changes.add(Change.of("set mode " + FILE_MODE + " and owner " + user + " on " + current.path()));
            String qpath = ShellQuote.quote(current.path());
            script.append("chmod ").append(FILE_MODE).append(" -- ").append(qpath).append('\n')
                    .append("chown ").append(qowner).append(" -- ").append(qpath).append('\n');
        }
        if (changes.isEmpty()) return Plan.noChange();
        Plan plan = Plan.apply(changes, script.toString());
        return writeFile ? plan.withStdin(content.getBytes(StandardCharsets.UTF_8)) : plan;
    }

    /** The file's lines after this task: current lines kept verbatim unless this task is about them. */
    List<String> desiredLines(List<String> current) {
        if (present && exclusive) return keys;
        Map<String, String> wanted = new LinkedHashMap<>();
        for (String k : keys) wanted.putIfAbsent(identity(k).orElseThrow(), k);
        List<String> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String line : current) {
            Optional<String> id = identity(line);
            if (id.isEmpty() || !wanted.containsKey(id.get())) {
                out.add(line);
            } else if (present && seen.add(id.get())) {
                out.add(wanted.get(id.get()));
            }
            // Absent keys, and second copies of a present key, are dropped.
        }
        if (present) {
            wanted.forEach((id, line) -> {
                if (!seen.contains(id)) out.add(line);
            });
        }
        return out;
    }

    private static String describe(List<String> before, List<String> after) {
        Set<String> had = new HashSet<>(before);
        Set<String> has = new HashSet<>(after);
        long added = after.stream().filter(l -> !had.contains(l)).count();
        long removed = before.stream().filter(l -> !has.contains(l)).count();
        return added + " line(s) added, " + removed + " removed";
    }

    /**
     * The authorized_keys file as the probe saw it.
     *
     * @param owner    the user's {@code uid:gid}
     * @param path     the file (default path resolved against the user's home)
     * @param dirStat  {@code "mode uid:gid"} of its directory, or null when missing
     * @param fileStat {@code "mode uid:gid"} of the file, or null when missing
     * @param lines    the file's lines (none when missing)
     */
    public record KeyFile(String owner, String path, String dirStat, String fileStat, List<String> lines) {
        public KeyFile {
            lines = List.copyOf(lines);
        }

        boolean exists() {
            return fileStat != null;
        }

        static KeyFile parse(ExecResult r, String user) {
            if (!r.succeeded()) throw new ModuleException("reading authorized_keys failed (exit " + r.exitCode() + "): " + r.stderr().strip());
            String out = r.stdout();
            if (out.strip().equals("no-such-user")) throw new ModuleException("user " + user + " does not exist");
            String owner = null;
            String path = null;
            String dir = null;
            String file = null;
            List<String> lines = new ArrayList<>();
            String[] all = out.split("\n", -1);
            for (int i = 0; i < all.length; i++) {
                String line = all[i];
                if (line.equals("content")) {
                    for (int j = i + 1; j < all.length; j++) {
                        if (j == all.length - 1 && all[j].isEmpty()) break; // the file's final newline
                        lines.add(all[j].endsWith("\r") ? all[j].substring(0, all[j].length() - 1) : all[j]);
                    }
                    break;
                }
                String[] f = line.split("\t", 2);
                if (f.length < 2) continue;
                switch (f[0]) {
                    case "user" -> owner = f[1];
                    case "path" -> path = f[1];
                    case "dir" -> dir = f[1];
                    case "file" -> file = f[1];
                    default -> { }
                }
            }
            if (owner == null || path == null) throw new ModuleException("unexpected probe output: " + out.strip());
            return new KeyFile(owner, path, dir, file, lines);
        }
    }

    /** YAML binding: {@code authorized_key}. */
    public static final class Type implements ModuleType {
        private static final Set<String> PARAMETERS = Set.of("user", "key", "state", "exclusive", "path", "manage_dir");

        @Override
        public List<String> names() {
            return List.of("authorized_key");
        }

        @Override
        public Set<String> parameters() {
            return PARAMETERS;
        }

        @Override
        public Set<String> required() {
            return Set.of("user", "key");
        }

        @Override
        public Module<?> create(Args args) {
            args.requireKnown(PARAMETERS);
            List<String> keys = args.raw("key") instanceof List ? args.stringList("key") : List.of(args.string("key"));
            try {
                return new AuthorizedKey(args.string("user"), keys,
                        args.choice("state", List.of("present", "absent"), "present").equals("present"),
                        args.bool("exclusive", false), args.optionalString("path").orElse(null), args.bool("manage_dir", true));
            } catch (IllegalArgumentException e) {
                throw args.error(e, "key");
            }
        }
    }
}
