package dev.rigger.modules.files;

import dev.rigger.core.module.ModuleArgumentException;
import dev.rigger.core.module.Args;
import dev.rigger.core.module.Change;
import dev.rigger.core.module.FileMode;
import dev.rigger.core.module.Footprint;
import dev.rigger.core.module.Module;
import dev.rigger.core.module.ModuleContext;
import dev.rigger.core.module.ModuleException;
import dev.rigger.core.module.ModuleType;
import dev.rigger.core.module.Plan;
import dev.rigger.core.module.Probe;
import dev.rigger.core.transport.ShellQuote;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Manages what a path is — file, directory, symlink, hard link, nothing — and its owner, group and
 * mode. Symbolic modes ({@code u=rwX,g=rX,o=}) are computed against the current bits, so they are
 * idempotent like octal ones.
 *
 * <ul>
 *   <li>{@code path} (required; aliases {@code dest}, {@code name}) — absolute path.</li>
 *   <li>{@code state} — {@code file}: an existing file's attributes (it is not created);
 *       {@code directory}: created with its parents when missing; {@code link}: a symlink to
 *       {@code src}; {@code hard}: a hard link to {@code src}; {@code absent}: removed (a directory
 *       with everything in it); {@code touch}: created empty when missing, timestamps updated.
 *       Without {@code state} the path must exist and only its attributes are managed.</li>
 *   <li>{@code src} — the link target for {@code link}/{@code hard}; a relative one is relative to
 *       the link's directory.</li>
 *   <li>{@code owner}, {@code group} — names or numeric ids.</li>
 *   <li>{@code mode} — quoted octal ({@code "0750"}) or symbolic ({@code "u=rwX,g=rX,o="}); an
 *       unquoted YAML number is refused. Not for {@code link} (a symlink's own bits mean nothing).</li>
 *   <li>{@code recurse} — for directories: owner, group and mode for the whole tree (symlinks get
 *       owner and group of their own, their targets are not followed).</li>
 *   <li>{@code force} — {@code link}/{@code hard}: replace an existing file (or empty directory),
 *       and create a symlink whose {@code src} does not exist yet.</li>
 *   <li>{@code follow} — default true: attributes of a symlink's target are managed, not the link's.</li>
 *   <li>{@code access_time}, {@code modification_time} — {@code now} or {@code preserve}; for
 *       {@code touch} both default to {@code now} (always a change, as in Ansible), with both
 *       {@code preserve} an existing file is left as it is.</li>
 * </ul>
 *
 * <pre>{@code
 * - name: data directory
 *   file:
 *     path: /srv/odoo/data
 *     state: directory
 *     owner: odoo
 *     group: odoo
 *     mode: "u=rwX,g=rX,o="
 *     recurse: true
 * }</pre>
 *
 * <pre>{@code
 * ManagedPath current = ManagedPath.link("/opt/app/current", "/opt/app/releases/42").build();
 * }</pre>
 *
 * Exec budget: unchanged 1 (the probe), changed 2 (probe, apply).
 */
public record ManagedPath(String path, Ensure state, String src, FileAttributes attributes, boolean recurse, boolean force,
                   boolean follow, boolean touchAccessTime, boolean touchModificationTime) implements Module<FileProbe.State> {

    /** What the path should be; {@code null} in the spec keeps what it is. */
    public enum Ensure { FILE, DIRECTORY, LINK, HARD, ABSENT, TOUCH }

    public ManagedPath {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(attributes, "attributes");
        if (!path.startsWith("/")) throw new ModuleArgumentException("file", "path", "'" + path + "' must be an absolute path");
        boolean linking = state == Ensure.LINK || state == Ensure.HARD;
        if (linking && src == null) throw new IllegalArgumentException("src is required for state=" + name(state));
        if (!linking && src != null) throw new IllegalArgumentException("src only applies to state=link and state=hard");
        if (state == Ensure.LINK && attributes.mode() != null) {
            throw new IllegalArgumentException("mode does not apply to a symlink; set it on the target");
        }
        if (recurse && state != Ensure.DIRECTORY && state != null) {
            throw new IllegalArgumentException("recurse only applies to state=directory");
        }
    }

    /** A spec for {@code path}: set {@code state} and attributes on the builder. */
    public static Builder at(String path) {
        return new Builder(path);
    }

    public static Builder directory(String path) {
        return new Builder(path).state(Ensure.DIRECTORY);
    }

    public static Builder link(String path, String src) {
        return new Builder(path).state(Ensure.LINK).src(src);
    }

    public static Builder absent(String path) {
        return new Builder(path).state(Ensure.ABSENT);
    }

    @Override
    public String moduleName() {
        return "file";
    }

    @Override
    public Probe<FileProbe.State> probe(ModuleContext context) {
        FileProbe probe = FileProbe.of(path);
        boolean managesLinkItself = state == Ensure.LINK || state == Ensure.HARD || state == Ensure.ABSENT;
        if (follow && !managesLinkItself) probe.follow();
        if (recurse) probe.tree();
        if (src != null) probe.linkSource(src);
        return probe.probe();
    }

    @Override
    public Plan plan(FileProbe.State s, ModuleContext context) {
        Plan plan = state == null ? attributesOnly(s) : switch (state) {
            case ABSENT -> absent(s);
            case FILE -> file(s);
            case DIRECTORY -> directory(s);
            case LINK -> link(s);
            case HARD -> hard(s);
            case TOUCH -> touch(s);
        };
        return plan.hasChanges() ? plan.writing(written(s)) : plan;
    }

    /**
     * What the apply may change: the path, where it really is, and its tree (by the prefix rule),
     * or "anything" when directories above it are created (how many levels up is not known) or a
     * hard link's attributes change (they are the source's, under another name).
     */
    Footprint written(FileProbe.State s) {
        if (state == Ensure.DIRECTORY && !s.exists() && !s.parentExists()) return Footprint.anything();
        if (state == Ensure.HARD) return Footprint.anything();
        return s.written();
    }

    private Plan attributesOnly(FileProbe.State s) {
        if (!s.exists()) throw new ModuleException("file (" + path + ") is absent, cannot continue");
        if (s.kind() == FileProbe.Kind.DIRECTORY && recurse) return directory(s);
        return attributes(s, s.kind() == FileProbe.Kind.LINK);
    }

    private Plan absent(FileProbe.State s) {
        if (!s.exists()) return Plan.noChange();
        String what = switch (s.kind()) {
            case DIRECTORY -> "directory tree";
            case LINK -> "symlink";
            default -> "file";
        };
        return Plan.apply(Change.of("remove " + what + " " + path), "rm -rf -- " + q(path) + "\n");
    }

    private Plan file(FileProbe.State s) {
        switch (s.kind()) {
            case MISSING -> throw new ModuleException("file (" + path + ") is absent, cannot continue (state: touch creates it)");
            case DIRECTORY -> throw new ModuleException(path + " is a directory, not a file");
            case LINK -> throw new ModuleException(path + " is a symlink" + (follow ? " to nothing" : "") + ", not a file");
            default -> { }
        }
        return attributes(s, false);
    }

    private Plan directory(FileProbe.State s) {
        switch (s.kind()) {
            case MISSING -> {
                int base = 0777 & ~s.umask();
                List<Change> changes = new ArrayList<>();
                changes.add(Change.of("create directory " + path + " (mode " + FileAttributes.octal(attributes.modeFor(base, true)) + ")"));
                String script = "set -e\nmkdir -p -- " + q(path) + "\n" + attributes.commandsForNew(path, base, true, false);
                return Plan.apply(changes, script);
            }
            case DIRECTORY -> {
                return recurse ? recursive(s) : attributes(s, false);
            }
            case LINK -> throw new ModuleException(path + " is a symlink" + (follow ? " to nothing" : "") + ", not a directory");
            default -> throw new ModuleException(path + " exists and is not a directory");
        }
    }

    /** Owner, group and mode over a whole tree: the probe listed each distinct combination in it. */
    private Plan recursive(FileProbe.State s) {
        boolean owners = false;
        boolean modes = false;
        for (FileProbe.TreeEntry e : s.tree()) {
            owners |= attributes.ownerDiffers(e.owner(), e.uid()) || attributes.groupDiffers(e.group(), e.gid());
            modes |= !e.isLink() && attributes.modeDiffers(e.mode(), e.isDirectory());
        }
        if (!owners && !modes) return Plan.noChange();
        List<Change> changes = new ArrayList<>();
        StringBuilder script = new StringBuilder("set -e\n");
        if (owners) {
            String spec = attributes.owner() != null
                    ? attributes.owner() + (attributes.group() != null ? ":" + attributes.group() : "") : ":" + attributes.group();
            changes.add(Change.of("owner/group under " + path + " → " + spec + " (recursively)"));
            script.append("chown -R ").append(q(spec)).append(" -- ").append(q(path)).append('\n');
        }
        // chown clears setuid/setgid bits, so a requested mode is applied after it in any case.
        if (modes || owners && attributes.mode() != null) {
            changes.add(Change.of("mode under " + path + " → " + attributes.mode() + " (recursively)"));
            script.append("chmod -R ").append(q(explicitWho(attributes.mode().text()))).append(" -- ").append(q(path)).append('\n');
        }
        return Plan.apply(changes, script.toString());
    }

    private Plan link(FileProbe.State s) {
        if (s.kind() == FileProbe.Kind.LINK && src.equals(s.linkTarget())) return attributes(s, true);
        if (s.sourceInode() == null && !force) {
            throw new ModuleException("src file " + src + " does not exist, use force: true if you really want to create the link " + path);
        }
        return replaceWithLink(s, "symlink", "ln -s");
    }

    private Plan hard(FileProbe.State s) {
        if (s.sourceInode() == null) throw new ModuleException("src file " + src + " does not exist, cannot hard link " + path + " to it");
        if (s.exists() && s.sourceInode().equals(s.inode())) return attributes(s, false);
        return replaceWithLink(s, "hard link", "ln");
    }

    /** Puts a new link in place atomically: made beside the path, then renamed over it. */
    private Plan replaceWithLink(FileProbe.State s, String what, String command) {
        String parent = ContentWrite.parentOf(path);
        StringBuilder script = new StringBuilder("set -e\n");
        String summary;
        switch (s.kind()) {
            case MISSING -> {
                if (!s.parentExists()) throw new ModuleException("directory " + parent + " does not exist");
                summary = "create " + what + " " + path + " -> " + src;
            }
            case LINK -> summary = "repoint " + path + " -> " + src + " (was -> " + s.linkTarget() + ")";
            case DIRECTORY -> {
                if (!force) throw new ModuleException("refusing to convert from directory to " + what + " for " + path);
                summary = "replace empty directory " + path + " with " + what + " -> " + src;
                script.append("rmdir -- ").append(q(path)).append('\n');
            }
            default -> {
                if (!force) throw new ModuleException("refusing to convert from file to " + what + " for " + path + " (force: true replaces it)");
                summary = "replace file " + path + " with " + what + " -> " + src;
            }
        }
        script.append("cd -- ").append(q(parent)).append('\n');
        script.append("tmp=.rigger-link.$$\n");
        script.append("rm -f -- \"$tmp\"\n");
        script.append(command).append(" -- ").append(q(src)).append(" \"$tmp\"\n");
        script.append("mv -Tf -- \"$tmp\" ").append(q(path)).append('\n');
        // A symlink's owner is its own (chown -h); a hard link shares the source's inode and bits.
        boolean symlink = command.equals("ln -s");
        script.append(attributes.commandsForNew(path, symlink ? 0 : s.sourceMode(), false, symlink));
        List<Change> changes = List.of(Change.of(summary));
        return Plan.apply(changes, script.toString());
    }

    private Plan touch(FileProbe.State s) {
        if (!s.exists()) {
            if (!s.parentExists()) throw new ModuleException("directory " + ContentWrite.parentOf(path) + " does not exist");
            int base = 0666 & ~s.umask();
            String script = "set -e\ntouch -- " + q(path) + "\n" + attributes.commandsForNew(path, base, false, false);
            return Plan.apply(Change.of("create empty file " + path), script);
        }
        if (!touchAccessTime && !touchModificationTime) return attributes(s, false);
        String flags = touchAccessTime && touchModificationTime ? "" : touchAccessTime ? "-a " : "-m ";
        List<Change> changes = new ArrayList<>();
        changes.add(Change.of("update " + (flags.isEmpty() ? "timestamps" : touchAccessTime ? "access time" : "modification time") + " of " + path));
        changes.addAll(attributes.changes(s));
        String script = "set -e\ntouch " + flags + "-- " + q(path) + "\n" + attributes.commands(path, s, false);
        return Plan.apply(changes, script);
    }

    private Plan attributes(FileProbe.State s, boolean noDereference) {
        List<Change> changes = attributes.changes(s);
        if (changes.isEmpty()) return Plan.noChange();
        return Plan.apply(changes, "set -e\n" + attributes.commands(path, s, noDereference));
    }

    /**
     * chmod lets the umask limit a clause without u/g/o/a ({@code +w}); {@link FileMode#apply}
     * reads it as {@code a}, as the plan must: say {@code a} explicitly so both agree.
     */
    static String explicitWho(String mode) {
        if (mode.chars().allMatch(Character::isDigit)) return mode;
        StringBuilder out = new StringBuilder();
        for (String clause : mode.split(",", -1)) {
            if (out.length() > 0) out.append(',');
            if (!clause.isEmpty() && "+-=".indexOf(clause.charAt(0)) >= 0) out.append('a');
            out.append(clause);
        }
        return out.toString();
    }

    private static String q(String value) {
        return ShellQuote.quote(value);
    }

    private static String name(Ensure state) {
        return state.name().toLowerCase(Locale.ROOT);
    }

    /** Builds a {@link ManagedPath}; {@code follow} defaults to true, timestamps to Ansible's defaults. */
    public static final class Builder {
        private final String path;
        private Ensure state;
        private String src;
        private FileMode mode;
        private String owner;
        private String group;
        private boolean recurse;
        private boolean force;
        private boolean follow = true;
        private Boolean accessTime;
        private Boolean modificationTime;

        private Builder(String path) {
            this.path = path;
        }

        public Builder state(Ensure value) { this.state = value; return this; }
        public Builder src(String value) { this.src = value; return this; }
        public Builder mode(String value) { this.mode = FileMode.parse(value); return this; }
        public Builder owner(String value) { this.owner = value; return this; }
        public Builder group(String value) { this.group = value; return this; }
        public Builder recurse(boolean value) { this.recurse = value; return this; }
        public Builder force(boolean value) { this.force = value; return this; }
        public Builder follow(boolean value) { this.follow = value; return this; }
        /** {@code touch}: false keeps the access time ({@code access_time: preserve}). */
        public Builder touchAccessTime(boolean value) { this.accessTime = value; return this; }
        /** {@code touch}: false keeps the modification time ({@code modification_time: preserve}). */
        public Builder touchModificationTime(boolean value) { this.modificationTime = value; return this; }

        public ManagedPath build() {
            boolean touch = state == Ensure.TOUCH;
            return new ManagedPath(path, state, src, new FileAttributes(mode, owner, group), recurse, force, follow,
                    accessTime != null ? accessTime : touch, modificationTime != null ? modificationTime : touch);
        }
    }

    /** YAML binding: {@code file}. */
    public static final class Type implements ModuleType {
        @Override
        public List<String> names() {
            return List.of("file");
        }

        @Override
        public Set<String> parameters() {
            return Set.of("path", "dest", "name", "state", "src", "owner", "group", "mode", "recurse", "force", "follow",
                    "access_time", "modification_time");
        }

        /** None: {@code path} may be given as {@code dest} or {@code name} (Ansible's aliases); {@link #create} reports it missing. */
        @Override
        public Set<String> required() {
            return Set.of();
        }

        @Override
        public Module<?> create(Args args) {
            args.requireKnown(parameters());
            String path = FileArgs.path(args, "path", "dest", "name");
            String stateName = args.optionalString("state").isPresent()
                    ? args.choice("state", List.of("file", "directory", "link", "hard", "absent", "touch"), null) : null;
            Ensure state = stateName == null ? null : Ensure.valueOf(stateName.toUpperCase(Locale.ROOT));
            boolean recurse = args.bool("recurse", false);
            if (recurse && state != Ensure.DIRECTORY && state != null) {
                throw args.error("recurse", "'recurse' only applies to state: directory");
            }
            boolean linking = state == Ensure.LINK || state == Ensure.HARD;
            if (linking && !args.has("src")) throw args.error("state", "state: " + stateName + " needs 'src', the link's target");
            if (!linking && args.has("src")) throw args.error("src", "'src' only applies to state: link and state: hard");
            if (state == Ensure.LINK && args.has("mode")) {
                throw args.error("mode", "'mode' does not apply to a symlink (its own bits mean nothing); set it on the target");
            }
            boolean touch = state == Ensure.TOUCH;
            String src = args.optionalString("src").orElse(null);
            if (src != null && src.indexOf('\0') >= 0) throw args.error("src", "'src' contains a NUL byte");
            return new ManagedPath(path, state, src, FileAttributes.from(args), recurse, args.bool("force", false),
                    args.bool("follow", true), time(args, "access_time", touch), time(args, "modification_time", touch));
        }

        private static boolean time(Args args, String name, boolean touch) {
            return args.choice(name, List.of("now", "preserve"), touch ? "now" : "preserve").equals("now");
        }
    }
}
