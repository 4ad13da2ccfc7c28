package dev.rigger.modules.postgresql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rigger.core.executor.Play;
import dev.rigger.core.executor.Playbook;
import dev.rigger.core.executor.PlaybookRun;
import dev.rigger.core.executor.RunEvent.HostResult;
import dev.rigger.core.executor.RunOptions;
import dev.rigger.core.executor.Status;
import dev.rigger.core.executor.Task;
import dev.rigger.core.module.Change;
import dev.rigger.core.module.Module;
import dev.rigger.core.secret.Secret;
import dev.rigger.core.transport.Connection;
import dev.rigger.core.transport.Connections;
import dev.rigger.core.transport.ExecRequest;
import dev.rigger.core.transport.ExecResult;
import dev.rigger.modules.apt.AptPackage;
import dev.rigger.testing.Lab;
import dev.rigger.testing.LabHosts;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The PostgreSQL modules against a real PostgreSQL 15 from Debian on one lab host, in order: install,
 * then users, databases, pg_hba and settings, each created, re-run unchanged with one exec, and
 * checked from the host itself (a password login over TCP, pg_settings, the files).
 */
@LabHosts({"pg1"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresqlIT {
    private static final String H = "pg1";
    private static final Secret APP_PASSWORD = Secret.of("s3cret-'quoted\" pw");
    private static final Secret NEW_PASSWORD = Secret.of("another one");
    private static final String CONF = "/etc/postgresql/15/main/conf.d/rigger.conf";
    private static final String HBA = "/etc/postgresql/15/main/pg_hba.conf";

    /** Runs the modules as tasks in one play; every request sent is kept in {@code sent}. */
    private static List<HostResult> run(Lab lab, boolean check, boolean diff, List<ExecRequest> sent, Module<?>... modules) {
        Play.Builder play = Play.builder(H).gatherFacts(false);
        for (int i = 0; i < modules.length; i++) play.task(Task.named("task " + (i + 1)).module(modules[i]).build());
        return PlaybookRun.of(Playbook.of(play.build()))
                .inventory(lab.inventory())
                .options(RunOptions.builder().checkMode(check).diffMode(diff).build())
                .connector(name -> new Recording(Connections.open(lab.host(name).settings()), sent))
                .execute().hostResults();
    }

    private static HostResult apply(Lab lab, Module<?> module) {
        return run(lab, false, false, new CopyOnWriteArrayList<>(), module).get(0);
    }

    private static HostResult expect(HostResult r, Status status, int execs) {
        assertThat(r.status()).as("status of %s: %s", r.task(), r.message()).isEqualTo(status);
        assertThat(r.execs()).as("execs of %s", r.task()).isEqualTo(execs);
        return r;
    }

    private static List<String> changes(HostResult r) {
        return r.changes().stream().map(Change::summary).toList();
    }

    private static String sql(Lab lab, String query) {
        return lab.shell(H, "cd / && runuser -u postgres -- psql -X -At -c \"" + query + "\"").strip();
    }

    /** A password login over TCP to 127.0.0.1, the password in the environment (never argv). */
    private static Lab.LabExec login(Lab lab, String user, Secret password, String db) {
        return lab.exec(H, "env", "PGPASSWORD=" + password.reveal(), "psql", "-X", "-At", "-h", "127.0.0.1", "-U", user, "-d", db,
                "-c", "SELECT current_user");
    }

    @Test
    @Order(1)
    void installsPostgresqlAndChecksInCheckModeBeforeIt(Lab lab) {
        long start = System.nanoTime();
        // Check mode on a host without PostgreSQL: the user task cannot be probed and says it would change after the install.
        List<HostResult> checked = run(lab, true, false, new CopyOnWriteArrayList<>(),
                AptPackage.builder("postgresql-15").updateCache(true).build(), PostgresqlUser.named("app").password(APP_PASSWORD).build());
        assertThat(checked.get(0).status()).isEqualTo(Status.CHANGED);
        assertThat(checked.get(1).status()).as(checked.get(1).message()).isEqualTo(Status.CHANGED);
        assertThat(lab.exec(H, "test", "-e", "/usr/bin/psql").exitCode()).as("check mode installs nothing").isNotZero();

        expect(apply(lab, AptPackage.builder("postgresql-15").updateCache(true).build()), Status.CHANGED, 2);
        assertThat(lab.shell(H, "systemctl is-active postgresql@15-main").strip()).isEqualTo("active");
        System.out.printf("postgresql-15 installed in %d ms%n", (System.nanoTime() - start) / 1_000_000);
    }

    @Test
    @Order(2)
    void userWithScramPasswordIsIdempotentAndLogsIn(Lab lab) {
        PostgresqlUser app = PostgresqlUser.named("app").password(APP_PASSWORD).createdb(true).build();
        HostResult checked = expect(run(lab, true, true, new CopyOnWriteArrayList<>(), app).get(0), Status.CHANGED, 1);
        assertThat(changes(checked)).containsExactly("create role app (login=true, createdb=true)");
        assertThat(checked.changes().get(0).diff()).contains("password: ********").doesNotContain(APP_PASSWORD.reveal());
        assertThat(sql(lab, "SELECT count(*) FROM pg_roles WHERE rolname = 'app'")).as("check mode creates nothing").isEqualTo("0");

        List<ExecRequest> sent = new CopyOnWriteArrayList<>();
        expect(run(lab, false, false, sent, app).get(0), Status.CHANGED, 2);
        for (ExecRequest r : sent) {
            assertThat(r.script()).as("the script never holds the password or its verifier").doesNotContain(APP_PASSWORD.reveal()).doesNotContain("SCRAM-SHA-256$");
        }
        String stdin = new String(sent.get(1).stdin(), StandardCharsets.UTF_8);
        assertThat(stdin).as("the server gets a verifier made in Java, not the password").contains("SCRAM-SHA-256$4096:")
                .doesNotContain(APP_PASSWORD.reveal());
        assertThat(sql(lab, "SELECT rolcanlogin, rolcreatedb, rolsuper FROM pg_roles WHERE rolname = 'app'")).isEqualTo("t|t|f");
        assertThat(sql(lab, "SELECT rolpassword FROM pg_authid WHERE rolname = 'app'")).startsWith("SCRAM-SHA-256$4096:");

        Lab.LabExec ok = login(lab, "app", APP_PASSWORD, "postgres");
        assertThat(ok.exitCode()).as(ok.stderr()).isZero();
        assertThat(ok.stdout().strip()).isEqualTo("app");
        assertThat(login(lab, "app", NEW_PASSWORD, "postgres").stderr()).contains("password authentication failed");

        // The pitfall of community.postgresql#301: the same SCRAM password again is ok, in one exec.
        expect(apply(lab, app), Status.OK, 1);

        PostgresqlUser changed = PostgresqlUser.named("app").password(NEW_PASSWORD).createdb(true).build();
        assertThat(changes(expect(apply(lab, changed), Status.CHANGED, 2))).containsExactly("change the password of role app");
        assertThat(login(lab, "app", NEW_PASSWORD, "postgres").exitCode()).isZero();
        assertThat(login(lab, "app", APP_PASSWORD, "postgres").exitCode()).isNotZero();
        expect(apply(lab, changed), Status.OK, 1);

        // A password stored the md5 way (by an older tool) is stored again as SCRAM, and then stays.
        lab.shell(H, "cd / && printf \"SET password_encryption = 'md5';\\nALTER ROLE app PASSWORD 'another one';\\n\" | runuser -u postgres -- psql -X -q");
        assertThat(sql(lab, "SELECT rolpassword FROM pg_authid WHERE rolname = 'app'")).startsWith("md5");
        assertThat(changes(expect(apply(lab, changed), Status.CHANGED, 2))).containsExactly("store the password of role app as SCRAM-SHA-256 (it is an md5 hash)");
        assertThat(sql(lab, "SELECT rolpassword FROM pg_authid WHERE rolname = 'app'")).startsWith("SCRAM-SHA-256$");
        assertThat(login(lab, "app", NEW_PASSWORD, "postgres").exitCode()).isZero();

        // Attributes change alone; a role without a password task keeps its password.
        PostgresqlUser repl = PostgresqlUser.named("repmgr").password(APP_PASSWORD).superuser(true).replication(true).build();
        expect(apply(lab, repl), Status.CHANGED, 2);
        expect(apply(lab, repl), Status.OK, 1);
        PostgresqlUser noSuper = PostgresqlUser.named("repmgr").superuser(false).build();
        assertThat(changes(expect(apply(lab, noSuper), Status.CHANGED, 2))).containsExactly("alter role repmgr (superuser=false)");
        assertThat(sql(lab, "SELECT rolsuper, rolreplication FROM pg_roles WHERE rolname = 'repmgr'")).isEqualTo("f|t");
        assertThat(login(lab, "repmgr", APP_PASSWORD, "postgres").exitCode()).isZero();

        expect(apply(lab, PostgresqlUser.named("repmgr").absent().build()), Status.CHANGED, 2);
        assertThat(sql(lab, "SELECT count(*) FROM pg_roles WHERE rolname = 'repmgr'")).isEqualTo("0");
        expect(apply(lab, PostgresqlUser.named("repmgr").absent().build()), Status.OK, 1);
    }

    @Test
    @Order(3)
    void databaseWithOwnerAndEncoding(Lab lab) {
        PostgresqlDb db = PostgresqlDb.named("app").owner("app").encoding("UTF8").lcCollate("C.UTF-8").lcCtype("C.UTF-8").build();
        expect(run(lab, true, false, new CopyOnWriteArrayList<>(), db).get(0), Status.CHANGED, 1);
        assertThat(sql(lab, "SELECT count(*) FROM pg_database WHERE datname = 'app'")).isEqualTo("0");
        assertThat(changes(expect(apply(lab, db), Status.CHANGED, 2))).containsExactly("create database app owned by app");
        assertThat(sql(lab, "SELECT pg_get_userbyid(datdba), pg_encoding_to_char(encoding), datcollate FROM pg_database WHERE datname = 'app'"))
                .isEqualTo("app|UTF8|C.UTF-8");
        expect(apply(lab, db), Status.OK, 1);

        lab.shell(H, "cd / && runuser -u postgres -- psql -X -q -c 'ALTER DATABASE app OWNER TO postgres'");
        assertThat(changes(expect(apply(lab, db), Status.CHANGED, 2))).containsExactly("change the owner of database app: postgres → app");
        expect(apply(lab, db), Status.OK, 1);

        HostResult wrong = expect(apply(lab, PostgresqlDb.named("app").encoding("LATIN1").build()), Status.FAILED, 1);
        assertThat(wrong.message()).contains("exists with encoding UTF8, not LATIN1");

        expect(apply(lab, PostgresqlDb.named("scratch").build()), Status.CHANGED, 2);
        expect(apply(lab, PostgresqlDb.named("scratch").absent().build()), Status.CHANGED, 2);
        expect(apply(lab, PostgresqlDb.named("scratch").absent().build()), Status.OK, 1);
        assertThat(sql(lab, "SELECT count(*) FROM pg_database WHERE datname = 'scratch'")).isEqualTo("0");
    }

    @Test
    @Order(4)
    void hbaBlockGoesFirstKeepsOrderAndRefusedFileIsRolledBack(Lab lab) {
        // Debian's "host all all 127.0.0.1/32 scram-sha-256" would let app in with a password; the block
        // rejects app on app's database from 127.0.0.1 first, which only works when the block comes first.
        PostgresqlHba hba = new PostgresqlHba(List.of(
                new PostgresqlHba.Entry("host", "app", "app", "127.0.0.1/32", "reject", null),
                PostgresqlHba.Entry.host("all", "app", "127.0.0.1/32", "scram-sha-256"),
                PostgresqlHba.Entry.host("replication", "repmgr", "10.0.0.0/8", "scram-sha-256")), true, null, true, 5432);
        String before = lab.shell(H, "cat " + HBA);
        HostResult checked = expect(run(lab, true, true, new CopyOnWriteArrayList<>(), hba).get(0), Status.CHANGED, 1);
        assertThat(checked.changes().get(0).diff()).contains("+host    app             app             127.0.0.1/32            reject");
        assertThat(lab.shell(H, "cat " + HBA)).isEqualTo(before);
        assertThat(login(lab, "app", NEW_PASSWORD, "app").exitCode()).isZero();

        expect(apply(lab, hba), Status.CHANGED, 2);
        assertThat(login(lab, "app", NEW_PASSWORD, "app").stderr()).contains("rejects connection");
        assertThat(login(lab, "app", NEW_PASSWORD, "postgres").exitCode()).as("the second entry lets app into other databases").isZero();
        String after = lab.shell(H, "cat " + HBA);
        assertThat(after.indexOf("# BEGIN RIGGER MANAGED BLOCK")).isLessThan(after.indexOf("# DO NOT DISABLE!"));
        assertThat(lab.shell(H, "stat -c '%a %U' " + HBA).strip()).isEqualTo("640 postgres");
        expect(apply(lab, hba), Status.OK, 1);

        // A block moved below Debian's entries (by hand) is moved back: first-match order is the state.
        lab.shell(H, "f=" + HBA + "; sed -n '/# BEGIN RIGGER/,/# END RIGGER/p' $f > /tmp/block; sed -i '/# BEGIN RIGGER/,/# END RIGGER/d' $f; cat /tmp/block >> $f");
        assertThat(changes(expect(apply(lab, hba), Status.CHANGED, 2))).containsExactly("update 3 entries in " + HBA);
        assertThat(lab.shell(H, "cat " + HBA)).isEqualTo(after);

        // An entry PostgreSQL cannot parse (an unknown method) fails the task and leaves the old file in force.
        PostgresqlHba bad = new PostgresqlHba(List.of(PostgresqlHba.Entry.host("all", "all", "10.1.0.0/16", "scram-sha-512")), true, null, true, 5432);
        HostResult refused = expect(apply(lab, bad), Status.FAILED, 2);
        assertThat(refused.message()).contains("PostgreSQL cannot parse the new").contains("scram-sha-512");
        assertThat(lab.shell(H, "cat " + HBA)).isEqualTo(after);
        assertThat(login(lab, "app", NEW_PASSWORD, "postgres").exitCode()).isZero();

        expect(apply(lab, new PostgresqlHba(List.of(), true, null, false, 5432)), Status.CHANGED, 2);
        assertThat(lab.shell(H, "cat " + HBA)).isEqualTo(before);
        assertThat(login(lab, "app", NEW_PASSWORD, "app").exitCode()).isZero();
    }

    @Test
    @Order(5)
    void settingsReloadAndRestartIsReportedNotPretended(Lab lab) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("work_mem", "8MB");
        settings.put("listen_addresses", "*");
        settings.put("wal_level", "replica");
        settings.put("max_wal_senders", "12");
        settings.put("wal_log_hints", "on");
        PostgresqlConf conf = new PostgresqlConf(settings, null, 5432);
        String startedAt = sql(lab, "SELECT pg_postmaster_start_time()");

        HostResult checked = expect(run(lab, true, true, new CopyOnWriteArrayList<>(), conf).get(0), Status.CHANGED, 1);
        assertThat(changes(checked)).containsExactly("write 5 settings to " + CONF
                + " and reload (listen_addresses, max_wal_senders, wal_log_hints then need a restart)");
        assertThat(lab.exec(H, "test", "-e", CONF).exitCode()).isNotZero();

        HostResult applied = expect(apply(lab, conf), Status.CHANGED, 2);
        assertThat(sql(lab, "SHOW work_mem")).as("reloaded: a reloadable setting is live").isEqualTo("8MB");
        assertThat(sql(lab, "SHOW max_wal_senders")).as("a postmaster setting waits for the restart").isEqualTo("10");
        assertThat(applied.registered().get("restart_required")).isEqualTo(List.of("listen_addresses", "max_wal_senders", "wal_log_hints"));
        assertThat(sql(lab, "SELECT pg_postmaster_start_time()")).as("the module never restarts").isEqualTo(startedAt);

        HostResult again = expect(apply(lab, conf), Status.OK, 1);
        assertThat(again.registered().get("restart_required")).as("still pending on a re-run").isEqualTo(List.of("listen_addresses", "max_wal_senders", "wal_log_hints"));

        lab.shell(H, "systemctl restart postgresql@15-main");
        HostResult restarted = expect(apply(lab, conf), Status.OK, 1);
        assertThat(restarted.registered().get("restart_required")).isEqualTo(List.of());
        assertThat(sql(lab, "SHOW max_wal_senders")).isEqualTo("12");

        // Same value in other units is equal; a value changed by hand in the file is put back.
        Map<String, String> units = new LinkedHashMap<>(settings);
        units.put("work_mem", "8192kB");
        expect(apply(lab, new PostgresqlConf(units, null, 5432)), Status.CHANGED, 2);
        expect(apply(lab, new PostgresqlConf(units, null, 5432)), Status.OK, 1);
        lab.shell(H, "sed -i \"s/work_mem = .*/work_mem = '4MB'/\" " + CONF + " && runuser -u postgres -- psql -X -q -c 'SELECT pg_reload_conf()' >/dev/null && sleep 0.5");
        assertThat(sql(lab, "SHOW work_mem")).isEqualTo("4MB");
        expect(apply(lab, new PostgresqlConf(units, null, 5432)), Status.CHANGED, 2);
        assertThat(sql(lab, "SHOW work_mem")).isEqualTo("8MB");

        // ALTER SYSTEM (postgresql.auto.conf) wins over conf.d: no reload can fix that, so the task says so.
        lab.shell(H, "cd / && runuser -u postgres -- psql -X -q -c \"ALTER SYSTEM SET work_mem = '2MB'\" -c 'SELECT pg_reload_conf()' >/dev/null && sleep 0.5");
        HostResult overridden = expect(apply(lab, new PostgresqlConf(units, null, 5432)), Status.FAILED, 1);
        assertThat(overridden.message()).contains("postgresql.auto.conf").contains("ALTER SYSTEM RESET work_mem");
        lab.shell(H, "cd / && runuser -u postgres -- psql -X -q -c 'ALTER SYSTEM RESET work_mem' -c 'SELECT pg_reload_conf()' >/dev/null && sleep 0.5");
        expect(apply(lab, new PostgresqlConf(units, null, 5432)), Status.OK, 1);

        // Names and values are checked against the server before anything changes.
        String file = lab.shell(H, "cat " + CONF);
        HostResult typo = expect(apply(lab, new PostgresqlConf(Map.of("wal_levle", "replica"), null, 5432)), Status.FAILED, 1);
        assertThat(typo.message()).isEqualTo("PostgreSQL has no setting 'wal_levle'; did you mean 'wal_level'?");
        HostResult badValue = expect(apply(lab, new PostgresqlConf(Map.of("wal_level", "banana"), null, 5432)), Status.FAILED, 1);
        assertThat(badValue.message()).isEqualTo("setting wal_level is one of minimal, replica, logical, not 'banana'");
        assertThat(lab.shell(H, "cat " + CONF)).isEqualTo(file);
    }

    /** Passes requests through and keeps each one for assertions. */
    private record Recording(Connection delegate, List<ExecRequest> sent) implements Connection {
        @Override public String hostName() { return delegate.hostName(); }
        @Override public long execCount() { return delegate.execCount(); }
        @Override public void close() { delegate.close(); }

        @Override
        public ExecResult exec(ExecRequest request) {
            sent.add(request);
            return delegate.exec(request);
        }
    }
}
