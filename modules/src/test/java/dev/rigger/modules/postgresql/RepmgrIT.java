package dev.rigger.modules.postgresql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rigger.core.executor.Play;
import dev.rigger.core.executor.Playbook;
import dev.rigger.core.executor.PlaybookRun;
import dev.rigger.core.executor.RunEvent.HostResult;
import dev.rigger.core.executor.RunOptions;
import dev.rigger.core.executor.Status;
import dev.rigger.core.executor.Task;
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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@link Repmgr} against PostgreSQL 15 and repmgr 5.3 from Debian on two lab hosts, in order:
 * build primary + standby, replicate, re-run unchanged, a manual promotion that a re-run does not
 * undo, the old primary rejoined from its stopped state, then an automatic failover by repmgrd
 * after the primary host stops, and the old primary (booted as a second primary) rejoined.
 * Every run's exec count is asserted: unchanged 1, changed 2.
 */
@LabHosts({"pg1", "pg2"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RepmgrIT {
    /** Escaping matters: ':' and '\' are special in .pgpass, the quote in SQL. */
    private static final String PASSWORD = "Pa:ss\\w0'rd";
    private static final List<ExecRequest> SENT = new CopyOnWriteArrayList<>();

    private static String conninfo(Lab lab, String host) {
        return "host=" + lab.host(host).ip() + " user=repmgr dbname=repmgr connect_timeout=2";
    }

    private static Repmgr pg1(Lab lab) {
        return Repmgr.node(1, "pg1", Repmgr.Role.PRIMARY, conninfo(lab, "pg1")).peers(List.of(conninfo(lab, "pg2")))
                .password(Secret.of(PASSWORD)).reconnectAttempts(3).reconnectInterval(2).monitorIntervalSecs(2).build();
    }

    private static Repmgr pg2(Lab lab) {
        return Repmgr.node(2, "pg2", Repmgr.Role.STANDBY, conninfo(lab, "pg2")).peers(List.of(conninfo(lab, "pg1")))
                .password(Secret.of(PASSWORD)).reconnectAttempts(3).reconnectInterval(2).monitorIntervalSecs(2).build();
    }

    private static HostResult run(Lab lab, String host, boolean check, Module<?> module) {
        Play play = Play.builder(host).gatherFacts(false).task(Task.named("task").module(module).build()).build();
        var result = PlaybookRun.of(Playbook.of(play)).inventory(lab.inventory())
                .options(RunOptions.builder().checkMode(check).build())
                .connector(name -> new Recording(Connections.open(lab.host(name).settings())))
                .execute();
        return result.hostResults().stream().filter(r -> r.host().equals(host)).findFirst().orElseThrow();
    }

    private static HostResult expect(HostResult r, Status status, int execs) {
        assertThat(r.status()).as("status on %s: %s", r.host(), r.message()).isEqualTo(status);
        assertThat(r.execs()).as("execs on %s", r.host()).isEqualTo(execs);
        return r;
    }

    private static String sql(Lab lab, String host, String sql) {
        return lab.shell(host, "runuser -u postgres -- psql -XAtq -d repmgr -c \"" + sql + "\"").strip();
    }

    private static boolean inRecovery(Lab lab, String host) {
        return sql(lab, host, "select pg_is_in_recovery()").equals("t");
    }

    private static String rows(Lab lab, String host) {
        return sql(lab, host, "select string_agg(v, ',' order by id) from t");
    }

    @Test
    @Order(1)
    void installAndPreparePostgresql(Lab lab) {
        long t0 = System.nanoTime();
        Play install = Play.builder("all").gatherFacts(false).task(Task.named("install")
                .module(AptPackage.builder("postgresql-15", "postgresql-15-repmgr").installRecommends(false).updateCache(true).build()).build()).build();
        var installed = PlaybookRun.of(Playbook.of(install)).inventory(lab.inventory()).execute();
        assertThat(installed.hostResults()).hasSize(2).allSatisfy(r -> assertThat(r.status()).as(r.message()).isEqualTo(Status.CHANGED));
        for (String h : List.of("pg1", "pg2")) {
            // What the postgresql modules or role do; this test is about repmgr.
            lab.shell(h, "printf '%s\\n' \"listen_addresses = '*'\" \"shared_preload_libraries = 'repmgr'\" 'wal_log_hints = on'"
                    + " > /etc/postgresql/15/main/conf.d/replication.conf"
                    + " && printf '%s\\n' 'host repmgr repmgr 0.0.0.0/0 scram-sha-256' 'host replication repmgr 0.0.0.0/0 scram-sha-256'"
                    + " >> /etc/postgresql/15/main/pg_hba.conf");
        }
        lab.shell("pg1", "systemctl restart postgresql@15-main");
        assertThat(lab.exec("pg1", "runuser", "-u", "postgres", "--", "psql", "-XAtq",
                "-c", "create user repmgr superuser password '" + PASSWORD.replace("'", "''") + "'",
                "-c", "create database repmgr owner repmgr").exitCode()).isZero();
        // The standby's data directory is empty, as a standby's is before its clone (Debian made a cluster there).
        lab.shell("pg2", "systemctl stop postgresql@15-main && rm -rf /var/lib/postgresql/15/main/*");
        System.out.printf("RepmgrIT: install and prepare %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    @Test
    @Order(2)
    void checkModePredictsAndTouchesNothing(Lab lab) {
        HostResult r = expect(run(lab, "pg2", true, pg2(lab)), Status.CHANGED, 1);
        assertThat(r.changes().stream().map(c -> c.summary()))
                .contains("clone pg2 from the current primary and register it as standby");
        assertThat(lab.exec("pg2", "test", "-e", "/etc/repmgr.conf").exitCode()).isNotZero();
        assertThat(lab.exec("pg2", "test", "-e", "/var/lib/postgresql/.pgpass").exitCode()).isNotZero();
    }

    @Test
    @Order(3)
    void buildsPrimaryAndStandbyThatReplicate(Lab lab) {
        long t0 = System.nanoTime();
        expect(run(lab, "pg1", false, pg1(lab)), Status.CHANGED, 2);
        long t1 = System.nanoTime();
        HostResult standby = expect(run(lab, "pg2", false, pg2(lab)), Status.CHANGED, 2);
        System.out.printf("RepmgrIT: primary %.1f s, standby clone %.1f s%n", (t1 - t0) / 1e9, (System.nanoTime() - t1) / 1e9);
        assertThat(standby.message()).contains("cloned from host=" + lab.host("pg1").ip());
        assertThat(inRecovery(lab, "pg1")).isFalse();
        assertThat(inRecovery(lab, "pg2")).isTrue();
        assertThat(lab.shell("pg2", "runuser -u postgres -- repmgr -f /etc/repmgr.conf cluster show --csv").strip())
                .isEqualTo("1,0,0\n2,0,1");
        assertThat(lab.shell("pg2", "stat -c '%a %U' /var/lib/postgresql/.pgpass").strip()).isEqualTo("600 postgres");
        for (String h : List.of("pg1", "pg2")) {
            assertThat(lab.shell(h, "pgrep -x repmgrd | wc -l").strip()).as("one repmgrd on %s", h).isEqualTo("1");
        }

        sql(lab, "pg1", "create table t (id int primary key, v text); insert into t values (1, 'first')");
        lab.await("the row replicated to pg2", Duration.ofSeconds(20), () -> rows(lab, "pg2").equals("first"));
        // The password went on stdin only: never in a script (which a process listing or a log could show).
        assertThat(SENT).allSatisfy(req -> assertThat(req.script()).doesNotContain("Pa:ss"));
    }

    @Test
    @Order(4)
    void secondRunChangesNothingInOneExec(Lab lab) {
        String started = sql(lab, "pg1", "select pg_postmaster_start_time()");
        expect(run(lab, "pg1", false, pg1(lab)), Status.OK, 1);
        expect(run(lab, "pg2", false, pg2(lab)), Status.OK, 1);
        assertThat(sql(lab, "pg1", "select pg_postmaster_start_time()")).isEqualTo(started);
    }

    @Test
    @Order(5)
    void aManualPromotionIsNotUndoneAndTheStoppedOldPrimaryRejoins(Lab lab) {
        // repmgrd must not race the manual promotion.
        lab.shell("pg1", "runuser -u postgres -- repmgr -f /etc/repmgr.conf service pause");
        lab.shell("pg1", "systemctl stop postgresql@15-main");
        lab.shell("pg2", "runuser -u postgres -- repmgr -f /etc/repmgr.conf standby promote");
        try {
            promotedByHandIsKept(lab);
        } finally {
            // The next test needs repmgrd's automatic failover back, whatever happened here.
            lab.exec("pg2", "runuser", "-u", "postgres", "--", "repmgr", "-f", "/etc/repmgr.conf", "service", "unpause");
        }
    }

    private static void promotedByHandIsKept(Lab lab) {
        assertThat(inRecovery(lab, "pg2")).isFalse();

        HostResult kept = expect(run(lab, "pg2", false, pg2(lab)), Status.OK, 1);
        assertThat(kept.message()).contains("pg2 is the current primary").contains("not demoted");
        assertThat(inRecovery(lab, "pg2")).isFalse();
        sql(lab, "pg2", "insert into t values (2, 'after promote')");

        HostResult rejoined = expect(run(lab, "pg1", false, pg1(lab)), Status.CHANGED, 2);
        assertThat(rejoined.changes().get(0).summary()).startsWith("rejoin pg1 as standby of " + lab.host("pg2").ip());
        assertThat(inRecovery(lab, "pg1")).isTrue();
        lab.await("pg1 has the row written after the promotion", Duration.ofSeconds(20),
                () -> rows(lab, "pg1").equals("first,after promote"));

        HostResult standbyNow = expect(run(lab, "pg1", false, pg1(lab)), Status.OK, 1);
        assertThat(standbyNow.message()).contains("pg1 is a standby now").contains("not promoted back");
        expect(run(lab, "pg2", false, pg2(lab)), Status.OK, 1);
    }

    @Test
    @Order(6)
    void repmgrdFailsOverAndTheOldPrimaryBootedAsSecondPrimaryIsRejoined(Lab lab) {
        // Now pg2 is primary and pg1 its standby; stop pg2's whole host.
        sql(lab, "pg2", "insert into t values (3, 'before failover')");
        lab.await("pg1 has the row", Duration.ofSeconds(20), () -> rows(lab, "pg1").endsWith("before failover"));
        long t0 = System.nanoTime();
        lab.stop("pg2");
        lab.await("repmgrd promoted pg1", Duration.ofSeconds(90), () -> !inRecovery(lab, "pg1"));
        double failover = (System.nanoTime() - t0) / 1e9;
        System.out.printf("RepmgrIT: repmgrd promoted pg1 %.1f s after pg2 was stopped%n", failover);
        sql(lab, "pg1", "insert into t values (4, 'after failover')");

        lab.start("pg2");
        // Nothing fences it at the module level: Debian starts it as a primary (the pg-vip role fences it).
        lab.await("pg2 answers", Duration.ofSeconds(60), () -> lab.exec("pg2", "runuser", "-u", "postgres", "--", "pg_isready", "-q").exitCode() == 0);
        assertThat(inRecovery(lab, "pg2")).as("the old primary booted as a primary").isFalse();

        HostResult rejoined = expect(run(lab, "pg2", false, pg2(lab)), Status.CHANGED, 2);
        assertThat(rejoined.changes().get(0).summary()).startsWith("rejoin pg2 as standby of " + lab.host("pg1").ip());
        assertThat(inRecovery(lab, "pg2")).isTrue();
        lab.await("pg2 has every row, the one written after the failover too", Duration.ofSeconds(20),
                () -> rows(lab, "pg2").equals("first,after promote,before failover,after failover"));
        assertThat(lab.shell("pg1", "runuser -u postgres -- repmgr -f /etc/repmgr.conf cluster show --csv").strip())
                .isEqualTo("1,0,0\n2,0,1");

        expect(run(lab, "pg1", false, pg1(lab)), Status.OK, 1);
        expect(run(lab, "pg2", false, pg2(lab)), Status.OK, 1);
        assertThat(SENT).allSatisfy(req -> assertThat(req.script()).doesNotContain("Pa:ss"));
        assertThat(SENT).anySatisfy(req -> assertThat(req.stdin() == null ? "" : new String(req.stdin(), StandardCharsets.UTF_8))
                .contains("Pa\\:ss\\\\w0'rd"));
    }

    /** Passes requests through and remembers them, to check where the password travelled. */
    private record Recording(Connection delegate) implements Connection {
        @Override public String hostName() { return delegate.hostName(); }
        @Override public long execCount() { return delegate.execCount(); }
        @Override public void close() { delegate.close(); }

        @Override
        public ExecResult exec(ExecRequest request) {
            SENT.add(request);
            return delegate.exec(request);
        }
    }
}
