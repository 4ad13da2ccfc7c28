package dev.rigger.modules.apt;

import static dev.rigger.core.transport.ShellQuote.quote;

import dev.rigger.core.module.Args;
import dev.rigger.core.module.Change;
import dev.rigger.core.module.Module;
import dev.rigger.core.module.ModuleArgumentException;
import dev.rigger.core.module.ModuleContext;
import dev.rigger.core.module.ModuleException;
import dev.rigger.core.module.ModuleType;
import dev.rigger.core.module.Outcome;
import dev.rigger.core.module.Plan;
import dev.rigger.core.module.Probe;
import dev.rigger.core.transport.ExecResult;
import dev.rigger.core.transport.ShellQuote;
import dev.rigger.modules.apt.AptPackageState.PackageInfo;
import dev.rigger.modules.apt.AptPackageState.Policy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Installs, upgrades and removes Debian packages with apt, all named packages in one apt call.
 *
 * <p>Parameters (YAML names as Ansible's {@code apt}):
 * <ul>
 *   <li>{@code name} (aliases {@code pkg}, {@code package}) — one package or a list; {@code name=version}
 *       pins a version ({@code redis-server=5:7.0.15-1~deb12u7}), {@code name:arch} picks an architecture.
 *   <li>{@code version} — pins the version of the single package named (Rigger's addition).
 *   <li>{@code state} — {@code present} (default), {@code absent} or {@code latest}.
 *   <li>{@code update_cache} — run {@code apt-get update} first; {@code cache_valid_time} (seconds)
 *       skips it while the last update is younger, and implies {@code update_cache}.
 *   <li>{@code install_recommends} — true/false; unset keeps apt's own default.
 *   <li>{@code purge} — with {@code absent}: remove configuration files too.
 *   <li>{@code autoremove} — also remove packages nothing depends on any more.
 *   <li>{@code no_start} — do not start services while installing (a {@code /usr/sbin/policy-rc.d}
 *       answering 101 for the duration of the install, the previous one restored afterwards, also on
 *       failure); {@code policy_rc_d} sets another exit code, as Ansible's.
 *   <li>{@code allow_downgrade}, {@code allow_change_held_packages} — let a pin go down, or change a
 *       held package; refused otherwise.
 *   <li>{@code default_release} — apt's target release ({@code -t}), e.g. {@code bookworm-backports}.
 *   <li>{@code dpkg_options} — default {@code force-confdef,force-confold}: keep changed config files.
 *   <li>{@code lock_timeout} — seconds to wait for another apt or dpkg to finish (default 60).
 *   <li>{@code force_apt_get} — accepted and ignored: Rigger always uses {@code apt-get}.
 * </ul>
 *
 * <p>The probe (one exec) reads the installed versions with {@code dpkg-query}, apt's candidates with
 * {@code apt-cache policy} where the decision needs them (latest, pins, packages not installed), and
 * the age of the apt cache. The apply (one exec) updates the cache when due, installs, removes and
 * autoremoves, waiting for apt's locks instead of failing on them.
 *
 * <pre>{@code
 * - name: Redis, not started until it is configured
 *   apt:
 *     name: [redis-server, redis-tools]
 *     update_cache: true
 *     cache_valid_time: 3600
 *     no_start: true
 * }</pre>
 *
 * <pre>{@code
 * AptPackage redis = AptPackage.builder("redis-server", "redis-tools")
 *         .updateCache(Duration.ofHours(1)).noStart(true).build();
 * }</pre>
 */
public record AptPackage(List<PackageRequest> packages, State state, boolean updateCache, Integer cacheValidTime,
                         Boolean installRecommends, boolean purge, boolean autoremove, Integer policyRcD,
                         boolean allowDowngrade, boolean allowChangeHeldPackages, String defaultRelease,
                         List<String> dpkgOptions, int lockTimeout) implements Module<AptPackageState> {

    public enum State { PRESENT, ABSENT, LATEST }

    static final List<String> DEFAULT_DPKG_OPTIONS = List.of("force-confdef", "force-confold");
    static final String AFTER_MARKER = "@after";
    private static final String CONFIG_FILES = "(configuration files)";
    static final String POLICY_RC_D = "/usr/sbin/policy-rc.d";
    /** Marks the policy-rc.d Rigger writes, so one left by a killed run is never mistaken for the admin's. */
    static final String POLICY_RC_D_MARK = "rigger-no-start";

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9+.-]*(:[a-z0-9][a-z0-9-]*)?");
    private static final Pattern VERSION = Pattern.compile("[0-9][A-Za-z0-9.+~:-]*");
    private static final Pattern RELEASE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.+~/_-]*");
    private static final Pattern DPKG_OPTION = Pattern.compile("[a-z][a-z-]*(=[A-Za-z0-9_,-]+)?");

    /** A package as the task names it, with an optional exact version. */
    public record PackageRequest(String name, String version) {
        public PackageRequest {
            Objects.requireNonNull(name, "name");
            if (!NAME.matcher(name).matches()) {
                throw new ModuleArgumentException("apt", "name", "'" + name + "' is not a Debian package name (lowercase letters, digits, + - . and an optional :arch)");
            }
            if (version != null && !VERSION.matcher(version).matches()) {
                throw new ModuleArgumentException("apt", "version", "'" + version + "' is not a Debian version (it starts with a digit, e.g. 5:7.0.15-1~deb12u7)");
            }
        }

        /** {@code redis-server} or {@code redis-server=5:7.0.15-1~deb12u7}, as apt and Ansible write it. */
        public static PackageRequest parse(String spec) {
            String s = spec.strip();
            int eq = s.indexOf('=');
            return eq < 0 ? new PackageRequest(s, null) : new PackageRequest(s.substring(0, eq), s.substring(eq + 1));
        }

        String aptArgument() {
            return version == null ? name : name + "=" + version;
        }

        @Override
        public String toString() {
            return aptArgument();
        }
    }

    public AptPackage {
        packages = List.copyOf(packages);
        Objects.requireNonNull(state, "state");
        dpkgOptions = List.copyOf(dpkgOptions);
        Set<String> seen = new LinkedHashSet<>();
        for (PackageRequest p : packages) {
            if (!seen.add(p.name())) throw new ModuleArgumentException("apt", "name", "package '" + p.name() + "' is named twice");
            if (state == State.LATEST && p.version() != null) {
                throw new ModuleArgumentException("apt", "state", "a version pin (" + p + ") and state latest contradict each other");
            }
        }
        if (cacheValidTime != null && cacheValidTime < 0) throw new ModuleArgumentException("apt", "cache_valid_time", "must not be negative");
        if (cacheValidTime != null) updateCache = true;
        if (packages.isEmpty() && !updateCache && !autoremove) {
            throw new ModuleArgumentException("apt", "name", "nothing to do: give name, update_cache or autoremove");
        }
        if (defaultRelease != null && !RELEASE.matcher(defaultRelease).matches()) {
            throw new ModuleArgumentException("apt", "default_release", "'" + defaultRelease + "' is not a release name");
        }
        for (String o : dpkgOptions) {
            if (!DPKG_OPTION.matcher(o).matches()) throw new ModuleArgumentException("apt", "dpkg_options", "'" + o + "' is not a dpkg option like force-confold");
        }
        if (lockTimeout < 0) throw new ModuleArgumentException("apt", "lock_timeout", "must not be negative");
    }

    public static Builder builder(String... packages) {
        return new Builder(List.of(packages));
    }

    @Override
    public String moduleName() {
        return "apt";
    }

    // ---------------------------------------------------------------- probe

    @Override
    public Probe<AptPackageState> probe(ModuleContext context) {
        return Probe.of(probeScript(), r -> {
            if (!r.succeeded()) throw new ModuleException("reading the package state failed (exit " + r.exitCode() + "): " + r.stderr().strip());
            return AptPackageState.parse(r.stdout());
        });
    }

    /**
     * One side-effect-free script: cache age, then for each package its dpkg record and, when the
     * decision needs it, apt's policy (and the providers of a virtual package); orphans on request.
     */
    String probeScript() {
        StringBuilder s = new StringBuilder();
        s.append("export LC_ALL=C\n");
        s.append("if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then echo @noapt; exit 0; fi\n");
        s.append("rigger_updated=0\n");
        s.append("for f in ").append(AptScripts.UPDATE_STAMP).append(" /var/lib/apt/lists; do\n");
        s.append("  if [ -e \"$f\" ]; then t=$(stat -c %Y -- \"$f\"); if [ \"$t\" -gt \"$rigger_updated\" ]; then rigger_updated=$t; fi; fi\n");
        s.append("done\n");
        s.append("if ls /var/lib/apt/lists/ 2>/dev/null | grep -q '_Packages'; then rigger_lists=1; else rigger_lists=0; fi\n");
        s.append("echo \"@apt $(date +%s) $rigger_updated $rigger_lists\"\n");
        s.append("rigger_policy() {\n");
        s.append("  echo @policy\n");
        s.append("  rigger_p=$(apt-cache").append(releaseOption()).append(" policy -- \"$1\" 2>/dev/null)\n");
        s.append("  if [ -n \"$rigger_p\" ]; then printf '%s\\n' \"$rigger_p\"; fi\n");
        s.append("  case \"$rigger_p\" in *'Candidate: (none)'*)\n");
        s.append("    apt-cache showpkg -- \"$1\" 2>/dev/null | sed '1,/^Reverse Provides:/d' | while read -r rigger_n rigger_rest; do\n");
        s.append("      [ -n \"$rigger_n\" ] && printf '@provider %s %s\\n' \"$rigger_n\" \"$(dpkg-query -W -f='${db:Status-Abbrev}\\n' -- \"$rigger_n\" 2>/dev/null | head -n 1)\"\n");
        s.append("    done;;\n");
        s.append("  esac\n");
        s.append("}\n");
        for (PackageRequest p : packages) {
            String name = quote(p.name());
            s.append("printf '@pkg %s\\n' ").append(name).append('\n');
            s.append("rigger_d=$(dpkg-query -W -f='@dpkg ${db:Status-Abbrev}|${Version}\\n' -- ").append(name).append(" 2>/dev/null)\n");
            s.append("if [ -n \"$rigger_d\" ]; then printf '%s\\n' \"$rigger_d\"; fi\n");
            if (state == State.ABSENT) continue;
            if (state == State.LATEST || p.version() != null) {
                s.append("rigger_policy ").append(name).append('\n');
            } else {
                // An installed package needs no candidate: present is already satisfied.
                s.append("case \"$rigger_d\" in '@dpkg '?[iWt]*) ;; *) rigger_policy ").append(name).append(";; esac\n");
            }
        }
        if (autoremove) {
            s.append("apt-get -s -q autoremove 2>/dev/null | sed -n 's/^Remv \\([^ ]*\\).*/@orphan \\1/p'\n");
        }
        s.append("exit 0\n");
        return s.toString();
    }

    // ---------------------------------------------------------------- plan

    /** What will happen to one package. */
    record Action(Kind kind, PackageRequest request, String from, String to, String note) {
        enum Kind { INSTALL, UPGRADE, DOWNGRADE, REMOVE, PURGE, PURGE_CONFIG }

        String summary() {
            String name = request.name();
            String suffix = note == null ? "" : " (" + note + ")";
            return switch (kind) {
                case INSTALL -> "install " + name + (to == null ? "" : " " + to) + suffix;
                case UPGRADE -> "upgrade " + name + " " + from + " -> " + to + suffix;
                case DOWNGRADE -> "downgrade " + name + " " + from + " -> " + to + suffix;
                case REMOVE -> "remove " + name + " " + from + suffix;
                case PURGE -> "purge " + name + " " + from + suffix;
                case PURGE_CONFIG -> "purge the configuration files left by " + name + suffix;
            };
        }

        String diff() {
            String name = request.name();
            String newVersion = to == null ? "(version known after the cache update)" : to;
            return switch (kind) {
                case INSTALL -> "+ " + name + " " + newVersion + "\n";
                case UPGRADE, DOWNGRADE -> "- " + name + " " + from + "\n+ " + name + " " + newVersion + "\n";
                case REMOVE, PURGE -> "- " + name + " " + from + "\n";
                case PURGE_CONFIG -> "- " + name + " (configuration files)\n";
            };
        }

        boolean installs() {
            return kind == Kind.INSTALL || kind == Kind.UPGRADE || kind == Kind.DOWNGRADE;
        }
    }

    /** Whether this run updates the cache first: asked for, and the cache is missing or older than cache_valid_time. */
    boolean cacheUpdateDue(AptPackageState state) {
        if (!updateCache) return false;
        if (!state.hasLists() || state.cacheAgeSeconds() < 0 || cacheValidTime == null) return true;
        return state.cacheAgeSeconds() >= cacheValidTime;
    }

    /** The decision for each package, in the order named; packages needing nothing are left out. */
    List<Action> actions(AptPackageState st) {
        boolean updating = cacheUpdateDue(st);
        List<Action> actions = new ArrayList<>();
        for (PackageRequest p : packages) {
            decide(p, st.get(p.name()), st, updating).ifPresent(actions::add);
        }
        return actions;
    }

    private Optional<Action> decide(PackageRequest p, PackageInfo info, AptPackageState st, boolean updating) {
        if (state == State.ABSENT) return decideAbsent(p, info);
        if (p.version() != null) return decidePinned(p, info, st, updating);
        if (info.installed()) {
            if (state == State.PRESENT) return Optional.empty();
            return decideLatest(p, info);
        }
        return decideMissing(p, info, st, updating);
    }

    private Optional<Action> decideAbsent(PackageRequest p, PackageInfo info) {
        Optional<String> installed = info.installedVersion();
        if (p.version() != null && !installed.equals(Optional.of(p.version()))) return Optional.empty();
        if (info.installed() || info.broken()) {
            requireUnheld(p, info, "remove");
            String from = installed.orElse("");
            return Optional.of(new Action(purge ? Action.Kind.PURGE : Action.Kind.REMOVE, p, from, null,
                    autoremove ? "and the packages only it needed" : null));
        }
        if (purge && info.configFilesOnly()) return Optional.of(new Action(Action.Kind.PURGE_CONFIG, p, null, null, null));
        return Optional.empty();
    }

    private Optional<Action> decidePinned(PackageRequest p, PackageInfo info, AptPackageState st, boolean updating) {
        String want = p.version();
        Optional<String> installed = info.installed() ? info.installedVersion() : Optional.empty();
        if (installed.equals(Optional.of(want))) return Optional.empty();
        Policy policy = info.policy().orElse(Policy.UNKNOWN);
        if (!policy.versions().contains(want)) {
            if (updating) {
                return Optional.of(new Action(installed.isPresent() ? Action.Kind.UPGRADE : Action.Kind.INSTALL, p,
                        installed.orElse(null), want, "if the updated cache offers it"));
            }
            if (!policy.known()) throw unknownPackage(p.name(), st);
            throw new ModuleException("version " + want + " of package '" + p.name() + "' is not available"
                    + (policy.versions().isEmpty() ? "" : "; apt offers " + String.join(", ", policy.versions()))
                    + cacheHint(st));
        }
        if (installed.isEmpty()) return Optional.of(new Action(Action.Kind.INSTALL, p, null, want, null));
        requireUnheld(p, info, "change");
        if (policy.ranksAbove(installed.get(), want)) {
            if (!allowDowngrade) {
                throw new ModuleException("package '" + p.name() + "' would be downgraded from " + installed.get() + " to " + want
                        + "; set allow_downgrade: true to allow it");
            }
            return Optional.of(new Action(Action.Kind.DOWNGRADE, p, installed.get(), want, null));
        }
        return Optional.of(new Action(Action.Kind.UPGRADE, p, installed.get(), want, null));
    }

    private Optional<Action> decideLatest(PackageRequest p, PackageInfo info) {
        String installed = info.installedVersion().orElse("");
        Optional<String> candidate = info.candidate();
        Policy policy = info.policy().orElse(Policy.UNKNOWN);
        if (candidate.isEmpty() || candidate.get().equals(installed) || !policy.ranksAbove(candidate.get(), installed)) {
            return Optional.empty();
        }
        requireUnheld(p, info, "upgrade");
        return Optional.of(new Action(Action.Kind.UPGRADE, p, installed, candidate.get(), null));
    }

    /** present/latest of a package that is not installed (or is broken). */
    private Optional<Action> decideMissing(PackageRequest p, PackageInfo info, AptPackageState st, boolean updating) {
        Optional<String> candidate = info.candidate();
        if (candidate.isPresent()) return Optional.of(new Action(Action.Kind.INSTALL, p, null, candidate.get(), null));
        if (!info.providers().isEmpty()) {
            List<String> installedProviders = info.providers().stream().filter(AptPackageState.Provider::installed)
                    .map(AptPackageState.Provider::name).toList();
            if (!installedProviders.isEmpty()) return Optional.empty();
            List<String> all = info.providers().stream().map(AptPackageState.Provider::name).distinct().toList();
            if (all.size() == 1) return Optional.of(new Action(Action.Kind.INSTALL, p, null, null, "virtual, provided by " + all.get(0)));
            if (!updating) {
                throw new ModuleException("'" + p.name() + "' is a virtual package provided by " + String.join(", ", all)
                        + ": name the one to install");
            }
        }
        if (updating) {
            return Optional.of(new Action(Action.Kind.INSTALL, p, null, null,
                    st.hasLists() ? "not in the current apt cache; looked up again after its update" : "the apt cache is empty; looked up after its update"));
        }
        if (info.unknownToApt() || info.policy().isEmpty()) throw unknownPackage(p.name(), st);
        throw new ModuleException("package '" + p.name() + "' has no installation candidate (it is known only as a name other"
                + " packages refer to, or from a repository no longer configured)" + cacheHint(st));
    }

    private void requireUnheld(PackageRequest p, PackageInfo info, String verb) {
        if (info.held() && !allowChangeHeldPackages) {
            throw new ModuleException("package '" + p.name() + "' is held (apt-mark hold); cannot " + verb
                    + " it unless allow_change_held_packages: true");
        }
    }

    private static ModuleException unknownPackage(String name, AptPackageState st) {
        if (!st.hasLists()) {
            return new ModuleException("no package '" + name + "' is known to apt: the apt cache is empty (apt-get update never ran);"
                    + " set update_cache: true");
        }
        return new ModuleException("no package '" + name + "' is known to apt; check the name, or add its repository" + cacheHint(st));
    }

    private static String cacheHint(AptPackageState st) {
        return st.cacheAgeSeconds() < 0 ? "" : " (apt cache updated " + age(st.cacheAgeSeconds()) + " ago)";
    }

    static String age(long seconds) {
        if (seconds < 120) return seconds + " s";
        if (seconds < 7200) return seconds / 60 + " min";
        if (seconds < 172800) return seconds / 3600 + " h";
        return seconds / 86400 + " days";
    }

    @Override
    public Plan plan(AptPackageState st, ModuleContext context) {
        boolean updating = cacheUpdateDue(st);
        List<Action> actions = actions(st);
        List<String> orphans = autoremove ? st.autoremovable() : List.of();
        boolean removes = actions.stream().anyMatch(a -> !a.installs());
        if (actions.isEmpty() && orphans.isEmpty()) {
            if (!updating) return Plan.noChange();
            if (context.checkMode()) {
                // Refreshing the cache is no change to the host's packages; check mode stays silent about it.
                return Plan.noChange(Map.of("msg", "the apt cache would be updated (" + cacheState(st) + ")"));
            }
        }
        List<Change> changes = new ArrayList<>();
        if (updating) {
            String judged = actions.isEmpty() || !context.checkMode() ? ""
                    : "; the changes below are judged from the cache as it is now";
            changes.add(Change.of("update the apt cache (" + cacheState(st) + ")" + judged));
        }
        for (Action a : actions) {
            changes.add(context.diffMode() ? Change.withDiff(a.summary(), a.diff()) : Change.of(a.summary()));
        }
        if (!orphans.isEmpty()) {
            String summary = "autoremove packages nothing needs any more: " + String.join(", ", orphans);
            String diff = orphans.stream().map(o -> "- " + o + "\n").collect(Collectors.joining());
            changes.add(context.diffMode() ? Change.withDiff(summary, diff) : Change.of(summary));
        }
        String script = applyScript(st, updating, actions, autoremove && (removes || !orphans.isEmpty()));
        return Plan.apply(changes, script).interpretedBy(r -> interpret(r, st, updating));
    }

    private static String cacheState(AptPackageState st) {
        if (!st.hasLists()) return "never updated";
        if (st.cacheAgeSeconds() < 0) return "age unknown";
        return "last updated " + age(st.cacheAgeSeconds()) + " ago";
    }

    // ---------------------------------------------------------------- apply

    String applyScript(AptPackageState st, boolean updating, List<Action> actions, boolean runAutoremove) {
        StringBuilder s = new StringBuilder(AptScripts.preamble(lockTimeout));
        if (updating) s.append(AptScripts.updateCache());

        // Install arguments. A present package is re-checked here: someone may have installed it since
        // the probe, and apt-get install would then upgrade it, which present must not do.
        List<String> guarded = new ArrayList<>();
        List<String> direct = new ArrayList<>();
        for (Action a : actions) {
            if (!a.installs()) continue;
            if (a.request().version() == null && state == State.PRESENT) guarded.add(a.request().name());
            else direct.add(a.request().aptArgument());
        }
        if (updating && state == State.LATEST) {
            // The refreshed cache may offer upgrades the stale one did not show.
            for (PackageRequest p : packages) {
                if (!direct.contains(p.aptArgument())) direct.add(p.aptArgument());
            }
        }
        if (!guarded.isEmpty() || !direct.isEmpty()) {
            s.append("set --\n");
            if (!guarded.isEmpty()) {
                s.append("for rigger_p in ").append(quoteAll(guarded)).append("; do\n");
                s.append("  case \"$(dpkg-query -W -f='${db:Status-Abbrev}\\n' -- \"$rigger_p\" 2>/dev/null | head -n 1)\" in\n");
                s.append("    ?[iWt]*) ;;\n");
                s.append("    *) set -- \"$@\" \"$rigger_p\";;\n");
                s.append("  esac\n");
                s.append("done\n");
            }
            if (!direct.isEmpty()) s.append("set -- \"$@\" ").append(quoteAll(direct)).append('\n');
            s.append("if [ $# -gt 0 ]; then\n");
            if (policyRcD != null) s.append(policyRcDSetup(policyRcD));
            s.append("  if ! rigger_apt_get ").append(String.join(" ", installOptions()))
                    .append(" install \"$@\"; then echo \"rigger: apt-get install failed\" >&2; exit 1; fi\n");
            if (policyRcD != null) s.append("  rigger_prc_restore\n  trap - EXIT\n");
            s.append("fi\n");
        }

        List<String> remove = new ArrayList<>();
        for (Action a : actions) {
            if (!a.installs()) remove.add(a.request().name());
        }
        if (!remove.isEmpty()) {
            String verb = purge ? "purge" : "remove";
            s.append("if ! rigger_apt_get ").append(String.join(" ", commonOptions())).append(' ').append(verb).append(' ')
                    .append(quoteAll(remove)).append("; then echo \"rigger: apt-get ").append(verb).append(" failed\" >&2; exit 1; fi\n");
        }
        if (runAutoremove) {
            s.append("if ! rigger_apt_get ").append(String.join(" ", commonOptions())).append(purge ? " --purge" : "")
                    .append(" autoremove; then echo \"rigger: apt-get autoremove failed\" >&2; exit 1; fi\n");
        }

        s.append("echo ").append(AFTER_MARKER).append('\n');
        for (PackageRequest p : packages) {
            s.append("printf '@pkg %s\\n' ").append(quote(p.name())).append('\n');
            s.append("dpkg-query -W -f='@dpkg ${db:Status-Abbrev}|${Version}\\n' -- ").append(quote(p.name())).append(" 2>/dev/null\n");
        }
        s.append("exit 0\n");
        return s.toString();
    }

    /**
     * Keeps services from starting: invoke-rc.d and deb-systemd-invoke ask /usr/sbin/policy-rc.d and
     * skip the start when it answers 101. An existing policy-rc.d is kept aside and put back by the
     * EXIT trap, so a failed install restores it too.
     */
    static String policyRcDSetup(int exitCode) {
        return "  rigger_prc=" + POLICY_RC_D + "\n"
                + "  rigger_prc_saved=\n"
                + "  rigger_prc_restore() {\n"
                + "    rm -f \"$rigger_prc\"\n"
                + "    if [ -n \"$rigger_prc_saved\" ]; then mv -f \"$rigger_prc_saved\" \"$rigger_prc\"; fi\n"
                + "  }\n"
                + "  if [ -e \"$rigger_prc\" ] && ! grep -q " + POLICY_RC_D_MARK + " \"$rigger_prc\" 2>/dev/null; then\n"
                + "    rigger_prc_saved=$(mktemp /usr/sbin/.policy-rc.d.rigger-saved.XXXXXX) && cp -p \"$rigger_prc\" \"$rigger_prc_saved\""
                + " || { echo \"rigger: cannot keep the existing $rigger_prc aside\" >&2; exit 1; }\n"
                + "  fi\n"
                + "  trap 'rigger_prc_restore' EXIT\n"
                + "  trap 'exit 129' HUP INT TERM\n"
                + "  printf '#!/bin/sh\\n# " + POLICY_RC_D_MARK + ": written by Rigger for the duration of a package install\\nexit "
                + exitCode + "\\n' > \"$rigger_prc.rigger-tmp\" && chmod 0755 \"$rigger_prc.rigger-tmp\" && mv -f \"$rigger_prc.rigger-tmp\" \"$rigger_prc\""
                + " || { echo \"rigger: cannot write $rigger_prc\" >&2; exit 1; }\n";
    }

    private List<String> commonOptions() {
        List<String> o = new ArrayList<>();
        for (String opt : dpkgOptions) o.add(quote("-o") + " " + quote("Dpkg::Options::=--" + opt));
        if (allowChangeHeldPackages) o.add("--allow-change-held-packages");
        return o;
    }

    private List<String> installOptions() {
        List<String> o = new ArrayList<>(commonOptions());
        if (Boolean.TRUE.equals(installRecommends)) o.add("-o APT::Install-Recommends=true");
        if (Boolean.FALSE.equals(installRecommends)) o.add("--no-install-recommends");
        if (allowDowngrade) o.add("--allow-downgrades");
        if (defaultRelease != null) o.add("-t " + quote(defaultRelease));
        return o;
    }

    private String releaseOption() {
        return defaultRelease == null ? "" : " -o " + quote("APT::Default-Release=" + defaultRelease);
    }

    private static String quoteAll(List<String> values) {
        return values.stream().map(ShellQuote::quote).collect(Collectors.joining(" "));
    }

    // ---------------------------------------------------------------- outcome

    private static final Pattern APT_SUMMARY = Pattern.compile(
            "(?m)^(\\d+) upgraded, (\\d+) newly installed, (?:(\\d+) downgraded, )?(?:(\\d+) reinstalled, )?(\\d+) to remove and \\d+ not upgraded\\.$");
    private static final Pattern UNKNOWN_PACKAGE = Pattern.compile("(?m)^E: Unable to locate package (\\S+)");
    private static final Pattern UNKNOWN_VERSION = Pattern.compile("(?m)^E: Version '([^']+)' for '([^']+)' was not found");
    private static final Pattern NO_CANDIDATE = Pattern.compile("(?m)^E: Package '([^']+)' has no installation candidate");

    /** Reads the apply: failed on non-zero exit; changed when apt did something or a package's dpkg record moved. */
    Outcome interpret(ExecResult r, AptPackageState before, boolean updating) {
        String out = r.stdout();
        int at = out.startsWith(AFTER_MARKER + "\n") ? 0 : out.indexOf("\n" + AFTER_MARKER + "\n");
        String aptOutput = at < 0 ? out : out.substring(0, at);
        String afterSection = at < 0 ? "" : out.substring(at == 0 ? 0 : at + 1);
        Map<String, Object> data = Outcome.standard(new ExecResult(r.exitCode(), aptOutput, r.stderr(), r.duration()));
        data.put("cache_updated", updating && !r.stderr().contains("rigger: apt-get update failed"));
        if (!r.succeeded()) {
            return new Outcome(true, false, failureMessage(r, updating), data);
        }
        Map<String, String> after = afterVersions(afterSection);
        List<String> moved = new ArrayList<>();
        for (PackageRequest p : packages) {
            PackageInfo was = before.packages().get(p.name());
            String old = was == null ? "" : describe(was);
            String now = after.getOrDefault(p.name(), "");
            if (!old.equals(now)) moved.add(movement(p.name(), old, now));
        }
        boolean aptActed = false;
        Matcher m = APT_SUMMARY.matcher(aptOutput);
        while (m.find()) {
            for (int g = 1; g <= 5; g++) {
                if (m.group(g) != null && Integer.parseInt(m.group(g)) > 0) aptActed = true;
            }
        }
        boolean changed = aptActed || !moved.isEmpty();
        String message = moved.isEmpty() ? (changed ? "" : updating ? "apt cache updated; packages unchanged" : "")
                : String.join("; ", moved);
        return new Outcome(false, changed, message, data);
    }

    private static String movement(String name, String old, String now) {
        if (now.isEmpty()) return (old.equals(CONFIG_FILES) ? "purged the configuration files of " : "removed ") + name;
        if (now.equals(CONFIG_FILES)) return "removed " + name + " " + old + " (configuration files kept)";
        if (old.isEmpty() || old.equals(CONFIG_FILES)) return "installed " + name + " " + now;
        return name + " " + old + " -> " + now;
    }

    /** The dpkg record the after-section printed for each package: "version" or "(config files)" or "". */
    private static Map<String, String> afterVersions(String section) {
        Map<String, String> versions = new LinkedHashMap<>();
        if (section.isEmpty()) return versions;
        AptPackageState parsed = AptPackageState.parse("@apt 0 0 1\n" + section.substring(section.indexOf('\n') + 1));
        parsed.packages().forEach((name, info) -> versions.put(name, describe(info)));
        return versions;
    }

    private static String describe(PackageInfo info) {
        if (info.installed() || info.broken()) return info.installedVersion().orElse("?") + (info.broken() ? " (broken)" : "");
        if (info.configFilesOnly()) return CONFIG_FILES;
        return "";
    }

    private static String failureMessage(ExecResult r, boolean updating) {
        String err = r.stderr();
        Matcher unknown = UNKNOWN_PACKAGE.matcher(err);
        if (unknown.find()) {
            return "no package '" + unknown.group(1) + "' is known to apt" + (updating ? " (even after updating the cache)" : "")
                    + "; check the name, or add its repository";
        }
        Matcher version = UNKNOWN_VERSION.matcher(err);
        if (version.find()) {
            return "version " + version.group(1) + " of package '" + version.group(2) + "' is not available" + (updating ? " (even after updating the cache)" : "");
        }
        Matcher noCandidate = NO_CANDIDATE.matcher(err);
        if (noCandidate.find()) return "package '" + noCandidate.group(1) + "' has no installation candidate";
        List<String> lines = err.lines().filter(l -> l.startsWith("E: ") || l.startsWith("rigger: ") || l.startsWith("dpkg: error")).toList();
        String said = lines.isEmpty() ? err.strip() : String.join("\n", lines);
        return "exit " + r.exitCode() + (said.isEmpty() ? "" : ": " + said);
    }

    // ---------------------------------------------------------------- builder and YAML

    /** Builds an {@link AptPackage}; defaults as Ansible's apt. */
    public static final class Builder {
        private final List<PackageRequest> packages = new ArrayList<>();
        private State state = State.PRESENT;
        private boolean updateCache;
        private Integer cacheValidTime;
        private Boolean installRecommends;
        private boolean purge;
        private boolean autoremove;
        private Integer policyRcD;
        private boolean allowDowngrade;
        private boolean allowChangeHeldPackages;
        private String defaultRelease;
        private List<String> dpkgOptions = DEFAULT_DPKG_OPTIONS;
        private int lockTimeout = 60;
        private String version;

        private Builder(List<String> specs) {
            for (String s : specs) packages.add(PackageRequest.parse(s));
        }

        public Builder state(State s) {
            this.state = Objects.requireNonNull(s);
            return this;
        }

        /** Pins the version of the one package named. */
        public Builder version(String v) {
            this.version = v;
            return this;
        }

        public Builder updateCache(boolean update) {
            this.updateCache = update;
            return this;
        }

        /** Updates the cache unless the last update is younger than {@code validFor}. */
        public Builder updateCache(Duration validFor) {
            this.updateCache = true;
            this.cacheValidTime = Math.toIntExact(validFor.toSeconds());
            return this;
        }

        public Builder installRecommends(Boolean install) {
            this.installRecommends = install;
            return this;
        }

        public Builder purge(boolean p) {
            this.purge = p;
            return this;
        }

        public Builder autoremove(boolean a) {
            this.autoremove = a;
            return this;
        }

        /** Keeps services from starting during the install (policy-rc.d answering 101). */
        public Builder noStart(boolean noStart) {
            this.policyRcD = noStart ? 101 : null;
            return this;
        }

        public Builder policyRcD(Integer exitCode) {
            this.policyRcD = exitCode;
            return this;
        }

        public Builder allowDowngrade(boolean allow) {
            this.allowDowngrade = allow;
            return this;
        }

        public Builder allowChangeHeldPackages(boolean allow) {
            this.allowChangeHeldPackages = allow;
            return this;
        }

        public Builder defaultRelease(String release) {
            this.defaultRelease = release;
            return this;
        }

        public Builder dpkgOptions(List<String> options) {
            this.dpkgOptions = List.copyOf(options);
            return this;
        }

        public Builder lockTimeout(Duration timeout) {
            this.lockTimeout = Math.toIntExact(timeout.toSeconds());
            return this;
        }

        public AptPackage build() {
            List<PackageRequest> requests = new ArrayList<>(packages);
            if (version != null) {
                if (requests.size() != 1) {
                    throw new ModuleArgumentException("apt", "version", "version pins one package; name exactly one (or write name=version for each)");
                }
                PackageRequest only = requests.get(0);
                if (only.version() != null && !only.version().equals(version)) {
                    throw new ModuleArgumentException("apt", "version", "version " + version + " contradicts the pin in '" + only + "'");
                }
                requests.set(0, new PackageRequest(only.name(), version));
            }
            return new AptPackage(requests, state, updateCache, cacheValidTime, installRecommends, purge, autoremove,
                    policyRcD, allowDowngrade, allowChangeHeldPackages, defaultRelease, dpkgOptions, lockTimeout);
        }
    }

    /** YAML binding: {@code apt} (Ansible's names and aliases) and {@code apt_package}. */
    public static final class Type implements ModuleType {
        private static final Set<String> PARAMETERS = Set.of("name", "pkg", "package", "state", "version",
                "update_cache", "update-cache", "cache_valid_time", "install_recommends", "install-recommends",
                "purge", "autoremove", "no_start", "policy_rc_d", "force_apt_get", "allow_downgrade",
                "allow-downgrade", "allow_downgrades", "allow-downgrades", "allow_change_held_packages",
                "default_release", "default-release", "dpkg_options", "lock_timeout");

        @Override
        public List<String> names() {
            return List.of("apt", "apt_package");
        }

        @Override
        public Set<String> parameters() {
            return PARAMETERS;
        }

        @Override
        public Module<?> create(Args args) {
            args.requireKnown(PARAMETERS);
            String nameKey = first(args, "name", "pkg", "package");
            List<String> names = nameKey == null ? List.of() : args.stringList(nameKey);
            Builder b;
            try {
                b = new Builder(names);
            } catch (IllegalArgumentException e) {
                throw args.error(e, nameKey);
            }
            String state = args.choice("state", List.of("present", "absent", "latest"), "present");
            b.state(State.valueOf(state.toUpperCase(Locale.ROOT)));
            args.optionalString("version").ifPresent(b::version);
            String update = first(args, "update_cache", "update-cache");
            if (update != null) b.updateCache(args.bool(update, false));
            b.cacheValidTime = args.optionalInt("cache_valid_time").orElse(null);
            String recommends = first(args, "install_recommends", "install-recommends");
            if (recommends != null) b.installRecommends(args.bool(recommends, true));
            b.purge(args.bool("purge", false));
            b.autoremove(args.bool("autoremove", false));
            boolean noStart = args.bool("no_start", false);
            Optional<Integer> policy = args.optionalInt("policy_rc_d");
            if (noStart && policy.isPresent() && policy.get() != 101) {
                throw args.error("policy_rc_d", "no_start means policy_rc_d: 101; give one of them");
            }
            b.policyRcD(policy.orElse(noStart ? 101 : null));
            args.bool("force_apt_get", false); // accepted for Ansible's task files; Rigger always runs apt-get
            String downgrade = first(args, "allow_downgrade", "allow-downgrade", "allow_downgrades", "allow-downgrades");
            if (downgrade != null) b.allowDowngrade(args.bool(downgrade, false));
            b.allowChangeHeldPackages(args.bool("allow_change_held_packages", false));
            String release = first(args, "default_release", "default-release");
            if (release != null) b.defaultRelease(args.string(release));
            if (args.has("dpkg_options")) b.dpkgOptions(args.stringList("dpkg_options"));
            args.optionalInt("lock_timeout").ifPresent(t -> b.lockTimeout = t);
            try {
                return b.build();
            } catch (IllegalArgumentException e) {
                throw args.error(e, nameKey != null ? nameKey : "name");
            }
        }

        private static String first(Args args, String... keys) {
            String found = null;
            for (String k : keys) {
                if (args.has(k)) {
                    if (found != null) throw args.error(k, "'" + k + "' and '" + found + "' are the same parameter; give one");
                    found = k;
                }
            }
            return found;
        }
    }
}
