package dev.rigger.modules.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rigger.core.error.InputException;
import dev.rigger.core.module.Args;
import dev.rigger.core.module.Change;
import dev.rigger.core.module.ModuleContext;
import dev.rigger.core.module.ModuleException;
import dev.rigger.core.module.ModuleRegistry;
import dev.rigger.core.module.Plan;
import dev.rigger.core.secret.Secret;
import dev.rigger.core.transport.ExecResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Plans of the PostgreSQL modules from probe outputs captured on a real PostgreSQL 15 (Debian
 * bookworm, postgresql-15 15.x): the JSON files next to this class.
 */
class PostgresqlPlanTest {
    private static final ModuleContext PLAIN = new Context(false);
    private static final ModuleContext DIFF = new Context(true);

    private record Context(boolean diffMode) implements ModuleContext {
        @Override public String hostName() { return "pg1"; }
        @Override public Map<String, Object> vars() { return Map.of(); }
        @Override public boolean checkMode() { return false; }
        @Override public byte[] readLocalFile(String path, String kind) { throw new UnsupportedOperationException(); }
        @Override public RenderedTemplate renderTemplate(String name, String source) { throw new UnsupportedOperationException(); }
    }

    private static ExecResult captured(String name) {
        try (InputStream in = PostgresqlPlanTest.class.getResourceAsStream(name)) {
            return new ExecResult(0, new String(in.readAllBytes(), StandardCharsets.UTF_8), "", Duration.ZERO);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> summaries(Plan p) {
        return p.changes().stream().map(Change::summary).toList();
    }

    /** {@code sh -n}: the script parses. */
    private static String syntaxErrors(String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("/bin/sh", "-n").start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(script.getBytes(StandardCharsets.UTF_8));
        }
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return err;
    }

    // --- quoting

    @Test
    void literalsAndIdentifiersAreQuotedNeverRaw() {
        assertThat(Psql.literal("it's")).isEqualTo("'it''s'");
        assertThat(Psql.literal("a\\b'c")).isEqualTo("E'a\\\\b''c'");
        assertThat(Psql.identifier("My \"Role\"")).isEqualTo("\"My \"\"Role\"\"\"");
        assertThatThrownBy(() -> Psql.literal("a\0b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Psql.run("SELECT 1;\nRIGGER_SQL\nDROP TABLE x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void psqlMissingOrServerDownAreClearErrors() {
        assertThatThrownBy(() -> Psql.json(new ExecResult(127, "", "psql not found: is PostgreSQL installed?\n", Duration.ZERO), "reading role app"))
                .isInstanceOf(ModuleException.class).hasMessageContaining("psql not found");
        String down = "psql: error: connection to server on socket \"/var/run/postgresql/.s.PGSQL.5432\" failed: No such file or directory\n";
        assertThatThrownBy(() -> Psql.json(new ExecResult(2, "", down, Duration.ZERO), "reading role app"))
                .isInstanceOf(ModuleException.class).hasMessageContaining("cannot connect to PostgreSQL (is it running?)");
    }

    // --- SCRAM

    @Test
    void scramVerifierMadeByPostgresqlIsRecomputedInJava() {
        // user-probe-app.json: CREATE ROLE app LOGIN PASSWORD 'app-secret' on PostgreSQL 15.
        PostgresqlUser.Current app = PostgresqlUser.Current.parse(captured("user-probe-app.json"), "app");
        String stored = app.role().stored().reveal();
        assertThat(stored).startsWith("SCRAM-SHA-256$4096:");
        assertThat(ScramVerifier.matches(stored, Secret.of("app-secret"))).isTrue();
        assertThat(ScramVerifier.matches(stored, Secret.of("app-secret "))).isFalse();
        assertThat(ScramVerifier.matches(stored, Secret.of("App-secret"))).isFalse();
        assertThat(app.role().toString()).doesNotContain("SCRAM").contains("********");
    }

    @Test
    void verifierMadeInJavaMatchesOnlyItsPassword() {
        Secret v = ScramVerifier.create(Secret.of("pencil"));
        assertThat(v.reveal()).matches("SCRAM-SHA-256\\$4096:[A-Za-z0-9+/]{22}==\\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=");
        assertThat(ScramVerifier.matches(v.reveal(), Secret.of("pencil"))).isTrue();
        assertThat(ScramVerifier.matches(v.reveal(), Secret.of("pencil2"))).isFalse();
        assertThat(ScramVerifier.create(Secret.of("pencil")).reveal()).as("random salt").isNotEqualTo(v.reveal());
        assertThat(ScramVerifier.saslPrep("caf\u00e9\u00a0x")).isEqualTo("caf\u00e9 x");
    }

    @Test
    void md5HashIsRecognised() {
        // user-probe-md5.json: SET password_encryption = 'md5'; ALTER ROLE md PASSWORD 'md-pw'.
        String stored = PostgresqlUser.Current.parse(captured("user-probe-md5.json"), "md").role().stored().reveal();
        assertThat(ScramVerifier.md5Matches(stored, Secret.of("md-pw"), "md")).isTrue();
        assertThat(ScramVerifier.md5Matches(stored, Secret.of("md-pw"), "other")).isFalse();
        assertThat(ScramVerifier.matches(stored, Secret.of("md-pw"))).isFalse();
    }

    // --- postgresql_user

    @Test
    void samePasswordIsNoChangeOtherPasswordIsOneChange() {
        PostgresqlUser.Current app = PostgresqlUser.Current.parse(captured("user-probe-app.json"), "app");
        assertThat(PostgresqlUser.named("app").password(Secret.of("app-secret")).build().plan(app, PLAIN).hasChanges()).isFalse();

        Plan changed = PostgresqlUser.named("app").password(Secret.of("new one")).build().plan(app, DIFF);
        assertThat(summaries(changed)).containsExactly("change the password of role app");
        String sql = new String(changed.applyInput().readAll(), StandardCharsets.UTF_8);
        assertThat(sql).startsWith("\\set VERBOSITY terse\n").contains("ALTER ROLE \"app\" WITH PASSWORD 'SCRAM-SHA-256$4096:").doesNotContain("new one");
        assertThat(changed.applyScript()).doesNotContain("SCRAM").endsWith("rigger_sql\n");
        assertThat(changed.changes().get(0).diff()).contains("+password: ******** (new)").doesNotContain("SCRAM");
    }

    @Test
    void newRoleAttributesAndStandby() {
        PostgresqlUser.Current none = PostgresqlUser.Current.parse(captured("user-probe-absent.json"), "nobody");
        Plan create = PostgresqlUser.named("nobody").password(Secret.of("pw")).replication(true).build().plan(none, PLAIN);
        assertThat(summaries(create)).containsExactly("create role nobody (login=true, replication=true)");
        assertThat(new String(create.applyInput().readAll(), StandardCharsets.UTF_8)).contains("CREATE ROLE \"nobody\" WITH LOGIN REPLICATION PASSWORD 'SCRAM-SHA-256$");
        assertThat(PostgresqlUser.named("nobody").absent().build().plan(none, PLAIN).hasChanges()).isFalse();

        PostgresqlUser.Current app = PostgresqlUser.Current.parse(captured("user-probe-app.json"), "app");
        Plan alter = PostgresqlUser.named("app").createdb(true).superuser(false).build().plan(app, PLAIN);
        assertThat(summaries(alter)).containsExactly("alter role app (createdb=true)");
        assertThat(new String(alter.applyInput().readAll(), StandardCharsets.UTF_8)).contains("ALTER ROLE \"app\" WITH CREATEDB;");

        PostgresqlUser.Current standby = new PostgresqlUser.Current(true, app.role());
        assertThat(PostgresqlUser.named("app").password(Secret.of("app-secret")).build().plan(standby, PLAIN).hasChanges()).isFalse();
        assertThatThrownBy(() -> PostgresqlUser.named("app").password(Secret.of("x")).build().plan(standby, PLAIN))
                .isInstanceOf(ModuleException.class).hasMessageContaining("this server is a standby (in recovery)");
        Plan skipped = PostgresqlUser.named("app").password(Secret.of("x")).skipOnStandby().build().plan(standby, PLAIN);
        assertThat(skipped.hasChanges()).isFalse();
        assertThat(skipped.data().get("msg")).isEqualTo("standby (in recovery): role app comes from the primary; not changed here");
    }

    @Test
    void md5PasswordIsStoredAgainAsScram() {
        PostgresqlUser.Current md = PostgresqlUser.Current.parse(captured("user-probe-md5.json"), "md");
        assertThat(summaries(PostgresqlUser.named("md").password(Secret.of("md-pw")).build().plan(md, PLAIN)))
                .containsExactly("store the password of role md as SCRAM-SHA-256 (it is an md5 hash)");
    }

    // --- postgresql_db

    @Test
    void databaseOwnerEncodingAndTemplate() {
        PostgresqlDb.Current postgres = PostgresqlDb.Current.parse(captured("db-probe-postgres.json"), "postgres");
        assertThat(postgres.database()).isEqualTo(new PostgresqlDb.Database("postgres", "UTF8", "C.UTF-8", "C.UTF-8"));
        assertThat(PostgresqlDb.named("postgres").encoding("utf-8").lcCollate("C.utf8").build().plan(postgres, PLAIN).hasChanges()).isFalse();
        Plan owner = PostgresqlDb.named("postgres").owner("app").build().plan(postgres, PLAIN);
        assertThat(summaries(owner)).containsExactly("change the owner of database postgres: postgres → app");
        assertThat(owner.applyScript()).contains("ALTER DATABASE \"postgres\" OWNER TO \"app\";");
        assertThatThrownBy(() -> PostgresqlDb.named("postgres").encoding("LATIN1").build().plan(postgres, PLAIN))
                .isInstanceOf(ModuleException.class).hasMessageContaining("exists with encoding UTF8, not LATIN1");

        PostgresqlDb.Current none = new PostgresqlDb.Current(false, null);
        assertThat(PostgresqlDb.named("app").owner("app").encoding("UTF8").build().plan(none, PLAIN).applyScript())
                .contains("CREATE DATABASE \"app\" OWNER \"app\" ENCODING 'UTF8' TEMPLATE \"template0\";");
        assertThat(PostgresqlDb.named("app").build().plan(none, PLAIN).applyScript()).contains("CREATE DATABASE \"app\";");
        assertThat(PostgresqlDb.named("app").absent().build().plan(none, PLAIN).hasChanges()).isFalse();
        assertThatThrownBy(() -> PostgresqlDb.named("x").owner("app").build().plan(new PostgresqlDb.Current(true, null), PLAIN))
                .isInstanceOf(ModuleException.class).hasMessageContaining("standby");
    }

    // --- postgresql_hba

    private static PostgresqlHba hba(boolean first, boolean present) {
        return new PostgresqlHba(List.of(PostgresqlHba.Entry.host("app", "app", "10.0.1.0/24", "scram-sha-256"),
                PostgresqlHba.Entry.host("replication", "repmgr", "10.0.2.0/24", "scram-sha-256")), first, null, present, 5432);
    }

    @Test
    void hbaBlockGoesBeforeDebiansFirstEntryAndItsComment() throws Exception {
        PostgresqlHba.Current debian = PostgresqlHba.Current.parse(captured("hba-probe-debian.json"));
        assertThat(debian.file()).isEqualTo("/etc/postgresql/15/main/pg_hba.conf");
        assertThat(debian.rulesView()).isTrue();
        List<String> lines = hba(true, true).desiredLines(debian.lines());
        int begin = lines.indexOf("# BEGIN RIGGER MANAGED BLOCK");
        assertThat(lines.subList(begin, begin + 4)).containsExactly("# BEGIN RIGGER MANAGED BLOCK",
                "host    app             app             10.0.1.0/24             scram-sha-256",
                "host    replication     repmgr          10.0.2.0/24             scram-sha-256",
                "# END RIGGER MANAGED BLOCK");
        assertThat(lines.get(begin + 4)).isEqualTo("# DO NOT DISABLE!");
        assertThat(lines.get(begin - 1)).isEmpty();

        Plan plan = hba(true, true).plan(debian, DIFF);
        assertThat(summaries(plan)).containsExactly("add 2 entries in /etc/postgresql/15/main/pg_hba.conf");
        assertThat(plan.changes().get(0).diff()).contains("+host    app ");
        assertThat(syntaxErrors(plan.applyScript())).isEmpty();
        assertThat(plan.applyScript()).contains("pg_hba_file_rules").contains("pg_reload_conf()");

        // Applied, the same task is no change; last puts it at the end; absent takes it out again.
        PostgresqlHba.Current after = new PostgresqlHba.Current(debian.file(), true, lines, true);
        assertThat(hba(true, true).plan(after, PLAIN).hasChanges()).isFalse();
        List<String> last = hba(false, true).desiredLines(after.lines());
        assertThat(last.get(last.size() - 1)).isEqualTo("# END RIGGER MANAGED BLOCK");
        assertThat(hba(true, false).desiredLines(after.lines())).isEqualTo(debian.lines());
        assertThat(hba(true, false).plan(debian, PLAIN).hasChanges()).isFalse();
        // A block moved to the end by hand goes back first: first-match order is part of the state.
        assertThat(hba(true, true).desiredLines(last)).isEqualTo(lines);
    }

    @Test
    void hbaEntriesAreChecked() {
        assertThatThrownBy(() -> new PostgresqlHba.Entry("local", "all", "all", "10.0.0.0/8", "peer", null))
                .hasMessage("postgresql_hba: entries: address: a local entry has no address");
        assertThatThrownBy(() -> new PostgresqlHba.Entry("hots", "all", "all", "10.0.0.0/8", "md5", null)).hasMessageStartingWith("postgresql_hba: entries: type: must be one of");
        assertThatThrownBy(() -> PostgresqlHba.Entry.host("all", "my user", "10.0.0.0/8", "md5")).hasMessageContaining("without blanks");
        assertThatThrownBy(() -> PostgresqlHba.Entry.host("all", "all", null, "md5")).hasMessage("postgresql_hba: entries: address: required");
        assertThat(PostgresqlHba.Entry.local("all", "postgres", "peer").line()).isEqualTo("local   all             postgres                                peer");
    }

    // --- postgresql_conf

    private static Map<String, String> settings(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return m;
    }

    @Test
    void freshServerGetsTheFileAndTheRestartIsPredicted() throws Exception {
        PostgresqlConf.Current fresh = PostgresqlConf.Current.parse(captured("conf-probe-fresh.json"));
        assertThat(fresh.file()).isEqualTo("/etc/postgresql/15/main/conf.d/rigger.conf");
        assertThat(fresh.exists()).isFalse();
        PostgresqlConf conf = new PostgresqlConf(settings("work_mem", "8MB", "wal_level", "logical", "shared_buffers", "256MB"), null, 5432);
        Plan plan = conf.plan(fresh, DIFF);
        assertThat(summaries(plan)).containsExactly("write 3 settings to /etc/postgresql/15/main/conf.d/rigger.conf and reload "
                + "(wal_level, shared_buffers then need a restart)");
        assertThat(new String(plan.applyInput().readAll(), StandardCharsets.UTF_8)).isEqualTo(PostgresqlConf.HEADER
                + "work_mem = '8MB'\nwal_level = 'logical'\nshared_buffers = '256MB'\n");
        assertThat(syntaxErrors(plan.applyScript())).isEmpty();
        // A value equal to the live one in other units needs nothing live; only the file is written.
        assertThat(summaries(new PostgresqlConf(settings("shared_buffers", "128MB"), null, 5432).plan(fresh, PLAIN)))
                .containsExactly("write 1 setting to /etc/postgresql/15/main/conf.d/rigger.conf and reload");
    }

    @Test
    void fileInPlaceWithRestartPendingIsNoChangeAndReportsIt() {
        // conf-probe-pending.json: that file written and reloaded, no restart yet.
        PostgresqlConf.Current pending = PostgresqlConf.Current.parse(captured("conf-probe-pending.json"));
        PostgresqlConf conf = new PostgresqlConf(settings("work_mem", "8MB", "wal_level", "logical", "shared_buffers", "256MB"), null, 5432);
        Plan plan = conf.plan(pending, PLAIN);
        assertThat(plan.hasChanges()).isFalse();
        assertThat(plan.data().get("restart_required")).isEqualTo(List.of("listen_addresses", "shared_buffers", "wal_level"));
    }

    @Test
    void alterSystemOverrideIsAnErrorNotAnEndlessReload() {
        PostgresqlConf.Current overridden = PostgresqlConf.Current.parse(captured("conf-probe-altersystem.json"));
        PostgresqlConf conf = new PostgresqlConf(settings("work_mem", "8MB", "wal_level", "logical", "shared_buffers", "256MB"), null, 5432);
        assertThatThrownBy(() -> conf.plan(overridden, PLAIN)).isInstanceOf(ModuleException.class)
                .hasMessage("setting work_mem is 2048 (kB) on the server, not 8MB: /var/lib/postgresql/15/main/postgresql.auto.conf:3 sets it after "
                        + "/etc/postgresql/15/main/conf.d/rigger.conf (ALTER SYSTEM wrote it; undo with ALTER SYSTEM RESET work_mem)");
    }

    @Test
    void fileRightButNotLoadedIsAReload() {
        PostgresqlConf.Current pending = PostgresqlConf.Current.parse(captured("conf-probe-pending.json"));
        // The same file, but the server still runs with work_mem 4MB (someone edited and never reloaded).
        Map<String, PostgresqlConf.Setting> live = new LinkedHashMap<>(pending.settings());
        PostgresqlConf.Setting w = live.get("work_mem");
        live.put("work_mem", new PostgresqlConf.Setting("work_mem", "4096", w.unit(), w.vartype(), w.enumvals(), w.context(), false, null));
        PostgresqlConf.Current stale = new PostgresqlConf.Current(pending.file(), true, pending.content(), live, pending.winners(),
                pending.known(), pending.pendingRestart());
        Plan plan = new PostgresqlConf(settings("work_mem", "8MB", "wal_level", "logical", "shared_buffers", "256MB"), null, 5432).plan(stale, PLAIN);
        assertThat(summaries(plan)).containsExactly("reload: work_mem differs between /etc/postgresql/15/main/conf.d/rigger.conf and the server");
        assertThat(plan.applyInput()).isNull();
        assertThat(plan.applyScript()).doesNotContain("mktemp").contains("pg_reload_conf()");
    }

    @Test
    void unknownNamesAndBadValuesFailBeforeAnythingChanges() {
        PostgresqlConf.Current fresh = PostgresqlConf.Current.parse(captured("conf-probe-fresh.json"));
        assertThatThrownBy(() -> new PostgresqlConf(settings("wal_levle", "replica"), null, 5432).plan(fresh, PLAIN))
                .hasMessage("PostgreSQL has no setting 'wal_levle'; did you mean 'wal_level'?");
        assertThatThrownBy(() -> new PostgresqlConf(settings("wal_level", "banana"), null, 5432).plan(fresh, PLAIN))
                .hasMessage("setting wal_level is one of minimal, replica, logical, not 'banana'");
        assertThatThrownBy(() -> new PostgresqlConf(settings("hot_standby", "perhaps"), null, 5432).plan(fresh, PLAIN))
                .hasMessage("setting hot_standby is on or off, not 'perhaps'");
        assertThatThrownBy(() -> new PostgresqlConf(settings("shared_buffers", "12 parsecs"), null, 5432).plan(fresh, PLAIN))
                .hasMessage("setting shared_buffers is a number in 8kB or with a unit, not '12 parsecs'");
        assertThatThrownBy(() -> new PostgresqlConf(settings("checkpoint_timeout", "5MB"), null, 5432).plan(fresh, PLAIN))
                .hasMessageStartingWith("setting checkpoint_timeout is a number");
        // Extension settings (with a dot) are not known before the extension loads: they pass.
        assertThat(new PostgresqlConf(settings("repmgr.some_option", "1"), null, 5432).plan(fresh, PLAIN).hasChanges()).isTrue();
    }

    @Test
    void valuesCompareInTheServersUnits() {
        assertThat(PostgresqlConf.toBase("256MB", "8kB")).isEqualTo(32768.0);
        assertThat(PostgresqlConf.toBase("5min", "s")).isEqualTo(300.0);
        assertThat(PostgresqlConf.toBase("300", "s")).isEqualTo(300.0);
        assertThat(PostgresqlConf.toBase("1GB", null)).isNull();
        PostgresqlConf.Setting timeout = new PostgresqlConf.Setting("checkpoint_timeout", "300", "s", "integer", List.of(), "sighup", false, null);
        assertThat(PostgresqlConf.matches(timeout, "5min")).isTrue();
        assertThat(PostgresqlConf.matches(timeout, "301s")).isFalse();
        PostgresqlConf.Setting hot = new PostgresqlConf.Setting("hot_standby", "on", null, "bool", List.of(), "postmaster", false, null);
        assertThat(PostgresqlConf.matches(hot, "true")).isTrue();
        assertThat(PostgresqlConf.matches(hot, "off")).isFalse();
    }

    // --- YAML

    @Test
    void yamlNamesAndArguments() {
        ModuleRegistry registry = ModuleRegistry.load();
        assertThat(registry.find("community.postgresql.postgresql_user")).containsInstanceOf(PostgresqlUser.Type.class);
        assertThat(registry.find("postgresql_db")).containsInstanceOf(PostgresqlDb.Type.class);
        assertThat(registry.find("postgresql_hba")).containsInstanceOf(PostgresqlHba.Type.class);
        assertThat(registry.find("postgresql_conf")).containsInstanceOf(PostgresqlConf.Type.class);

        PostgresqlUser user = (PostgresqlUser) new PostgresqlUser.Type().create(Args.of("postgresql_user",
                Map.of("name", "app", "password", Secret.of("pw"), "replication", true)));
        assertThat(user.password()).isEqualTo(Secret.of("pw"));
        assertThat(user.replication()).isTrue();
        assertThat(user.superuser()).isNull();
        assertThat(user.toString()).doesNotContain("password=pw");

        PostgresqlConf conf = (PostgresqlConf) new PostgresqlConf.Type().create(Args.of("postgresql_conf",
                Map.of("settings", Map.of("wal_log_hints", true, "max_wal_senders", 10))));
        assertThat(conf.settings()).containsEntry("wal_log_hints", "on").containsEntry("max_wal_senders", "10");

        PostgresqlHba hba = (PostgresqlHba) new PostgresqlHba.Type().create(Args.of("postgresql_hba", Map.of("entries",
                List.of(Map.of("type", "host", "database", "all", "user", "app", "address", "10.0.0.0/8", "method", "scram-sha-256")))));
        assertThat(hba.entries()).hasSize(1);
        // An address list is one line per address; a nested list (a role variable) is flattened.
        PostgresqlHba networks = (PostgresqlHba) new PostgresqlHba.Type().create(Args.of("postgresql_hba", Map.of("entries", List.of(
                List.of(Map.of("type", "host", "database", "all", "user", "all", "address", "10.9.0.0/16", "method", "reject")),
                Map.of("type", "host", "database", "all", "user", "all", "address", List.of("10.1.0.0/24", "10.2.0.0/24"), "method", "scram-sha-256"),
                Map.of("type", "host", "database", "all", "user", "all", "address", List.of(), "method", "md5"),
                List.of()))));
        assertThat(networks.entries()).extracting(PostgresqlHba.Entry::address).containsExactly("10.9.0.0/16", "10.1.0.0/24", "10.2.0.0/24");
        PostgresqlUser skip = (PostgresqlUser) new PostgresqlUser.Type().create(Args.of("postgresql_user", Map.of("name", "app", "on_standby", "skip")));
        assertThat(skip.skipOnStandby()).isTrue();
        assertThatThrownBy(() -> new PostgresqlHba.Type().create(Args.of("postgresql_hba", Map.of("entries",
                List.of(Map.of("type", "host", "databse", "all"))))))
                .isInstanceOf(InputException.class).hasMessageContaining("unknown key 'databse'");
        assertThatThrownBy(() -> new PostgresqlConf.Type().create(Args.of("postgresql_conf", Map.of("settings", Map.of("x", Secret.of("s"))))))
                .isInstanceOf(InputException.class).hasMessageContaining("is a secret");
    }
}
