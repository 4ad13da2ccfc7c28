package dev.rigger.modules.postgresql;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rigger.core.module.Args;
import dev.rigger.core.module.Change;
import dev.rigger.core.module.Module;
import dev.rigger.core.module.ModuleContext;
import dev.rigger.core.module.ModuleType;
import dev.rigger.core.module.Plan;
import dev.rigger.core.module.Probe;
import dev.rigger.core.module.UnifiedDiff;
import dev.rigger.core.module.ModuleArgumentException;
import dev.rigger.core.transport.ExecResult;
import dev.rigger.core.transport.RemoteFiles;
import dev.rigger.core.transport.ShellQuote;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Client authentication entries in the server's pg_hba.conf, managed as one marked block.
 *
 * <p>pg_hba.conf is first-match: the first line whose type, database, user and address fit a
 * connection decides its method, and later lines are never consulted. So the entries are kept in
 * the order given, as one block between marker lines, and the block's place is part of the desired
 * state: {@code position: first} (default) puts it before the file's first entry (and before the
 * comment paragraph that introduces it), so Debian's {@code host all all 127.0.0.1/32 scram-sha-256}
 * and friends cannot shadow it; {@code position: last} puts it at the end. A block that someone
 * moved is moved back. Everything outside the block stays verbatim.
 *
 * <p>Parameters:
 * <ul>
 *   <li>{@code entries} — a list of mappings with {@code type} ({@code local}, {@code host},
 *       {@code hostssl}, {@code hostnossl}, {@code hostgssenc}, {@code hostnogssenc}), {@code database},
 *       {@code user}, {@code address} (CIDR, host name, {@code samehost}/{@code samenet}/{@code all};
 *       required for host types, not allowed for local; a list of addresses gives one line per address,
 *       an empty list none), {@code method} and optional {@code options} ({@code name=value} words).
 *       Comma lists ({@code database: app,reports}) are pg_hba's own syntax. An item that is itself a
 *       list of entries (a variable such as {@code "{{ extra_hba_entries }}"}) is flattened in place.</li>
 *   <li>{@code position} — {@code first} (default) or {@code last}.</li>
 *   <li>{@code marker} — the marker line, {@code {mark}} standing for BEGIN/END (default
 *       {@code # {mark} RIGGER MANAGED BLOCK}); distinct markers give distinct blocks. Give at most
 *       one block of a file {@code position: first}: two would each claim the top and swap places
 *       on every run. Put several lists of entries in one block instead (nested lists are flattened).</li>
 *   <li>{@code state} — {@code present} (default) or {@code absent} (removes the block).</li>
 *   <li>{@code port} — the server's port (default 5432).</li>
 * </ul>
 * The file is the one the running server reads ({@code SHOW hba_file}). After writing it, the apply
 * script asks PostgreSQL to parse it ({@code pg_hba_file_rules}, PostgreSQL 10 and later): when any
 * line has an error the old file is put back and the task fails with PostgreSQL's messages; when it
 * parses, the server reloads, and the script waits until it has (new connections then meet the new
 * rules). Note that the block comes before Debian's {@code local all postgres peer}: an entry that
 * matches the postgres user on the local socket with another method locks these modules out.
 *
 * <p>Execs: unchanged 1 (the probe), changed 2.
 *
 * <pre>{@code
 * - name: the app network and the standby may connect
 *   postgresql_hba:
 *     entries:
 *       - {type: host, database: app, user: app, address: 10.0.1.0/24, method: scram-sha-256}
 *       - {type: host, database: replication, user: repmgr, address: 10.0.2.0/24, method: scram-sha-256}
 * }</pre>
 *
 * <pre>{@code
 * PostgresqlHba.of(PostgresqlHba.Entry.host("app", "app", "10.0.1.0/24", "scram-sha-256")).build()
 * }</pre>
 */
public record PostgresqlHba(List<Entry> entries, boolean first, String marker, boolean present, int port)
        implements Module<PostgresqlHba.Current> {

    public static final String DEFAULT_MARKER = "# {mark} RIGGER MANAGED BLOCK";

    /** These lines, in a managed block at the top of pg_hba.conf of the cluster on port 5432. */
    public static Builder of(Entry... entries) {
        return new Builder(List.of(entries));
    }

    /** Optional parameters of a postgresql_hba task; {@link #build()} checks them all. */
    public static final class Builder {
        private final List<Entry> entries;
        private boolean first = true;
        private String marker;
        private boolean present = true;
        private int port = PostgresqlUser.DEFAULT_PORT;

        private Builder(List<Entry> entries) {
            this.entries = entries;
        }

        /** Ansible-style {@code position}: the block first (default) or last in the file. */
        public Builder first(boolean value) { this.first = value; return this; }
        /** The block's marker line (default {@value PostgresqlHba#DEFAULT_MARKER}). */
        public Builder marker(String value) { this.marker = value; return this; }
        /** Removes the managed block instead ({@code state: absent}). */
        public Builder absent() { this.present = false; return this; }
        public Builder port(int value) { this.port = value; return this; }

        /** @throws ModuleArgumentException naming the parameter that cannot work */
        public PostgresqlHba build() {
            return new PostgresqlHba(entries, first, marker, present, port);
        }
    }

    public PostgresqlHba {
        entries = List.copyOf(entries);
        if (marker == null) marker = DEFAULT_MARKER;
        if (!marker.contains("{mark}") || marker.contains("\n") || !marker.startsWith("#")) {
            throw new ModuleArgumentException("postgresql_hba", "marker", "must be one comment line (starting with #) containing {mark}, got '" + marker + "'");
        }
        if (port < 1 || port > 65535) throw new ModuleArgumentException("postgresql_hba", "port", "must be 1 to 65535, got " + port);
    }

    /** One pg_hba.conf line. {@code address} is null for {@code local}, {@code options} may be null. */
    public record Entry(String type, String database, String user, String address, String method, String options) {
        private static final Set<String> TYPES = Set.of("local", "host", "hostssl", "hostnossl", "hostgssenc", "hostnogssenc");
        /** One pg_hba word: no blanks and no comment sign (quoted names are not supported here). */
        private static final Pattern WORD = Pattern.compile("[^\\s#]+");

        public Entry {
            type = Objects.requireNonNull(type, "type").toLowerCase(Locale.ROOT);
            if (!TYPES.contains(type)) throw new ModuleArgumentException("postgresql_hba", "entries", "type: must be one of " + String.join(", ", new java.util.TreeSet<>(TYPES)) + ", got '" + type + "'");
            word("database", database);
            word("user", user);
            word("method", method);
            if (type.equals("local")) {
                if (address != null) throw new ModuleArgumentException("postgresql_hba", "entries", "address: a local entry has no address");
            } else {
                word("address", address);
            }
            if (options != null && (options.contains("\n") || options.contains("#"))) {
                throw new ModuleArgumentException("postgresql_hba", "entries", "options: must be name=value words on one line without #");
            }
        }

        private static void word(String field, String value) {
            if (value == null) throw new ModuleArgumentException("postgresql_hba", "entries", field + ": required");
            if (!WORD.matcher(value).matches()) throw new ModuleArgumentException("postgresql_hba", "entries", field + ": '" + value + "' must be one word without blanks or #");
        }

        public static Entry host(String database, String user, String address, String method) {
            return new Entry("host", database, user, address, method, null);
        }

        public static Entry local(String database, String user, String method) {
            return new Entry("local", database, user, null, method, null);
        }

        /** The line, in the column layout of Debian's pg_hba.conf. */
        String line() {
            String s = String.format("%-7s %-15s %-15s %-23s %s", type, database, user, address == null ? "" : address, method);
            return (options == null || options.isBlank() ? s : s + " " + options.strip()).stripTrailing();
        }
    }

    @Override
    public String moduleName() {
        return "postgresql_hba";
    }

    @Override
    public Probe<Current> probe(ModuleContext context) {
        String sql = "SELECT json_build_object('hba_file', f, 'exists', (pg_stat_file(f, true)).size IS NOT NULL, "
                + "'content', pg_read_file(f, 0, coalesce((pg_stat_file(f, true)).size, 0), true), "
                + "'rules_view', to_regclass('pg_catalog.pg_hba_file_rules') IS NOT NULL) FROM (SELECT current_setting('hba_file') AS f) s";
        return Probe.of(Psql.prelude(port) + Psql.run(sql), Current::parse);
    }

    @Override
    public Plan plan(Current current, ModuleContext context) {
        List<String> lines = desiredLines(current.lines());
        if (lines.equals(current.lines())) return Plan.noChange();
        String before = text(current.lines());
        String after = text(lines);
        String summary = present
                ? (blockRange(current.lines()) == null ? "add " : "update ") + entries.size() + " entries in " + current.file()
                : "remove the managed block from " + current.file();
        Change change = context.diffMode() ? Change.withDiff(summary, UnifiedDiff.of(current.file(), before, after)) : Change.of(summary);
        byte[] content = after.getBytes(StandardCharsets.UTF_8);
        RemoteFiles write = RemoteFiles.write(current.file(), content);
        if (!current.exists()) write.mode("0640").owner("postgres").group("postgres");
        String target = ShellQuote.quote(current.file());
        StringBuilder script = new StringBuilder(Psql.prelude(port));
        // The old file, to put back if PostgreSQL cannot parse the new one.
        script.append("prev=$(mktemp)\n");
        script.append(current.exists() ? "cp -p -- " + target + " \"$prev\"\n" : ": > \"$prev\"\n");
        script.append(write.request().script());
        if (current.rulesView()) {
            script.append("errors=$(").append(Psql.run("SELECT coalesce(string_agg('line ' || line_number || ': ' || error, E'\\n' ORDER BY line_number), '') "
                    + "FROM pg_hba_file_rules WHERE error IS NOT NULL").strip()).append("\n)\n");
            script.append("if [ -n \"$errors\" ]; then\n")
                    .append(current.exists() ? "  cp -p -- \"$prev\" " + target + "\n" : "  rm -f -- " + target + "\n")
                    .append("  rm -f -- \"$prev\"\n")
                    .append("  printf 'PostgreSQL cannot parse the new %s; the old file is back:\\n%s\\n' ").append(target).append(" \"$errors\" >&2\n")
                    .append("  exit 1\n")
                    .append("fi\n");
        }
        script.append("rm -f -- \"$prev\"\n");
        script.append(Psql.reloadAndWait());
        return Plan.apply(change, script.toString()).withStdin(content);
    }

    /** The file's lines with the block (absent: without it) in its place. */
    List<String> desiredLines(List<String> current) {
        List<String> out = new ArrayList<>(current);
        int[] range = blockRange(current);
        if (range != null) out.subList(range[0], range[1] + 1).clear();
        if (!present) return out;
        List<String> block = new ArrayList<>();
        block.add(marker.replace("{mark}", "BEGIN"));
        for (Entry e : entries) block.add(e.line());
        block.add(marker.replace("{mark}", "END"));
        out.addAll(first ? insertionPoint(out) : out.size(), block);
        return out;
    }

    /**
     * Before the first entry line, and before the comment lines directly above it (they describe
     * it): in Debian's file that is after the header's blank lines, above "# DO NOT DISABLE!".
     */
    static int insertionPoint(List<String> lines) {
        int i = 0;
        while (i < lines.size() && isCommentOrBlank(lines.get(i))) i++;
        if (i == lines.size()) return lines.size();
        while (i > 0 && lines.get(i - 1).strip().startsWith("#")) i--;
        return i;
    }

    private static boolean isCommentOrBlank(String line) {
        String t = line.strip();
        return t.isEmpty() || t.startsWith("#");
    }

    /** First and last line index of this block, or null when the file has none. */
    private int[] blockRange(List<String> lines) {
        int begin = lines.indexOf(marker.replace("{mark}", "BEGIN"));
        if (begin < 0) return null;
        int end = lines.subList(begin, lines.size()).indexOf(marker.replace("{mark}", "END"));
        return end < 0 ? null : new int[] {begin, begin + end};
    }

    private static String text(List<String> lines) {
        return lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
    }

    /** The server's pg_hba.conf: path, whether it exists, its lines, and whether {@code pg_hba_file_rules} can check it. */
    public record Current(String file, boolean exists, List<String> lines, boolean rulesView) {
        public Current {
            lines = List.copyOf(lines);
        }

        static Current parse(ExecResult r) {
            JsonNode root = Psql.json(r, "reading pg_hba.conf");
            String content = Psql.text(root, "content");
            List<String> lines = new ArrayList<>();
            if (content != null && !content.isEmpty()) {
                lines.addAll(List.of((content.endsWith("\n") ? content.substring(0, content.length() - 1) : content).split("\n", -1)));
            }
            return new Current(Psql.text(root, "hba_file"), root.path("exists").asBoolean(), lines, root.path("rules_view").asBoolean());
        }
    }

    /** YAML binding: {@code postgresql_hba}. */
    public static final class Type implements ModuleType {
        private static final Set<String> PARAMETERS = Set.of("entries", "position", "marker", "state", "port");
        private static final Set<String> ENTRY_KEYS = Set.of("type", "database", "user", "address", "method", "options");

        @Override
        public List<String> names() {
            return List.of("postgresql_hba");
        }

        @Override
        public Set<String> parameters() {
            return PARAMETERS;
        }

        @Override
        public Module<?> create(Args args) {
            args.requireKnown(PARAMETERS);
            boolean present = args.choice("state", List.of("present", "absent"), "present").equals("present");
            if (present && !args.has("entries")) throw args.missing("entries");
            List<Entry> entries = new ArrayList<>();
            Object raw = args.raw("entries");
            if (raw != null && !(raw instanceof List)) throw args.error("entries", "'entries' must be a list of mappings");
            // A list inside the list (a role's "{{ extra_entries }}") is flattened one level, as with_items does.
            List<Object> items = new ArrayList<>();
            for (Object item : raw == null ? List.of() : (List<?>) raw) {
                if (item instanceof List<?> nested) items.addAll(nested);
                else items.add(item);
            }
            int index = 0;
            for (Object item : items) {
                index++;
                if (!(item instanceof Map<?, ?> m)) throw args.error("entries", "entries: item " + index + " must be a mapping with type, database, user, address, method");
                for (Object key : m.keySet()) {
                    if (!ENTRY_KEYS.contains(String.valueOf(key))) {
                        throw args.error("entries", "entries: item " + index + " has unknown key '" + key + "' (known: " + String.join(", ", new java.util.TreeSet<>(ENTRY_KEYS)) + ")");
                    }
                }
                // A list of addresses is one line per address, in order; an empty list is no line.
                List<Object> addresses = m.get("address") instanceof List<?> list ? new ArrayList<>(list) : java.util.Collections.singletonList(m.get("address"));
                for (Object address : addresses) {
                    try {
                        entries.add(new Entry(str(m.get("type")), str(m.get("database")), str(m.get("user")), str(address), str(m.get("method")), str(m.get("options"))));
                    } catch (IllegalArgumentException | NullPointerException e) {
                        throw args.error("entries", "entries: item " + index + ": " + (e instanceof ModuleArgumentException refused ? refused.problem() : e.getMessage()));
                    }
                }
            }
            try {
                return new PostgresqlHba(entries, args.choice("position", List.of("first", "last"), "first").equals("first"),
                        args.optionalString("marker").orElse(null), present, args.integer("port", PostgresqlUser.DEFAULT_PORT));
            } catch (IllegalArgumentException e) {
                throw args.error(e, "marker");
            }
        }

        private static String str(Object o) {
            return o == null ? null : String.valueOf(o);
        }
    }
}
