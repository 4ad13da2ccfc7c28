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
import dev.rigger.core.transport.ExecResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A PostgreSQL database: present with its owner, or absent.
 *
 * <p>Parameters (community.postgresql's {@code postgresql_db}, the parts a cluster needs):
 * <ul>
 *   <li>{@code name} — the database (required).</li>
 *   <li>{@code owner} — its owning role; changed with {@code ALTER DATABASE … OWNER TO} when it differs.
 *       Not given: a new database belongs to the postgres user and an existing one keeps its owner.</li>
 *   <li>{@code encoding}, {@code lc_collate}, {@code lc_ctype}, {@code template} — used when the
 *       database is created. With an encoding or locale and no template, the template is
 *       {@code template0}: {@code template1} may hold data in another encoding, and PostgreSQL
 *       refuses to copy it into a database with a different encoding or locale. An existing
 *       database whose encoding or locale differs fails the task (they cannot be altered; dump and
 *       restore) instead of being reported ok.</li>
 *   <li>{@code state} — {@code present} (default) or {@code absent} ({@code DROP DATABASE}; refused by
 *       PostgreSQL while someone is connected).</li>
 *   <li>{@code port} — the server's port (default 5432).</li>
 *   <li>{@code on_standby} — {@code fail} (default) or {@code skip}: on a standby (in recovery) a
 *       database that would change fails the task, or is left alone (ok), since databases come
 *       from the primary by replication.</li>
 * </ul>
 * Execs: unchanged 1 (the probe), changed 2.
 *
 * <pre>{@code
 * - name: the application's database
 *   postgresql_db:
 *     name: app
 *     owner: app
 *     encoding: UTF8
 * }</pre>
 *
 * <pre>{@code
 * PostgresqlDb.named("app").owner("app").encoding("UTF8").build()
 * }</pre>
 */
public record PostgresqlDb(String name, String owner, String encoding, String lcCollate, String lcCtype, String template,
                           boolean present, int port, boolean skipOnStandby) implements Module<PostgresqlDb.Current> {

    public PostgresqlDb {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) throw new ModuleArgumentException("postgresql_db", "name", "must be a non-empty database name");
        if (port < 1 || port > 65535) throw new ModuleArgumentException("postgresql_db", "port", "must be 1 to 65535, got " + port);
    }

    public static Builder named(String name) {
        return new Builder(name);
    }

    @Override
    public String moduleName() {
        return "postgresql_db";
    }

    @Override
    public Probe<Current> probe(ModuleContext context) {
        String sql = "SELECT json_build_object('recovery', pg_is_in_recovery(), 'database', (SELECT json_build_object("
                + "'owner', pg_get_userbyid(datdba), 'encoding', pg_encoding_to_char(encoding), 'collate', datcollate, 'ctype', datctype) "
                + "FROM pg_database WHERE datname = " + Psql.literal(name) + "))";
        return Probe.of(Psql.prelude(port) + Psql.run(sql), r -> Current.parse(r, name));
    }

    @Override
    public Plan plan(Current current, ModuleContext context) {
        Database db = current.database();
        String id = Psql.identifier(name);
        List<Change> changes = new ArrayList<>();
        StringBuilder sql = new StringBuilder();
        if (!present) {
            if (db == null) return Plan.noChange();
            changes.add(Change.of("drop database " + name));
            sql.append("DROP DATABASE ").append(id).append(";\n");
        } else if (db == null) {
            changes.add(Change.of("create database " + name + (owner == null ? "" : " owned by " + owner)));
            sql.append("CREATE DATABASE ").append(id);
            if (owner != null) sql.append(" OWNER ").append(Psql.identifier(owner));
            if (encoding != null) sql.append(" ENCODING ").append(Psql.literal(encoding));
            if (lcCollate != null) sql.append(" LC_COLLATE ").append(Psql.literal(lcCollate));
            if (lcCtype != null) sql.append(" LC_CTYPE ").append(Psql.literal(lcCtype));
            String from = template != null ? template : encoding != null || lcCollate != null || lcCtype != null ? "template0" : null;
            if (from != null) sql.append(" TEMPLATE ").append(Psql.identifier(from));
            sql.append(";\n");
        } else {
            fixedAtCreation("encoding", encoding, db.encoding(), true);
            fixedAtCreation("lc_collate", lcCollate, db.collate(), false);
            fixedAtCreation("lc_ctype", lcCtype, db.ctype(), false);
            if (owner != null && !owner.equals(db.owner())) {
                changes.add(Change.of("change the owner of database " + name + ": " + db.owner() + " → " + owner));
                sql.append("ALTER DATABASE ").append(id).append(" OWNER TO ").append(Psql.identifier(owner)).append(";\n");
            }
        }
        if (changes.isEmpty()) return Plan.noChange();
        if (current.inRecovery() && skipOnStandby) {
            return Plan.noChange(Map.of("msg", "standby (in recovery): database " + name + " comes from the primary; not changed here"));
        }
        if (current.inRecovery()) {
            throw new ModuleException("database " + name + " would change (" + changes.get(0).summary() + "), but this server is a standby "
                    + "(in recovery): databases come from the primary by replication; run this task on the primary");
        }
        if (context.diffMode()) {
            changes.set(0, Change.withDiff(changes.get(0).summary(), UnifiedDiff.of("database " + name, describe(db), present ? describeDesired(db) : "")));
        }
        return Plan.apply(changes, Psql.prelude(port) + Psql.run(sql.toString()));
    }

    /** Encoding and locale cannot change after CREATE DATABASE: a difference is an error, not a silent ok. */
    private void fixedAtCreation(String parameter, String wanted, String actual, boolean encodingName) {
        if (wanted == null || normalize(wanted, encodingName).equals(normalize(actual, encodingName))) return;
        throw new ModuleException("database " + name + " exists with " + parameter + " " + actual + ", not " + wanted
                + "; " + parameter + " is fixed when a database is created (dump, drop and restore it to change it)");
    }

    /** {@code UTF-8}, {@code utf8} and {@code UTF8} name one encoding; {@code en_US.UTF-8} and {@code en_US.utf8} one locale. */
    static String normalize(String value, boolean encodingName) {
        if (value == null) return "";
        if (encodingName) return value.replaceAll("[^A-Za-z0-9]", "").toLowerCase(Locale.ROOT);
        int dot = value.indexOf('.');
        if (dot < 0) return value;
        return value.substring(0, dot) + "." + value.substring(dot + 1).replace("-", "").toLowerCase(Locale.ROOT);
    }

    private static String describe(Database db) {
        if (db == null) return "";
        return "owner: " + db.owner() + "\nencoding: " + db.encoding() + "\nlc_collate: " + db.collate() + "\nlc_ctype: " + db.ctype() + "\n";
    }

    private String describeDesired(Database db) {
        if (db != null) return describe(new Database(owner == null ? db.owner() : owner, db.encoding(), db.collate(), db.ctype()));
        return "owner: " + (owner == null ? "postgres" : owner) + "\n"
                + (encoding == null ? "" : "encoding: " + encoding + "\n")
                + (lcCollate == null ? "" : "lc_collate: " + lcCollate + "\n")
                + (lcCtype == null ? "" : "lc_ctype: " + lcCtype + "\n");
    }

    /** What the probe read: whether the server is a standby, and the database (null when there is none). */
    public record Current(boolean inRecovery, Database database) {
        static Current parse(ExecResult r, String name) {
            JsonNode root = Psql.json(r, "reading database " + name);
            JsonNode db = root.get("database");
            boolean recovery = root.path("recovery").asBoolean();
            if (db == null || db.isNull()) return new Current(recovery, null);
            return new Current(recovery, new Database(Psql.text(db, "owner"), Psql.text(db, "encoding"), Psql.text(db, "collate"), Psql.text(db, "ctype")));
        }
    }

    public record Database(String owner, String encoding, String collate, String ctype) {}

    public static final class Builder {
        private final String name;
        private String owner;
        private String encoding;
        private String lcCollate;
        private String lcCtype;
        private String template;
        private boolean present = true;
        private int port = PostgresqlUser.DEFAULT_PORT;
        private boolean skipOnStandby;

        private Builder(String name) {
            this.name = name;
        }

        public Builder owner(String value) { this.owner = value; return this; }
        public Builder encoding(String value) { this.encoding = value; return this; }
        public Builder lcCollate(String value) { this.lcCollate = value; return this; }
        public Builder lcCtype(String value) { this.lcCtype = value; return this; }
        public Builder template(String value) { this.template = value; return this; }
        public Builder absent() { this.present = false; return this; }
        public Builder port(int value) { this.port = value; return this; }
        public Builder skipOnStandby() { this.skipOnStandby = true; return this; }

        public PostgresqlDb build() {
            return new PostgresqlDb(name, owner, encoding, lcCollate, lcCtype, template, present, port, skipOnStandby);
        }
    }

    /** YAML binding: {@code postgresql_db} (also {@code community.postgresql.postgresql_db}). */
    public static final class Type implements ModuleType {
        private static final Set<String> PARAMETERS = Set.of("name", "owner", "encoding", "lc_collate", "lc_ctype", "template", "state", "port", "on_standby");

        @Override
        public List<String> names() {
            return List.of("postgresql_db", "community.postgresql.postgresql_db");
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
                return new PostgresqlDb(args.string("name"), args.optionalString("owner").orElse(null), args.optionalString("encoding").orElse(null),
                        args.optionalString("lc_collate").orElse(null), args.optionalString("lc_ctype").orElse(null),
                        args.optionalString("template").orElse(null), args.choice("state", List.of("present", "absent"), "present").equals("present"),
                        args.integer("port", PostgresqlUser.DEFAULT_PORT), args.choice("on_standby", List.of("fail", "skip"), "fail").equals("skip"));
            } catch (IllegalArgumentException e) {
                throw args.error(e, "name");
            }
        }
    }
}
