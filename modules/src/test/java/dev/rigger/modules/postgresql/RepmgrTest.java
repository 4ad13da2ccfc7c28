package dev.rigger.modules.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rigger.core.error.InputException;
import dev.rigger.core.module.Args;
import dev.rigger.core.module.Change;
import dev.rigger.core.module.ModuleContext;
import dev.rigger.core.module.ModuleException;
import dev.rigger.core.module.Plan;
import dev.rigger.core.secret.Secret;
import dev.rigger.core.transport.ExecResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Plan logic of {@link Repmgr} from probe outputs captured on real PostgreSQL 15 + repmgr 5.3.3
 * nodes (two lab containers, 172.31.77.11 and .12): after an automatic failover, with the old
 * primary back as a second primary, stopped, and a fresh standby without data or .pgpass.
 */
class RepmgrTest {
    private static final String PG1 = "host=172.31.77.11 user=repmgr dbname=repmgr connect_timeout=2";
    private static final String PG2 = "host=172.31.77.12 user=repmgr dbname=repmgr connect_timeout=2";
    /** The password the captured nodes' .pgpass holds (the probe saw only its salted hash). */
    private static final Secret PASSWORD = Secret.of("Sekr:et\\x");

    private static final ModuleContext CONTEXT = new ModuleContext() {
        @Override public String hostName() { return "pg"; }
        @Override public Map<String, Object> vars() { return Map.of(); }
        @Override public boolean checkMode() { return false; }
        @Override public boolean diffMode() { return false; }
        @Override public byte[] readLocalFile(String path, String kind) { throw new UnsupportedOperationException(); }
        @Override public RenderedTemplate renderTemplate(String name, String source) { throw new UnsupportedOperationException(); }
    };

    private static Repmgr pg1(Repmgr.Role role) {
        return Repmgr.node(1, "pg1", role, PG1).peers(List.of(PG2)).password(PASSWORD).reconnectAttempts(3).reconnectInterval(2).build();
    }

    private static Repmgr pg2(Repmgr.Role role) {
        return Repmgr.node(2, "pg2", role, PG2).peers(List.of(PG1)).password(PASSWORD).reconnectAttempts(3).reconnectInterval(2).build();
    }

    /** A captured probe output, with repmgr.conf and /etc/default/repmgrd as {@code module} writes them (a converged node). */
    private static Repmgr.Current converged(String capture, Repmgr module) {
        String text = capture(capture).lines()
                .map(l -> l.startsWith("conf\t") ? "conf\t" + b64(module.configText())
                        : l.startsWith("defaults\t") ? "defaults\t" + b64(module.defaultsText(decode(l.substring(9))))
                        : l.startsWith("sudoers\t") ? "sudoers\t" + b64(module.sudoersText()) : l)
                .collect(Collectors.joining("\n", "", "\n"));
        return Repmgr.Current.parse(new ExecResult(0, text, "", Duration.ZERO), 1);
    }

    private static Repmgr.Current raw(String capture) {
        return Repmgr.Current.parse(new ExecResult(0, capture(capture), "", Duration.ZERO), 1);
    }

    private static String capture(String name) {
        try (InputStream in = RepmgrTest.class.getResourceAsStream("/repmgr/" + name + ".txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String s) {
        return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
    }

    private static List<String> summaries(Plan plan) {
        return plan.changes().stream().map(Change::summary).toList();
    }

    @Test
    void aStandbyPromotedByRepmgrdStaysPrimaryAndIsReportedSo() {
        Repmgr spec = pg2(Repmgr.Role.STANDBY);
        Repmgr.Current c = converged("probe-pg2-after-failover", spec);
        Plan plan = spec.plan(c, CONTEXT);
        assertThat(plan.hasChanges()).isFalse();
        assertThat(plan.data().get("msg")).asString().contains("pg2 is the current primary").contains("not demoted");
    }

    @Test
    void aRejoinedOldPrimaryStaysStandbyAndIsNotPromotedBack() {
        Repmgr spec = pg1(Repmgr.Role.PRIMARY);
        Plan plan = spec.plan(converged("probe-pg1-after-failover", spec), CONTEXT);
        assertThat(plan.hasChanges()).isFalse();
        assertThat(plan.data().get("msg")).asString().contains("pg1 is a standby now").contains("not promoted back");
    }

    @Test
    void theSaltedPgpassHashOfTheRightPasswordMatchesAndAnotherPasswordIsAChange() {
        Repmgr.Current c = converged("probe-pg2-after-failover", pg2(Repmgr.Role.STANDBY));
        assertThat(c.pgpassHash()).isEqualTo(Repmgr.sha256(c.pgpassSalt() + "\n" + pg2(Repmgr.Role.STANDBY).pgpassLine()));
        Repmgr other = Repmgr.node(2, "pg2", Repmgr.Role.STANDBY, PG2).peers(List.of(PG1)).password(Secret.of("N3wPass"))
                .reconnectAttempts(3).reconnectInterval(2).build();
        Plan plan = other.plan(c, CONTEXT);
        assertThat(summaries(plan)).containsExactly("set the password of repmgr in ~postgres/.pgpass");
        assertThat(plan.applyScript()).doesNotContain("N3wPass");
        assertThat(new String(plan.applyInput().readAll(), StandardCharsets.UTF_8)).isEqualTo("*:*:*:repmgr:N3wPass\n");
    }

    @Test
    void anOldPrimaryRunningBesideANewerPrimaryIsRejoinedNotRegistered() {
        Repmgr spec = pg2(Repmgr.Role.STANDBY);
        Repmgr.Current c = converged("probe-pg2-old-primary-running", spec);
        Repmgr.Decision d = spec.decide(c);
        assertThat(d.action()).isEqualTo(Repmgr.Action.REJOIN);
        assertThat(d.primary()).isEqualTo(PG1);
        Plan plan = spec.plan(c, CONTEXT);
        assertThat(summaries(plan)).containsExactly(
                "rejoin pg2 as standby of 172.31.77.11 with pg_rewind (old primary (timeline 2) while 172.31.77.11 is primary on timeline 3)",
                "restart repmgrd (configuration changed)");
        assertThat(plan.applyScript()).contains("node rejoin --force-rewind --config-files='postgresql.auto.conf'")
                .doesNotContain("register");
        // The same node with role: primary in the inventory is rejoined all the same: the cluster decides.
        assertThat(pg2(Repmgr.Role.PRIMARY).decide(c).action()).isEqualTo(Repmgr.Action.REJOIN);
    }

    @Test
    void aStoppedOldPrimaryIsRejoinedFromItsControlFileTimeline() {
        Repmgr spec = pg2(Repmgr.Role.STANDBY);
        Repmgr.Current c = converged("probe-pg2-old-primary-stopped", spec);
        assertThat(c.local()).isNull();
        assertThat(c.controlTimeline()).isEqualTo(2);
        assertThat(spec.decide(c).action()).isEqualTo(Repmgr.Action.REJOIN);
    }

    @Test
    void anUnreadableRegistrationIsAnErrorNotARegistration() {
        String text = capture("probe-pg2-after-failover").replace("me\tprimary|true|\n", "me-unknown\n");
        assertThatThrownBy(() -> Repmgr.Current.parse(new ExecResult(0, text, "", Duration.ZERO), 1))
                .isInstanceOf(ModuleException.class).hasMessageContaining("not guessing its registration");
    }

    @Test
    void twoPrimariesOnTheSameTimelineAreRefused() {
        Repmgr spec = pg2(Repmgr.Role.STANDBY);
        String text = capture("probe-pg2-old-primary-running").replace("peer\t0\tup\tfalse|3", "peer\t0\tup\tfalse|2");
        Repmgr.Current c = Repmgr.Current.parse(new ExecResult(0, text, "", Duration.ZERO), 1);
        assertThatThrownBy(() -> spec.plan(c, CONTEXT)).isInstanceOf(ModuleException.class)
                .hasMessageContaining("two primaries").hasMessageContaining("refusing to choose");
    }

    @Test
    void aStoppedFormerPrimaryWithNoPrimaryAroundIsNotStartedAsStandby() {
        Repmgr spec = pg2(Repmgr.Role.STANDBY);
        String text = capture("probe-pg2-old-primary-stopped").replace("peer\t0\tup\tfalse|3", "peer\t0\tdown\tconnection refused")
                .replace("peer-me\t0\tprimary|true|\n", "");
        Repmgr.Current c = Repmgr.Current.parse(new ExecResult(0, text, "", Duration.ZERO), 1);
        assertThatThrownBy(() -> spec.plan(c, CONTEXT)).isInstanceOf(ModuleException.class)
                .hasMessageContaining("starting it would make it the primary");
    }

    @Test
    void aFreshStandbyWithoutPgpassWritesItAndClonesFromThePrimaryFoundAtApply() {
        Repmgr spec = pg2(Repmgr.Role.STANDBY);
        Repmgr.Current c = raw("probe-pg2-empty-no-pgpass");
        assertThat(c.hasData()).isFalse();
        assertThat(c.peers().get(0).error()).contains("no password supplied");
        Plan plan = spec.plan(c, CONTEXT);
        assertThat(summaries(plan)).containsExactly("create /etc/repmgr.conf", "update /etc/default/repmgrd",
                "create /etc/sudoers.d/rigger-repmgr", "set the password of repmgr in ~postgres/.pgpass",
                "clone pg2 from the current primary and register it as standby", "restart repmgrd (configuration changed)");
        String script = plan.applyScript();
        assertThat(script).doesNotContain("Sekr");
        // The guards the apply re-checks: the primary asked again, never clone over a cluster, server stopped first.
        assertThat(script.indexOf("no peer answers as primary now")).isLessThan(script.indexOf("standby clone"));
        assertThat(script.indexOf("holds a cluster now")).isLessThan(script.indexOf("find \"$data\" -mindepth 1"));
        assertThat(script.indexOf("systemctl stop \"$svc\"")).isLessThan(script.indexOf("find \"$data\" -mindepth 1"));
        assertThat(script.indexOf("standby clone")).isLessThan(script.indexOf("standby register -F"));
        assertThat(new String(plan.applyInput().readAll(), StandardCharsets.UTF_8)).endsWith("*:*:*:repmgr:Sekr\\:et\\\\x\n");
    }

    @Test
    void aFreshStandbyWhosePeersAnswerButNoneIsPrimaryCannotClone() {
        String text = capture("probe-pg2-empty-no-pgpass").replaceAll("peer\t0\tdown\t[^\n]*", "peer\t0\tup\ttrue|1");
        Repmgr.Current c = Repmgr.Current.parse(new ExecResult(0, text, "", Duration.ZERO), 1);
        assertThatThrownBy(() -> pg2(Repmgr.Role.STANDBY).plan(c, CONTEXT)).isInstanceOf(ModuleException.class)
                .hasMessageContaining("no primary among the peers");
    }

    @Test
    void aPrimaryWithoutAClusterIsAnError() {
        Repmgr.Current c = raw("probe-pg2-empty-no-pgpass");
        Repmgr spec = Repmgr.node(2, "pg2", Repmgr.Role.PRIMARY, PG2).build();
        assertThatThrownBy(() -> spec.plan(c, CONTEXT)).hasMessageContaining("no PostgreSQL cluster in /var/lib/postgresql/15/main");
    }

    @Test
    void probeAndApplyScriptsParse() throws Exception {
        Repmgr spec = pg2(Repmgr.Role.STANDBY);
        List<String> scripts = List.of(spec.probe(CONTEXT).script(),
                spec.plan(raw("probe-pg2-empty-no-pgpass"), CONTEXT).applyScript(),
                spec.plan(converged("probe-pg2-old-primary-running", spec), CONTEXT).applyScript());
        for (String script : scripts) {
            Process sh = new ProcessBuilder("/bin/sh", "-n").redirectErrorStream(true).start();
            sh.getOutputStream().write(script.getBytes(StandardCharsets.UTF_8));
            sh.getOutputStream().close();
            String out = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(sh.waitFor()).as(out).isZero();
        }
    }

    @Test
    void peersMayBeBareAddressesAndTheNodeItselfIsLeftOut() {
        Repmgr r = Repmgr.node(2, "pg2", Repmgr.Role.STANDBY, PG2).peers(List.of("172.31.77.11", "172.31.77.12")).build();
        assertThat(r.peers()).containsExactly(PG1);
    }

    @Test
    void repmgrConfHasFullPathsFailoverSettingsAndSystemdServiceCommands() {
        Repmgr spec = Repmgr.node(1, "pg1", Repmgr.Role.PRIMARY, PG1).location("dc 'one'").priority(50)
                .eventNotificationCommand("/usr/local/bin/notify %n %e").failoverValidationCommand("/usr/local/sbin/validate 5 10.0.0.1").build();
        String conf = spec.configText();
        assertThat(conf).contains("node_id=1\n", "node_name='pg1'\n", "conninfo='" + PG1 + "'\n",
                "data_directory='/var/lib/postgresql/15/main'\n", "failover='automatic'\n",
                "promote_command='/usr/lib/postgresql/15/bin/repmgr standby promote -f /etc/repmgr.conf --log-to-file'\n",
                "follow_command='/usr/lib/postgresql/15/bin/repmgr standby follow -f /etc/repmgr.conf --log-to-file --upstream-node-id=%n'\n",
                "reconnect_attempts=6\n", "reconnect_interval=10\n", "monitor_interval_secs=2\n", "priority=50\n",
                "location='dc ''one'''\n", "event_notification_command='/usr/local/bin/notify %n %e'\n",
                "failover_validation_command='/usr/local/sbin/validate 5 10.0.0.1'\n",
                "service_start_command='sudo -n /usr/bin/systemctl start postgresql@15-main'\n");
        assertThat(spec.sudoersText()).contains("postgres ALL=(root) NOPASSWD: /usr/bin/systemctl start postgresql@15-main, ");
    }

    @Test
    void debiansDefaultsFileIsEditedInPlace() {
        String debian = decode(capture("probe-pg2-empty-no-pgpass").lines().filter(l -> l.startsWith("defaults\t"))
                .findFirst().orElseThrow().substring(9));
        String edited = pg1(Repmgr.Role.PRIMARY).defaultsText(debian.replace("REPMGRD_ENABLED=yes", "REPMGRD_ENABLED=no")
                .replace("REPMGRD_CONF=\"/etc/repmgr.conf\"", "#REPMGRD_CONF=\"/path/to/repmgr.conf\""));
        assertThat(edited).contains("\nREPMGRD_ENABLED=yes\n", "\nREPMGRD_CONF=\"/etc/repmgr.conf\"\n",
                "\nREPMGRD_OPTS=\"--daemonize=false\"\n", "#REPMGRD_USER=postgres\n").doesNotContain("REPMGRD_ENABLED=no");
        assertThat(pg1(Repmgr.Role.PRIMARY).defaultsText(edited)).isEqualTo(edited);
        assertThat(pg1(Repmgr.Role.PRIMARY).defaultsText(null)).isEqualTo(
                "REPMGRD_ENABLED=yes\nREPMGRD_CONF=\"/etc/repmgr.conf\"\nREPMGRD_OPTS=\"--daemonize=false\"\n");
    }

    @Test
    void yamlBindingChecksItsInput() {
        Map<String, Object> values = Map.of("node_id", 2, "node_name", "pg2", "role", "standby", "conninfo", PG2,
                "peers", List.of(PG1), "password", Secret.of("x"), "reconnect_attempts", 3);
        Args ok = Args.of("repmgr", values);
        Repmgr r = (Repmgr) new Repmgr.Type().create(ok);
        assertThat(r.role()).isEqualTo(Repmgr.Role.STANDBY);
        assertThat(r.reconnectAttempts()).isEqualTo(3);
        assertThat(r.toString()).doesNotContain("password=x");
        assertThat(r.failoverValidationCommand()).as("none by default").isNull();
        assertThat(r.configText()).doesNotContain("failover_validation_command");
        Map<String, Object> twoLines = new java.util.HashMap<>(values);
        twoLines.put("failover_validation_command", "/bin/true\nreconnect_attempts=0");
        assertThatThrownBy(() -> new Repmgr.Type().create(Args.of("repmgr", twoLines))).hasMessageContaining("failover_validation_command");

        assertThatThrownBy(() -> new Repmgr.Type().create(Args.of("repmgr", Map.of("node_id", 2, "node_name", "pg2",
                "role", "standy", "conninfo", PG2)))).isInstanceOf(InputException.class).hasMessageContaining("standby");
        assertThatThrownBy(() -> new Repmgr.Type().create(Args.of("repmgr", Map.of("node_id", 2, "node_name", "pg2",
                "role", "standby", "conninfo", PG2)))).isInstanceOf(InputException.class).hasMessageContaining("peers");
        assertThatThrownBy(() -> new Repmgr.Type().create(Args.of("repmgr", Map.of("node_id", 1, "node_name", "pg1",
                "role", "primary", "conninfo", PG1 + " password=x")))).isInstanceOf(InputException.class)
                .hasMessageContaining("must not hold a password");
    }
}
