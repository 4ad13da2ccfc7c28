package dev.rigger.modules.files;

import dev.rigger.core.module.Change;
import dev.rigger.core.module.Footprint;
import dev.rigger.core.module.ModuleException;
import dev.rigger.core.module.Outcome;
import dev.rigger.core.module.Plan;
import dev.rigger.core.module.UnifiedDiff;
import dev.rigger.core.transport.ExecResult;
import dev.rigger.core.transport.RemoteFiles;
import dev.rigger.core.transport.ShellQuote;
import dev.rigger.core.transport.Stdin;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The plan shared by every module that manages a whole file's content (copy, template, lineinfile,
 * blockinfile): compare the wanted bytes with the probed file by sha256, then either do nothing,
 * fix only owner/group/mode, or write the content atomically ({@link RemoteFiles}: temp file in the
 * target directory, attributes, optional validate and backup, rename).
 *
 * @param content       the bytes the file should hold, streamed from their source (a large
 *                      controller file is never read into memory whole)
 * @param redaction     how the content may be shown in diffs and messages
 * @param attributes    wanted owner, group, mode
 * @param backup        keep the replaced file as {@code PATH.PID.DATE@TIME~}
 * @param validate      checker command words with {@code %s} for the new file, or an empty list
 * @param force         false: leave an existing file alone (copy/template {@code force: false})
 * @param createParents create the missing directories above the file
 * @param edit          the content was computed from the probed content, so the write must find
 *                      the file as probed (else someone changed it meanwhile and the edit is stale)
 * @param action        what a content change is called in the report ("line added"), or null
 */
record ContentWrite(Stdin content, Redaction redaction, FileAttributes attributes, boolean backup,
                    List<String> validate, boolean force, boolean createParents, boolean edit, String action) {

    ContentWrite {
        validate = List.copyOf(validate);
    }

    ContentWrite(byte[] content, Redaction redaction, FileAttributes attributes, boolean backup,
                 List<String> validate, boolean force, boolean createParents, boolean edit, String action) {
        this(Stdin.of(content), redaction, attributes, backup, validate, force, createParents, edit, action);
    }

    Plan plan(FileProbe.State state, boolean diffMode) {
        String path = state.path();
        switch (state.kind()) {
            case DIRECTORY -> throw new ModuleException(path + " is a directory");
            case OTHER -> throw new ModuleException(path + " exists and is not a regular file");
            default -> { }
        }
        if (!state.exists() && !state.parentExists() && !createParents) {
            throw new ModuleException("directory " + parentOf(path) + " does not exist");
        }
        if (state.exists() && !force) return Plan.noChange();
        String wanted = content.sha256();
        boolean sameContent = state.kind() == FileProbe.Kind.FILE && wanted.equals(state.sha256());
        if (sameContent) {
            List<Change> changes = attributes.changes(state);
            if (changes.isEmpty()) return Plan.noChange();
            return Plan.apply(changes, "set -e\n" + attributes.commands(path, state, false)).writing(state.written());
        }
        List<Change> changes = new ArrayList<>();
        changes.add(contentChange(state, wanted, diffMode));
        int base = state.kind() == FileProbe.Kind.FILE ? state.mode() : 0666 & ~state.umask();
        if (state.kind() == FileProbe.Kind.FILE) {
            changes.addAll(attributes.changes(state));
        }
        RemoteFiles write = RemoteFiles.write(path, content);
        // A replaced symlink's own bits (0777) mean nothing: a new file starts from the umask default.
        if (attributes.mode() != null || state.kind() != FileProbe.Kind.FILE) {
            write.mode(FileAttributes.octal(attributes.modeFor(base, false)));
        }
        if (attributes.owner() != null) write.owner(attributes.owner());
        if (attributes.group() != null) write.group(attributes.group());
        if (!validate.isEmpty()) write.validate(validate);
        if (backup) write.backup();
        StringBuilder script = new StringBuilder();
        if (edit) script.append(unchangedGuard(state));
        if (createParents && !state.parentExists()) {
            script.append("mkdir -p -- ").append(ShellQuote.quote(parentOf(path))).append(" || exit 1\n");
        }
        script.append(write.request().script());
        return Plan.apply(changes, script.toString()).withStdin(content).interpretedBy(this::outcome).writing(written(state));
    }

    /**
     * What writing the content may change ({@link FileProbe.State#written}), and: the directory
     * when a backup appears beside the file under a name of the moment, "anything" when missing
     * directories are created (how many levels up is not known) or a validate command runs (it
     * may do anything).
     */
    Footprint written(FileProbe.State state) {
        if (!validate.isEmpty() || createParents && !state.parentExists()) return Footprint.anything();
        return backup ? state.written().plus(Footprint.of(parentOf(state.path()))) : state.written();
    }

    private Change contentChange(FileProbe.State state, String wanted, boolean diffMode) {
        String path = state.path();
        String summary = switch (state.kind()) {
            case MISSING -> "create " + path + " (" + content.size() + " bytes)";
            case LINK -> "replace symlink " + path + " -> " + state.linkTarget() + " with a file";
            default -> "update " + path + " (sha256 " + abbreviate(state.sha256()) + " → " + abbreviate(wanted) + ")";
        };
        if (action != null) summary = action + ": " + summary;
        if (!diffMode) return Change.of(summary);
        if (redaction.hidesEverything()) return Change.of(summary + " (content is secret, no diff)");
        String before = state.kind() == FileProbe.Kind.FILE ? state.text().orElse(null) : "";
        boolean tooLarge = state.contentTooLarge() || content.size() > FileProbe.DIFF_LIMIT;
        String after = tooLarge ? null : FileProbe.text(content.readAll()).orElse(null);
        if (before == null || after == null) {
            String why = tooLarge ? "too large to diff" : "binary content, no diff";
            return Change.of(summary + " (" + why + ")");
        }
        String diff = UnifiedDiff.of(path, redaction.mask(before), redaction.shown(after));
        if (diff.isEmpty()) return Change.of(summary + " (only secret values differ)");
        return Change.withDiff(summary, diff);
    }

    /** Fails the write when the file no longer has the content the edit was computed from. */
    private static String unchangedGuard(FileProbe.State state) {
        String q = ShellQuote.quote(state.path());
        String stale = "echo " + ShellQuote.quote(state.path() + " changed after it was read; run again to edit the new content")
                + " >&2; exit 1";
        if (!state.exists()) {
            return "if [ -e " + q + " ] || [ -L " + q + " ]; then " + stale + "; fi\n";
        }
        return "h=$(" + RemoteFiles.SHA256 + " < " + q + ") || exit 1\n"
                + "[ \"${h%% *}\" = " + state.sha256() + " ] || { " + stale + "; }\n";
    }

    private Outcome outcome(ExecResult r) {
        Map<String, Object> data = new LinkedHashMap<>(Outcome.standard(r));
        String stderr = redaction.mask(r.stderr().strip());
        data.put("stderr", stderr);
        data.put("stderr_lines", stderr.isEmpty() ? List.of() : List.of(stderr.split("\n", -1)));
        if (r.exitCode() == RemoteFiles.INCOMPLETE) {
            return new Outcome(true, false, "the content did not arrive whole (" + stderr + "); run again", data);
        }
        if (r.exitCode() == RemoteFiles.VALIDATION_FAILED) {
            String message = "validate (" + String.join(" ", validate) + ") refused the new content; the file was not changed: " + stderr;
            return new Outcome(true, false, message, data);
        }
        if (!r.succeeded()) {
            return new Outcome(true, false, "exit " + r.exitCode() + (stderr.isEmpty() ? "" : ": " + stderr), data);
        }
        for (String line : r.stdout().split("\n")) {
            if (line.startsWith("backup_file=")) data.put("backup_file", line.substring("backup_file=".length()));
        }
        return new Outcome(false, true, "", data);
    }

    static String parentOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }

    private static String abbreviate(String hash) {
        return hash == null ? "?" : hash.substring(0, Math.min(12, hash.length()));
    }
}
