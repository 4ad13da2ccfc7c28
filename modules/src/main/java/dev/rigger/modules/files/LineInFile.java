package dev.rigger.modules.files;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.rigger.core.module.Args;
import dev.rigger.core.module.FileMode;
import dev.rigger.core.module.Module;
import dev.rigger.core.module.ModuleContext;
import dev.rigger.core.module.ModuleException;
import dev.rigger.core.module.ModuleType;
import dev.rigger.core.module.Plan;
import dev.rigger.core.module.Probe;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * Makes sure one line is in a text file (or is not), with Ansible's semantics: the <em>last</em>
 * line matching {@code regexp} is replaced; with no match the line is inserted after/before the
 * last line matching {@code insertafter}/{@code insertbefore} (or at {@code EOF}/{@code BOF});
 * a line already present exactly is no change. The edit is computed in Java from the content the
 * probe read, and the whole new content is written atomically — only if the file still holds what
 * was read.
 *
 * <ul>
 *   <li>{@code path} (required; aliases {@code dest}, {@code destfile}, {@code name}) — absolute
 *       path; symlinks are followed, the real file is edited.</li>
 *   <li>{@code line} (alias {@code value}) — the line; required for {@code state: present}.</li>
 *   <li>{@code regexp} (alias {@code regex}) — Python-style regular expression searched in each line.</li>
 *   <li>{@code search_string} — a literal string instead of {@code regexp}.</li>
 *   <li>{@code state} — {@code present} (default) or {@code absent} (removes every line matching
 *       {@code regexp}/{@code search_string}, or equal to {@code line}).</li>
 *   <li>{@code insertafter} — regex, or {@code EOF} (default); {@code insertbefore} — regex or {@code BOF}.</li>
 *   <li>{@code firstmatch} — use the first match of {@code regexp}/{@code insertafter}/{@code insertbefore}, not the last.</li>
 *   <li>{@code backrefs} — {@code line} may use {@code \1}/{@code \g<name>} of the {@code regexp}
 *       match; without a match the file is left alone.</li>
 *   <li>{@code create} — create the file (and its directories) when missing.</li>
 *   <li>{@code backup}, {@code validate}, {@code mode}, {@code owner}, {@code group} — as for {@code copy}.</li>
 * </ul>
 *
 * <pre>{@code
 * - name: no root login over ssh
 *   lineinfile:
 *     path: /etc/ssh/sshd_config
 *     regexp: '^#?PermitRootLogin\s'
 *     line: PermitRootLogin no
 *     validate: sshd -t -f %s
 * }</pre>
 *
 * <pre>{@code
 * LineInFile swappiness = LineInFile.line("/etc/sysctl.conf", "vm.swappiness = 10")
 *         .regexp("^vm\\.swappiness").build();
 * }</pre>
 *
 * Exec budget: unchanged 1 (the probe reads the content), changed 2 (probe, write).
 */
public record LineInFile(String path, String line, boolean secretLine, String regexp, String searchString, boolean present,
                         String insertAfter, String insertBefore, boolean firstMatch, boolean backrefs, boolean create,
                         boolean backup, List<String> validate, FileAttributes attributes) implements Module<FileProbe.State> {

    /** Files larger than this are not edited line by line. */
    static final int EDIT_LIMIT = 16 * 1024 * 1024;

    public LineInFile {
        Objects.requireNonNull(path, "path");
        validate = List.copyOf(validate);
        if (insertAfter != null && insertBefore != null) throw new IllegalArgumentException("insertafter and insertbefore exclude each other");
        if (regexp != null && searchString != null) throw new IllegalArgumentException("regexp and search_string exclude each other");
        if (present && line == null) throw new IllegalArgumentException("line is required with state=present");
        if (backrefs && regexp == null) throw new IllegalArgumentException("regexp is required with backrefs=true");
        if (!present && line == null && regexp == null && searchString == null) {
            throw new IllegalArgumentException("one of line, search_string, or regexp is required with state=absent");
        }
        if (regexp != null) PythonRegex.compile(regexp);
        if (insertAfter != null && !insertAfter.equals("EOF") && !insertAfter.equals("BOF")) PythonRegex.compile(insertAfter);
        if (insertBefore != null && !insertBefore.equals("BOF")) PythonRegex.compile(insertBefore);
    }

    /** {@code state: present} of {@code line} in {@code path}. */
    public static Builder line(String path, String line) {
        return new Builder(path).line(line);
    }

    /** {@code state: absent}: removes the lines matching {@code regexp}. */
    public static Builder absentMatching(String path, String regexp) {
        return new Builder(path).regexp(regexp).absent();
    }

    @Override
    public String moduleName() {
        return "lineinfile";
    }

    @Override
    public Probe<FileProbe.State> probe(ModuleContext context) {
        return FileProbe.of(path).realPath().content(EDIT_LIMIT).probe();
    }

    @Override
    public Plan plan(FileProbe.State state, ModuleContext context) {
        if (state.kind() == FileProbe.Kind.DIRECTORY) throw new ModuleException("Path " + path + " is a directory !");
        String original = null;
        if (state.exists()) {
            original = state.text().orElseThrow(() -> new ModuleException("cannot edit " + path + " line by line: "
                    + (state.contentTooLarge() ? "larger than " + EDIT_LIMIT + " bytes" : "not a UTF-8 text file")));
        } else if (!present) {
            return Plan.noChange(Map.of("msg", "file not present"));
        } else if (!create) {
            throw new ModuleException("Destination " + path + " does not exist !");
        }
        Edit edit = edit(original == null ? "" : original);
        String content = edit.content();
        Redaction redaction = secretLine ? Redaction.hidden() : Redaction.none();
        String action = content.equals(original) ? null : edit.message();
        return new ContentWrite(content.getBytes(UTF_8), redaction, attributes, backup, validate, true, create, true, action)
                .plan(state, context.diffMode());
    }

    /** The result of editing: the new content and Ansible's message for it. */
    record Edit(String content, String message) {}

    /** Applies this spec to {@code original} (empty for a file about to be created). Pure. */
    Edit edit(String original) {
        List<String> lines = splitLines(original);
        return present ? present(lines) : absent(lines);
    }

    private Edit present(List<String> lines) {
        PythonRegex re = regexp == null ? null : PythonRegex.compile(regexp);
        String after = insertAfter;
        String before = insertBefore;
        if (after == null && before == null) after = "EOF";
        PythonRegex insertRe = null;
        if (after != null && !after.equals("BOF") && !after.equals("EOF")) insertRe = PythonRegex.compile(after);
        else if (before != null && !before.equals("BOF")) insertRe = PythonRegex.compile(before);

        int matchIndex = -1;
        int insertIndex = -1;
        Matcher match = null;
        boolean found = false;
        if (re != null) {
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = re.search(lines.get(i));
                if (m != null) {
                    matchIndex = i;
                    match = m;
                    found = true;
                    if (firstMatch) break;
                }
            }
        }
        if (searchString != null) {
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).contains(searchString)) {
                    matchIndex = i;
                    found = true;
                    if (firstMatch) break;
                }
            }
        }
        if (!found) {
            for (int i = 0; i < lines.size(); i++) {
                if (line.equals(stripEnd(lines.get(i)))) {
                    matchIndex = i;
                } else if (insertRe != null && insertRe.search(lines.get(i)) != null) {
                    insertIndex = after != null ? i + 1 : i;
                    if (firstMatch) break;
                }
            }
        }

        String added = line + "\n";
        if (matchIndex != -1) {
            String newLine = backrefs && match != null ? re.expand(match, line) : line;
            if (!newLine.endsWith("\n")) newLine += "\n";
            if (!lines.get(matchIndex).equals(newLine)) {
                lines.set(matchIndex, newLine);
                return new Edit(String.join("", lines), "line replaced");
            }
            return unchanged(lines);
        }
        if (backrefs) return unchanged(lines); // without a match the backrefs have nothing to fill in
        if ("BOF".equals(before) || "BOF".equals(after)) {
            lines.add(0, added);
            return new Edit(String.join("", lines), "line added");
        }
        if ("EOF".equals(after) || insertIndex == -1) {
            if (!lines.isEmpty() && !endsWithNewline(lines.get(lines.size() - 1))) lines.add("\n");
            lines.add(added);
            return new Edit(String.join("", lines), "line added");
        }
        if (after != null) {
            // Not again when the line is already right after the anchor.
            if (insertIndex == lines.size()) {
                if (!stripEnd(lines.get(insertIndex - 1)).equals(line)) {
                    lines.add(added);
                    return new Edit(String.join("", lines), "line added");
                }
            } else if (!stripEnd(lines.get(insertIndex)).equals(line)) {
                lines.add(insertIndex, added);
                return new Edit(String.join("", lines), "line added");
            }
            return unchanged(lines);
        }
        lines.add(insertIndex, added);
        return new Edit(String.join("", lines), "line added");
    }

    private Edit absent(List<String> lines) {
        PythonRegex re = regexp == null ? null : PythonRegex.compile(regexp);
        List<String> kept = new ArrayList<>();
        int removed = 0;
        for (String l : lines) {
            boolean matches = re != null ? re.search(l) != null
                    : searchString != null ? l.contains(searchString)
                    : line.equals(stripEnd(l));
            if (matches) removed++;
            else kept.add(l);
        }
        return new Edit(String.join("", kept), removed == 0 ? "" : removed + " line(s) removed");
    }

    private static Edit unchanged(List<String> lines) {
        return new Edit(String.join("", lines), "");
    }

    /** Lines with their {@code \n}, as Python's {@code readlines()} gives them; the last may lack it. */
    static List<String> splitLines(String text) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                lines.add(text.substring(start, i + 1));
                start = i + 1;
            }
        }
        if (start < text.length()) lines.add(text.substring(start));
        return lines;
    }

    private static String stripEnd(String line) {
        int end = line.length();
        while (end > 0 && (line.charAt(end - 1) == '\n' || line.charAt(end - 1) == '\r')) end--;
        return line.substring(0, end);
    }

    private static boolean endsWithNewline(String line) {
        return line.endsWith("\n") || line.endsWith("\r");
    }

    /** Builds a {@link LineInFile}: {@code state: present}, inserting at EOF, by default. */
    public static final class Builder {
        private final String path;
        private String line;
        private boolean secretLine;
        private String regexp;
        private String searchString;
        private boolean present = true;
        private String insertAfter;
        private String insertBefore;
        private boolean firstMatch;
        private boolean backrefs;
        private boolean create;
        private boolean backup;
        private List<String> validate = List.of();
        private FileMode mode;
        private String owner;
        private String group;

        private Builder(String path) {
            this.path = path;
        }

        public Builder line(String value) { this.line = value; return this; }
        /** The line holds a secret: diffs of this edit are never shown. */
        public Builder secretLine(boolean value) { this.secretLine = value; return this; }
        public Builder regexp(String value) { this.regexp = value; return this; }
        public Builder searchString(String value) { this.searchString = value; return this; }
        public Builder absent() { this.present = false; return this; }
        public Builder insertAfter(String value) { this.insertAfter = value; return this; }
        public Builder insertBefore(String value) { this.insertBefore = value; return this; }
        public Builder firstMatch(boolean value) { this.firstMatch = value; return this; }
        public Builder backrefs(boolean value) { this.backrefs = value; return this; }
        public Builder create(boolean value) { this.create = value; return this; }
        public Builder backup(boolean value) { this.backup = value; return this; }
        public Builder validate(List<String> value) { this.validate = value; return this; }
        public Builder mode(String value) { this.mode = FileMode.parse(value); return this; }
        public Builder owner(String value) { this.owner = value; return this; }
        public Builder group(String value) { this.group = value; return this; }

        public LineInFile build() {
            return new LineInFile(path, line, secretLine, regexp, searchString, present, insertAfter, insertBefore, firstMatch,
                    backrefs, create, backup, validate, new FileAttributes(mode, owner, group));
        }
    }

    /** YAML binding: {@code lineinfile} / {@code line_in_file}. */
    public static final class Type implements ModuleType {
        @Override
        public List<String> names() {
            return List.of("lineinfile", "line_in_file");
        }

        @Override
        public Set<String> parameters() {
            return Set.of("path", "dest", "destfile", "name", "line", "value", "regexp", "regex", "search_string", "state",
                    "insertafter", "insertbefore", "firstmatch", "backrefs", "create", "backup", "validate", "mode", "owner", "group");
        }

        /**
         * None: {@code path} may be given as {@code dest}, {@code destfile} or {@code name} (Ansible's
         * aliases, common in older playbooks); {@link #create} reports it missing under any name.
         */
        @Override
        public Set<String> required() {
            return Set.of();
        }

        @Override
        public Module<?> create(Args args) {
            args.requireKnown(parameters());
            String path = FileArgs.path(args, "path", "dest", "destfile", "name");
            String lineKey = args.has("line") ? "line" : "value";
            String regexKey = args.has("regexp") ? "regexp" : "regex";
            try {
                return new LineInFile(path, args.optionalString(lineKey).orElse(null), FileArgs.isSecret(args, lineKey),
                        args.optionalString(regexKey).orElse(null), args.optionalString("search_string").orElse(null),
                        args.choice("state", List.of("present", "absent"), "present").equals("present"),
                        args.optionalString("insertafter").orElse(null), args.optionalString("insertbefore").orElse(null),
                        args.bool("firstmatch", false), args.bool("backrefs", false), args.bool("create", false),
                        args.bool("backup", false), FileArgs.validate(args), FileAttributes.from(args));
            } catch (IllegalArgumentException e) {
                throw args.error(regexKey, e.getMessage());
            }
        }
    }
}
