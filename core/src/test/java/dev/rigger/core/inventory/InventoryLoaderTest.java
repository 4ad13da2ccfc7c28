package dev.rigger.core.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rigger.core.error.InputException;
import dev.rigger.core.error.SourceLocation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InventoryLoaderTest {
    private static final String INVENTORIES = "src/test/resources/inventories/";

    private static Inventory load(String path) {
        return InventoryLoader.load(Path.of(INVENTORIES + path));
    }

    @Nested
    class HostList {
        @Test
        void aSourceWithACommaThatIsNoFileListsUngroupedHostsWithOptionalPorts() {
            Inventory inv = InventoryLoader.load(Path.of("web1, web2:2222,[fe80::1]:2200,::1,"));
            assertThat(inv.hosts().stream().map(Host::name)).containsExactly("web1", "web2", "fe80::1", "::1");
            assertThat(inv.hostsOf("ungrouped")).containsExactly("web1", "web2", "fe80::1", "::1");
            assertThat(inv.varsOf("web2")).containsEntry("ansible_port", 2222);
            assertThat(inv.varsOf("fe80::1")).containsEntry("ansible_port", 2200);
            assertThat(inv.varsOf("web1")).doesNotContainKey("ansible_port");
            assertThat(inv.varsOf("::1")).doesNotContainKey("ansible_port");
        }

        @Test
        void localhostWithATrailingCommaIsAnInventoryHostNotTheImplicitOne() {
            Inventory inv = InventoryLoader.load(Path.of("localhost,"));
            assertThat(inv.hosts().stream().map(Host::name)).containsExactly("localhost");
            assertThat(inv.isImplicitLocalhost("localhost")).isFalse();
        }

        @Test
        void aFileWhoseNameHoldsACommaIsReadAsAFile(@TempDir Path dir) throws Exception {
            Path file = Files.writeString(dir.resolve("a,b.yml"), "all: {hosts: {fromfile: {}}}\n");
            assertThat(InventoryLoader.load(file).hosts().stream().map(Host::name)).containsExactly("fromfile");
        }

        @Test
        void aPortThatIsNoNumberIsRefusedNamingTheEntry() {
            assertThatThrownBy(() -> InventoryLoader.load(Path.of("web1:ssh,")))
                    .isInstanceOf(InputException.class).hasMessageContaining("'web1:ssh'");
        }
    }

    @Nested
    class YamlFormat {
        private final Inventory inv = load("yaml/hosts.yml");

        @Test
        void expandsNumericAlphabeticAndSteppedRangesInDeclarationOrder() {
            assertThat(inv.hosts().stream().map(Host::name)).containsExactly(
                    "bastion.example.com", "web01.example.com", "web02.example.com", "web03.example.com",
                    "web-a", "web-b", "web-c", "db1", "db5", "db9", "pg.example.com", "pg-replica1");
        }

        @Test
        void nestedChildrenMakeGroupsOfGroups() {
            assertThat(inv.groups().keySet()).containsExactly(
                    "all", "ungrouped", "webservers", "dbservers", "replicas", "production");
            assertThat(inv.group("production").orElseThrow().children()).containsExactly("webservers", "dbservers");
            assertThat(inv.hostsOf("dbservers")).containsExactly("db1", "db5", "db9", "pg.example.com", "pg-replica1");
            assertThat(inv.hostsOf("ungrouped")).containsExactly("bastion.example.com");
            assertThat(inv.hostsOf("all")).hasSize(12);
            // dbservers is also production's child, so it sits at depth 2, below production.
            assertThat(inv.groupsOf("pg-replica1")).containsExactly("all", "production", "dbservers", "replicas");
        }

        @Test
        void hostVariablesInlineAndPortSuffix() {
            Map<String, Object> pg = inv.varsOf("pg.example.com");
            assertThat(pg).containsEntry("ansible_port", 2222).containsEntry("ansible_user", "postgres")
                    .containsEntry("pg_version", 15).containsEntry("pg_flags", List.of("a", "b"))
                    .containsEntry("http_port", 80).containsEntry("ntp_server", "ntp.example.com");
            assertThat(pg).containsKey("backup");
            assertThat(pg.get("backup")).isNull();
            assertThat(inv.varsOf("pg-replica1")).containsEntry("mode", "0644");
        }

        @Test
        void childGroupVariablesOverrideAll() {
            assertThat(inv.varsOf("web-a")).containsEntry("http_port", 8080).containsEntry("tier", "edge");
            assertThat(inv.varsOf("web01.example.com")).containsEntry("http_port", 8080).doesNotContainKey("tier");
        }

        @Test
        void remembersWhereEachVariableWasSet() {
            String file = INVENTORIES + "yaml/hosts.yml";
            assertThat(inv.originOf("web-b", "http_port")).contains(new SourceLocation(file, 16, 9));
            assertThat(inv.originOf("db1", "http_port")).contains(new SourceLocation(file, 5, 5));
            assertThat(inv.originOf("pg.example.com", "ansible_port")).contains(new SourceLocation(file, 20, 9));
            assertThat(inv.originOf("db1", "nope")).isEmpty();
            assertThat(inv.host("web-a").orElseThrow().declaredAt()).isEqualTo(new SourceLocation(file, 13, 9));
        }
    }

    @Nested
    class IniFormat {
        private final Inventory inv = load("ini/hosts");

        @Test
        void readsSectionsRangesAndUngroupedHosts() {
            assertThat(inv.hosts().stream().map(Host::name)).containsExactly("mail.example.com",
                    "www01.example.com", "www02.example.com", "www03.example.com", "badwolf.example.com",
                    "db-a.example.com", "db-b.example.com", "stage1");
            assertThat(inv.hostsOf("ungrouped")).containsExactly("mail.example.com");
            assertThat(inv.hostsOf("webservers")).hasSize(4);
        }

        @Test
        void childrenMayBeDeclaredFurtherDown() {
            assertThat(inv.group("production").orElseThrow().children())
                    .containsExactly("webservers", "dbservers", "staging_web");
            assertThat(inv.hostsOf("production")).contains("stage1", "db-b.example.com");
        }

        @Test
        void hostLineValuesArePythonLiteralsAfterShellSplitting() {
            Map<String, Object> v = inv.varsOf("badwolf.example.com");
            assertThat(v).containsEntry("ansible_port", 5309).containsEntry("http_port", 8080)
                    .containsEntry("enabled", true).containsEntry("ratio", 0.5)
                    .containsEntry("name", "two words").containsEntry("mode", "0644")
                    .containsEntry("tags", List.of("a", "b"))
                    // shlex ends the word at '#', as under Ansible
                    .containsEntry("pass", "abc");
        }

        @Test
        void groupVarsSectionsAndAllVars() {
            Map<String, Object> v = inv.varsOf("www02.example.com");
            assertThat(v).containsEntry("ntp_server", "ntp.atlanta.example.com")
                    .containsEntry("max_clients", 200)
                    .containsEntry("motd", "Welcome, friend")
                    .containsEntry("ansible_user", "deploy");
            assertThat(inv.varsOf("db-a.example.com")).containsEntry("ansible_user", "postgres");
            assertThat(inv.originOf("www02.example.com", "max_clients"))
                    .contains(new SourceLocation(INVENTORIES + "ini/hosts", 11, 1));
        }
    }

    @Nested
    class Directory {
        private final Inventory inv = load("dir");

        @Test
        void readsEveryInventoryFileRecursivelyAndSkipsIgnoredOnes() {
            assertThat(inv.hosts().stream().map(Host::name)).containsExactly("web1", "web2", "db1", "db2");
            assertThat(inv.hostsOf("prod")).containsExactly("web1", "web2", "db1", "db2");
            assertThat(inv.groups().keySet()).containsExactly("all", "ungrouped", "web", "db", "prod");
        }

        @Test
        void groupVarsFilesDirectoriesAndJson() {
            assertThat(inv.varsOf("db2")).containsEntry("level", "db").containsEntry("ntp", "ntp.example.com")
                    .containsEntry("pg", Map.of("version", 16)).containsEntry("env", "production");
            // group_vars/web/ is a directory: files in name order, later ones win; notes.txt is skipped
            assertThat(inv.varsOf("web2")).containsEntry("level", "web-base").containsEntry("web_port", 8080);
            assertThat(inv.originOf("web2", "web_port"))
                    .contains(new SourceLocation(INVENTORIES + "dir/group_vars/web/20-override.yaml", 1, 1));
        }

        @Test
        void hostVarsFilesWinOverGroups() {
            assertThat(inv.varsOf("web1")).containsEntry("level", "web1");
        }

        @Test
        void implicitLocalhostGetsAllVarsAndItsHostVarsButIsInNoGroup() {
            assertThat(inv.isImplicitLocalhost("localhost")).isTrue();
            assertThat(inv.hostsOf("all")).doesNotContain("localhost");
            assertThat(inv.varsOf("localhost")).containsEntry("ansible_connection", "local")
                    .containsEntry("ansible_python_interpreter", "/usr/bin/python3")
                    .containsEntry("level", "all");
            assertThat(inv.varsOf("127.0.0.1")).containsEntry("ansible_connection", "local")
                    .doesNotContainKey("ansible_python_interpreter");
        }
    }

    @Nested
    class Precedence {
        private final Inventory inv = load("precedence/hosts.ini");

        @Test
        void allThenParentThenChildThenHost() {
            assertThat(inv.varsOf("h2")).containsEntry("tier", "child").containsEntry("ptier", "parent");
            assertThat(inv.varsOf("h3")).containsEntry("tier", "all");
        }

        @Test
        void hostVarsFileBeatsInlineHostVariable() {
            assertThat(inv.varsOf("h1")).containsEntry("where", "host-file");
        }

        @Test
        void groupVarsFilesOutrankInventoryFileGroupVariablesAsInAnsible() {
            // [child:vars] where=child loses to group_vars/all.yml: Ansible merges all inventory-file
            // group variables first, then all group_vars files.
            assertThat(inv.varsOf("h2")).containsEntry("where", "all-file");
            assertThat(inv.varsOf("h2")).containsEntry("from_file", "child");
        }

        @Test
        void siblingGroupsMergeInNameOrder() {
            assertThat(inv.varsOf("h3")).containsEntry("sibling", "beta");
            assertThat(inv.groupsOf("h3")).containsExactly("all", "alpha", "beta");
        }
    }

    @Nested
    class AnsibleDocumentationExamples {

        @Test
        void basicIniAndYamlGiveTheSameInventory() {
            Inventory ini = load("ansible-docs/basic.ini");
            Inventory yaml = load("ansible-docs/basic.yml");
            assertThat(ini.groupMembers()).isEqualTo(yaml.groupMembers());
            assertThat(ini.hostsOf("ungrouped")).containsExactly("mail.example.com");
            assertThat(ini.hostsOf("dbservers")).containsExactly("one.example.com", "two.example.com", "three.example.com");
            assertThat(ini.groupsOf("two.example.com")).containsExactly("all", "dbservers");
        }

        @Test
        void parentChildGroups() {
            Inventory inv = load("ansible-docs/parent-child.yml");
            assertThat(inv.hostsOf("prod")).containsExactly("foo.example.com", "one.example.com", "two.example.com");
            // Ansible's order: by depth below all (prod 1, east 2), then by name.
            assertThat(inv.groupsOf("one.example.com")).containsExactly("all", "dbservers", "prod", "east");
        }

        @Test
        void southeastInYamlHasEmptyRegionGroups() {
            Inventory inv = load("ansible-docs/southeast.yml");
            assertThat(inv.hostsOf("usa")).containsExactly("host1", "host2", "host3");
            assertThat(inv.hostsOf("northeast")).isEmpty();
            assertThat(inv.varsOf("host2")).containsEntry("halon_system_timeout", 30).containsEntry("escape_pods", 2);
        }

        @Test
        void southeastInIniFailsLikeAnsibleBecauseNortheastIsNeverDeclared() {
            // ansible-core: "Section [usa:children] includes undefined group 'northeast'."
            assertThatThrownBy(() -> load("ansible-docs/southeast.ini"))
                    .isInstanceOf(InputException.class)
                    .hasMessage(INVENTORIES + "ansible-docs/southeast.ini:21:1: [usa:children] names group 'northeast',"
                            + " which is not declared in this inventory (did you mean 'southeast'?)");
        }

        @Test
        void rangesWithStrideAndLetters() {
            Inventory inv = load("ansible-docs/ranges.ini");
            assertThat(inv.hostsOf("webservers")).hasSize(25).startsWith("www01.example.com", "www03.example.com")
                    .endsWith("www49.example.com");
            assertThat(inv.hostsOf("databases")).containsExactly("db-a.example.com", "db-b.example.com",
                    "db-c.example.com", "db-d.example.com", "db-e.example.com", "db-f.example.com");
        }

        @Test
        void groupPriorityChangesSiblingMergeOrder() {
            Inventory inv = InventoryLoader.load(Path.of(INVENTORIES + "ansible-docs/group-priority.yml"),
                    Path.of(INVENTORIES + "ansible-docs/group-priority-members.yml"));
            assertThat(inv.varsOf("shared")).containsEntry("testvar", "a");
        }

        @Test
        void behavioralParameters() {
            Inventory inv = load("ansible-docs/behavioral.ini");
            assertThat(inv.varsOf("some_host")).containsEntry("ansible_port", 2222).containsEntry("ansible_user", "manager");
            assertThat(inv.varsOf("ruby_module_host")).containsEntry("ansible_ruby_interpreter", "/usr/bin/ruby.1.9.3");
        }
    }

    @Nested
    class Sources {

        @Test
        void laterSourcesOverrideEarlierOnesAsWithRepeatedDashI(@TempDir Path dir) throws Exception {
            Path staging = Files.writeString(dir.resolve("staging"), "[all:vars]\nmyvar=1\n[web]\nweb1\n");
            Path production = Files.writeString(dir.resolve("production"), "[all:vars]\nmyvar=2\n");
            assertThat(InventoryLoader.load(staging, production).varsOf("web1")).containsEntry("myvar", 2);
            assertThat(InventoryLoader.load(production, staging).varsOf("web1")).containsEntry("myvar", 1);
        }

        @Test
        void aFileWithoutExtensionIsYamlWhenItReadsAsAMapping(@TempDir Path dir) throws Exception {
            Path hosts = Files.writeString(dir.resolve("hosts"), "all:\n  hosts:\n    web1:\n      a: 1\n");
            assertThat(InventoryLoader.load(hosts).varsOf("web1")).containsEntry("a", 1);
            Path plain = Files.writeString(dir.resolve("plain"), "web1 a=1\nweb2\n");
            assertThat(InventoryLoader.load(plain).hostsOf("ungrouped")).containsExactly("web1", "web2");
            // Also a YAML mapping ("web1 motd='a" -> "b'"), but not one of groups.
            Path colon = Files.writeString(dir.resolve("colon"), "web1 motd='a: b'\n");
            assertThat(InventoryLoader.load(colon).varsOf("web1")).containsEntry("motd", "a: b");
        }

        @Test
        void emptyFilesAreEmptyInventories(@TempDir Path dir) throws Exception {
            Path empty = Files.writeString(dir.resolve("empty.yml"), "# nothing yet\n");
            assertThat(InventoryLoader.load(empty).hosts()).isEmpty();
            assertThat(InventoryLoader.load(empty).groups().keySet()).containsExactly("all", "ungrouped");
        }

        @Test
        void yamlHostsMayBeASingleNameAndChildrenASingleGroup(@TempDir Path dir) throws Exception {
            // Ansible 2.4's documentation wrote "hosts: mail.example.com" without a trailing colon.
            Path file = Files.writeString(dir.resolve("inv.yml"), "all:\n  hosts: mail.example.com\n  children: web\n");
            Inventory inv = InventoryLoader.load(file);
            assertThat(inv.hostsOf("all")).containsExactly("mail.example.com");
            assertThat(inv.group("web")).isPresent();
        }

        @Test
        void theSameValueTwiceInOneFileIsNoConflict(@TempDir Path dir) throws Exception {
            Path file = Files.writeString(dir.resolve("inv.ini"), "[a]\nweb1 x=1\n[b]\nweb1 x=1\n");
            assertThat(InventoryLoader.load(file).varsOf("web1")).containsEntry("x", 1);
        }

        @Test
        void differentValuesInDifferentFilesFollowLoadOrder(@TempDir Path dir) throws Exception {
            Files.writeString(dir.resolve("01-a.ini"), "[a]\nweb1 x=1\n");
            Files.writeString(dir.resolve("02-b.ini"), "[b]\nweb1 x=2\n");
            assertThat(InventoryLoader.load(dir).varsOf("web1")).containsEntry("x", 2);
        }

        @Test
        void nullVariableValuesSurvive(@TempDir Path dir) throws Exception {
            Path file = Files.writeString(dir.resolve("inv.ini"), "web1 a=None b=[1,None]\n");
            Map<String, Object> vars = InventoryLoader.load(file).varsOf("web1");
            assertThat(vars).containsKey("a");
            assertThat(vars.get("a")).isNull();
            assertThat(vars.get("b")).isEqualTo(Arrays.asList(1, null));
        }
    }
}
