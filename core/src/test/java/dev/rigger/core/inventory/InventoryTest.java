package dev.rigger.core.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rigger.core.error.InputException;
import dev.rigger.core.error.SourceLocation;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InventoryTest {
    private static final SourceLocation AT = new SourceLocation("hosts", 4, 1);

    @Test
    void builtInCodeAsTheClassDocShows() {
        Inventory inv = Inventory.builder()
                .host("pg1", Map.of("ansible_host", "10.0.0.11"))
                .host("pg2", Map.of("ansible_host", "10.0.0.12"))
                .group("postgres", Map.of("pg_version", 15), "pg1", "pg2")
                .build();
        assertThat(inv.hostsOf("postgres")).containsExactly("pg1", "pg2");
        assertThat(inv.varsOf("pg2")).isEqualTo(Map.of("ansible_host", "10.0.0.12", "pg_version", 15));
        assertThat(inv.group("all").orElseThrow().children()).containsExactly("ungrouped", "postgres");
        assertThat(inv.groupMembers()).containsEntry("ungrouped", java.util.List.of());
    }

    @Test
    void groupByPutsAHostInANewGroupUnderItsParentsAndKeepsTheRest() {
        Inventory inv = Inventory.builder()
                .group("db", Map.of("pg_version", 15), "pg1", "pg2")
                .groupVar("db", "ansible_group_priority", 2, AT)
                .host("lone", Map.of("ansible_user", "root"))
                .build();

        Inventory changed = inv.withGroupMember("pg1", "primary", java.util.List.of("db"), AT)
                .withGroupMember("lone", "os_Debian", java.util.List.of("all"), AT);

        assertThat(changed.hostsOf("primary")).containsExactly("pg1");
        assertThat(changed.hostsOf("db")).containsExactly("pg1", "pg2");
        assertThat(changed.groupsOf("pg1")).containsExactly("all", "db", "primary");
        assertThat(changed.varsOf("pg1")).as("the parent's variables reach the new group's hosts")
                .containsEntry("pg_version", 15);
        assertThat(changed.hostsOf(Inventory.UNGROUPED)).as("lone is in a named group now").isEmpty();
        assertThat(changed.varsOf("lone")).containsEntry("ansible_user", "root");
        assertThat(changed.originOf("pg1", "ansible_group_priority")).contains(AT);
        assertThat(inv.hostsOf("primary")).as("the inventory itself is unchanged").isEmpty();
        assertThat(changed.withGroupMember("pg1", "primary", java.util.List.of("db"), AT)).as("nothing new").isSameAs(changed);
        assertThatThrownBy(() -> changed.withGroupMember("pg2", "db", java.util.List.of("primary"), AT))
                .isInstanceOf(InputException.class).hasMessageContaining("circular children");
        assertThatThrownBy(() -> inv.withGroupMember("nope", "x", java.util.List.of("all"), AT)).isInstanceOf(IllegalArgumentException.class);
        Inventory local = inv.withGroupMember("localhost", "controller", java.util.List.of("all"), AT);
        assertThat(local.varsOf("localhost")).as("localhost keeps connecting locally").containsEntry("ansible_connection", "local");
    }

    @Test
    void hostsOnlyInAllAreUngroupedAndHostsInANamedGroupAreNot() {
        Inventory inv = Inventory.builder()
                .addHost(Inventory.ALL, "a")
                .addHost(Inventory.UNGROUPED, "b")
                .addHost("web", "b")
                .host("c", Map.of())
                .build();
        assertThat(inv.hostsOf(Inventory.UNGROUPED)).containsExactly("a", "c");
        assertThat(inv.groupsOf("b")).containsExactly("all", "web");
    }

    @Test
    void cyclesAreRefusedWhereTheClosingEdgeIsDeclared() {
        Inventory.Builder b = Inventory.builder().addChild("a", "b").addChild("b", "c");
        assertThatThrownBy(() -> b.addChild("c", "a", AT)).isInstanceOf(InputException.class)
                .hasMessage("hosts:4:1: circular children: group 'a' cannot be a child of 'c' (a -> b -> c -> a)");
        assertThatThrownBy(() -> b.addChild("a", "a", AT))
                .hasMessage("hosts:4:1: circular children: group 'a' cannot be a child of 'a' (a -> a)");
        assertThatThrownBy(() -> b.addChild("a", "all", AT)).hasMessage("hosts:4:1: group 'all' cannot be a child of group 'a'");
    }

    @Test
    void aDiamondIsNotACycleAndDepthIsTheLongestPath() {
        Inventory inv = Inventory.builder()
                .addChild("top", "left").addChild("top", "right").addChild("left", "bottom").addChild("right", "bottom")
                .addChild("top", "bottom")
                .addHost("bottom", "h")
                .groupVar("top", "v", "top", AT).groupVar("bottom", "v", "bottom", AT).groupVar("left", "v", "left", AT)
                .build();
        assertThat(inv.groupsOf("h")).containsExactly("all", "top", "left", "right", "bottom");
        assertThat(inv.varsOf("h")).containsEntry("v", "bottom");
    }

    @Test
    void groupPriorityReordersSiblingsOnly() {
        Inventory inv = Inventory.builder()
                .addHost("a", "h").addHost("b", "h")
                .groupVar("a", "v", "a", AT).groupVar("a", Inventory.GROUP_PRIORITY, "5", AT)
                .groupVar("b", "v", "b", AT)
                .build();
        assertThat(inv.groupsOf("h")).containsExactly("all", "b", "a");
        assertThat(inv.varsOf("h")).containsEntry("v", "a");
    }

    @Test
    void groupVarsFilesRankAboveInventoryGroupVariablesOfEveryGroup() {
        Inventory inv = Inventory.builder()
                .addHost("child", "h")
                .groupVar("child", "x", "inventory-child", AT)
                .groupFileVar(Inventory.ALL, "x", "file-all", new SourceLocation("group_vars/all.yml", 1, 1))
                .build();
        assertThat(inv.varsOf("h")).containsEntry("x", "file-all");
        assertThat(inv.originOf("h", "x")).contains(new SourceLocation("group_vars/all.yml", 1, 1));
    }

    @Test
    void variablesMayBeNull() {
        Map<String, Object> vars = new HashMap<>();
        vars.put("empty", null);
        Inventory inv = Inventory.builder().host("h", vars).build();
        assertThat(inv.varsOf("h")).containsKey("empty");
        assertThat(inv.host("h").orElseThrow().vars().get("empty")).isNull();
    }

    @Test
    void implicitLocalhostOnlyWhenNotDeclared() {
        Inventory implicit = Inventory.builder().groupVar(Inventory.ALL, "x", 1, AT).build();
        assertThat(implicit.isImplicitLocalhost("localhost")).isTrue();
        assertThat(implicit.isImplicitLocalhost("web1")).isFalse();
        assertThat(implicit.varsOf("::1")).isEqualTo(Map.of("x", 1, "ansible_connection", "local"));
        Inventory declared = Inventory.builder().host("localhost", Map.of("ansible_connection", "ssh")).build();
        assertThat(declared.isImplicitLocalhost("localhost")).isFalse();
        assertThat(declared.varsOf("localhost")).containsEntry("ansible_connection", "ssh");
        assertThatThrownBy(() -> declared.varsOf("nope")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theBuilderCanBuildTwiceWithTheSameResult() {
        Inventory.Builder b = Inventory.builder().host("h", Map.of()).addChild("p", "c");
        assertThat(b.build().groupMembers()).isEqualTo(b.build().groupMembers());
        assertThat(b.build().group("all").orElseThrow().children()).containsExactly("ungrouped", "p");
    }
}
