package dev.rigger.core.module;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Remote paths a probe's output depends on (its reads) or an apply may change (its writes), or
 * "anything" when that is not declared. Batched probes use it: a probe taken ahead still serves
 * its task when every change since was declared disjoint from what the probe reads.
 *
 * <p>Two footprints overlap when either is "anything", or a path of one equals a path of the other
 * or is a directory above it (component-wise: {@code /etc} is above {@code /etc/ssh/sshd_config},
 * not above {@code /etcetera}). So a path stands for itself, everything under it, and — seen from
 * a path below — the directory entries leading to it: writing {@code /srv/a/b} overlaps a read of
 * {@code /srv} (its listing changes) and a read of {@code /srv/a/b/c} (its parent may appear or
 * go), never a read of {@code /srv/a/c}. A path that is not absolute, or holds a {@code ..}
 * component (which a symlink may make mean anywhere), makes the whole footprint "anything".
 *
 * <p>Paths are compared as strings: the same file reachable under another name (a symlink, a hard
 * link, a second mount point of the same file system) is not seen. Probes that can tell whether
 * their paths resolve through a symlink declare "anything" when they do.
 */
public final class Footprint {
    private static final Footprint ANYTHING = new Footprint(null);

    /**
     * The user and group databases: what a probe reads when it prints owner or group NAMES ({@code
     * stat %U/%G}, {@code id}, {@code getent}) and what {@code useradd} and its kind write. Beside the
     * files, the other local sources NSS may be configured to read.
     */
    public static final Footprint NAME_DATABASES = of("/etc/passwd", "/etc/group", "/etc/shadow", "/etc/gshadow",
            "/etc/nsswitch.conf", "/var/lib/extrausers", "/etc/userdb", "/run/userdb", "/var/lib/sss",
            "/var/cache/nscd", "/var/db/nscd");

    /** Normalised paths, each as its components; null: anything. */
    private final List<List<String>> paths;

    private Footprint(List<List<String>> paths) {
        this.paths = paths;
    }

    /** Undeclared: overlaps everything. */
    public static Footprint anything() {
        return ANYTHING;
    }

    /** These absolute paths (and what is under them); "anything" if one is null, relative or holds {@code ..}. */
    public static Footprint of(String... paths) {
        return of(Arrays.asList(paths));
    }

    /** These absolute paths (and what is under them); "anything" if one is null, relative or holds {@code ..}. */
    public static Footprint of(Collection<String> paths) {
        Set<List<String>> normalised = new LinkedHashSet<>();
        for (String p : paths) {
            List<String> components = components(p);
            if (components == null) return ANYTHING;
            normalised.add(components);
        }
        return new Footprint(List.copyOf(normalised));
    }

    /** Both footprints: "anything" if either is. */
    public Footprint plus(Footprint other) {
        if (isAnything() || other.isAnything()) return ANYTHING;
        Set<List<String>> all = new LinkedHashSet<>(paths);
        all.addAll(other.paths);
        return new Footprint(List.copyOf(all));
    }

    public boolean isAnything() {
        return paths == null;
    }

    /** Whether a change to one could show in the other: see the class comment. */
    public boolean overlaps(Footprint other) {
        if (isAnything() || other.isAnything()) return true;
        for (List<String> a : paths) {
            for (List<String> b : other.paths) {
                if (prefix(a, b) || prefix(b, a)) return true;
            }
        }
        return false;
    }

    /** The normalised paths, or null for "anything". */
    public List<String> paths() {
        if (paths == null) return null;
        return paths.stream().map(c -> "/" + String.join("/", c)).toList();
    }

    /**
     * {@code path} split into components without empty ones ({@code //}, a trailing {@code /}) and
     * {@code .}; null when it cannot be compared as a string: null, relative, or with {@code ..}.
     */
    static List<String> components(String path) {
        if (path == null || !path.startsWith("/")) return null;
        List<String> out = new ArrayList<>();
        for (String c : path.split("/")) {
            if (c.isEmpty() || c.equals(".")) continue;
            if (c.equals("..")) return null;
            out.add(c);
        }
        return List.copyOf(out);
    }

    private static boolean prefix(List<String> shorter, List<String> longer) {
        return shorter.size() <= longer.size() && longer.subList(0, shorter.size()).equals(shorter);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Footprint f && java.util.Objects.equals(paths, f.paths);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hashCode(paths);
    }

    @Override
    public String toString() {
        return paths == null ? "Footprint[anything]" : "Footprint" + paths();
    }
}
