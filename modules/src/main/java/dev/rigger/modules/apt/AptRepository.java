package dev.rigger.modules.apt;

import static dev.rigger.core.transport.ShellQuote.quote;
import static java.nio.charset.StandardCharsets.UTF_8;

import dev.rigger.core.module.Args;
import dev.rigger.core.module.Change;
import dev.rigger.core.module.FileMode;
import dev.rigger.core.module.Module;
import dev.rigger.core.module.ModuleArgumentException;
import dev.rigger.core.module.ModuleContext;
import dev.rigger.core.module.ModuleException;
import dev.rigger.core.module.ModuleType;
import dev.rigger.core.module.Outcome;
import dev.rigger.core.module.Plan;
import dev.rigger.core.module.Probe;
import dev.rigger.core.module.UnifiedDiff;
import dev.rigger.core.transport.ExecResult;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Adds or removes an apt repository together with the key that signs it, kept in its own keyring
 * and named by the entry's {@code signed-by=} option (not apt's deprecated global trust).
 *
 * <p>Two forms:
 * <ul>
 *   <li>Ansible's {@code apt_repository}: {@code repo} is one sources line; {@code present} adds it
 *       to {@code filename} unless an equal line is already enabled in any sources file, {@code absent}
 *       removes it from every file (deleting a file of sources.list.d it leaves empty).
 *   <li>Rigger's: {@code url}, {@code suites} (default: the host's codename from facts),
 *       {@code components} (default {@code main}; none for a flat repository whose suite ends in
 *       {@code /}), {@code types} (default {@code deb}), {@code architectures}. The module then owns
 *       the whole list file: it holds exactly these entries.
 * </ul>
 * Other parameters:
 * <ul>
 *   <li>{@code key_url} or {@code key_content} — the signing key, ASCII-armored or binary. A URL is
 *       fetched on the host (curl, wget, or apt's own downloader) by the probe, so a changed key is
 *       seen. The key is stored at {@code keyring} (default
 *       {@code /etc/apt/keyrings/<filename>.asc}): armored when the name ends in {@code .asc},
 *       binary otherwise, converted here so the host needs no gpg. Compared byte for byte; plans
 *       name keys by fingerprint.
 *   <li>{@code signed_by} — the keyring path the entries name; defaults to {@code keyring}. Alone
 *       (without a key) it refers to a keyring managed elsewhere.
 *   <li>{@code filename} — list file name in /etc/apt/sources.list.d without {@code .list};
 *       default derived from the URL as Ansible does ({@code apt_postgresql_org_pub_repos_apt}).
 *   <li>{@code state} — {@code present} (default) or {@code absent}: removes the entries and, when
 *       the task names a key, the keyring.
 *   <li>{@code update_cache} — default true: after a change, in the same exec, {@code apt-get update}
 *       (for present only this repository's lists; if they fail to download or verify, the previous
 *       list file and keyring are put back and the task fails with apt's message).
 *   <li>{@code mode} — of the list file, default {@code 0644}.
 * </ul>
 *
 * <pre>{@code
 * - name: PostgreSQL's own repository
 *   apt_repository:
 *     url: http://apt.postgresql.org/pub/repos/apt
 *     suites: ["{{ ansible_distribution_release }}-pgdg"]
 *     key_url: https://www.postgresql.org/media/keys/ACCC4CF8.asc
 *     filename: pgdg
 * }</pre>
 *
 * <pre>{@code
 * AptRepository odoo = AptRepository.url("https://nightly.odoo.com/17.0/nightly/deb/")
 *         .suites("./").keyUrl("https://nightly.odoo.com/odoo.key").filename("odoo").build();
 * }</pre>
 */
public record AptRepository(SourcesEntry repo, String url, List<String> suites, List<String> components,
                            List<String> types, List<String> architectures, String signedBy, String filename,
                            State state, boolean updateCache, byte[] keyContent, String keyUrl, String keyring,
                            String mode) implements Module<AptRepository.RepositoryState> {

    public enum State { PRESENT, ABSENT }

    static final String SOURCES_LIST = "/etc/apt/sources.list";
    static final String SOURCES_DIR = "/etc/apt/sources.list.d/";
    static final String KEYRINGS_DIR = "/etc/apt/keyrings/";
    private static final Pattern FILENAME = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final Pattern PATH = Pattern.compile("/[A-Za-z0-9_./+-]+");
    private static final Pattern KEY_URL = Pattern.compile("(https?|file|ftp)://[^\\s'\"]+|file:/[^\\s'\"]+");

    public AptRepository {
        Objects.requireNonNull(state, "state");
        suites = List.copyOf(suites);
        components = List.copyOf(components);
        types = List.copyOf(types);
        architectures = List.copyOf(architectures);
        keyContent = keyContent == null ? null : keyContent.clone();
        if ((repo == null) == (url == null)) throw new ModuleArgumentException("apt_repository", "repo", "give either repo (a sources line) or url");
        if (repo != null && !(suites.isEmpty() && components.isEmpty() && types.isEmpty() && architectures.isEmpty())) {
            throw new ModuleArgumentException("apt_repository", "repo", "suites, components, types and architectures belong to the url form; repo already says them");
        }
        if (keyContent != null && keyUrl != null) throw new ModuleArgumentException("apt_repository", "key_url", "give key_url or key_content, not both");
        if (keyUrl != null && !KEY_URL.matcher(keyUrl).matches()) throw new ModuleArgumentException("apt_repository", "key_url", "'" + keyUrl + "' is not an http(s), ftp or file URL");
        if (keyContent != null) OpenPgpKey.parse(keyContent); // a broken key fails here, before any host is touched
        if (filename == null) filename = SourcesEntry.filenameFor(repo != null ? repo.uri() : url);
        if (filename.endsWith(".list")) filename = filename.substring(0, filename.length() - 5);
        if (!FILENAME.matcher(filename).matches()) throw new ModuleArgumentException("apt_repository", "filename", "filename '" + filename + "' may hold only letters, digits, _ . -");
        Optional<String> inLine = repo == null ? Optional.empty() : repo.signedBy();
        for (String p : new String[] {keyring, signedBy, inLine.orElse(null)}) {
            if (p != null && !PATH.matcher(p).matches()) throw new ModuleArgumentException("apt_repository", "keyring", "'" + p + "' is not an absolute path of letters, digits, _ . / + -");
        }
        List<String> named = Arrays.asList(keyring, signedBy, inLine.orElse(null)).stream().filter(Objects::nonNull).distinct().toList();
        if (named.size() > 1) throw new ModuleArgumentException("apt_repository", "signed_by", "keyring, signed_by and the line's signed-by name different files: " + named);
        if (mode == null) mode = "0644";
        if (FileMode.parse(mode).octal().isEmpty()) throw new ModuleArgumentException("apt_repository", "mode", "must be octal like 0644");
        if (repo == null) {
            // Validate what can be validated without the host's codename ("x" stands in for it).
            for (String t : types.isEmpty() ? List.of("deb") : types) {
                for (String suite : suites.isEmpty() ? List.of("x") : suites) {
                    new SourcesEntry(t, Map.of(), url, suite, components(suite, components));
                }
            }
        }
    }

    /** The key given inline, or null (a copy: the spec stays immutable). */
    @Override
    public byte[] keyContent() {
        return keyContent == null ? null : keyContent.clone();
    }

    /** The Rigger form: a repository URL; set suites, components and the key on the builder. */
    public static Builder url(String url) {
        return new Builder(null, url);
    }

    /** Ansible's form: one sources line. */
    public static Builder line(String line) {
        return new Builder(SourcesEntry.parse(line), null);
    }

    @Override
    public String moduleName() {
        return "apt_repository";
    }

    String listFile() {
        return SOURCES_DIR + filename + ".list";
    }

    boolean managesKey() {
        return keyContent != null || keyUrl != null;
    }

    /** Where the key lives: named, or the default for a managed key; empty when no keyring is involved. */
    Optional<String> keyringPath() {
        if (keyring != null) return Optional.of(keyring);
        if (signedBy != null) return Optional.of(signedBy);
        if (repo != null && repo.signedBy().isPresent()) return repo.signedBy();
        return managesKey() ? Optional.of(KEYRINGS_DIR + filename + ".asc") : Optional.empty();
    }

    private static List<String> components(String suite, List<String> given) {
        if (suite.endsWith("/")) return given;
        return given.isEmpty() ? List.of("main") : given;
    }

    /** The entries this task wants; the url form's default suite is the host's codename. */
    List<SourcesEntry> entries(ModuleContext context) {
        Optional<String> key = keyringPath();
        if (repo != null) {
            return List.of(key.isPresent() && repo.signedBy().isEmpty() ? repo.withOption("signed-by", key.get()) : repo);
        }
        List<String> suiteList = suites;
        if (suiteList.isEmpty()) {
            Object codename = context.vars().get("ansible_distribution_release");
            if (codename == null || String.valueOf(codename).isBlank()) {
                throw new ModuleException("suites not given and the host's codename is unknown (gather facts, or set suites)");
            }
            suiteList = List.of(String.valueOf(codename));
        }
        Map<String, String> options = new LinkedHashMap<>();
        if (!architectures.isEmpty()) options.put("arch", String.join(",", architectures));
        key.ifPresent(k -> options.put("signed-by", k));
        List<SourcesEntry> out = new ArrayList<>();
        for (String type : types.isEmpty() ? List.of("deb") : types) {
            for (String suite : suiteList) out.add(new SourcesEntry(type, options, url, suite, components(suite, components)));
        }
        return out;
    }

    // ---------------------------------------------------------------- probe

    /** A file as the probe saw it. */
    record FileState(String path, String mode, byte[] content) {
        String text() {
            return new String(content, UTF_8);
        }
    }

    /**
     * What the probe read.
     *
     * @param files     sources files by path (only the list file for the url form; all for Ansible's)
     * @param keyring   the managed keyring, when present
     * @param fetchedKey the key downloaded from key_url; fetchError says why not
     */
    record RepositoryState(Map<String, FileState> files, Optional<FileState> keyring, Optional<byte[]> fetchedKey, String fetchError) {
        RepositoryState {
            files = Collections.unmodifiableMap(new LinkedHashMap<>(files)); // probe order: plans list files stably
        }
    }

    @Override
    public Probe<RepositoryState> probe(ModuleContext context) {
        return Probe.of(probeScript(), r -> {
            if (!r.succeeded()) throw new ModuleException("reading the repository state failed (exit " + r.exitCode() + "): " + r.stderr().strip());
            return parse(r.stdout(), keyringPath().orElse(null));
        });
    }

    String probeScript() {
        StringBuilder s = new StringBuilder();
        s.append("export LC_ALL=C\n");
        s.append("rigger_show() {\n");
        s.append("  if [ -f \"$2\" ]; then printf '@%s %s %s\\n' \"$1\" \"$(stat -c %a -- \"$2\")\" \"$2\"; base64 -w0 -- \"$2\"; echo;\n");
        s.append("  else printf '@%s-missing %s\\n' \"$1\" \"$2\"; fi\n");
        s.append("}\n");
        if (repo != null) {
            s.append("rigger_show file ").append(SOURCES_LIST).append('\n');
            s.append("for f in ").append(SOURCES_DIR).append("*.list; do if [ -f \"$f\" ] && [ \"$f\" != ").append(quote(listFile()))
                    .append(" ]; then rigger_show file \"$f\"; fi; done\n");
        }
        s.append("rigger_show file ").append(quote(listFile())).append('\n');
        if (managesKey()) s.append("rigger_show keyring ").append(quote(keyringPath().orElseThrow())).append('\n');
        if (keyUrl != null && state == State.PRESENT) {
            s.append("rigger_tmp=$(mktemp -d) || exit 1\n");
            s.append("trap 'rm -rf \"$rigger_tmp\"' EXIT\n");
            s.append("rigger_url=").append(quote(keyUrl)).append('\n');
            s.append("if command -v curl >/dev/null 2>&1; then curl -fsSL --max-time 60 -o \"$rigger_tmp/key\" \"$rigger_url\" 2>\"$rigger_tmp/err\"\n");
            s.append("elif command -v wget >/dev/null 2>&1; then wget -q -T 60 -O \"$rigger_tmp/key\" \"$rigger_url\" 2>\"$rigger_tmp/err\"\n");
            s.append("else /usr/lib/apt/apt-helper -o Acquire::Retries=0 download-file \"$rigger_url\" \"$rigger_tmp/key\" >/dev/null 2>\"$rigger_tmp/err\"; fi\n");
            s.append("if [ $? -eq 0 ] && [ -s \"$rigger_tmp/key\" ]; then printf '@key '; base64 -w0 < \"$rigger_tmp/key\"; echo;\n");
            s.append("else printf '@key-error %s\\n' \"$(grep -v '^W: Download is performed unsandboxed' \"$rigger_tmp/err\" | tr '\\n' ' ')\"; fi\n");
        }
        s.append("exit 0\n");
        return s.toString();
    }

    static RepositoryState parse(String stdout, String keyringPath) {
        Map<String, FileState> files = new LinkedHashMap<>();
        FileState keyring = null;
        byte[] fetched = null;
        String fetchError = null;
        String[] lines = stdout.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.startsWith("@file ") || line.startsWith("@keyring ")) {
                String[] parts = line.split(" ", 3);
                if (parts.length < 3 || i + 1 >= lines.length) throw new ModuleException("unreadable probe output: " + line);
                FileState f = new FileState(parts[2], parts[1], decode(lines[++i]));
                if (parts[0].equals("@file")) files.put(f.path(), f);
                else keyring = f;
            } else if (line.startsWith("@key ")) {
                fetched = decode(line.substring(5));
            } else if (line.startsWith("@key-error")) {
                fetchError = line.substring(10).strip();
            }
        }
        return new RepositoryState(files, Optional.ofNullable(keyring), Optional.ofNullable(fetched), fetchError);
    }

    private static byte[] decode(String base64) {
        try {
            return Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new ModuleException("unreadable probe output (bad base64): " + e.getMessage());
        }
    }

    // ---------------------------------------------------------------- plan

    /** One file to write or delete in the apply. */
    record FileOp(String path, byte[] content, String mode) {
        static FileOp delete(String path) {
            return new FileOp(path, null, null);
        }

        boolean deletes() {
            return content == null;
        }
    }

    @Override
    public Plan plan(RepositoryState st, ModuleContext context) {
        List<Change> changes = new ArrayList<>();
        List<FileOp> ops = new ArrayList<>();
        if (state == State.PRESENT) planPresent(st, context, changes, ops);
        else planAbsent(st, context, changes, ops);
        if (ops.isEmpty()) return Plan.noChange();
        if (updateCache) {
            changes.add(Change.of(state == State.PRESENT ? "update the apt cache for " + listFile() : "update the apt cache"));
        }
        ByteArrayOutputStream stdin = new ByteArrayOutputStream();
        for (FileOp op : ops) {
            if (!op.deletes()) stdin.writeBytes(op.content());
        }
        return Plan.apply(changes, applyScript(ops)).withStdin(stdin.toByteArray()).interpretedBy(AptRepository::interpret);
    }

    private void planPresent(RepositoryState st, ModuleContext context, List<Change> changes, List<FileOp> ops) {
        List<SourcesEntry> wanted = entries(context);
        if (managesKey()) planKey(st, context, changes, ops);
        FileState current = st.files().get(listFile());
        String before = current == null ? "" : current.text();
        String octal = mode.length() == 3 ? "0" + mode : mode;
        if (repo == null) {
            String after = wanted.stream().map(e -> e.line() + "\n").collect(Collectors.joining());
            if (!after.equals(before)) {
                String summary = current == null ? "add repository " + listFile() + ": " + wanted.get(0).line() + (wanted.size() > 1 ? " (+" + (wanted.size() - 1) + " more)" : "")
                        : "rewrite " + listFile();
                changes.add(withDiff(context, summary, UnifiedDiff.of(listFile(), before, after)));
                ops.add(new FileOp(listFile(), after.getBytes(UTF_8), octal));
            } else if (Integer.parseInt(current.mode(), 8) != Integer.parseInt(octal, 8)) {
                changes.add(Change.of("mode of " + listFile() + ": " + current.mode() + " -> " + octal));
                ops.add(new FileOp(listFile(), current.content(), octal));
            }
            return;
        }
        SourcesEntry entry = wanted.get(0);
        for (FileState f : st.files().values()) {
            if (f.text().lines().map(SourcesEntry::tryParse).flatMap(Optional::stream).anyMatch(e -> e.identity().equals(entry.identity()))) {
                return;
            }
        }
        String after = before + (before.isEmpty() || before.endsWith("\n") ? "" : "\n") + entry.line() + "\n";
        changes.add(withDiff(context, "add repository " + entry.line() + " to " + listFile(), UnifiedDiff.of(listFile(), before, after)));
        ops.add(new FileOp(listFile(), after.getBytes(UTF_8), current == null ? octal : current.mode()));
    }

    private void planKey(RepositoryState st, ModuleContext context, List<Change> changes, List<FileOp> ops) {
        String path = keyringPath().orElseThrow();
        byte[] raw = keyContent;
        String source = "key_content";
        if (raw == null) {
            source = keyUrl;
            raw = st.fetchedKey().orElseThrow(() -> new ModuleException("cannot download the signing key from " + keyUrl
                    + (st.fetchError() == null || st.fetchError().isEmpty() ? "" : ": " + st.fetchError())));
        }
        OpenPgpKey key;
        try {
            key = OpenPgpKey.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new ModuleException("the signing key from " + source + " is unusable: " + e.getMessage());
        }
        byte[] wanted = key.forKeyring(path);
        Optional<FileState> current = st.keyring();
        if (current.isPresent() && Arrays.equals(current.get().content(), wanted)) return;
        String summary;
        String diff;
        if (current.isEmpty()) {
            summary = "add signing key " + key.describe() + " as " + path;
            diff = "+ key " + key.describe() + "\n";
        } else {
            String old = describeKeyring(current.get().content());
            summary = old.equals(key.describe()) ? "rewrite keyring " + path + " (same key " + key.describe() + ", new content)"
                    : "replace the signing key in " + path + ": " + old + " -> " + key.describe();
            diff = "- key " + old + "\n+ key " + key.describe() + "\n";
        }
        changes.add(withDiff(context, summary, diff));
        ops.add(new FileOp(path, wanted, "0644"));
    }

    private void planAbsent(RepositoryState st, ModuleContext context, List<Change> changes, List<FileOp> ops) {
        if (repo == null) {
            FileState current = st.files().get(listFile());
            if (current != null) {
                changes.add(withDiff(context, "remove " + listFile(), UnifiedDiff.of(listFile(), current.text(), "")));
                ops.add(FileOp.delete(listFile()));
            }
        } else {
            String identity = entries(context).get(0).identity();
            for (FileState f : st.files().values()) {
                List<String> kept = new ArrayList<>();
                boolean removed = false;
                for (String line : f.text().split("\n", -1)) {
                    boolean match = SourcesEntry.tryParse(line).map(e -> e.identity().equals(identity)).orElse(false);
                    if (match) removed = true;
                    else kept.add(line);
                }
                if (!removed) continue;
                String after = String.join("\n", kept);
                boolean empty = kept.stream().allMatch(l -> l.isBlank() || l.strip().startsWith("#"));
                if (empty && f.path().startsWith(SOURCES_DIR)) {
                    changes.add(withDiff(context, "remove repository " + repo.line() + ": delete " + f.path(), UnifiedDiff.of(f.path(), f.text(), "")));
                    ops.add(FileOp.delete(f.path()));
                } else {
                    changes.add(withDiff(context, "remove repository " + repo.line() + " from " + f.path(), UnifiedDiff.of(f.path(), f.text(), after)));
                    ops.add(new FileOp(f.path(), after.getBytes(UTF_8), f.mode()));
                }
            }
        }
        if (managesKey() && st.keyring().isPresent()) {
            String path = keyringPath().orElseThrow();
            String old = describeKeyring(st.keyring().get().content());
            changes.add(withDiff(context, "remove the signing key " + path + " (" + old + ")", "- key " + old + "\n"));
            ops.add(FileOp.delete(path));
        }
    }

    private static String describeKeyring(byte[] content) {
        try {
            return OpenPgpKey.parse(content).describe();
        } catch (IllegalArgumentException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    private static Change withDiff(ModuleContext context, String summary, String diff) {
        return context.diffMode() ? Change.withDiff(summary, diff) : Change.of(summary);
    }

    // ---------------------------------------------------------------- apply

    /**
     * Stages every new file from stdin beside its target, then keeps a copy of each file it replaces
     * or deletes, commits with renames and updates the cache. A failed update of a new repository
     * puts the copies back: a repository that cannot be verified must not break every later
     * {@code apt-get update} on the host.
     */
    String applyScript(List<FileOp> ops) {
        StringBuilder s = new StringBuilder(AptScripts.preamble(60));
        s.append("rigger_backup=$(mktemp -d) || exit 1\n");
        s.append("rigger_staged=\n");
        s.append("trap 'rm -rf \"$rigger_backup\"; for f in $rigger_staged; do rm -f \"$f\"; done' EXIT\n");
        s.append("trap 'exit 129' HUP INT TERM\n");
        for (int i = 0; i < ops.size(); i++) {
            FileOp op = ops.get(i);
            if (op.deletes()) continue;
            String dir = op.path().substring(0, op.path().lastIndexOf('/'));
            s.append("mkdir -p -m 0755 ").append(quote(dir)).append(" || exit 1\n");
            s.append("rigger_new").append(i).append("=$(mktemp ").append(quote(dir + "/.rigger-XXXXXXXX")).append(") || exit 1\n");
            s.append("rigger_staged=\"$rigger_staged $rigger_new").append(i).append("\"\n");
            s.append("head -c ").append(op.content().length).append(" > \"$rigger_new").append(i).append("\"\n");
            s.append("if [ \"$(wc -c < \"$rigger_new").append(i).append("\")\" -ne ").append(op.content().length)
                    .append(" ]; then echo \"rigger: short read of the content for \"").append(quote(op.path())).append(" >&2; exit 1; fi\n");
            // The path and mode of a file found on the host are the host's text: quoted like any other value.
            s.append("chmod ").append(quote(op.mode())).append(" \"$rigger_new").append(i).append("\" && chown 0:0 \"$rigger_new").append(i).append("\" || exit 1\n");
        }
        s.append("rigger_restore() {\n");
        for (int i = ops.size() - 1; i >= 0; i--) {
            String path = quote(ops.get(i).path());
            s.append("  if [ -e \"$rigger_backup/").append(i).append("\" ]; then mv -f \"$rigger_backup/").append(i).append("\" ").append(path)
                    .append("; else rm -f ").append(path).append("; fi\n");
        }
        s.append("}\n");
        for (int i = 0; i < ops.size(); i++) {
            FileOp op = ops.get(i);
            String path = quote(op.path());
            s.append("if [ -e ").append(path).append(" ]; then cp -p ").append(path).append(" \"$rigger_backup/").append(i).append("\" || exit 1; fi\n");
            if (op.deletes()) {
                s.append("rm -f ").append(path).append(" || { rigger_restore; exit 1; }\n");
            } else {
                s.append("mv -f \"$rigger_new").append(i).append("\" ").append(path).append(" || { rigger_restore; exit 1; }\n");
            }
        }
        if (updateCache) {
            if (state == State.PRESENT) {
                // Only this repository's lists: faster, and a failure here is this repository's fault.
                s.append("rigger_apt_get update -o Dir::Etc::SourceList=").append(quote(listFile()))
                        .append(" -o Dir::Etc::SourceParts=- -o APT::Get::List-Cleanup=0 2>\"$rigger_backup/update.err\"\n");
                s.append("rigger_rc=$?\n");
                s.append("cat \"$rigger_backup/update.err\" >&2\n");
                s.append("if [ \"$rigger_rc\" -ne 0 ] || grep -Eq '^(E: |W: (Failed to fetch|GPG error|An error occurred during the signature verification"
                        + "|The repository .* (is not signed|does not have a Release file)|Some index files failed))' \"$rigger_backup/update.err\"; then\n");
                s.append("  rigger_restore\n");
                s.append("  echo \"rigger: the repository did not update (see apt's messages above); the previous sources and keyring are back in place\" >&2\n");
                s.append("  exit 1\n");
                s.append("fi\n");
            } else {
                s.append(AptScripts.updateCache());
            }
        }
        s.append("exit 0\n");
        return s.toString();
    }

    static Outcome interpret(ExecResult r) {
        Map<String, Object> data = Outcome.standard(r);
        if (r.succeeded()) return new Outcome(false, true, "", data);
        List<String> said = r.stderr().lines()
                .filter(l -> l.startsWith("E: ") || l.startsWith("W: ") || l.startsWith("rigger: "))
                .filter(l -> !l.startsWith("W: Download is performed unsandboxed"))
                .distinct().toList();
        String message = said.isEmpty() ? r.stderr().strip() : String.join("\n", said);
        return new Outcome(true, false, "exit " + r.exitCode() + (message.isEmpty() ? "" : ": " + message), data);
    }

    // ---------------------------------------------------------------- builder and YAML

    /** Builds an {@link AptRepository}. */
    public static final class Builder {
        private final SourcesEntry repo;
        private final String url;
        private List<String> suites = List.of();
        private List<String> components = List.of();
        private List<String> types = List.of();
        private List<String> architectures = List.of();
        private String signedBy;
        private String filename;
        private State state = State.PRESENT;
        private boolean updateCache = true;
        private byte[] keyContent;
        private String keyUrl;
        private String keyring;
        private String mode;

        private Builder(SourcesEntry repo, String url) {
            this.repo = repo;
            this.url = url;
        }

        public Builder suites(String... values) {
            this.suites = List.of(values);
            return this;
        }

        public Builder components(String... values) {
            this.components = List.of(values);
            return this;
        }

        public Builder types(String... values) {
            this.types = List.of(values);
            return this;
        }

        public Builder architectures(String... values) {
            this.architectures = List.of(values);
            return this;
        }

        public Builder signedBy(String path) {
            this.signedBy = path;
            return this;
        }

        public Builder filename(String name) {
            this.filename = name;
            return this;
        }

        public Builder state(State s) {
            this.state = s;
            return this;
        }

        public Builder updateCache(boolean update) {
            this.updateCache = update;
            return this;
        }

        /** The signing key itself, ASCII-armored or binary. */
        public Builder keyContent(byte[] key) {
            this.keyContent = key.clone();
            return this;
        }

        public Builder keyContent(String armored) {
            return keyContent(armored.getBytes(UTF_8));
        }

        public Builder keyUrl(String keyUrlValue) {
            this.keyUrl = keyUrlValue;
            return this;
        }

        public Builder keyring(String path) {
            this.keyring = path;
            return this;
        }

        public Builder mode(String octal) {
            this.mode = octal;
            return this;
        }

        public AptRepository build() {
            return new AptRepository(repo, url, suites, components, types, architectures, signedBy, filename, state,
                    updateCache, keyContent, keyUrl, keyring, mode);
        }
    }

    /** YAML binding: {@code apt_repository} with Ansible's parameters plus the url form. */
    public static final class Type implements ModuleType {
        private static final Set<String> PARAMETERS = Set.of("repo", "state", "filename", "update_cache", "update-cache", "mode",
                "url", "suites", "components", "types", "architectures", "key_url", "key_content", "keyring", "signed_by");

        @Override
        public List<String> names() {
            return List.of("apt_repository");
        }

        @Override
        public Set<String> parameters() {
            return PARAMETERS;
        }

        @Override
        public Module<?> create(Args args) {
            args.requireKnown(PARAMETERS);
            Builder b;
            String at;
            if (args.has("repo")) {
                at = "repo";
                try {
                    b = line(args.string("repo"));
                } catch (IllegalArgumentException e) {
                    throw args.error("repo", e.getMessage());
                }
                if (args.has("url")) throw args.error("url", "give repo (a sources line) or url, not both");
            } else if (args.has("url")) {
                at = "url";
                b = url(args.string("url"));
            } else {
                throw args.missing("repo' or 'url");
            }
            b.suites = args.stringList("suites");
            b.components = args.stringList("components");
            b.types = args.stringList("types");
            b.architectures = args.stringList("architectures");
            b.signedBy = args.optionalString("signed_by").orElse(null);
            b.filename = args.optionalString("filename").orElse(null);
            b.state = State.valueOf(args.choice("state", List.of("present", "absent"), "present").toUpperCase(Locale.ROOT));
            String update = args.has("update-cache") ? "update-cache" : "update_cache";
            b.updateCache = args.bool(update, true);
            b.keyUrl = args.optionalString("key_url").orElse(null);
            if (args.has("key_content")) {
                byte[] key = args.string("key_content").getBytes(UTF_8);
                try {
                    OpenPgpKey.parse(key);
                } catch (IllegalArgumentException e) {
                    throw args.error("key_content", "key_content is not a usable key: " + e.getMessage());
                }
                b.keyContent = key;
            }
            b.keyring = args.optionalString("keyring").orElse(null);
            b.mode = args.mode("mode").map(FileMode::text).orElse(null);
            try {
                return b.build();
            } catch (IllegalArgumentException e) {
                throw args.error(e, at);
            }
        }
    }
}
