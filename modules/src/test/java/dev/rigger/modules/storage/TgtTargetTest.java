package dev.rigger.modules.storage;

import static dev.rigger.modules.storage.StorageContext.captured;
import static dev.rigger.modules.storage.StorageContext.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rigger.core.error.InputException;
import dev.rigger.core.module.Args;
import dev.rigger.core.module.Change;
import dev.rigger.core.module.ModuleException;
import dev.rigger.core.module.Plan;
import dev.rigger.core.secret.Secret;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Plans of tgt_target from captured {@code tgtadm --op show --mode target} outputs (tgt 1.0.85, Debian bookworm). */
class TgtTargetTest {
    private static final String IQN = "iqn.2026-11.dev.rigger:data";
    private static final String SHOW_TWO_LUNS = captured("tgtadm-show-two-luns.txt");
    /** Captured while libiscsi's iscsi-perf held a session to LUN 1 from 127.0.0.1. */
    private static final String SHOW_IN_USE = captured("tgtadm-show-nexus.txt");

    private static TgtTarget.Builder data() {
        return TgtTarget.builder("data", IQN).lun("/srv-lun.img").lun("/srv/b.img").initiators("10.0.0.5", "10.1.0.0/16");
    }

    /** Probe output as the probe script prints it, around a captured show. */
    private static TgtTarget.Current probed(String show, String accounts, String conf, String chapLine) {
        StringBuilder out = new StringBuilder("@@show\n").append(show).append("@@accounts\nAccount list:\n");
        for (String a : accounts.split(",")) if (!a.isEmpty()) out.append("    ").append(a).append('\n');
        out.append("@@paths\nfile\t/srv-lun.img\nfile\t/srv/b.img\n@@conf\n");
        if (conf != null) {
            out.append("sha256\t").append(StorageText.sha256(conf)).append('\n')
                    .append("chap\t").append(StorageText.sha256(chapLine)).append('\n')
                    .append("@@content\n").append(conf.replaceAll("(incominguser \\S+) \\S+", "$1 ********"));
        }
        return TgtTarget.Current.parse(ok(out.toString()));
    }

    private static List<String> summaries(Plan plan) {
        return plan.changes().stream().map(Change::summary).toList();
    }

    @Test
    void parsesTargetsLunsAccountsAclAndNexus() {
        TgtTarget.LiveTarget two = TgtTarget.Current.parseTargets(List.of(SHOW_TWO_LUNS.split("\n"))).get(0);
        assertThat(two.tid()).isEqualTo(1);
        assertThat(two.iqn()).isEqualTo(IQN);
        assertThat(two.luns()).isEqualTo(Map.of(1, "/srv-lun.img", 2, "/srv/b.img"));
        assertThat(two.incomingUsers()).containsExactly("alice");
        assertThat(two.acl()).containsExactly("10.0.0.5", "10.1.0.0/16");
        assertThat(two.initiators()).isEmpty();

        TgtTarget.LiveTarget used = TgtTarget.Current.parseTargets(List.of(SHOW_IN_USE.split("\n"))).get(0);
        assertThat(used.initiators()).containsExactly("iqn.2010-11.libiscsi:iscsi-perf from 127.0.0.1");
        assertThat(used.incomingUsers()).as("outgoing accounts are not incoming users").isEmpty();
        assertThat(used.acl()).containsExactly("10.0.0.5", "10.1.0.0/16", "127.0.0.1");
    }

    @Test
    void aNewTargetIsCreatedLiveAndInItsFile() {
        TgtTarget t = TgtTarget.builder("data", IQN).lun("/srv/new.img", "1G").initiators("ALL").build();
        TgtTarget.Current none = TgtTarget.Current.parse(ok("@@show\n@@accounts\nAccount list:\n@@paths\nmissing\t/srv/new.img\n@@conf\n"));
        Plan plan = t.plan(none, StorageContext.PLAIN);
        assertThat(summaries(plan)).containsExactly("create /etc/tgt/conf.d/data.conf", "create /srv/new.img (sparse file of 1G)",
                "create target " + IQN + " (tid 1)", "add LUN 1: /srv/new.img", "allow initiator ALL (ACL of " + IQN + ")");
        assertThat(new String(plan.applyInput().readAll(), StandardCharsets.UTF_8)).isEqualTo("""
                # Managed by Rigger (tgt_target): edits here are overwritten on its next run.
                <target iqn.2026-11.dev.rigger:data>
                    <backing-store /srv/new.img>
                        lun 1
                    </backing-store>
                    initiator-address ALL
                </target>
                """);
        assertThat(StorageContext.syntaxErrors(plan.applyScript())).isEmpty();
    }

    @Test
    void matchingLiveTargetAndFileIsNoChange() {
        TgtTarget t = data().chap("alice", Secret.of("secret12345")).build();
        TgtTarget.Current c = probed(SHOW_TWO_LUNS, "alice", t.conf(false), "    incominguser alice secret12345\n");
        assertThat(t.plan(c, StorageContext.PLAIN).hasChanges()).isFalse();
    }

    @Test
    void aChangedPasswordRecreatesTheAccountWithoutPuttingItInTheScriptOrTheDiff() {
        TgtTarget old = data().chap("alice", Secret.of("secret12345")).build();
        TgtTarget t = data().chap("alice", Secret.of("n3w-Secret-99")).build();
        TgtTarget.Current c = probed(SHOW_TWO_LUNS, "alice", old.conf(false), "    incominguser alice secret12345\n");
        Plan plan = t.plan(c, StorageContext.DIFF);
        assertThat(summaries(plan)).containsExactly("update /etc/tgt/conf.d/data.conf", "set the CHAP password of alice for " + IQN);
        assertThat(plan.applyScript()).doesNotContain("n3w-Secret-99").doesNotContain("secret12345")
                .contains("--op delete --mode account --user 'alice'");
        String diff = plan.changes().get(0).diff();
        assertThat(diff).doesNotContain("n3w-Secret-99").doesNotContain("secret12345");
        assertThat(new String(plan.applyInput().readAll(), StandardCharsets.UTF_8)).contains("incominguser alice n3w-Secret-99");
    }

    @Test
    void aclChangesApplyLiveEvenWhileInUse() {
        TgtTarget t = TgtTarget.builder("data", IQN).lun("/srv-lun.img").initiators("127.0.0.1", "10.0.0.6").build();
        TgtTarget.Current c = probed(SHOW_IN_USE, "out1", t.conf(false), "");
        Plan plan = t.plan(c, StorageContext.PLAIN);
        assertThat(summaries(plan)).containsExactly("allow initiator 10.0.0.6 (ACL of " + IQN + ")",
                "disallow initiator 10.0.0.5 (ACL of " + IQN + "; sessions already logged in stay)",
                "disallow initiator 10.1.0.0/16 (ACL of " + IQN + "; sessions already logged in stay)");
    }

    @Test
    void aLunChangeOnATargetInUseIsRefusedNamingTheInitiator() {
        TgtTarget t = TgtTarget.builder("data", IQN).lun("/srv/other.img").initiators("127.0.0.1").build();
        TgtTarget.Current c = TgtTarget.Current.parse(ok("@@show\n" + SHOW_IN_USE + "@@accounts\n@@paths\nfile\t/srv/other.img\n@@conf\n"));
        assertThatThrownBy(() -> t.plan(c, StorageContext.PLAIN)).isInstanceOf(ModuleException.class)
                .hasMessage("target " + IQN + " is in use (I_T nexus of iqn.2010-11.libiscsi:iscsi-perf from 127.0.0.1): LUN 1 would change "
                        + "from /srv-lun.img to /srv/other.img, which tgtd cannot do while initiators are logged in. Nothing was changed; "
                        + "log the initiators out (iscsiadm -m node -T " + IQN + " --logout) and run again");
        assertThatThrownBy(() -> TgtTarget.builder("data", IQN).absent().build().plan(c, StorageContext.PLAIN))
                .hasMessageContaining("the target would be deleted");
    }

    @Test
    void aMissingBackingStoreWithoutSizeAndADownDaemonAreClearErrors() {
        TgtTarget t = TgtTarget.builder("data", IQN).lun("/srv/none.img").initiators("ALL").build();
        assertThatThrownBy(() -> t.plan(TgtTarget.Current.parse(ok("@@show\n@@accounts\n@@paths\nmissing\t/srv/none.img\n@@conf\n")), StorageContext.PLAIN))
                .hasMessage("LUN backing store /srv/none.img does not exist; give a size to create it as a sparse file");
        String down = "@@show\n@@down\ntgtadm: failed to send request hdr to tgt daemon, Transport endpoint is not connected\n@@accounts\n@@paths\n@@conf\n";
        assertThatThrownBy(() -> t.plan(TgtTarget.Current.parse(ok(down)), StorageContext.PLAIN))
                .hasMessage("tgtd does not answer (tgtadm: failed to send request hdr to tgt daemon, Transport endpoint is not connected): start the tgt service");
    }

    @Test
    void yamlArgumentsAreCheckedWithTheParameterNamed() {
        TgtTarget.Type type = new TgtTarget.Type();
        TgtTarget t = (TgtTarget) type.create(Args.of("tgt_target", Map.of("name", "data", "iqn", IQN,
                "luns", List.of(Map.of("path", "/srv/a.img", "size", "2G"), "/dev/sdb"), "initiators", "10.0.0.5, 10.0.0.6",
                "chap_user", "u", "chap_password", Secret.of("pw123456789012"))));
        assertThat(t.luns()).containsExactly(new TgtTarget.Lun("/srv/a.img", "2G"), new TgtTarget.Lun("/dev/sdb", null));
        assertThat(t.initiators()).containsExactly("10.0.0.5", "10.0.0.6");
        assertThat(t.toString()).doesNotContain("pw123456789012");
        TgtTarget fromGroup = (TgtTarget) type.create(Args.of("tgt_target", Map.of("name", "data", "iqn", IQN, "luns", "/dev/sdb",
                "initiators", List.of(Map.of("name", "odoo1", "ansible_host", "192.168.55.121"), "10.0.0.0/24"),
                "chap_user", "", "chap_password", "")));
        assertThat(fromGroup.initiators()).as("a role passes group_hosts").containsExactly("192.168.55.121", "10.0.0.0/24");
        assertThat(fromGroup.chapUser()).as("empty chap_user: no CHAP").isNull();
        assertThatThrownBy(() -> type.create(Args.of("tgt_target", Map.of("name", "d", "iqn", "IQN.bad", "luns", "/a", "initiators", "ALL"))))
                .isInstanceOf(InputException.class).hasMessageContaining("iqn: 'IQN.bad' is not an iSCSI name");
        assertThatThrownBy(() -> type.create(Args.of("tgt_target", Map.of("name", "d", "iqn", IQN, "luns", "/a"))))
                .isInstanceOf(InputException.class).hasMessageContaining("initiators: give the addresses");
        assertThatThrownBy(() -> type.create(Args.of("tgt_target", Map.of("name", "d", "iqn", IQN, "luns", "/a", "initiators", "ALL",
                "chap_user", "u", "chap_password", "has space")))).hasMessageContaining("chap_password: must be one word");
    }
}
