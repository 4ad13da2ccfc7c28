package dev.rigger.core.facts;

import dev.rigger.core.facts.Facts.Os;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads {@code /etc/os-release} and names the distribution and its family the way Ansible does. */
final class OsRelease {

    /** os-release ID → Ansible's distribution name and os_family. */
    private record Naming(String name, String family) {
    }

    private static final Map<String, Naming> KNOWN = Map.ofEntries(
            Map.entry("debian", new Naming("Debian", "Debian")),
            Map.entry("ubuntu", new Naming("Ubuntu", "Debian")),
            Map.entry("linuxmint", new Naming("Linux Mint", "Debian")),
            Map.entry("devuan", new Naming("Devuan", "Debian")),
            Map.entry("kali", new Naming("Kali", "Debian")),
            Map.entry("rhel", new Naming("RedHat", "RedHat")),
            Map.entry("centos", new Naming("CentOS", "RedHat")),
            Map.entry("rocky", new Naming("Rocky", "RedHat")),
            Map.entry("almalinux", new Naming("AlmaLinux", "RedHat")),
            Map.entry("fedora", new Naming("Fedora", "RedHat")),
            Map.entry("ol", new Naming("OracleLinux", "RedHat")),
            Map.entry("amzn", new Naming("Amazon", "RedHat")),
            Map.entry("alpine", new Naming("Alpine", "Alpine")),
            Map.entry("sles", new Naming("SLES", "Suse")),
            Map.entry("opensuse-leap", new Naming("openSUSE Leap", "Suse")),
            Map.entry("opensuse-tumbleweed", new Naming("openSUSE Tumbleweed", "Suse")),
            Map.entry("arch", new Naming("Archlinux", "Archlinux")),
            Map.entry("gentoo", new Naming("Gentoo", "Gentoo")));

    /** For an unknown ID, the first ID_LIKE entry that is known gives the family. */
    private static final Map<String, String> FAMILY_OF_LIKE = Map.of(
            "debian", "Debian", "ubuntu", "Debian", "rhel", "RedHat", "fedora", "RedHat",
            "centos", "RedHat", "suse", "Suse", "arch", "Archlinux", "alpine", "Alpine");

    private static final Pattern DEBIAN_POINT_RELEASE = Pattern.compile("\\d+(\\.\\d+)*");
    private static final Pattern CODENAME_IN_VERSION = Pattern.compile("\\(([^)]+)\\)");

    private OsRelease() {
    }

    /** os-release lines → KEY → unquoted value. Comments, blanks and malformed lines are skipped. */
    static Map<String, String> parse(List<String> lines) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : lines) {
            int eq = line.indexOf('=');
            if (line.startsWith("#") || eq <= 0) {
                continue;
            }
            values.put(line.substring(0, eq).trim(), unquote(line.substring(eq + 1).trim()));
        }
        return values;
    }

    /**
     * @param debianVersion content of {@code /etc/debian_version}; Debian's os-release only says
     *                      {@code 12} where Ansible reports the point release {@code 12.11}
     */
    static Os toOs(Map<String, String> release, Optional<String> debianVersion) {
        String id = nonBlank(release.get("ID")).orElse("linux");
        Naming naming = KNOWN.get(id);
        String name = naming != null ? naming.name() : nonBlank(release.get("NAME")).orElse("Linux");
        String family = naming != null ? naming.family() : familyFromLike(release.get("ID_LIKE")).orElse(name);

        Optional<String> version = nonBlank(release.get("VERSION_ID"));
        if (id.equals("debian") && debianVersion.filter(v -> DEBIAN_POINT_RELEASE.matcher(v).matches()).isPresent()) {
            version = debianVersion;
        }

        // VERSION_CODENAME is the standard field; older Ubuntu and RHEL only say it in VERSION.
        Optional<String> codename = nonBlank(release.get("VERSION_CODENAME"))
                .or(() -> nonBlank(release.get("UBUNTU_CODENAME")))
                .or(() -> nonBlank(release.get("VERSION")).flatMap(OsRelease::codenameInParentheses));
        return new Os(family, id, name, version, codename);
    }

    private static Optional<String> familyFromLike(String idLike) {
        if (idLike == null) {
            return Optional.empty();
        }
        for (String like : idLike.trim().split("\\s+")) {
            String family = FAMILY_OF_LIKE.get(like);
            if (family != null) {
                return Optional.of(family);
            }
        }
        return Optional.empty();
    }

    private static Optional<String> codenameInParentheses(String version) {
        Matcher m = CODENAME_IN_VERSION.matcher(version);
        return m.find() ? nonBlank(m.group(1)) : Optional.empty();
    }

    /** Shell-style quoting as os-release(5) allows it: "..." with backslash escapes, or '...'. */
    private static String unquote(String value) {
        if (value.length() >= 2 && value.startsWith("'") && value.endsWith("'")) {
            return value.substring(1, value.length() - 1);
        }
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            return value.substring(1, value.length() - 1).replaceAll("\\\\([\"\\\\$`])", "$1");
        }
        return value;
    }

    private static Optional<String> nonBlank(String value) {
        return Optional.ofNullable(value).map(String::trim).filter(v -> !v.isEmpty());
    }
}
