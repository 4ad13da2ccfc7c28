package dev.rigger.modules.storage;

import dev.rigger.core.module.Args;
import dev.rigger.core.module.Change;
import dev.rigger.core.module.Module;
import dev.rigger.core.module.ModuleContext;
import dev.rigger.core.module.ModuleException;
import dev.rigger.core.module.ModuleType;
import dev.rigger.core.module.Outcome;
import dev.rigger.core.module.Plan;
import dev.rigger.core.module.Probe;
import dev.rigger.core.module.ModuleArgumentException;
import dev.rigger.core.secret.Secret;
import dev.rigger.core.transport.ExecResult;
import dev.rigger.core.transport.ShellQuote;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An open-iscsi initiator's node records for one target and its sessions: the record per portal with
 * startup and CHAP settings, and logged in (or out).
 *
 * <p>Parameters (Ansible's {@code open_iscsi} names; the module answers to {@code iscsi_login} and
 * {@code open_iscsi}):
 * <ul>
 *   <li>{@code target} (alias {@code targetname}) — the target's IQN (required).</li>
 *   <li>{@code portal} (alias {@code ip}) — one or more IPv4 addresses, each optionally {@code :port},
 *       or inventory hosts (their {@code ansible_host});
 *       {@code port} (default 3260) applies to those without (required).</li>
 *   <li>{@code node_user} / {@code node_pass} — CHAP credentials (the password is a secret); without
 *       them (or with an empty {@code node_user}) the record's authmethod is {@code None}.</li>
 *   <li>{@code auto_node_startup} (alias {@code automatic}, default true) — {@code node.startup} and
 *       {@code node.conn[0].startup} {@code automatic}, so open-iscsi.service logs in at boot.</li>
 *   <li>{@code state} — {@code present} (default: records and sessions) or {@code absent} (logged out,
 *       records deleted); or Ansible's {@code login: true|false} ({@code false}: logged out, records kept).</li>
 * </ul>
 *
 * <p>Where Ansible's {@code open_iscsi} is not idempotent, this module is: it never runs SendTargets
 * discovery when a record exists (discovery rewrites existing records, resetting {@code node.startup}
 * to the default and wiping per-node CHAP). A missing record is created statically with
 * {@code iscsiadm -m node -o new}, which needs neither the target nor the kernel, for exactly this
 * target and portal. The logged-in check is per portal ({@code iscsiadm -m session}), not "any session
 * to this target". CHAP on an existing record is compared (the password by digest: it never comes back
 * in the probe's output) and corrected; a session already logged in keeps its credentials until its
 * next login. Credentials go into the record file, not into {@code iscsiadm}'s argv: the password is
 * written by the shell from the script's stdin.
 *
 * <p>Exit codes follow open-iscsi's iscsi_err.h: 15 (session exists) is success, 21 (no records /
 * no session) is "nothing to do" on logout, 24 fails with "CHAP authentication failed", 12 names the
 * missing {@code iscsi_tcp} kernel module.
 *
 * <pre>{@code
 * - name: the shared disk is logged in at boot
 *   open_iscsi:
 *     target: iqn.2026-11.com.example:shared
 *     portal: 192.168.55.112
 *     node_user: odoo
 *     node_pass: !secret "{{ vault_chap_password }}"
 * }</pre>
 *
 * <pre>{@code
 * IscsiLogin.builder("iqn.2026-11.com.example:shared").portal("192.168.55.112").chap("odoo", Secret.of(pw)).build()
 * }</pre>
 */
public record IscsiLogin(String target, List<String> portals, String user, Secret password, boolean automatic, boolean record, boolean session)
        implements Module<IscsiLogin.Current> {

    private static final Pattern IQN = Pattern.compile("iqn\\.[0-9]{4}-[0-9]{2}\\.[a-z0-9.-]+(:[a-z0-9.:_-]+)?|eui\\.[0-9A-F]{16}");
    private static final Pattern PORTAL = Pattern.compile("((25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9]):[0-9]{1,5}");
    private static final Pattern CHAP_WORD = Pattern.compile("[^\\s]+");
    static final String NO_RECORDS = "21";

    public IscsiLogin {
        if (target == null || !IQN.matcher(target).matches()) throw new ModuleArgumentException("iscsi_login", "target", "'" + target + "' is not an iSCSI name (iqn.YYYY-MM.domain[:id])");
        portals = List.copyOf(portals);
        if (portals.isEmpty()) throw new ModuleArgumentException("iscsi_login", "portal", "give at least one portal address");
        for (String p : portals) {
            if (!PORTAL.matcher(p).matches()) throw new ModuleArgumentException("iscsi_login", "portal", "'" + p + "' is not an IPv4 address with port");
        }
        if ((user == null) != (password == null)) throw new ModuleArgumentException("iscsi_login", "node_user", "CHAP needs both node_user and node_pass");
        if (user != null && (!CHAP_WORD.matcher(user).matches() || !CHAP_WORD.matcher(password.reveal()).matches())) {
            throw new ModuleArgumentException("iscsi_login", "node_user", "CHAP user and password must be one word each");
        }
        if (session && !record) throw new ModuleArgumentException("iscsi_login", "state", "a session needs its record");
    }

    public static Builder builder(String target) {
        return new Builder(target);
    }

    @Override
    public String moduleName() {
        return "iscsi_login";
    }

    /** The settings a record must hold, by iscsiadm's names; the password is compared apart. */
    Map<String, String> wantedSettings() {
        Map<String, String> s = new LinkedHashMap<>();
        if (automatic) {
            s.put("node.startup", "automatic");
            s.put("node.conn[0].startup", "automatic");
        }
        s.put("node.session.auth.authmethod", user == null ? "None" : "CHAP");
        if (user != null) s.put("node.session.auth.username", user);
        return s;
    }

    @Override
    public Probe<Current> probe(ModuleContext context) {
        StringBuilder s = new StringBuilder();
        s.append("if ! command -v iscsiadm >/dev/null 2>&1; then echo '@@no-iscsiadm'; exit 0; fi\n")
                .append("t=").append(ShellQuote.quote(target)).append('\n');
        for (String p : portals) {
            s.append("echo ").append(ShellQuote.quote("@@record " + p)).append('\n')
                    .append("if rec=$(iscsiadm -m node -T \"$t\" -p ").append(ShellQuote.quote(p)).append(" -S 2>/dev/null); then\n")
                    .append("  printf '%s\\n' \"$rec\" | grep -E '^node\\.(startup|conn\\[0\\]\\.startup|session\\.auth\\.(authmethod|username)) = '\n")
                    // The password itself never leaves the host: only its digest does.
                    .append("  pw=$(printf '%s\\n' \"$rec\" | sed -n 's/^node\\.session\\.auth\\.password = //p')\n")
                    .append("  printf 'password-sha256 = %s\\n' \"$(printf '%s' \"$pw\" | sha256sum | cut -d' ' -f1)\"\n")
                    .append("else echo missing; fi\n");
        }
        s.append("echo '@@sessions'\n")
                .append("iscsiadm -m session 2>/dev/null || true\n");
        return Probe.of(s.toString(), Current::parse);
    }

    @Override
    public Plan plan(Current current, ModuleContext context) {
        if (!current.iscsiadm()) throw new ModuleException("iscsiadm not found on this host: install the open-iscsi package");
        List<Change> changes = new ArrayList<>();
        StringBuilder script = new StringBuilder("t=").append(ShellQuote.quote(target)).append("\nstatus=0\n");
        boolean needsPassword = false;
        for (String p : portals) {
            Map<String, String> rec = current.records().get(p);
            boolean loggedIn = current.sessions().contains(p + " " + target);
            String portal = ShellQuote.quote(p);
            if (!record) {
                if (loggedIn) logout(changes, script, p);
                if (rec != null) {
                    changes.add(Change.of("delete the node record of " + target + " at " + p));
                    script.append("iscsiadm -m node -T \"$t\" -p ").append(portal).append(" -o delete || status=$?\n");
                }
                continue;
            }
            if (rec == null) {
                changes.add(Change.of("create the node record of " + target + " at " + p + " (static: no discovery)"));
                script.append("iscsiadm -m node -T \"$t\" -p ").append(portal).append(" -o new >/dev/null || exit $?\n");
                rec = Map.of();
            }
            for (Map.Entry<String, String> w : wantedSettings().entrySet()) {
                String now = rec.get(w.getKey());
                if (!w.getValue().equals(now)) {
                    changes.add(Change.of("set " + w.getKey() + " = " + w.getValue() + " at " + p + (now == null ? "" : " (was " + now + ")")));
                    script.append("iscsiadm -m node -T \"$t\" -p ").append(portal).append(" -o update -n ").append(ShellQuote.quote(w.getKey()))
                            .append(" -v ").append(ShellQuote.quote(w.getValue())).append(" || exit $?\n");
                }
            }
            if (password != null && !StorageText.sha256(password.reveal()).equals(rec.get("password-sha256"))) {
                changes.add(Change.of("set node.session.auth.password at " + p + (loggedIn ? " (the session logged in now keeps its credentials until it logs in again)" : "")));
                script.append("set_password ").append(portal).append(" || exit $?\n");
                needsPassword = true;
            }
            if (session && !loggedIn) {
                changes.add(Change.of("log in to " + target + " at " + p));
                script.append("rc=0; iscsiadm -m node -T \"$t\" -p ").append(portal).append(" --login >/dev/null || rc=$?\n")
                        // 15: a session exists already (another run got there first) — that is what we want.
                        .append("if [ \"$rc\" -ne 0 ] && [ \"$rc\" -ne 15 ]; then printf '@@login %s %s\\n' ").append(portal)
                        .append(" \"$rc\" >&2; status=$rc; fi\n");
            } else if (!session && loggedIn) {
                logout(changes, script, p);
            }
        }
        if (changes.isEmpty()) return Plan.noChange();
        StringBuilder full = new StringBuilder();
        if (needsPassword) full.append(PASSWORD_FUNCTION);
        full.append(script).append("exit $status\n");
        Plan plan = Plan.apply(changes, full.toString()).interpretedBy(this::outcome);
        return needsPassword ? plan.withStdin((password.reveal() + "\n").getBytes(StandardCharsets.UTF_8)) : plan;
    }

    private void logout(List<Change> changes, StringBuilder script, String p) {
        changes.add(Change.of("log out of " + target + " at " + p));
        script.append("rc=0; iscsiadm -m node -T \"$t\" -p ").append(ShellQuote.quote(p)).append(" --logout >/dev/null || rc=$?\n")
                .append("if [ \"$rc\" -ne 0 ] && [ \"$rc\" -ne ").append(NO_RECORDS).append(" ]; then printf '@@logout %s %s\\n' ")
                .append(ShellQuote.quote(p)).append(" \"$rc\" >&2; status=$rc; fi\n");
    }

    /**
     * Writes the password (first line of stdin) into the record file with shell builtins only, so it
     * is in no process's argv. The record is {@code nodes/IQN/IP,PORT} (static) or
     * {@code nodes/IQN/IP,PORT,TPGT/default} (discovered), under /etc/iscsi or /var/lib/iscsi.
     */
    private static final String PASSWORD_FUNCTION = """
            IFS= read -r pw || true
            set_password() {
              addr=${1%:*}; port=${1##*:}; f=
              for d in /etc/iscsi/nodes /var/lib/iscsi/nodes; do
                for c in "$d/$t/$addr,$port" "$d/$t/$addr,$port,"*/default; do [ -f "$c" ] && f=$c; done
              done
              if [ -z "$f" ]; then echo "no node record file for $t at $1" >&2; return 1; fi
              tmp=$(mktemp "$f.XXXXXX") || return 1
              found=
              while IFS= read -r line; do
                case $line in
                  'node.session.auth.password = '*) printf 'node.session.auth.password = %s\\n' "$pw"; found=1 ;;
                  *) printf '%s\\n' "$line" ;;
                esac
              done < "$f" > "$tmp"
              [ -n "$found" ] || printf 'node.session.auth.password = %s\\n' "$pw" >> "$tmp"
              chmod 600 "$tmp" && mv -f "$tmp" "$f"
            }
            """;

    private static final Pattern FAILURE = Pattern.compile("@@(login|logout) (\\S+) (\\d+)");

    /** Names iscsi_err.h's codes: which portal failed and why. */
    Outcome outcome(ExecResult r) {
        Outcome standard = Outcome.fromExit(r);
        if (r.succeeded()) return standard;
        List<String> reasons = new ArrayList<>();
        List<String> other = new ArrayList<>();
        for (String line : r.stderr().split("\n")) {
            Matcher m = FAILURE.matcher(line.strip());
            if (m.matches()) reasons.add(m.group(1) + " to " + target + " at " + m.group(2) + " failed: " + explain(Integer.parseInt(m.group(3))));
            else if (!line.isBlank()) other.add(line.strip());
        }
        if (reasons.isEmpty()) return standard;
        String message = String.join("; ", reasons) + (other.isEmpty() ? "" : " (" + String.join(" / ", other) + ")");
        return new Outcome(true, false, message, standard.data());
    }

    /** A reading of open-iscsi's iscsi_err.h codes that a login or logout returns. */
    static String explain(int code) {
        return switch (code) {
            case 24 -> "CHAP authentication failed (exit 24): check node_user/node_pass against the target's incominguser";
            case 12 -> "the iSCSI transport is not available (exit 12): the kernel module iscsi_tcp is missing or not loaded";
            case 18, 20 -> "iscsid cannot be reached (exit " + code + "): it is not running, or it stopped because the kernel lacks iscsi_tcp";
            case 8 -> "the portal did not answer in time (exit 8)";
            case 19 -> "the target refused the login (exit 19): this initiator is not in its ACL, or the target does not exist there";
            case 21 -> "no node record or session (exit 21)";
            default -> "iscsiadm exit " + code;
        };
    }

    /**
     * What the probe read.
     *
     * @param iscsiadm whether iscsiadm is installed
     * @param records  per portal (as given), the record's settings and {@code password-sha256}; absent when there is no record
     * @param sessions every session as {@code "IP:PORT IQN"}
     */
    public record Current(boolean iscsiadm, Map<String, Map<String, String>> records, Set<String> sessions) {
        private static final Pattern SESSION = Pattern.compile("\\S+: \\[\\d+\\] (\\S+),-?\\d+ (\\S+)( \\(.*\\))?");

        static Current parse(ExecResult r) {
            if (!r.succeeded()) throw new ModuleException("reading the iSCSI node records failed (exit " + r.exitCode() + "): " + r.stderr().strip());
            if (r.stdout().contains("@@no-iscsiadm")) return new Current(false, Map.of(), Set.of());
            Map<String, Map<String, String>> records = new LinkedHashMap<>();
            Map<String, String> record = null;
            String portal = null;
            boolean inSessions = false;
            List<String> sessionLines = new ArrayList<>();
            for (String line : r.stdout().split("\n")) {
                if (line.startsWith("@@record ")) {
                    portal = line.substring(9).strip();
                    record = new LinkedHashMap<>();
                    records.put(portal, record);
                } else if (line.equals("@@sessions")) {
                    inSessions = true;
                    record = null;
                } else if (inSessions) {
                    sessionLines.add(line);
                } else if (record != null) {
                    if (line.equals("missing")) {
                        records.remove(portal);
                        record = null;
                    } else {
                        int eq = line.indexOf(" = ");
                        if (eq > 0) record.put(line.substring(0, eq), line.substring(eq + 3));
                    }
                }
            }
            return new Current(true, records, parseSessions(sessionLines));
        }

        /** {@code iscsiadm -m session}: {@code tcp: [1] 10.0.0.9:3260,1 iqn.... (non-flash)}. */
        static Set<String> parseSessions(List<String> lines) {
            Set<String> sessions = new LinkedHashSet<>();
            for (String line : lines) {
                Matcher m = SESSION.matcher(line.strip());
                if (m.matches()) sessions.add(m.group(1) + " " + m.group(2));
            }
            return sessions;
        }
    }

    /** Builds an {@link IscsiLogin}: logged in with startup automatic unless told otherwise. */
    public static final class Builder {
        private final String target;
        private final List<String> portals = new ArrayList<>();
        private String user;
        private Secret password;
        private boolean automatic = true;
        private boolean record = true;
        private boolean session = true;

        private Builder(String target) {
            this.target = target;
        }

        /** A portal {@code IP} (port 3260) or {@code IP:PORT}. */
        public Builder portal(String portal) {
            portals.add(portal.contains(":") ? portal : portal + ":3260");
            return this;
        }

        public Builder chap(String user, Secret password) {
            this.user = user;
            this.password = Objects.requireNonNull(password, "password");
            return this;
        }

        public Builder manualStartup() {
            this.automatic = false;
            return this;
        }

        /** Records kept and managed, no session (Ansible's {@code login: false}). */
        public Builder loggedOut() {
            this.session = false;
            return this;
        }

        /** Logged out and records deleted. */
        public Builder absent() {
            this.record = false;
            this.session = false;
            return this;
        }

        public IscsiLogin build() {
            return new IscsiLogin(target, portals, user, password, automatic, record, session);
        }
    }

    /** YAML binding: {@code iscsi_login}, also {@code open_iscsi} with Ansible's parameter names. */
    public static final class Type implements ModuleType {
        private static final Set<String> PARAMETERS = Set.of("target", "targetname", "portal", "ip", "port", "node_user", "node_pass",
                "auto_node_startup", "automatic", "login", "state");

        @Override
        public List<String> names() {
            return List.of("iscsi_login", "open_iscsi");
        }

        @Override
        public Set<String> parameters() {
            return PARAMETERS;
        }

        @Override
        public Module<?> create(Args args) {
            args.requireKnown(PARAMETERS);
            String target = args.optionalString("target").or(() -> args.optionalString("targetname")).orElseThrow(() -> args.missing("target"));
            List<String> given = StorageText.addresses(args, args.has("portal") ? "portal" : "ip");
            if (given.isEmpty()) throw args.missing("portal");
            int port = args.integer("port", 3260);
            List<String> portals = given.stream().map(p -> p.contains(":") ? p : p + ":" + port).toList();
            boolean automatic = args.has("auto_node_startup") ? args.bool("auto_node_startup", true) : args.bool("automatic", true);
            if (args.has("login") && args.has("state")) throw args.error("login", "give either login (Ansible) or state, not both");
            boolean record = true;
            boolean session = true;
            if (args.has("login")) {
                session = args.bool("login", true);
            } else if (args.choice("state", List.of("present", "absent"), "present").equals("absent")) {
                record = false;
                session = false;
            }
            try {
                String user = StorageText.optional(args, "node_user");
                return new IscsiLogin(target, portals, user, user == null ? null : args.secret("node_pass").orElse(null), automatic, record, session);
            } catch (IllegalArgumentException e) {
                throw args.error(e, "target");
            }
        }
    }
}
