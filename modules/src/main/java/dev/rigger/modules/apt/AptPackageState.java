package dev.rigger.modules.apt;

import dev.rigger.core.module.ModuleException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@link AptPackage}'s probe read on a host: for each named package its dpkg status and, where
 * asked for, apt's candidate and version table; the age of the apt lists; orphaned packages.
 *
 * @param hasLists         whether any package index was ever downloaded ({@code apt-get update})
 * @param cacheAgeSeconds  seconds since the last cache update, or -1 when unknown (never updated)
 * @param packages         by the name the task gave (without a version)
 * @param autoremovable    packages {@code apt-get autoremove} would remove now (read only when asked)
 */
record AptPackageState(boolean hasLists, long cacheAgeSeconds, Map<String, PackageInfo> packages, List<String> autoremovable) {

    AptPackageState {
        packages = Map.copyOf(packages);
        autoremovable = List.copyOf(autoremovable);
    }

    PackageInfo get(String name) {
        PackageInfo info = packages.get(name);
        if (info == null) throw new IllegalStateException("the probe did not report package " + name);
        return info;
    }

    /**
     * One package as dpkg and apt see it.
     *
     * @param dpkg      dpkg's record, empty when dpkg has never heard of the package
     * @param policy    apt's view, empty when the probe did not ask (installed package, no pin, not latest)
     * @param providers for a virtual package (no candidate of its own): the packages providing it
     */
    record PackageInfo(String name, Optional<DpkgStatus> dpkg, Optional<Policy> policy, List<Provider> providers) {
        PackageInfo {
            providers = List.copyOf(providers);
        }

        boolean installed() {
            return dpkg.map(DpkgStatus::installed).orElse(false);
        }

        /** Unpacked, half-installed or half-configured: dpkg has files of it but it is not working. */
        boolean broken() {
            return dpkg.map(DpkgStatus::broken).orElse(false);
        }

        boolean configFilesOnly() {
            return dpkg.map(DpkgStatus::configFilesOnly).orElse(false);
        }

        boolean held() {
            return dpkg.map(DpkgStatus::held).orElse(false);
        }

        Optional<String> installedVersion() {
            return dpkg.filter(d -> d.installed() || d.broken()).map(DpkgStatus::version).filter(v -> !v.isEmpty());
        }

        /** apt knows nothing by this name (asked, and {@code apt-cache policy} printed nothing). */
        boolean unknownToApt() {
            return policy.map(p -> !p.known()).orElse(false);
        }

        Optional<String> candidate() {
            return policy.flatMap(Policy::candidate);
        }
    }

    /**
     * dpkg's three-letter status abbreviation ({@code ${db:Status-Abbrev}}: wanted, state, error)
     * and the version dpkg records.
     */
    record DpkgStatus(String abbrev, String version) {
        char state() {
            return abbrev.length() > 1 ? abbrev.charAt(1) : 'n';
        }

        /** Installed, possibly with triggers pending or awaited: usable. */
        boolean installed() {
            return "iWt".indexOf(state()) >= 0;
        }

        boolean broken() {
            return "UFH".indexOf(state()) >= 0;
        }

        boolean configFilesOnly() {
            return state() == 'c';
        }

        boolean held() {
            return !abbrev.isEmpty() && abbrev.charAt(0) == 'h';
        }
    }

    /**
     * {@code apt-cache policy} for one package.
     *
     * @param known     false when apt printed nothing: no package and no virtual package of that name
     * @param versions  the version table, highest first, as apt orders it
     */
    record Policy(boolean known, Optional<String> installed, Optional<String> candidate, List<String> versions) {
        Policy {
            versions = List.copyOf(versions);
        }

        static final Policy UNKNOWN = new Policy(false, Optional.empty(), Optional.empty(), List.of());

        /** Whether {@code a} ranks above {@code b} in apt's version table (both must be in it). */
        boolean ranksAbove(String a, String b) {
            int ia = versions.indexOf(a);
            int ib = versions.indexOf(b);
            return ia >= 0 && ib >= 0 && ia < ib;
        }
    }

    /** A package providing a virtual one, and whether it is installed. */
    record Provider(String name, boolean installed) {}

    private static final Pattern HEADER = Pattern.compile("@apt (\\d+) (\\d+) ([01])");
    private static final Pattern POLICY_FIELD = Pattern.compile("^\\s+(Installed|Candidate): (.+)$");
    private static final Pattern POLICY_VERSION = Pattern.compile("^ (?:\\*\\*\\*|   ) (\\S+) (-?\\d+)$");

    /** Parses the probe's output (see {@link AptPackage#probeScript()}). */
    static AptPackageState parse(String stdout) {
        boolean sawHeader = false;
        boolean hasLists = false;
        long age = -1;
        Map<String, Builder> packages = new LinkedHashMap<>();
        List<String> orphans = new ArrayList<>();
        Builder current = null;
        List<String> policyLines = null;
        for (String line : stdout.split("\n")) {
            if (line.startsWith("@")) {
                if (policyLines != null) {
                    current.policy = parsePolicy(policyLines);
                    policyLines = null;
                }
                if (line.equals("@noapt")) {
                    throw new ModuleException("this host has no apt/dpkg (not Debian or Ubuntu?): dpkg-query and apt-get are missing");
                }
                Matcher header = HEADER.matcher(line);
                if (header.matches()) {
                    sawHeader = true;
                    long now = Long.parseLong(header.group(1));
                    long updated = Long.parseLong(header.group(2));
                    hasLists = header.group(3).equals("1");
                    age = hasLists && updated > 0 ? Math.max(0, now - updated) : -1;
                } else if (line.startsWith("@pkg ")) {
                    String name = line.substring(5);
                    current = packages.computeIfAbsent(name, Builder::new);
                } else if (line.startsWith("@dpkg ") && current != null) {
                    String rest = line.substring(6);
                    int bar = rest.indexOf('|');
                    if (bar < 0) continue;
                    DpkgStatus status = new DpkgStatus(rest.substring(0, bar).strip(), rest.substring(bar + 1).strip());
                    // A multi-arch package may have several records: the usable one wins.
                    if (current.dpkg == null || (!current.dpkg.installed() && (status.installed() || status.broken()))) {
                        current.dpkg = status;
                    }
                } else if (line.equals("@policy") && current != null) {
                    policyLines = new ArrayList<>();
                } else if (line.startsWith("@provider ") && current != null) {
                    String[] parts = line.substring(10).split(" ", 2);
                    DpkgStatus status = new DpkgStatus(parts.length > 1 ? parts[1].strip() : "", "");
                    current.providers.add(new Provider(parts[0], status.installed()));
                } else if (line.startsWith("@orphan ")) {
                    orphans.add(line.substring(8).strip());
                }
            } else if (policyLines != null) {
                policyLines.add(line);
            }
        }
        if (policyLines != null) current.policy = parsePolicy(policyLines);
        if (!sawHeader) throw new ModuleException("the apt probe printed no state (output: " + abbreviate(stdout) + ")");
        Map<String, PackageInfo> infos = new LinkedHashMap<>();
        packages.forEach((name, b) -> infos.put(name, b.build()));
        return new AptPackageState(hasLists, age, infos, orphans);
    }

    /** Reads one package's {@code apt-cache policy} block; no lines means apt does not know the name. */
    static Policy parsePolicy(List<String> lines) {
        if (lines.stream().allMatch(String::isBlank)) return Policy.UNKNOWN;
        Optional<String> installed = Optional.empty();
        Optional<String> candidate = Optional.empty();
        List<String> versions = new ArrayList<>();
        boolean table = false;
        for (String line : lines) {
            Matcher field = POLICY_FIELD.matcher(line);
            if (!table && field.matches()) {
                Optional<String> value = Optional.of(field.group(2).strip()).filter(v -> !v.equals("(none)"));
                if (field.group(1).equals("Installed")) installed = value;
                else candidate = value;
            } else if (line.strip().equals("Version table:")) {
                table = true;
            } else if (table) {
                Matcher v = POLICY_VERSION.matcher(line);
                if (v.matches() && !versions.contains(v.group(1))) versions.add(v.group(1));
            }
        }
        return new Policy(true, installed, candidate, versions);
    }

    private static String abbreviate(String s) {
        String t = s.strip();
        return t.isEmpty() ? "nothing" : t.length() > 200 ? t.substring(0, 200) + "..." : t;
    }

    private static final class Builder {
        final String name;
        DpkgStatus dpkg;
        Policy policy;
        final List<Provider> providers = new ArrayList<>();

        Builder(String name) {
            this.name = name;
        }

        PackageInfo build() {
            return new PackageInfo(name, Optional.ofNullable(dpkg), Optional.ofNullable(policy), providers);
        }
    }
}
