package dev.rigger.modules.system;

import dev.rigger.core.module.Args;
import dev.rigger.core.module.Change;
import dev.rigger.core.module.Footprint;
import dev.rigger.core.module.Module;
import dev.rigger.core.module.ModuleContext;
import dev.rigger.core.module.ModuleException;
import dev.rigger.core.module.ModuleType;
import dev.rigger.core.module.Plan;
import dev.rigger.core.module.Probe;
import dev.rigger.core.module.ModuleArgumentException;
import dev.rigger.core.secret.Secret;
import dev.rigger.core.transport.ExecResult;
import dev.rigger.core.transport.ShellQuote;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A local user account.
 *
 * <p>Parameters (Ansible's {@code user}):
 * <ul>
 *   <li>{@code name} — the login name (required).</li>
 *   <li>{@code state} — {@code present} (default) or {@code absent}; {@code remove} with absent also deletes
 *       the home directory and mail spool ({@code userdel -r}).</li>
 *   <li>{@code uid}, {@code group} (primary group, name or gid), {@code home}, {@code shell},
 *       {@code comment} (the GECOS field) — set at creation and corrected on an existing user.</li>
 *   <li>{@code groups} — supplementary groups. With {@code append: false} (default) the user is in
 *       exactly these (an empty list removes all); with {@code append: true} they are added to the others.
 *       Groups must exist (create them with {@code group} first).</li>
 *   <li>{@code create_home} — create the home directory when creating the user (default true).</li>
 *   <li>{@code system} — create a system account (id from the system range); ignored for existing users.</li>
 *   <li>{@code password} — an already <em>hashed</em> password ({@code $6$…}, {@code $y$…}; {@code !} or
 *       {@code *} locks). It is a secret: it reaches the host only on stdin of {@code chpasswd -e}, never
 *       in a command line, an event or the probe (which compares a SHA-256 of the stored hash).</li>
 *   <li>{@code update_password} — {@code always} (default) or {@code on_create}.</li>
 * </ul>
 * The probe is one exec reading {@code getent passwd}, the user's groups, the requested groups and,
 * when a password is managed, the digest of the shadow entry (which needs root).
 *
 * <pre>{@code
 * - name: the deploy user
 *   user:
 *     name: deploy
 *     uid: 1500
 *     groups: [sudo, adm]
 *     shell: /bin/bash
 *     password: "{{ deploy_password_hash }}"
 * }</pre>
 *
 * <pre>{@code
 * User.named("deploy").uid(1500).groups(List.of("sudo", "adm")).shell("/bin/bash").password(Secret.of(hash)).build()
 * }</pre>
 */
public record User(String name, boolean present, Integer uid, String group, List<String> groups, boolean append,
                   String home, boolean createHome, String shell, boolean system, String comment, Secret password,
                   boolean updatePasswordAlways, boolean remove) implements Module<User.UserState> {

    /** Crypt(3) hashes ($id$...), locked/disabled markers (! and * prefixes) and traditional 13-character DES. */
    private static final Pattern HASHED = Pattern.compile("(\\$[^:\\s]+|[!*][^:\\s]*|[./0-9A-Za-z]{13})");

    public User {
        Accounts.requireName("user", "name", "user", name);
        if (uid != null && uid < 0) throw new ModuleArgumentException("user", "uid", "must not be negative, got " + uid);
        if (group != null && !group.matches("\\d+")) Accounts.requireName("user", "group", "group", group);
        if (groups != null) {
            groups = List.copyOf(groups);
            for (String g : groups) {
                if (!g.matches("\\d+")) Accounts.requireName("user", "groups", "group", g);
            }
        }
        Accounts.requirePasswdField("home", home);
        Accounts.requirePasswdField("shell", shell);
        Accounts.requirePasswdField("comment", comment);
        if (password != null && !HASHED.matcher(password.reveal()).matches()) {
            // The value itself is never quoted back: it may be a clear-text password given by mistake.
            throw new ModuleArgumentException("user", "password", "must be a crypt hash such as $6$... or $y$... (make one with "
                    + "`mkpasswd -m sha-512`), not a clear-text password");
        }
    }

    public static Builder named(String name) {
        return new Builder(name);
    }

    public static Builder absent(String name, boolean remove) {
        return new Builder(name).absent().remove(remove);
    }

    @Override
    public String moduleName() {
        return "user";
    }

    /** Groups named in the spec; the probe resolves each to its name and id. */
    private List<String> requestedGroups() {
        Set<String> all = new LinkedHashSet<>();
        if (group != null) all.add(group);
        if (groups != null) all.addAll(groups);
        return List.copyOf(all);
    }

    @Override
    public Probe<UserState> probe(ModuleContext context) {
        StringBuilder s = new StringBuilder();
        s.append("name=").append(ShellQuote.quote(name)).append('\n');
        s.append("entry=$(getent passwd -- \"$name\"); rc=$?\n");
        s.append("case $rc in\n");
        s.append("  0)\n");
        s.append("    printf 'passwd\\t%s\\n' \"$entry\"\n");
        s.append("    gid=$(printf '%s\\n' \"$entry\" | cut -d: -f4)\n");
        s.append("    printf 'primary\\t%s\\n' \"$(getent group -- \"$gid\" | cut -d: -f1)\"\n");
        s.append("    printf 'groups\\t%s\\n' \"$(id -Gn -- \"$name\" 2>/dev/null)\"\n");
        if (present && password != null) {
            s.append("    if shadow=$(getent shadow -- \"$name\" 2>/dev/null); then\n");
            s.append("      printf 'shadow\\t%s\\n' \"$(printf '%s' \"$shadow\" | cut -d: -f2 | tr -d '\\n' | sha256sum | cut -d' ' -f1)\"\n");
            s.append("    else echo shadow-unreadable; fi\n");
        }
        s.append("    ;;\n");
        s.append("  2) echo absent ;;\n");
        s.append("  *) echo \"getent passwd failed with exit $rc\" >&2; exit 1 ;;\n");
        s.append("esac\n");
        if (present) {
            for (String g : requestedGroups()) {
                s.append("if line=$(getent group -- ").append(ShellQuote.quote(g)).append("); then printf 'group\\t%s\\t%s\\n' ")
                        .append(ShellQuote.quote(g)).append(" \"$line\"; else printf 'nogroup\\t%s\\n' ")
                        .append(ShellQuote.quote(g)).append("; fi\n");
            }
        }
        // getent and id read nothing but the user and group databases.
        return Probe.of(s.toString(), UserState::parse).reading(Footprint.NAME_DATABASES);
    }

    /**
     * What useradd, usermod and chpasswd may write: the account files in {@code /etc} (passwd,
     * shadow, group, gshadow, subuid, subgid, their backups and lock files), the mail spool, the
     * login records, nscd's caches, and the home directory (created from {@code /etc/skel}, or its
     * files re-owned when the uid changes). "Anything" when the home directory is not known (a new
     * user without {@code home}: useradd's default comes from the host's configuration) and for
     * userdel ({@code USERDEL_CMD} in login.defs may run any command).
     */
    Footprint written(UserState current) {
        if (!present) return Footprint.anything();
        List<String> homes = new ArrayList<>();
        if (current.exists()) homes.add(current.home());
        if (home != null) homes.add(home);
        if (homes.isEmpty()) return Footprint.anything();
        List<String> paths = new ArrayList<>(List.of("/etc", "/var/mail", "/var/spool/mail", "/var/log", "/var/cache/nscd",
                "/var/db/nscd", "/run/nscd"));
        paths.addAll(homes);
        return Footprint.of(paths).plus(Footprint.NAME_DATABASES);
    }

    @Override
    public Plan plan(UserState current, ModuleContext context) {
        String quoted = ShellQuote.quote(name);
        if (!present) {
            if (!current.exists()) return Plan.noChange();
            return Plan.apply(Change.of("remove user " + name + (remove ? " with its home directory" : "")),
                    "userdel" + (remove ? " -r" : "") + " -- " + quoted + "\n").writing(written(current));
        }
        for (String g : requestedGroups()) {
            if (!current.knownGroups().containsKey(g)) throw new ModuleException("group '" + g + "' does not exist");
        }
        List<Change> changes = new ArrayList<>();
        StringBuilder script = new StringBuilder("set -e\n");
        boolean setPassword;
        if (!current.exists()) {
            List<String> argv = new ArrayList<>(List.of("useradd"));
            List<String> details = new ArrayList<>();
            if (system) { argv.add("-r"); details.add("system"); }
            if (uid != null) { argv.addAll(List.of("-u", uid.toString())); details.add("uid " + uid); }
            if (group != null) { argv.addAll(List.of("-g", group)); details.add("group " + group); }
            if (groups != null && !groups.isEmpty()) { argv.addAll(List.of("-G", String.join(",", groups))); details.add("groups " + String.join(",", groups)); }
            if (home != null) { argv.addAll(List.of("-d", home)); details.add("home " + home); }
            argv.add(createHome ? "-m" : "-M");
            if (shell != null) { argv.addAll(List.of("-s", shell)); details.add("shell " + shell); }
            if (comment != null) { argv.addAll(List.of("-c", comment)); details.add("comment '" + comment + "'"); }
            argv.addAll(List.of("--", name));
            changes.add(Change.of("create user " + name + (details.isEmpty() ? "" : " (" + String.join(", ", details) + ")")));
            script.append(ShellQuote.quoteAll(argv)).append('\n');
            setPassword = password != null;
        } else {
            List<String> argv = new ArrayList<>();
            if (uid != null && uid != current.uid()) {
                argv.addAll(List.of("-u", uid.toString()));
                changes.add(Change.of("set uid of " + name + ": " + current.uid() + " → " + uid));
            }
            String primaryName = current.primaryGroup();
            if (group != null) {
                GroupRef wanted = current.knownGroups().get(group);
                if (wanted.gid() != current.gid()) {
                    argv.addAll(List.of("-g", group));
                    changes.add(Change.of("set primary group of " + name + ": " + display(current.primaryGroup(), current.gid()) + " → " + wanted.name()));
                }
                primaryName = wanted.name();
            }
            if (groups != null) {
                Set<String> have = current.supplementaryGroups(primaryName);
                Set<String> want = new LinkedHashSet<>();
                for (String g : groups) want.add(current.knownGroups().get(g).name());
                want.remove(primaryName);
                if (append) {
                    Set<String> missing = new LinkedHashSet<>(want);
                    missing.removeAll(have);
                    if (!missing.isEmpty()) {
                        argv.addAll(List.of("-a", "-G", String.join(",", missing)));
                        changes.add(Change.of("add " + name + " to groups " + String.join(", ", missing)));
                    }
                } else if (!have.equals(want)) {
                    argv.addAll(List.of("-G", String.join(",", want)));
                    changes.add(Change.of("set groups of " + name + ": " + listed(have) + " → " + listed(want)));
                }
            }
            if (home != null && !home.equals(current.home())) {
                argv.addAll(List.of("-d", home));
                changes.add(Change.of("set home of " + name + ": " + current.home() + " → " + home));
            }
            if (shell != null && !shell.equals(current.shell())) {
                argv.addAll(List.of("-s", shell));
                changes.add(Change.of("set shell of " + name + ": " + current.shell() + " → " + shell));
            }
            if (comment != null && !comment.equals(current.comment())) {
                argv.addAll(List.of("-c", comment));
                changes.add(Change.of("set comment of " + name + ": '" + current.comment() + "' → '" + comment + "'"));
            }
            if (!argv.isEmpty()) {
                argv.add(0, "usermod");
                argv.addAll(List.of("--", name));
                script.append(ShellQuote.quoteAll(argv)).append('\n');
            }
            setPassword = false;
            if (password != null && updatePasswordAlways) {
                if (current.passwordDigest() == null) {
                    throw new ModuleException("cannot read the password of " + name + " from /etc/shadow to compare it: run the task as root (become: true)");
                }
                setPassword = !current.passwordDigest().equals(sha256(password.reveal()));
            }
        }
        if (setPassword) {
            changes.add(Change.of("set password of " + name));
            // chpasswd -e reads "name:hash" from the script's stdin, so the hash is in no argv.
            script.append("chpasswd -e\n");
        }
        if (changes.isEmpty()) return Plan.noChange();
        Plan plan = Plan.apply(changes, script.toString()).writing(written(current));
        return setPassword ? plan.withStdin((name + ":" + password.reveal() + "\n").getBytes(StandardCharsets.UTF_8)) : plan;
    }

    private static String display(String groupName, int gid) {
        return groupName.isEmpty() ? Integer.toString(gid) : groupName;
    }

    private static String listed(Set<String> groups) {
        return groups.isEmpty() ? "(none)" : String.join(", ", new TreeSet<>(groups));
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    /** A group as {@code getent group} resolved a name or id the spec gave. */
    public record GroupRef(String name, int gid) {}

    /**
     * The account as the probe saw it.
     *
     * @param allGroups      every group the user is in, primary included ({@code id -Gn})
     * @param passwordDigest SHA-256 of the stored hash, or null when not read (or unreadable)
     * @param knownGroups    the requested groups that exist, by the name or id the spec used
     */
    public record UserState(boolean exists, int uid, int gid, String comment, String home, String shell,
                            String primaryGroup, List<String> allGroups, String passwordDigest,
                            Map<String, GroupRef> knownGroups) {

        public UserState {
            allGroups = List.copyOf(allGroups);
            knownGroups = Map.copyOf(knownGroups);
        }

        static UserState absent(Map<String, GroupRef> knownGroups) {
            return new UserState(false, -1, -1, "", "", "", "", List.of(), null, knownGroups);
        }

        /** Supplementary groups: all but the primary one. */
        Set<String> supplementaryGroups(String primaryName) {
            Set<String> s = new LinkedHashSet<>(allGroups);
            s.remove(primaryGroup);
            s.remove(primaryName);
            return s;
        }

        static UserState parse(ExecResult r) {
            if (!r.succeeded()) throw new ModuleException("reading the user failed (exit " + r.exitCode() + "): " + r.stderr().strip());
            String[] passwd = null;
            String primary = "";
            List<String> all = List.of();
            String digest = null;
            Map<String, GroupRef> known = new LinkedHashMap<>();
            for (String line : r.stdout().split("\n")) {
                String[] f = line.split("\t", -1);
                switch (f[0]) {
                    case "passwd" -> {
                        passwd = f[1].split(":", -1);
                        if (passwd.length < 7) throw new ModuleException("unexpected getent passwd output: " + f[1]);
                    }
                    case "primary" -> primary = f[1];
                    case "groups" -> all = f[1].isBlank() ? List.of() : List.of(f[1].trim().split("\\s+"));
                    case "shadow" -> digest = f[1].trim().toLowerCase(Locale.ROOT);
                    case "group" -> {
                        String[] g = f[2].split(":", -1);
                        known.put(f[1], new GroupRef(g[0], Integer.parseInt(g[2])));
                    }
                    default -> { /* "absent", "nogroup", "shadow-unreadable": absence is the information */ }
                }
            }
            if (passwd == null) return absent(known);
            return new UserState(true, Integer.parseInt(passwd[2]), Integer.parseInt(passwd[3]), passwd[4], passwd[5],
                    passwd[6], primary, all, digest, known);
        }
    }

    /** Optional parameters of a user task. */
    public static final class Builder {
        private final String name;
        private boolean present = true;
        private Integer uid;
        private String group;
        private List<String> groups;
        private boolean append;
        private String home;
        private boolean createHome = true;
        private String shell;
        private boolean system;
        private String comment;
        private Secret password;
        private boolean updatePasswordAlways = true;
        private boolean remove;

        private Builder(String name) {
            this.name = name;
        }

        public Builder absent() { this.present = false; return this; }
        public Builder uid(int value) { this.uid = value; return this; }
        public Builder group(String value) { this.group = value; return this; }
        /** Exactly these supplementary groups (or, with {@link #append}, at least these). */
        public Builder groups(List<String> value) { this.groups = value; return this; }
        public Builder append(boolean value) { this.append = value; return this; }
        public Builder home(String value) { this.home = value; return this; }
        public Builder createHome(boolean value) { this.createHome = value; return this; }
        public Builder shell(String value) { this.shell = value; return this; }
        public Builder system(boolean value) { this.system = value; return this; }
        public Builder comment(String value) { this.comment = value; return this; }
        /** An already hashed password (crypt format). */
        public Builder password(Secret value) { this.password = Objects.requireNonNull(value); return this; }
        public Builder updatePasswordOnCreateOnly() { this.updatePasswordAlways = false; return this; }
        public Builder remove(boolean value) { this.remove = value; return this; }

        public User build() {
            return new User(name, present, uid, group, groups, append, home, createHome, shell, system, comment, password,
                    updatePasswordAlways, remove);
        }
    }

    /** YAML binding: {@code user}. */
    public static final class Type implements ModuleType {
        private static final Set<String> PARAMETERS = Set.of("name", "state", "uid", "group", "groups", "append", "home",
                "create_home", "shell", "system", "comment", "password", "update_password", "remove");

        @Override
        public List<String> names() {
            return List.of("user");
        }

        @Override
        public Set<String> parameters() {
            return PARAMETERS;
        }

        @Override
        public Set<String> required() {
            return Set.of("name");
        }

        @Override
        public Module<?> create(Args args) {
            args.requireKnown(PARAMETERS);
            Builder b = named(args.string("name"));
            if (args.choice("state", List.of("present", "absent"), "present").equals("absent")) b.absent();
            args.optionalInt("uid").ifPresent(b::uid);
            args.optionalString("group").ifPresent(b::group);
            if (args.has("groups")) b.groups(args.stringList("groups"));
            b.append(args.bool("append", false));
            args.optionalString("home").ifPresent(b::home);
            b.createHome(args.bool("create_home", true));
            args.optionalString("shell").ifPresent(b::shell);
            b.system(args.bool("system", false));
            args.optionalString("comment").ifPresent(b::comment);
            args.secret("password").ifPresent(b::password);
            if (args.choice("update_password", List.of("always", "on_create"), "always").equals("on_create")) {
                b.updatePasswordOnCreateOnly();
            }
            b.remove(args.bool("remove", false));
            try {
                return b.build();
            } catch (IllegalArgumentException e) {
                throw args.error(e, "name");
            }
        }
    }
}
