package dev.rigger.modules.system;

import static dev.rigger.modules.system.PlanContext.PLAIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rigger.core.error.InputException;
import dev.rigger.core.module.Args;
import dev.rigger.core.module.Change;
import dev.rigger.core.module.ModuleException;
import dev.rigger.core.module.Plan;
import dev.rigger.modules.system.LocalGroup.GroupState;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LocalGroupTest {
    private static final GroupState ABSENT = new GroupState(Optional.empty());
    private static final GroupState GID_1500 = new GroupState(Optional.of(1500));

    private static List<String> summaries(Plan plan) {
        return plan.changes().stream().map(Change::summary).toList();
    }

    @Test
    void createsAMissingGroupWithItsIdOrAsSystemGroup() {
        Plan p = new LocalGroup("lbadmin", 1500, true, false).plan(ABSENT, PLAIN);
        assertThat(summaries(p)).containsExactly("create group lbadmin (gid 1500)");
        assertThat(p.applyScript()).isEqualTo("groupadd -g 1500 -- 'lbadmin'\n");
        assertThat(new LocalGroup("svc", null, true, true).plan(ABSENT, PLAIN).applyScript()).isEqualTo("groupadd -r -- 'svc'\n");
        assertThat(summaries(LocalGroup.present("plain").build().plan(ABSENT, PLAIN))).containsExactly("create group plain");
    }

    @Test
    void existingGroupChangesOnlyItsId() {
        assertThat(new LocalGroup("lbadmin", 1500, true, false).plan(GID_1500, PLAIN).hasChanges()).isFalse();
        assertThat(LocalGroup.present("lbadmin").build().plan(GID_1500, PLAIN).hasChanges()).isFalse();
        assertThat(new LocalGroup("lbadmin", 1500, true, true).plan(GID_1500, PLAIN).hasChanges()).as("system is for creation only").isFalse();
        Plan p = new LocalGroup("lbadmin", 1600, true, false).plan(GID_1500, PLAIN);
        assertThat(summaries(p)).containsExactly("set gid of group lbadmin: 1500 → 1600");
        assertThat(p.applyScript()).isEqualTo("groupmod -g 1600 -- 'lbadmin'\n");
    }

    @Test
    void absentRemovesOnlyAnExistingGroup() {
        assertThat(LocalGroup.absent("lbadmin").build().plan(GID_1500, PLAIN).applyScript()).isEqualTo("groupdel -- 'lbadmin'\n");
        assertThat(LocalGroup.absent("lbadmin").build().plan(ABSENT, PLAIN).hasChanges()).isFalse();
    }

    @Test
    void probeParsesGetentAndTreatsExit2AsAbsent() {
        assertThat(GroupState.parse(PlanContext.ok("lbadmin:x:1500:alice,bob\n"))).isEqualTo(GID_1500);
        assertThat(GroupState.parse(PlanContext.ok(""))).isEqualTo(ABSENT);
        assertThatThrownBy(() -> GroupState.parse(PlanContext.failed(1, "getent: boom"))).isInstanceOf(ModuleException.class).hasMessageContaining("boom");
        String script = LocalGroup.present("no-such-group-rigger").build().probe(PLAIN).script();
        var r = PlanContext.run(script, null);
        assertThat(r.exitCode()).as("a missing group is a successful probe").isZero();
        assertThat(GroupState.parse(r)).isEqualTo(ABSENT);
        assertThat(GroupState.parse(PlanContext.run(LocalGroup.present("root").build().probe(PLAIN).script(), null))).isEqualTo(new GroupState(Optional.of(0)));
    }

    @Test
    void yamlBinding() {
        LocalGroup.Type type = new LocalGroup.Type();
        assertThat(type.create(Args.of("group", Map.of("name", "lbadmin", "gid", 1500, "system", "no"))))
                .isEqualTo(new LocalGroup("lbadmin", 1500, true, false));
        assertThat(type.create(Args.of("group", Map.of("name", "lbadmin", "state", "absent")))).isEqualTo(LocalGroup.absent("lbadmin").build());
        assertThatThrownBy(() -> type.create(Args.of("group", Map.of("name", "lbadmin", "gid", -3))))
                .isInstanceOf(InputException.class).hasMessageContaining("gid: must not be negative");
        assertThatThrownBy(() -> type.create(Args.of("group", Map.of("name", "a:b")))).hasMessageContaining("not a valid group name");
    }
}
