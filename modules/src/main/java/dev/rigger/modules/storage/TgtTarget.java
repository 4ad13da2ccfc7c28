package dev.rigger.modules.storage;

import dev.rigger.core.module.Args;
import dev.rigger.core.module.Change;
import dev.rigger.core.module.Module;
import dev.rigger.core.module.ModuleContext;
import dev.rigger.core.module.ModuleException;
import dev.rigger.core.module.ModuleType;
import dev.rigger.core.module.Plan;
import dev.rigger.core.module.Probe;
import dev.rigger.core.module.UnifiedDiff;
import dev.rigger.core.module.ModuleArgumentException;
import dev.rigger.core.secret.Secret;
import dev.rigger.core.transport.ExecResult;
import dev.rigger.core.transport.RemoteFiles;
import dev.rigger.core.transport.ShellQuote;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An iSCSI target served by tgt (the userspace target daemon): its LUNs, which initiators may log in,
 * and optional CHAP, both live in tgtd and in {@code /etc/tgt/conf.d/<name>.conf}, so the target comes
 * back when tgt restarts.
 *
 * <p>Parameters:
 * <ul>
 *   <li>{@code name} — the file name in /etc/tgt/conf.d (required).</li>
 *   <li>{@code iqn} — the target's name, e.g. {@code iqn.2026-11.com.example:shared} (required).</li>
 *   <li>{@code luns} — backing stores in LUN order (LUN 1, 2, ...): a path, or a mapping with
 *       {@code path} and {@code size}. A block device or a file; a missing file is created sparse with
 *       {@code size} ({@code 10G}, {@code 512M}); without {@code size} a missing path is an error. An
 *       existing file is never resized.</li>
 *   <li>{@code initiators} — the ACL: IP addresses, networks ({@code 10.0.0.0/24}) or {@code ALL},
 *       or inventory hosts (mappings as {@code group_hosts} gives them: their {@code ansible_host})
 *       (required with {@code state: present}; an ACL is a decision, not a default).</li>
 *   <li>{@code chap_user} / {@code chap_password} — CHAP {@code incominguser}; the password is a secret.
 *       An empty {@code chap_user} means no CHAP.
 *       A CHAP user belongs to one target: setting its password re-creates the tgtd account.</li>
 *   <li>{@code state} — {@code present} (default) or {@code absent} (target deleted live, file removed).</li>
 * </ul>
 *
 * <p>The probe reads tgtd itself ({@code tgtadm --lld iscsi --op show --mode target}: LUNs, bound
 * accounts, ACL, I_T nexuses) and the file's SHA-256 digest (the file holds the password, which tgtd
 * never shows, so the file is the record of it). It never round-trips through {@code tgt-admin --dump},
 * which rewrites ACLs. Changes are applied live with {@code tgtadm}; ACL and CHAP changes apply to new
 * logins. A change tgtd cannot make while initiators are logged in (a LUN replaced or removed, the
 * target deleted) fails the task with the initiators named and changes nothing.
 *
 * <p>Known exposure: tgtd takes a CHAP password only as an argument of {@code tgtadm}, so while that
 * command runs (milliseconds) the password is in its argv on the target host. Debian's tgt.service does
 * the same on every start ({@code tgt-admin -e}). The password never appears in a Rigger script, event,
 * diff or log: the apply script reads it from the root-only file it just wrote.
 *
 * <pre>{@code
 * - name: the shared disk is exported to the app nodes
 *   tgt_target:
 *     name: shared
 *     iqn: iqn.2026-11.com.example:shared
 *     luns:
 *       - path: /srv/iscsi/shared.img
 *         size: 20G
 *     initiators: [192.168.55.121, 192.168.55.122]
 *     chap_user: odoo
 *     chap_password: !secret "{{ vault_chap_password }}"
 * }</pre>
 *
 * <pre>{@code
 * TgtTarget.builder("shared", "iqn.2026-11.com.example:shared")
 *         .lun("/srv/iscsi/shared.img", "20G")
 *         .initiators("192.168.55.121", "192.168.55.122")
 *         .chap("odoo", Secret.of(password))
 *         .build()
 * }</pre>
 */
public record TgtTarget(String name, String iqn, List<Lun> luns, List<String> initiators, String chapUser, Secret chapPassword,
                        boolean present) implements Module<TgtTarget.Current> {

    public static final String CONF_DIR = "/etc/tgt/conf.d";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final Pattern IQN = Pattern.compile("iqn\\.[0-9]{4}-[0-9]{2}\\.[a-z0-9.-]+(:[a-z0-9.:_-]+)?|eui\\.[0-9A-F]{16}");
    private static final Pattern INITIATOR = Pattern.compile("ALL|[0-9A-Fa-f.:]+(/[0-9]{1,3})?");
    /** What tgt's config parser takes as one word: no blanks, comments, quotes or tags. */
    private static final Pattern CONF_WORD = Pattern.compile("[^\\s#<>\"'\\\\]+");
    private static final Pattern SIZE = Pattern.compile("[1-9][0-9]*[KMGT]?");

    /** One backing store; {@code size} (for {@code truncate -s}) creates a missing file, or is null. */
    public record Lun(String path, String size) {
        public Lun {
            if (path == null || !path.startsWith("/") || !CONF_WORD.matcher(path).matches()) {
                throw new ModuleArgumentException("tgt_target", "luns", "'" + path + "' must be an absolute path without blanks, quotes, '#', '<' or '>'");
            }
            if (size != null && !SIZE.matcher(size).matches()) {
                throw new ModuleArgumentException("tgt_target", "luns", "size '" + size + "' of " + path + " must be a number with an optional K, M, G or T");
            }
        }
    }

    public TgtTarget {
        if (name == null || !NAME.matcher(name).matches()) throw new ModuleArgumentException("tgt_target", "name", "'" + name + "' must be letters, digits, '.', '_' or '-'");
        if (iqn == null || !IQN.matcher(iqn).matches()) {
            throw new ModuleArgumentException("tgt_target", "iqn", "'" + iqn + "' is not an iSCSI name (iqn.YYYY-MM.reversed.domain[:id], lower case)");
        }
        luns = List.copyOf(luns);
        initiators = List.copyOf(initiators);
        if (present) {
            if (luns.isEmpty()) throw new ModuleArgumentException("tgt_target", "luns", "a target needs at least one LUN");
            if (initiators.isEmpty()) throw new ModuleArgumentException("tgt_target", "initiators", "give the addresses or networks allowed to log in, or ALL");
        }
        for (String i : initiators) {
            if (!INITIATOR.matcher(i).matches()) throw new ModuleArgumentException("tgt_target", "initiators", "'" + i + "' is not an address, a network or ALL");
        }
        if ((chapUser == null) != (chapPassword == null)) throw new ModuleArgumentException("tgt_target", "chap_user", "CHAP needs both chap_user and chap_password");
        if (chapUser != null) {
            if (!CONF_WORD.matcher(chapUser).matches()) throw new ModuleArgumentException("tgt_target", "chap_user", "must be one word without quotes, '#', '<' or '>'");
            if (!CONF_WORD.matcher(chapPassword.reveal()).matches()) {
                throw new ModuleArgumentException("tgt_target", "chap_password", "must be one word without blanks, quotes, '#', '<' or '>' (tgt's config format)");
            }
        }
    }

    public static Builder builder(String name, String iqn) {
        return new Builder(name, iqn);
    }

    public String confPath() {
        return CONF_DIR + "/" + name + ".conf";
    }

    @Override
    public String moduleName() {
        return "tgt_target";
    }

    /** The file tgt reads at start; {@code redacted} puts {@code ********} for the password. */
    String conf(boolean redacted) {
        StringBuilder b = new StringBuilder("# Managed by Rigger (tgt_target): edits here are overwritten on its next run.\n");
        b.append("<target ").append(iqn).append(">\n");
        for (int i = 0; i < luns.size(); i++) {
            b.append("    <backing-store ").append(luns.get(i).path()).append(">\n")
                    .append("        lun ").append(i + 1).append('\n')
                    .append("    </backing-store>\n");
        }
        for (String i : initiators) b.append("    initiator-address ").append(i).append('\n');
        if (chapUser != null) b.append(chapLine(redacted));
        return b.append("</target>\n").toString();
    }

    private String chapLine(boolean redacted) {
        return "    incominguser " + chapUser + " " + (redacted ? Secret.REDACTED : chapPassword.reveal()) + "\n";
    }

    @Override
    public Probe<Current> probe(ModuleContext context) {
        StringBuilder s = new StringBuilder();
        s.append("conf=").append(ShellQuote.quote(confPath())).append('\n')
                .append("if ! command -v tgtadm >/dev/null 2>&1; then echo '@@no-tgtadm'; exit 0; fi\n")
                .append("echo '@@show'\n")
                .append("if out=$(tgtadm --lld iscsi --op show --mode target 2>&1); then printf '%s\\n' \"$out\"; else echo '@@down'; printf '%s\\n' \"$out\"; fi\n")
                .append("echo '@@accounts'\n")
                .append("tgtadm --lld iscsi --op show --mode account 2>/dev/null || true\n")
                .append("echo '@@paths'\n");
        for (Lun l : luns) {
            s.append("p=").append(ShellQuote.quote(l.path())).append('\n')
                    .append("if [ -b \"$p\" ]; then k=block; elif [ -f \"$p\" ]; then k=file; elif [ -e \"$p\" ]; then k=other; else k=missing; fi\n")
                    .append("printf '%s\\t%s\\n' \"$k\" \"$p\"\n");
        }
        // The file holds the CHAP password: only digests of it and a copy with the password masked come back.
        s.append("echo '@@conf'\n")
                .append("if [ -f \"$conf\" ]; then\n")
                .append("  printf 'sha256\\t%s\\n' \"$(sha256sum < \"$conf\" | cut -d' ' -f1)\"\n")
                .append("  printf 'chap\\t%s\\n' \"$(awk '$1==\"incominguser\"' \"$conf\" | sha256sum | cut -d' ' -f1)\"\n")
                .append("  echo '@@content'\n")
                .append("  awk '$1==\"incominguser\"{sub(/[^ \\t]+[ \\t]*$/, \"" + Secret.REDACTED + "\")} {print}' \"$conf\"\n")
                .append("fi\n");
        return Probe.of(s.toString(), Current::parse);
    }

    @Override
    public Plan plan(Current current, ModuleContext context) {
        if (!current.tgtadm()) throw new ModuleException("tgtadm not found on this host: install the tgt package");
        if (current.daemonError() != null) {
            throw new ModuleException("tgtd does not answer (" + current.daemonError() + "): start the tgt service");
        }
        LiveTarget live = current.target(iqn);
        return present ? planPresent(current, live, context) : planAbsent(current, live);
    }

    private Plan planAbsent(Current current, LiveTarget live) {
        List<Change> changes = new ArrayList<>();
        StringBuilder script = new StringBuilder("set -eu\n");
        if (live != null) {
            refuseWhileInUse(live, List.of("the target would be deleted"));
            changes.add(Change.of("delete target " + iqn + " (tid " + live.tid() + ")"));
            script.append("tgtadm --lld iscsi --op delete --mode target --tid ").append(live.tid()).append('\n');
        }
        if (current.confSha256() != null) {
            changes.add(Change.of("remove " + confPath()));
            script.append("rm -f -- ").append(ShellQuote.quote(confPath())).append('\n');
        }
        return changes.isEmpty() ? Plan.noChange() : Plan.apply(changes, script.toString());
    }

    private Plan planPresent(Current current, LiveTarget live, ModuleContext context) {
        List<Change> changes = new ArrayList<>();
        StringBuilder live1 = new StringBuilder();
        StringBuilder files = new StringBuilder();
        for (Lun l : luns) {
            String kind = current.pathKinds().getOrDefault(l.path(), "missing");
            switch (kind) {
                case "missing" -> {
                    if (l.size() == null) throw new ModuleException("LUN backing store " + l.path() + " does not exist; give a size to create it as a sparse file");
                    changes.add(Change.of("create " + l.path() + " (sparse file of " + l.size() + ")"));
                    files.append("mkdir -p -- \"$(dirname -- ").append(ShellQuote.quote(l.path())).append(")\"\n")
                            .append("[ -e ").append(ShellQuote.quote(l.path())).append(" ] || truncate -s ").append(l.size()).append(' ')
                            .append(ShellQuote.quote(l.path())).append('\n');
                }
                case "other" -> throw new ModuleException("LUN backing store " + l.path() + " is neither a regular file nor a block device");
                default -> { }
            }
        }

        String conf = conf(false);
        boolean confChanged = !StorageText.sha256(conf).equals(current.confSha256());
        boolean passwordChanged = chapUser != null && !StorageText.sha256(chapLine(false)).equals(current.chapSha256());
        int tid;
        Set<String> boundUsers;
        if (live == null) {
            tid = current.nextTid();
            changes.add(Change.of("create target " + iqn + " (tid " + tid + ")"));
            live1.append("tgtadm --lld iscsi --op new --mode target --tid ").append(tid).append(" -T ").append(ShellQuote.quote(iqn)).append('\n');
            for (int i = 0; i < luns.size(); i++) addLun(changes, live1, tid, i + 1, luns.get(i).path());
            for (String i : initiators) bind(changes, live1, tid, i);
            boundUsers = Set.of();
        } else {
            tid = live.tid();
            Map<Integer, String> wanted = new TreeMap<>();
            for (int i = 0; i < luns.size(); i++) wanted.put(i + 1, luns.get(i).path());
            List<String> needFreeTarget = new ArrayList<>();
            for (Map.Entry<Integer, String> e : live.luns().entrySet()) {
                String want = wanted.get(e.getKey());
                if (want == null) needFreeTarget.add("LUN " + e.getKey() + " (" + e.getValue() + ") would be removed");
                else if (!want.equals(e.getValue())) needFreeTarget.add("LUN " + e.getKey() + " would change from " + e.getValue() + " to " + want);
            }
            refuseWhileInUse(live, needFreeTarget);
            for (Map.Entry<Integer, String> e : live.luns().entrySet()) {
                String want = wanted.get(e.getKey());
                if (want == null || !want.equals(e.getValue())) {
                    changes.add(Change.of("remove LUN " + e.getKey() + " (" + e.getValue() + ") from " + iqn));
                    live1.append("tgtadm --lld iscsi --op delete --mode logicalunit --tid ").append(tid).append(" --lun ").append(e.getKey()).append('\n');
                }
            }
            for (Map.Entry<Integer, String> e : wanted.entrySet()) {
                if (!e.getValue().equals(live.luns().get(e.getKey()))) addLun(changes, live1, tid, e.getKey(), e.getValue());
            }
            for (String i : initiators) {
                if (!live.acl().contains(i)) bind(changes, live1, tid, i);
            }
            for (String i : live.acl()) {
                if (!initiators.contains(i)) {
                    changes.add(Change.of("disallow initiator " + i + " (ACL of " + iqn + "; sessions already logged in stay)"));
                    live1.append("tgtadm --lld iscsi --op unbind --mode target --tid ").append(tid).append(" -I ").append(ShellQuote.quote(i)).append('\n');
                }
            }
            boundUsers = new LinkedHashSet<>(live.incomingUsers());
            for (String u : live.incomingUsers()) {
                if (!u.equals(chapUser)) {
                    changes.add(Change.of("remove CHAP user " + u + " from " + iqn));
                    live1.append("tgtadm --lld iscsi --op unbind --mode account --tid ").append(tid).append(" --user ").append(ShellQuote.quote(u)).append('\n');
                }
            }
        }
        if (chapUser != null) {
            boolean exists = current.accounts().contains(chapUser);
            if (!exists || passwordChanged) {
                changes.add(Change.of((exists ? "set the CHAP password of " : "create CHAP user ") + chapUser + " for " + iqn));
                String user = ShellQuote.quote(chapUser);
                // The password comes from the root-only file written above: never from this script's text.
                live1.append("pw=$(awk '$1==\"incominguser\"{print $3}' ").append(ShellQuote.quote(confPath())).append(")\n");
                if (exists) live1.append("tgtadm --lld iscsi --op delete --mode account --user ").append(user).append('\n');
                live1.append("tgtadm --lld iscsi --op new --mode account --user ").append(user).append(" --password \"$pw\"\n")
                        .append("tgtadm --lld iscsi --op bind --mode account --tid ").append(tid).append(" --user ").append(user).append('\n');
            } else if (!boundUsers.contains(chapUser)) {
                changes.add(Change.of("require CHAP user " + chapUser + " for " + iqn));
                live1.append("tgtadm --lld iscsi --op bind --mode account --tid ").append(tid).append(" --user ").append(ShellQuote.quote(chapUser)).append('\n');
            }
        }

        if (!confChanged && changes.isEmpty()) return Plan.noChange();
        StringBuilder script = new StringBuilder("set -eu\n").append(files);
        byte[] stdin = null;
        if (confChanged) {
            String summary = (current.confSha256() == null ? "create " : "update ") + confPath();
            String before = current.confRedacted() == null ? "" : current.confRedacted();
            changes.add(0, context.diffMode() ? Change.withDiff(summary, UnifiedDiff.of(confPath(), before, conf(true))) : Change.of(summary));
            stdin = conf.getBytes(StandardCharsets.UTF_8);
            script.append(RemoteFiles.write(confPath(), stdin).mode("0600").owner("root").group("root").request().script());
        }
        script.append(live1);
        Plan plan = Plan.apply(changes, script.toString());
        return stdin == null ? plan : plan.withStdin(stdin);
    }

    private static void addLun(List<Change> changes, StringBuilder script, int tid, int lun, String path) {
        changes.add(Change.of("add LUN " + lun + ": " + path));
        script.append("tgtadm --lld iscsi --op new --mode logicalunit --tid ").append(tid).append(" --lun ").append(lun)
                .append(" -b ").append(ShellQuote.quote(path)).append('\n');
    }

    private void bind(List<Change> changes, StringBuilder script, int tid, String initiator) {
        changes.add(Change.of("allow initiator " + initiator + " (ACL of " + iqn + ")"));
        script.append("tgtadm --lld iscsi --op bind --mode target --tid ").append(tid).append(" -I ").append(ShellQuote.quote(initiator)).append('\n');
    }

    /** Fails the task, before anything changes, when tgtd cannot make {@code why} with initiators logged in. */
    private void refuseWhileInUse(LiveTarget live, List<String> why) {
        if (why.isEmpty() || live.initiators().isEmpty()) return;
        throw new ModuleException("target " + iqn + " is in use (I_T nexus of " + String.join(", ", live.initiators())
                + "): " + String.join("; ", why) + ", which tgtd cannot do while initiators are logged in. Nothing was changed; "
                + "log the initiators out (iscsiadm -m node -T " + iqn + " --logout) and run again");
    }

    /** One target as tgtd shows it; LUN 0 (the controller) left out. */
    public record LiveTarget(int tid, String iqn, List<String> initiators, Map<Integer, String> luns, List<String> incomingUsers, List<String> acl) {
        public LiveTarget {
            initiators = List.copyOf(initiators);
            luns = Map.copyOf(luns);
            incomingUsers = List.copyOf(incomingUsers);
            acl = List.copyOf(acl);
        }
    }

    /**
     * What the probe read.
     *
     * @param tgtadm       whether tgtadm is installed
     * @param daemonError  tgtadm's complaint when tgtd does not answer, else null
     * @param targets      every target of tgtd
     * @param accounts     every CHAP account tgtd knows
     * @param pathKinds    each LUN path: {@code file}, {@code block}, {@code other} or {@code missing}
     * @param confSha256   digest of the conf file, null when there is none
     * @param chapSha256   digest of its {@code incominguser} line (with newline)
     * @param confRedacted the file with the password masked, for diffs
     */
    public record Current(boolean tgtadm, String daemonError, List<LiveTarget> targets, List<String> accounts, Map<String, String> pathKinds,
                          String confSha256, String chapSha256, String confRedacted) {

        LiveTarget target(String iqn) {
            return targets.stream().filter(t -> t.iqn().equals(iqn)).findFirst().orElse(null);
        }

        int nextTid() {
            return targets.stream().mapToInt(LiveTarget::tid).max().orElse(0) + 1;
        }

        static Current parse(ExecResult r) {
            if (!r.succeeded()) throw new ModuleException("reading the tgt target failed (exit " + r.exitCode() + "): " + r.stderr().strip());
            Map<String, List<String>> sections = sections(r.stdout());
            if (sections.containsKey("no-tgtadm")) return new Current(false, null, List.of(), List.of(), Map.of(), null, null, null);
            List<String> show = sections.getOrDefault("show", List.of());
            if (show.contains("@@down")) {
                String error = String.join(" ", show.subList(show.indexOf("@@down") + 1, show.size())).strip();
                return new Current(true, error.isEmpty() ? "no output" : error, List.of(), List.of(), Map.of(), null, null, null);
            }
            List<String> accounts = new ArrayList<>();
            for (String line : sections.getOrDefault("accounts", List.of())) {
                if (line.startsWith("    ") && !line.isBlank()) accounts.add(line.strip());
            }
            Map<String, String> kinds = new LinkedHashMap<>();
            for (String line : sections.getOrDefault("paths", List.of())) {
                String[] f = line.split("\t", 2);
                if (f.length == 2) kinds.put(f[1], f[0]);
            }
            String sha = null;
            String chap = null;
            for (String line : sections.getOrDefault("conf", List.of())) {
                if (line.startsWith("sha256\t")) sha = line.substring(7);
                if (line.startsWith("chap\t")) chap = line.substring(5);
            }
            List<String> content = sections.get("content");
            String redacted = content == null ? null : content.isEmpty() ? "" : String.join("\n", content) + "\n";
            return new Current(true, null, parseTargets(show), List.copyOf(accounts), kinds, sha, chap, redacted);
        }

        private static Map<String, List<String>> sections(String out) {
            Map<String, List<String>> sections = new LinkedHashMap<>();
            List<String> current = null;
            String[] lines = out.split("\n", -1);
            int end = lines.length;
            if (end > 0 && lines[end - 1].isEmpty()) end--;
            for (int i = 0; i < end; i++) {
                String line = lines[i];
                if (line.startsWith("@@") && !line.equals("@@down")) {
                    current = new ArrayList<>();
                    sections.put(line.substring(2), current);
                } else if (current != null) {
                    current.add(line);
                }
            }
            return sections;
        }

        private static final Pattern TARGET = Pattern.compile("Target (\\d+): (\\S+)");
        private static final Pattern LUN = Pattern.compile("LUN: (\\d+)");
        private static final Pattern INITIATOR_LINE = Pattern.compile("Initiator: (\\S+).*");
        private static final Pattern ADDRESS_LINE = Pattern.compile("IP Address: (\\S+)");

        /**
         * Parses {@code tgtadm --lld iscsi --op show --mode target}: per target, the sections
         * "I_T nexus information", "LUN information", "Account information" and "ACL information"
         * at four spaces, their entries deeper.
         */
        static List<LiveTarget> parseTargets(List<String> show) {
            List<LiveTarget> targets = new ArrayList<>();
            Integer tid = null;
            String iqn = null;
            String section = "";
            List<String> nexus = new ArrayList<>();
            Map<Integer, String> luns = new TreeMap<>();
            List<String> users = new ArrayList<>();
            List<String> acl = new ArrayList<>();
            Integer lun = null;
            String initiator = null;
            for (String line : show) {
                Matcher t = TARGET.matcher(line);
                if (t.matches()) {
                    if (tid != null) targets.add(new LiveTarget(tid, iqn, nexus, luns, users, acl));
                    tid = Integer.parseInt(t.group(1));
                    iqn = t.group(2);
                    nexus = new ArrayList<>();
                    luns = new TreeMap<>();
                    users = new ArrayList<>();
                    acl = new ArrayList<>();
                    section = "";
                    continue;
                }
                if (tid == null || line.isBlank()) continue;
                if (line.startsWith("    ") && !line.startsWith("     ")) {
                    section = line.strip();
                    continue;
                }
                String entry = line.strip();
                switch (section) {
                    case "I_T nexus information:" -> {
                        Matcher m = INITIATOR_LINE.matcher(entry);
                        Matcher a = ADDRESS_LINE.matcher(entry);
                        if (m.matches()) {
                            initiator = m.group(1);
                        } else if (a.matches() && initiator != null) {
                            nexus.add(initiator + " from " + a.group(1));
                            initiator = null;
                        }
                    }
                    case "LUN information:" -> {
                        Matcher m = LUN.matcher(entry);
                        if (m.matches()) {
                            lun = Integer.parseInt(m.group(1));
                        } else if (entry.startsWith("Backing store path: ") && lun != null && lun != 0) {
                            luns.put(lun, entry.substring("Backing store path: ".length()));
                        }
                    }
                    case "Account information:" -> {
                        if (!entry.endsWith("(outgoing)")) users.add(entry);
                    }
                    case "ACL information:" -> acl.add(entry);
                    default -> { }
                }
            }
            if (tid != null) targets.add(new LiveTarget(tid, iqn, nexus, luns, users, acl));
            return targets;
        }
    }

    /** Builds a {@link TgtTarget}; present unless {@link #absent()}. */
    public static final class Builder {
        private final String name;
        private final String iqn;
        private final List<Lun> luns = new ArrayList<>();
        private final List<String> initiators = new ArrayList<>();
        private String chapUser;
        private Secret chapPassword;
        private boolean present = true;

        private Builder(String name, String iqn) {
            this.name = name;
            this.iqn = iqn;
        }

        /** A LUN backed by an existing file or block device. */
        public Builder lun(String path) {
            return lun(path, null);
        }

        /** A LUN backed by a file created sparse with {@code size} when missing. */
        public Builder lun(String path, String size) {
            luns.add(new Lun(path, size));
            return this;
        }

        public Builder initiators(String... addresses) {
            initiators.addAll(List.of(addresses));
            return this;
        }

        public Builder chap(String user, Secret password) {
            this.chapUser = user;
            this.chapPassword = Objects.requireNonNull(password, "password");
            return this;
        }

        public Builder absent() {
            this.present = false;
            return this;
        }

        public TgtTarget build() {
            return new TgtTarget(name, iqn, luns, initiators, chapUser, chapPassword, present);
        }
    }

    /** YAML binding: {@code tgt_target}. */
    public static final class Type implements ModuleType {
        private static final Set<String> PARAMETERS = Set.of("name", "iqn", "luns", "initiators", "chap_user", "chap_password", "state");

        @Override
        public List<String> names() {
            return List.of("tgt_target");
        }

        @Override
        public Set<String> parameters() {
            return PARAMETERS;
        }

        @Override
        public Set<String> required() {
            return Set.of("name", "iqn");
        }

        @Override
        public Module<?> create(Args args) {
            args.requireKnown(PARAMETERS);
            boolean present = args.choice("state", List.of("present", "absent"), "present").equals("present");
            try {
                List<Lun> luns = new ArrayList<>();
                Object raw = args.raw("luns");
                if (raw instanceof List<?> list) {
                    for (Object o : list) {
                        if (o instanceof Map<?, ?> m) {
                            for (Object k : m.keySet()) {
                                if (!k.equals("path") && !k.equals("size")) throw args.error("luns", "luns: unknown key '" + k + "' (a LUN has path and size)");
                            }
                            Object size = m.get("size");
                            luns.add(new Lun(m.get("path") == null ? null : String.valueOf(m.get("path")), size == null ? null : String.valueOf(size)));
                        } else {
                            luns.add(new Lun(String.valueOf(o), null));
                        }
                    }
                } else if (raw != null) {
                    luns.add(new Lun(String.valueOf(raw), null));
                }
                String user = StorageText.optional(args, "chap_user");
                return new TgtTarget(args.string("name"), args.string("iqn"), luns, StorageText.addresses(args, "initiators"),
                        user, user == null ? null : args.secret("chap_password").orElse(null), present);
            } catch (IllegalArgumentException e) {
                throw args.error(e, "name");
            }
        }
    }
}
