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
 * Keeps a block of lines between two marker lines in a text file, with Ansible's semantics: an
 * existing marked block is replaced in place; without one the block goes after the last line
 * matching {@code insertafter} (default {@code EOF}) or before the last matching
 * {@code insertbefore} ({@code BOF} for the top). An empty {@code block} or {@code state: absent}
 * removes the marked block. The edit is computed in Java from the content the probe read; the new
 * content is written atomically, only if the file still holds what was read.
 *
 * <ul>
 *   <li>{@code path} (required; aliases {@code dest}, {@code destfile}, {@code name}) — absolute
 *       path; symlinks are followed.</li>
 *   <li>{@code block} (alias {@code content}) — the lines, without markers.</li>
 *   <li>{@code marker} — default {@code # {mark} ANSIBLE MANAGED BLOCK}; {@code {mark}} becomes
 *       {@code marker_begin} (default {@code BEGIN}) and {@code marker_end} (default {@code END}).
 *       Give each block in a file its own marker.</li>
 *   <li>{@code insertafter} — regex or {@code EOF}; {@code insertbefore} — regex or {@code BOF}.
 *       A regex starting with {@code (?m)} is searched in the whole file.</li>
 *   <li>{@code state} — {@code present} (default) or {@code absent}.</li>
 *   <li>{@code prepend_newline}, {@code append_newline} — a blank line before/after the block
 *       when the neighbouring line is not blank already.</li>
 *   <li>{@code create}, {@code backup}, {@code validate}, {@code mode}, {@code owner}, {@code group} — as for {@code lineinfile}.</li>
 * </ul>
 *
 * <pre>{@code
 * - name: replication access
 *   blockinfile:
 *     path: /etc/postgresql/15/main/pg_hba.conf
 *     marker: "# {mark} rigger replication"
 *     block: |
 *       host replication repmgr 10.0.0.0/24 scram-sha-256
 *       host repmgr      repmgr 10.0.0.0/24 scram-sha-256
 * }</pre>
 *
 * <pre>{@code
 * BlockInFile hosts = BlockInFile.block("/etc/hosts", "10.0.0.11 pg1\n10.0.0.12 pg2\n")
 *         .marker("# {mark} cluster hosts").build();
 * }</pre>
 *
 * Exec budget: unchanged 1 (the probe reads the content), changed 2 (probe, write).
 */
public record BlockInFile(String path, String block, boolean secretBlock, String marker, String markerBegin, String markerEnd,
                          String insertAfter, String insertBefore, boolean present, boolean prependNewline,
                          boolean appendNewline, boolean create, boolean backup, List<String> validate,
                          FileAttributes attributes) implements Module<FileProbe.State> {

    public static final String DEFAULT_MARKER = "# {mark} ANSIBLE MANAGED BLOCK";

    public BlockInFile {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(block, "block");
        Objects.requireNonNull(marker, "marker");
        validate = List.copyOf(validate);
        if (insertAfter != null && insertBefore != null) throw new IllegalArgumentException("insertafter and insertbefore exclude each other");
        if (insertAfter != null && !insertAfter.equals("EOF")) PythonRegex.compile(insertAfter);
        if (insertBefore != null && !insertBefore.equals("BOF")) PythonRegex.compile(insertBefore);
    }

    public static Builder block(String path, String block) {
        return new Builder(path).block(block);
    }

    @Override
    public String moduleName() {
        return "blockinfile";
    }

    @Override
    public Probe<FileProbe.State> probe(ModuleContext context) {
        return FileProbe.of(path).realPath().content(LineInFile.EDIT_LIMIT).probe();
    }

    @Override
    public Plan plan(FileProbe.State state, ModuleContext context) {
        if (state.kind() == FileProbe.Kind.DIRECTORY) throw new ModuleException("Path " + path + " is a directory !");
        String original = null;
        if (state.exists()) {
            original = state.text().orElseThrow(() -> new ModuleException("cannot edit " + path + " as text: "
                    + (state.contentTooLarge() ? "larger than " + LineInFile.EDIT_LIMIT + " bytes" : "not a UTF-8 text file")));
        } else if (!present) {
            return Plan.noChange(Map.of("msg", "File " + path + " not present"));
        } else if (!create) {
            throw new ModuleException("Path " + path + " does not exist !");
        }
        Edit edit = edit(original);
        Redaction redaction = secretBlock ? Redaction.hidden() : Redaction.none();
        return new ContentWrite(edit.content().getBytes(UTF_8), redaction, attributes, backup, validate, true, create, true,
                edit.message().isEmpty() ? null : edit.message())
                .plan(state, context.diffMode());
    }

    /** The new content and Ansible's message for it ("" when nothing changes). */
    record Edit(String content, String message) {}

    /** Applies this spec to {@code original} (null for a file about to be created). Pure. */
    Edit edit(String original) {
        List<String> lines = original == null ? new ArrayList<>() : LineInFile.splitLines(original);
        String after = insertAfter;
        if (insertBefore == null && after == null) after = "EOF";
        String insertPattern = null;
        if (after != null && !after.equals("EOF")) insertPattern = after;
        else if (insertBefore != null && !insertBefore.equals("BOF")) insertPattern = insertBefore;

        String begin = marker.replace("{mark}", markerBegin) + "\n";
        String end = marker.replace("{mark}", markerEnd) + "\n";
        List<String> blockLines = new ArrayList<>();
        if (present && !block.isEmpty()) {
            blockLines.add(begin);
            blockLines.addAll(LineInFile.splitLines(block.endsWith("\n") ? block : block + "\n"));
            blockLines.add(end);
        }

        Integer n0 = null;
        Integer n1 = null;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).equals(begin)) n0 = i;
            if (lines.get(i).equals(end)) n1 = i;
        }
        if (n0 == null || n1 == null) {
            n0 = null;
            if (insertPattern != null) {
                PythonRegex re = PythonRegex.compile(insertPattern);
                if (PythonRegex.isMultiline(insertPattern)) {
                    String text = original == null ? "" : original;
                    Matcher m = re.search(text);
                    if (m != null) n0 = count(text, after != null ? m.end() : m.start());
                } else {
                    for (int i = 0; i < lines.size(); i++) {
                        if (re.search(lines.get(i)) != null) n0 = i;
                    }
                }
                if (n0 == null) n0 = lines.size();
                else if (after != null) n0 += 1;
            } else if (insertBefore != null) {
                n0 = 0; // BOF
            } else {
                n0 = lines.size(); // EOF
            }
        } else if (n0 < n1) {
            lines.subList(n0, n1 + 1).clear();
        } else {
            lines.subList(n1, n0 + 1).clear();
            n0 = n1;
        }

        // The line before the block must end with a newline, or the marker would join it.
        if (n0 > 0 && !lines.get(n0 - 1).endsWith("\n")) lines.set(n0 - 1, lines.get(n0 - 1) + "\n");
        if (prependNewline && present && n0 != 0 && !lines.get(n0 - 1).equals("\n")) {
            lines.add(n0, "\n");
            n0 += 1;
        }
        lines.addAll(n0, blockLines);
        if (appendNewline && present) {
            int next = n0 + blockLines.size();
            if (next < lines.size() && !lines.get(next).equals("\n")) lines.add(next, "\n");
        }
        String result = String.join("", lines);
        String message;
        if (result.equals(original)) message = "";
        else if (original == null) message = "File created";
        else if (blockLines.isEmpty()) message = "Block removed";
        else message = "Block inserted";
        return new Edit(result, message);
    }

    private static int count(String text, int upTo) {
        int n = 0;
        for (int i = 0; i < upTo; i++) {
            if (text.charAt(i) == '\n') n++;
        }
        return n;
    }

    /** Builds a {@link BlockInFile}: Ansible's default markers, inserted at EOF. */
    public static final class Builder {
        private final String path;
        private String block = "";
        private boolean secretBlock;
        private String marker = DEFAULT_MARKER;
        private String markerBegin = "BEGIN";
        private String markerEnd = "END";
        private String insertAfter;
        private String insertBefore;
        private boolean present = true;
        private boolean prependNewline;
        private boolean appendNewline;
        private boolean create;
        private boolean backup;
        private List<String> validate = List.of();
        private FileMode mode;
        private String owner;
        private String group;

        private Builder(String path) {
            this.path = path;
        }

        public Builder block(String value) { this.block = value; return this; }
        /** The block holds a secret: diffs of this edit are never shown. */
        public Builder secretBlock(boolean value) { this.secretBlock = value; return this; }
        public Builder marker(String value) { this.marker = value; return this; }
        public Builder markerBegin(String value) { this.markerBegin = value; return this; }
        public Builder markerEnd(String value) { this.markerEnd = value; return this; }
        public Builder insertAfter(String value) { this.insertAfter = value; return this; }
        public Builder insertBefore(String value) { this.insertBefore = value; return this; }
        public Builder absent() { this.present = false; return this; }
        public Builder prependNewline(boolean value) { this.prependNewline = value; return this; }
        public Builder appendNewline(boolean value) { this.appendNewline = value; return this; }
        public Builder create(boolean value) { this.create = value; return this; }
        public Builder backup(boolean value) { this.backup = value; return this; }
        public Builder validate(List<String> value) { this.validate = value; return this; }
        public Builder mode(String value) { this.mode = FileMode.parse(value); return this; }
        public Builder owner(String value) { this.owner = value; return this; }
        public Builder group(String value) { this.group = value; return this; }

        public BlockInFile build() {
            return new BlockInFile(path, block, secretBlock, marker, markerBegin, markerEnd, insertAfter, insertBefore, present,
                    prependNewline, appendNewline, create, backup, validate, new FileAttributes(mode, owner, group));
        }
    }

    /** YAML binding: {@code blockinfile} / {@code block_in_file}. */
    public static final class Type implements ModuleType {
        @Override
        public List<String> names() {
            return List.of("blockinfile", "block_in_file");
        }

        @Override
        public Set<String> parameters() {
            return Set.of("path", "dest", "destfile", "name", "block", "content", "marker", "marker_begin", "marker_end",
                    "insertafter", "insertbefore", "state", "prepend_newline", "append_newline", "create", "backup",
                    "validate", "mode", "owner", "group");
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
            String blockKey = args.has("block") ? "block" : "content";
            try {
                return new BlockInFile(path, args.string(blockKey, ""), FileArgs.isSecret(args, blockKey),
                        args.string("marker", DEFAULT_MARKER), args.string("marker_begin", "BEGIN"), args.string("marker_end", "END"),
                        args.optionalString("insertafter").orElse(null), args.optionalString("insertbefore").orElse(null),
                        args.choice("state", List.of("present", "absent"), "present").equals("present"),
                        args.bool("prepend_newline", false), args.bool("append_newline", false), args.bool("create", false),
                        args.bool("backup", false), FileArgs.validate(args), FileAttributes.from(args));
            } catch (IllegalArgumentException e) {
                throw args.error(args.has("insertafter") ? "insertafter" : "insertbefore", e.getMessage());
            }
        }
    }
}
