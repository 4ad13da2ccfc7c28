package dev.rigger.roles;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rigger.core.error.InputException;
import dev.rigger.core.executor.PlaybookRun;
import dev.rigger.core.executor.RunEvent.HostResult;
import dev.rigger.core.executor.RunOptions;
import dev.rigger.core.executor.RunResult;
import dev.rigger.core.executor.Status;
import dev.rigger.core.loader.LoadedPlaybook;
import dev.rigger.core.loader.LoaderOptions;
import dev.rigger.core.loader.PlaybookLoader;
import dev.rigger.core.loader.Preflight;
import dev.rigger.core.module.ModuleRegistry;
import dev.rigger.testing.Lab;
import dev.rigger.testing.LabHosts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The postgresql role on one lab host, from the roles jar as a playbook names it: check mode on the
 * fresh host changes nothing, the converge gives a server with the settings live (restarted once for
 * them), pg_hba letting the app network in with its SCRAM password, the user and database; a second
 * run changes nothing, reads each thing once and does not restart PostgreSQL; on a standby the users
 * and databases are left alone.
 */
@LabHosts({"pg1"})
class PostgresqlRoleIT {
    private static final String H = "pg1";
    private static final String APP_PASSWORD = "app pw 'with' quotes";

    @TempDir
    Path dir;

    private static String site(String subnet, String extraUser) {
        return """
                - hosts: pg1
                  vars:
                    postgresql_app_networks: [%s]
                    postgresql_replication_networks: [%s]
                    postgresql_settings:
                      work_mem: 8MB
                    postgresql_users:
                      - {name: app, password: !secret "%s", createdb: true}
                      - {name: repmgr, password: !secret "repmgr-pw", superuser: true, replication: true}%s
                    postgresql_databases:
                      - {name: app, owner: app, encoding: UTF8}
                      - {name: repmgr, owner: repmgr}
                  roles: [postgresql]
                """.formatted(subnet, subnet, APP_PASSWORD.replace("\"", "\\\""), extraUser);
    }

    private LoadedPlaybook load(Lab lab, String yaml) throws IOException {
        Files.writeString(dir.resolve("site.yml"), yaml);
        LoadedPlaybook loaded = new PlaybookLoader(ModuleRegistry.load(), LoaderOptions.builder().displayRoot(dir).build()).load(dir.resolve("site.yml"));
        List<InputException> problems = Preflight.check(loaded, lab.inventory(), Map.of());
        assertThat(problems).extracting(InputException::oneLine).isEmpty();
        return loaded;
    }

    private static RunResult run(Lab lab, LoadedPlaybook site, boolean check) {
        long start = System.nanoTime();
        RunResult r = PlaybookRun.of(site.playbook()).inventory(lab.inventory()).options(RunOptions.builder().checkMode(check).build()).execute();
        System.out.printf("postgresql role %s: %d ms, changed=%d%n", check ? "check" : "run", (System.nanoTime() - start) / 1_000_000,
                r.recap().totalChanged());
        for (HostResult h : r.hostResults()) {
            if (h.status() == Status.FAILED) System.out.println("FAILED " + h.task() + ": " + h.message());
        }
        return r;
    }

    /** Loop items a result stands for (a loop reports once, its execs summed over the items), else 1. */
    private static int items(HostResult r) {
        return r.registered().get("results") instanceof List<?> results ? results.size() : 1;
    }

    private static String sql(Lab lab, String query) {
        return lab.shell(H, "cd / && runuser -u postgres -- psql -X -At -c \"" + query + "\"").strip();
    }

    @Test
    void convergesIdempotentlyWithoutRestartingAndLeavesAStandbyAlone(Lab lab) throws IOException {
        LoadedPlaybook site = load(lab, site(lab.subnet(), ""));

        // Check mode on a fresh host: every task predicts, none fails, nothing is installed or written.
        RunResult dry = run(lab, site, true);
        assertThat(dry.exitCode()).isZero();
        assertThat(dry.result(H, "PostgreSQL is installed").orElseThrow().status()).isEqualTo(Status.CHANGED);
        assertThat(dry.result(H, "server settings").orElseThrow().message()).isEqualTo("would change (after pending change)");
        assertThat(dry.result(H, "client authentication (pg_hba.conf)").orElseThrow().status()).isEqualTo(Status.CHANGED);
        assertThat(lab.exec(H, "dpkg", "-s", "postgresql-15").exitCode()).as("check mode installs nothing").isNotZero();
        assertThat(lab.exec(H, "test", "-e", "/etc/postgresql").exitCode()).isNotZero();

        RunResult first = run(lab, site, false);
        assertThat(first.exitCode()).isZero();
        assertThat(first.hostResults()).allSatisfy(r -> assertThat(r.execs()).as(r.task()).isLessThanOrEqualTo(2 * items(r)));
        assertThat(first.result(H, "a restart is pending").orElseThrow().status()).isEqualTo(Status.CHANGED);
        assertThat(first.result(H, "restart postgresql").orElseThrow().status()).isEqualTo(Status.CHANGED);
        assertThat(sql(lab, "SELECT count(*) FROM pg_settings WHERE pending_restart")).as("the restart applied them").isEqualTo("0");
        assertThat(sql(lab, "SELECT current_setting('listen_addresses'), current_setting('wal_log_hints'), current_setting('work_mem'), "
                + "current_setting('max_replication_slots')")).isEqualTo("*|on|8MB|10");
        assertThat(sql(lab, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'app'")).isEqualTo("app");
        assertThat(sql(lab, "SELECT rolsuper, rolreplication FROM pg_roles WHERE rolname = 'repmgr'")).isEqualTo("t|t");

        // The app connects over the network (the host's lab address, allowed by postgresql_app_networks) with its password.
        String ip = lab.host(H).ip();
        Lab.LabExec login = lab.exec(H, "env", "PGPASSWORD=" + APP_PASSWORD, "psql", "-X", "-At", "-h", ip, "-U", "app", "-d", "app",
                "-c", "SELECT current_user");
        assertThat(login.exitCode()).as(login.stderr()).isZero();
        Lab.LabExec wrong = lab.exec(H, "env", "PGPASSWORD=nope", "psql", "-X", "-At", "-h", ip, "-U", "app", "-d", "app", "-c", "SELECT 1");
        assertThat(wrong.stderr()).contains("password authentication failed");
        String hba = lab.shell(H, "cat /etc/postgresql/15/main/pg_hba.conf");
        assertThat(hba).contains("host    replication     repmgr          " + lab.subnet());

        // A re-run: nothing changes, one exec per task, and PostgreSQL is not restarted.
        String startedAt = sql(lab, "SELECT pg_postmaster_start_time()");
        RunResult second = run(lab, site, false);
        assertThat(second.exitCode()).isZero();
        assertThat(second.recap().totalChanged()).isZero();
        assertThat(second.resultsOf("restart postgresql")).isEmpty();
        // Batched probes (the default): the task that took a batch counts its exec, the tasks it served none.
        boolean batched = RunOptions.builder().build().batchProbes();
        assertThat(second.hostResults()).allSatisfy(r -> {
            assertThat(r.status()).as(r.task()).isIn(Status.OK, Status.SKIPPED);
            // debug runs on the controller; every other task reads its host once (per loop item).
            int expected = r.task().equals("a restart is pending") || r.status() == Status.SKIPPED ? 0 : items(r);
            assertThat(r.execs()).as(r.task() + " " + r.item()).isBetween(batched ? 0 : expected, expected);
        });
        assertThat(sql(lab, "SELECT pg_postmaster_start_time()")).as("not restarted by the re-run").isEqualTo(startedAt);

        // A standby (here: the same server put in recovery with standby.signal) has its users from the
        // primary: a user added to the list is not created there and the run still passes.
        lab.shell(H, "touch /var/lib/postgresql/15/main/standby.signal && chown postgres: /var/lib/postgresql/15/main/standby.signal "
                + "&& systemctl restart postgresql@15-main");
        lab.await("the server accepts read-only connections in recovery", java.time.Duration.ofSeconds(30),
                () -> lab.exec(H, "sh", "-c", "cd / && runuser -u postgres -- psql -X -At -c 'SELECT pg_is_in_recovery()'").stdout().strip().equals("t"));
        String standbyStart = sql(lab, "SELECT pg_postmaster_start_time()");
        RunResult onStandby = run(lab, load(lab, site(lab.subnet(), "\n      - {name: reports, password: !secret \"r\"}")), false);
        assertThat(onStandby.exitCode()).isZero();
        assertThat(onStandby.recap().totalChanged()).isZero();
        assertThat(onStandby.result(H, "users").orElseThrow().status()).isEqualTo(Status.OK);
        assertThat(sql(lab, "SELECT count(*) FROM pg_roles WHERE rolname = 'reports'")).isEqualTo("0");
        assertThat(sql(lab, "SELECT pg_postmaster_start_time()")).isEqualTo(standbyStart);
    }
}
