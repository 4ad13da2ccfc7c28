package dev.rigger.modules.storage;

import static dev.rigger.modules.storage.StorageContext.captured;
import static dev.rigger.modules.storage.StorageContext.exit;
import static dev.rigger.modules.storage.StorageContext.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rigger.core.error.InputException;
import dev.rigger.core.module.Args;
import dev.rigger.core.module.Change;
import dev.rigger.core.module.Outcome;
import dev.rigger.core.module.Plan;
import dev.rigger.core.secret.Secret;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Plans of iscsi_login from captured outputs: the record lines are a real {@code iscsiadm -m node -T -p -S}
 * of open-iscsi 2.1.8 (Debian bookworm) filtered as the probe does, with the password replaced by its
 * digest as the probe prints it; the session lines follow {@code iscsiadm -m session}'s documented format
 * (this kernel has no iscsi_tcp, so no real session could be captured).
 */
class IscsiLoginTest {
    private static final String T = "iqn.2026-11.dev.rigger:data";
    private static final String RECORD = captured("iscsiadm-record-chap.txt");
    private static final String SESSIONS = captured("iscsiadm-session.txt");

    private static IscsiLogin.Current probed(String record, String passwordSha, String sessions) {
        String out = "@@record 10.0.0.9:3260\n" + (record == null ? "missing\n" : record + "password-sha256 = " + passwordSha + "\n")
                + "@@sessions\n" + sessions;
        return IscsiLogin.Current.parse(ok(out));
    }

    private static List<String> summaries(Plan plan) {
        return plan.changes().stream().map(Change::summary).toList();
    }

    private static IscsiLogin.Builder login() {
        return IscsiLogin.builder(T).portal("10.0.0.9");
    }

    @Test
    void parsesRecordsAndSessionsPerPortal() {
        IscsiLogin.Current c = probed(RECORD, "abc", SESSIONS);
        assertThat(c.records().get("10.0.0.9:3260")).containsEntry("node.startup", "automatic")
                .containsEntry("node.conn[0].startup", "manual").containsEntry("node.session.auth.username", "bob")
                .containsEntry("password-sha256", "abc");
        assertThat(c.sessions()).containsExactly("10.0.0.9:3260 " + T, "10.0.0.10:3260 iqn.2026-11.dev.rigger:other");
        assertThat(probed(null, null, "").records()).isEmpty();
    }

    @Test
    void aMissingRecordIsCreatedStaticallyNeverByDiscovery() {
        Plan plan = login().chap("bob", Secret.of("s3cret-x")).build().plan(probed(null, null, ""), StorageContext.PLAIN);
        assertThat(summaries(plan)).containsExactly(
                "create the node record of " + T + " at 10.0.0.9:3260 (static: no discovery)",
                "set node.startup = automatic at 10.0.0.9:3260",
                "set node.conn[0].startup = automatic at 10.0.0.9:3260",
                "set node.session.auth.authmethod = CHAP at 10.0.0.9:3260",
                "set node.session.auth.username = bob at 10.0.0.9:3260",
                "set node.session.auth.password at 10.0.0.9:3260",
                "log in to " + T + " at 10.0.0.9:3260");
        assertThat(plan.applyScript()).doesNotContain("discovery").doesNotContain("s3cret-x");
        assertThat(new String(plan.applyInput().readAll(), StandardCharsets.UTF_8)).isEqualTo("s3cret-x\n");
        assertThat(StorageContext.syntaxErrors(plan.applyScript())).isEmpty();
    }

    @Test
    void anExistingRecordWithTheRightSettingsAndASessionIsNoChange() {
        String record = RECORD.replace("node.conn[0].startup = manual", "node.conn[0].startup = automatic");
        IscsiLogin.Current c = probed(record, StorageText.sha256("s3cret-x"), SESSIONS);
        assertThat(login().chap("bob", Secret.of("s3cret-x")).build().plan(c, StorageContext.PLAIN).hasChanges()).isFalse();
    }

    @Test
    void chapDriftAndStartupDriftOnAnExistingRecordAreFixedInPlace() {
        IscsiLogin.Current c = probed(RECORD, StorageText.sha256("old-pass"), SESSIONS);
        Plan plan = login().chap("bob", Secret.of("new-pass")).build().plan(c, StorageContext.PLAIN);
        assertThat(summaries(plan)).containsExactly(
                "set node.conn[0].startup = automatic at 10.0.0.9:3260 (was manual)",
                "set node.session.auth.password at 10.0.0.9:3260 (the session logged in now keeps its credentials until it logs in again)");
        assertThat(plan.applyScript()).doesNotContain("-o new").doesNotContain("new-pass");
    }

    @Test
    void theLoggedInCheckIsPerPortal() {
        IscsiLogin.Current c = IscsiLogin.Current.parse(ok("@@record 10.0.0.9:3260\n" + RECORD.replace("manual", "automatic")
                + "password-sha256 = x\n@@record 10.0.0.11:3260\n" + RECORD.replace("manual", "automatic")
                + "password-sha256 = x\n@@sessions\n" + SESSIONS));
        IscsiLogin two = IscsiLogin.builder(T).portal("10.0.0.9").portal("10.0.0.11:3260").build();
        assertThat(summaries(two.plan(c, StorageContext.PLAIN))).contains("log in to " + T + " at 10.0.0.11:3260")
                .doesNotContain("log in to " + T + " at 10.0.0.9:3260");
    }

    @Test
    void logoutAndAbsent() {
        IscsiLogin.Current c = probed(RECORD, "x", SESSIONS);
        assertThat(summaries(login().manualStartup().loggedOut().build().plan(c, StorageContext.PLAIN)))
                .containsExactly("set node.session.auth.authmethod = None at 10.0.0.9:3260 (was CHAP)", "log out of " + T + " at 10.0.0.9:3260");
        assertThat(summaries(login().absent().build().plan(c, StorageContext.PLAIN)))
                .containsExactly("log out of " + T + " at 10.0.0.9:3260", "delete the node record of " + T + " at 10.0.0.9:3260");
        assertThat(login().absent().build().plan(probed(null, null, ""), StorageContext.PLAIN).hasChanges()).isFalse();
    }

    @Test
    void iscsiErrCodesBecomeClearMessages() {
        IscsiLogin m = login().build();
        Outcome auth = m.outcome(exit(24, "", "@@login 10.0.0.9:3260 24\n"));
        assertThat(auth.failed()).isTrue();
        assertThat(auth.message()).isEqualTo("login to " + T + " at 10.0.0.9:3260 failed: CHAP authentication failed (exit 24): "
                + "check node_user/node_pass against the target's incominguser");
        assertThat(m.outcome(exit(12, "", "@@login 10.0.0.9:3260 12\n")).message()).contains("iscsi_tcp");
        assertThat(m.outcome(ok("")).changed()).isTrue();
    }

    @Test
    void ansibleNamesBind() {
        IscsiLogin.Type type = new IscsiLogin.Type();
        assertThat(type.names()).containsExactly("iscsi_login", "open_iscsi");
        IscsiLogin m = (IscsiLogin) type.create(Args.of("open_iscsi", Map.of("targetname", T, "portal", "10.0.0.9", "port", 3261,
                "login", false, "node_user", "bob", "node_pass", Secret.of("pw"))));
        assertThat(m.portals()).containsExactly("10.0.0.9:3261");
        assertThat(m.session()).isFalse();
        assertThat(m.record()).isTrue();
        IscsiLogin fromGroup = (IscsiLogin) type.create(Args.of("open_iscsi", Map.of("target", T,
                "portal", List.of(Map.of("name", "lb2", "ansible_host", "192.168.55.112")), "node_user", "", "node_pass", "")));
        assertThat(fromGroup.portals()).containsExactly("192.168.55.112:3260");
        assertThat(fromGroup.user()).isNull();
        assertThatThrownBy(() -> type.create(Args.of("open_iscsi", Map.of("target", T, "portal", "host.example"))))
                .isInstanceOf(InputException.class).hasMessageContaining("portal: 'host.example:3260' is not an IPv4 address");
        assertThatThrownBy(() -> type.create(Args.of("open_iscsi", Map.of("target", T, "portal", "10.0.0.9", "discover", true))))
                .isInstanceOf(InputException.class).hasMessageContaining("unknown parameter 'discover'");
    }
}
