package dev.rigger.modules.postgresql;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A PostgreSQL role (user): its login, attributes and password.
 *
 * <p>Parameters (community.postgresql's {@code postgresql_user}, the parts a cluster needs):
 * <ul>
 *   <li>{@code name} — the role (required). Quoted as an identifier: case is kept.</li>
 *   <li>{@code password} — a secret ({@code !secret} in YAML). Stored as a SCRAM-SHA-256 verifier.</li>
 *   <li>{@code login} — may log in (default true, as {@code CREATE USER}).</li>
 *   <li>{@code superuser}, {@code createdb}, {@code createrole}, {@code replication} — attributes;
 *       left as they are when not given (a new role gets PostgreSQL's default, false).</li>
 *   <li>{@code state} — {@code present} (default) or {@code absent} ({@code DROP ROLE}; PostgreSQL
 *       refuses while the role owns objects, and the task fails with its message).</li>
 *   <li>{@code port} — the server's port (default 5432).</li>
 *   <li>{@code on_standby} — {@code fail} (default) or {@code skip}, see below.</li>
 * </ul>
 *
 * <p><b>Passwords are compared, not re-set.</b> community.postgresql's {@code postgresql_user}
 * reports "changed" on every run for a SCRAM password, because it cannot tell whether the stored
 * verifier belongs to the given password (community.postgresql#301). Here the probe reads the
 * stored verifier ({@code SCRAM-SHA-256$iter:salt$StoredKey:ServerKey}) and Java recomputes both
 * keys from the desired password with that salt and iteration count (PBKDF2-HMAC-SHA-256, RFC 5802
 * and RFC 7677): equal keys mean the password is unchanged and the task is ok. A password stored
 * the old md5 way is stored again as SCRAM (a {@code scram-sha-256} line in pg_hba cannot check an
 * md5 hash).
 *
 * <p><b>The clear password never reaches the server.</b> Java computes a new verifier with a random
 * salt and sends {@code ALTER ROLE … PASSWORD 'SCRAM-SHA-256$…'}, which PostgreSQL stores as is; the
 * statement travels on psql's stdin (never argv), is not echoed on errors ({@code VERBOSITY terse})
 * and the verifier is redacted from events and diffs. (A password with non-ASCII characters is sent
 * clear, also on stdin, so that the server applies its own SASLprep.)
 *
 * <p>On a standby (in recovery) roles come from the primary by replication: a role that already
 * matches is ok; one that would change fails the task saying the server is a standby, or with
 * {@code on_standby: skip} is left alone (ok): a role applied to every database host then acts on
 * whichever is the primary now, even after a failover.
 *
 * <p>Execs: unchanged 1 (the probe), changed 2.
 *
 * <pre>{@code
 * - name: the application's role
 *   postgresql_user:
 *     name: app
 *     password: !secret "{{ app_db_password }}"
 *     createdb: false
 * }</pre>
 *
 * <pre>{@code
 * PostgresqlUser.named("repmgr").password(Secret.of(pw)).superuser(true).replication(true).build()
 * }</pre>
 */
public record PostgresqlUser(String name, Secret password, boolean login, Boolean superuser, Boolean createdb,
                             Boolean createrole, Boolean replication, boolean present, int port, boolean skipOnStandby)
        implements Module<PostgresqlUser.Current> {

    public static final int DEFAULT_PORT = 5432;

    public PostgresqlUser {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.indexOf('\0') >= 0) throw new ModuleArgumentException("postgresql_user", "name", "must be a non-empty role name");
        if (port < 1 || port > 65535) throw new ModuleArgumentException("postgresql_user", "port", "must be 1 to 65535, got " + port);
    }

    public static Builder named(String name) {
        return new Builder(name);
    }

    @Override
    public String moduleName() {
        return "postgresql_user";
    }

    @Override
    public Probe<Current> probe(ModuleContext context) {
        String sql = "SELECT json_build_object('recovery', pg_is_in_recovery(), 'role', (SELECT json_build_object("
                + "'superuser', rolsuper, 'createdb', rolcreatedb, 'createrole', rolcreaterole, 'login', rolcanlogin, "
                + "'replication', rolreplication, 'password', rolpassword) FROM pg_authid WHERE rolname = " + Psql.literal(name) + "))";
        return Probe.of(Psql.prelude(port) + Psql.run(sql), r -> Current.parse(r, name));
    }

    @Override
    public Plan plan(Current current, ModuleContext context) {
        Role role = current.role();
        List<Change> changes = new ArrayList<>();
        StringBuilder sql = new StringBuilder("\\set VERBOSITY terse\n");
        String id = Psql.identifier(name);
        if (!present) {
            if (role == null) return Plan.noChange();
            changes.add(Change.of("drop role " + name));
            sql.append("DROP ROLE ").append(id).append(";\n");
        } else if (role == null) {
            changes.add(Change.of("create role " + name + attributeText(desiredAttributes())));
            sql.append("CREATE ROLE ").append(id).append(" WITH").append(attributeSql(desiredAttributes()));
            if (password != null) sql.append(" PASSWORD ").append(passwordLiteral());
            sql.append(";\n");
        } else {
            Map<String, Boolean> wanted = desiredAttributes();
            Map<String, Boolean> differ = new LinkedHashMap<>();
            wanted.forEach((k, v) -> {
                if (!v.equals(role.attributes().get(k))) differ.put(k, v);
            });
            if (!differ.isEmpty()) {
                changes.add(Change.of("alter role " + name + attributeText(differ)));
                sql.append("ALTER ROLE ").append(id).append(" WITH").append(attributeSql(differ)).append(";\n");
            }
            String passwordChange = passwordChange(role);
            if (passwordChange != null) {
                changes.add(Change.of(passwordChange));
                sql.append("ALTER ROLE ").append(id).append(" WITH PASSWORD ").append(passwordLiteral()).append(";\n");
            }
        }
        if (changes.isEmpty()) return Plan.noChange();
        if (current.inRecovery() && skipOnStandby) {
            return Plan.noChange(Map.of("msg", "standby (in recovery): role " + name + " comes from the primary; not changed here"));
        }
        if (current.inRecovery()) {
            throw new ModuleException("role " + name + " would change (" + changes.get(0).summary() + "), but this server is a standby "
                    + "(in recovery): roles come from the primary by replication; run this task on the primary");
        }
        if (context.diffMode()) {
            changes.set(0, Change.withDiff(changes.get(0).summary(), UnifiedDiff.of("role " + name, describe(role, false), describe(role, true))));
        }
        return Plan.apply(changes, Psql.prelude(port) + "rigger_sql\n").withStdin(sql.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Why the password must be set, or null when the stored one is the desired one (or none is desired). */
    private String passwordChange(Role role) {
        if (password == null) return null;
        String stored = role == null || role.stored() == null ? null : role.stored().reveal();
        if (ScramVerifier.matches(stored, password)) return null;
        if (ScramVerifier.md5Matches(stored, password, name)) return "store the password of role " + name + " as SCRAM-SHA-256 (it is an md5 hash)";
        return stored == null ? "set the password of role " + name : "change the password of role " + name;
    }

    /** The attributes this task sets: login always, the others when given. */
    private Map<String, Boolean> desiredAttributes() {
        Map<String, Boolean> m = new LinkedHashMap<>();
        m.put("login", login);
        if (superuser != null) m.put("superuser", superuser);
        if (createdb != null) m.put("createdb", createdb);
        if (createrole != null) m.put("createrole", createrole);
        if (replication != null) m.put("replication", replication);
        return m;
    }

    private static String attributeSql(Map<String, Boolean> attributes) {
        StringBuilder b = new StringBuilder();
        attributes.forEach((k, v) -> b.append(' ').append(v ? "" : "NO").append(k.toUpperCase(java.util.Locale.ROOT)));
        return b.toString();
    }

    private static String attributeText(Map<String, Boolean> attributes) {
        List<String> parts = new ArrayList<>();
        attributes.forEach((k, v) -> parts.add(k + "=" + v));
        return " (" + String.join(", ", parts) + ")";
    }

    /** Lines for the diff: the role before or after this task; the password only as "********", marked when it changes. */
    private String describe(Role role, boolean after) {
        if (after ? !present : role == null) return "";
        Map<String, Boolean> attributes = new LinkedHashMap<>((role == null ? Role.NONE : role).attributes());
        if (after) attributes.putAll(desiredAttributes());
        StringBuilder b = new StringBuilder();
        attributes.forEach((k, v) -> b.append(k).append(": ").append(v).append('\n'));
        boolean stored = role != null && role.stored() != null;
        if (after && password != null) {
            b.append("password: ").append(Secret.REDACTED).append(passwordChange(role) == null ? "" : " (new)").append('\n');
        } else {
            b.append("password: ").append(stored ? Secret.REDACTED : "(none)").append('\n');
        }
        return b.toString();
    }

    /** The password as an SQL literal: a SCRAM verifier made here, or for non-ASCII the clear text (see the class doc). */
    private String passwordLiteral() {
        boolean ascii = password.reveal().chars().allMatch(c -> c < 0x80);
        return Psql.literal(ascii ? ScramVerifier.create(password).reveal() : password.reveal());
    }

    /** What the probe read: whether the server is a standby, and the role (null when there is none). */
    public record Current(boolean inRecovery, Role role) {
        static Current parse(ExecResult r, String name) {
            JsonNode root = Psql.json(r, "reading role " + name);
            JsonNode role = root.get("role");
            if (role == null || role.isNull()) return new Current(root.path("recovery").asBoolean(), null);
            String stored = Psql.text(role, "password");
            return new Current(root.path("recovery").asBoolean(), new Role(role.path("login").asBoolean(), role.path("superuser").asBoolean(),
                    role.path("createdb").asBoolean(), role.path("createrole").asBoolean(), role.path("replication").asBoolean(),
                    stored == null ? null : Secret.of(stored)));
        }
    }

    /** A role as pg_authid has it; {@code stored} is the password verifier (a secret), or null. */
    public record Role(boolean login, boolean superuser, boolean createdb, boolean createrole, boolean replication, Secret stored) {
        static final Role NONE = new Role(false, false, false, false, false, null);

        Map<String, Boolean> attributes() {
            Map<String, Boolean> m = new LinkedHashMap<>();
            m.put("login", login);
            m.put("superuser", superuser);
            m.put("createdb", createdb);
            m.put("createrole", createrole);
            m.put("replication", replication);
            return m;
        }
    }

    public static final class Builder {
        private final String name;
        private Secret password;
        private boolean login = true;
        private Boolean superuser;
        private Boolean createdb;
        private Boolean createrole;
        private Boolean replication;
        private boolean present = true;
        private int port = DEFAULT_PORT;
        private boolean skipOnStandby;

        private Builder(String name) {
            this.name = name;
        }

        public Builder password(Secret value) { this.password = value; return this; }
        public Builder login(boolean value) { this.login = value; return this; }
        public Builder superuser(boolean value) { this.superuser = value; return this; }
        public Builder createdb(boolean value) { this.createdb = value; return this; }
        public Builder createrole(boolean value) { this.createrole = value; return this; }
        public Builder replication(boolean value) { this.replication = value; return this; }
        public Builder absent() { this.present = false; return this; }
        public Builder port(int value) { this.port = value; return this; }
        public Builder skipOnStandby() { this.skipOnStandby = true; return this; }

        public PostgresqlUser build() {
            return new PostgresqlUser(name, password, login, superuser, createdb, createrole, replication, present, port, skipOnStandby);
        }
    }

    /** YAML binding: {@code postgresql_user} (also {@code community.postgresql.postgresql_user}). */
    public static final class Type implements ModuleType {
        private static final Set<String> PARAMETERS = Set.of("name", "password", "login", "superuser", "createdb", "createrole",
                "replication", "state", "port", "on_standby");

        @Override
        public List<String> names() {
            return List.of("postgresql_user", "community.postgresql.postgresql_user");
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
            try {
                return new PostgresqlUser(args.string("name"), args.secret("password").orElse(null), args.bool("login", true),
                        optionalBool(args, "superuser"), optionalBool(args, "createdb"), optionalBool(args, "createrole"),
                        optionalBool(args, "replication"), args.choice("state", List.of("present", "absent"), "present").equals("present"),
                        args.integer("port", DEFAULT_PORT), args.choice("on_standby", List.of("fail", "skip"), "fail").equals("skip"));
            } catch (IllegalArgumentException e) {
                throw args.error(e, "name");
            }
        }

        static Boolean optionalBool(Args args, String name) {
            return args.has(name) ? args.bool(name, false) : null;
        }
    }
}
