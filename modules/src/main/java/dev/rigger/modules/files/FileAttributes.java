package dev.rigger.modules.files;

import dev.rigger.core.module.Args;
import dev.rigger.core.module.Change;
import dev.rigger.core.module.FileMode;
import dev.rigger.core.transport.ShellQuote;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code mode}, {@code owner} and {@code group} a task asks for (each optional), compared with
 * what a path has. Symbolic modes are applied to the current bits with {@link FileMode#apply}, so
 * {@code u=rw,g=r} on a file that already has 0640 is no change. An owner or group given as a
 * number matches the numeric id, a name matches the name. Null means "leave as it is".
 */
public record FileAttributes(FileMode mode, String owner, String group) {
    static final FileAttributes NONE = new FileAttributes(null, null, null);

    static FileAttributes from(Args args) {
        return new FileAttributes(args.mode("mode").orElse(null), args.optionalString("owner").orElse(null),
                args.optionalString("group").orElse(null));
    }

    boolean isEmpty() {
        return mode == null && owner == null && group == null;
    }

    /** The permission bits this spec gives a path that has {@code current}. */
    int modeFor(int current, boolean directory) {
        return mode == null ? current & 07777 : mode.apply(current & 07777, directory);
    }

    boolean ownerDiffers(String name, int uid) {
        return owner != null && !matches(owner, name, uid);
    }

    boolean groupDiffers(String name, int gid) {
        return group != null && !matches(group, name, gid);
    }

    boolean modeDiffers(int current, boolean directory) {
        return mode != null && modeFor(current, directory) != (current & 07777);
    }

    /** What would change on a path with these current attributes, one line each. */
    List<Change> changes(String path, int mode, String ownerName, int uid, String groupName, int gid, boolean directory) {
        List<Change> out = new ArrayList<>();
        if (ownerDiffers(ownerName, uid)) out.add(Change.of("owner of " + path + ": " + ownerName + " → " + owner));
        if (groupDiffers(groupName, gid)) out.add(Change.of("group of " + path + ": " + groupName + " → " + group));
        if (modeDiffers(mode, directory)) {
            out.add(Change.of("mode of " + path + ": " + octal(mode) + " → " + octal(modeFor(mode, directory))));
        }
        return out;
    }

    List<Change> changes(FileProbe.State s) {
        return changes(s.path(), s.mode(), s.owner(), s.uid(), s.group(), s.gid(), s.kind() == FileProbe.Kind.DIRECTORY);
    }

    /**
     * Commands that set the differing attributes of {@code path}: chown first (it may clear setuid
     * bits), then chmod with the computed octal mode. {@code noDereference} changes a symlink itself.
     */
    String commands(String path, FileProbe.State s, boolean noDereference) {
        StringBuilder out = new StringBuilder();
        boolean ownerChange = ownerDiffers(s.owner(), s.uid());
        boolean groupChange = groupDiffers(s.group(), s.gid());
        if (ownerChange || groupChange) {
            String spec = ownerChange ? owner + (groupChange ? ":" + group : "") : ":" + group;
            out.append("chown ").append(noDereference ? "-h " : "").append(ShellQuote.quote(spec))
                    .append(" -- ").append(ShellQuote.quote(path)).append('\n');
        }
        boolean directory = s.kind() == FileProbe.Kind.DIRECTORY;
        // chown clears setuid/setgid bits, so a requested mode is set again after it.
        if (modeDiffers(s.mode(), directory) || mode != null && (ownerChange || groupChange)) {
            out.append("chmod ").append(octal(modeFor(s.mode(), directory))).append(" -- ").append(ShellQuote.quote(path)).append('\n');
        }
        return out.toString();
    }

    /** Commands that give a just-created {@code path} (whose bits are {@code base}) these attributes. */
    String commandsForNew(String path, int base, boolean directory, boolean noDereference) {
        StringBuilder out = new StringBuilder();
        if (owner != null || group != null) {
            String spec = owner != null ? owner + (group != null ? ":" + group : "") : ":" + group;
            out.append("chown ").append(noDereference ? "-h " : "").append(ShellQuote.quote(spec))
                    .append(" -- ").append(ShellQuote.quote(path)).append('\n');
        }
        if (mode != null) {
            out.append("chmod ").append(octal(modeFor(base, directory))).append(" -- ").append(ShellQuote.quote(path)).append('\n');
        }
        return out.toString();
    }

    static boolean matches(String spec, String name, int id) {
        if (spec.chars().allMatch(Character::isDigit)) return Integer.parseInt(spec) == id;
        return spec.equals(name);
    }

    static String octal(int mode) {
        return String.format("%04o", mode & 07777);
    }
}
