package dev.rigger.modules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rigger.core.error.InputException;
import dev.rigger.core.loader.LoaderOptions;
import dev.rigger.core.loader.PlaybookLoader;
import dev.rigger.core.module.Args;
import dev.rigger.core.module.ModuleArgumentException;
import dev.rigger.core.module.ModuleRegistry;
import dev.rigger.modules.builtin.AsyncStatus;
import dev.rigger.modules.command.Command;
import dev.rigger.modules.files.GetUrl;
import dev.rigger.modules.files.Stat;
import dev.rigger.modules.files.Unarchive;
import dev.rigger.modules.postgresql.PostgresqlConf;
import dev.rigger.modules.postgresql.PostgresqlHba;
import dev.rigger.modules.postgresql.PostgresqlUser;
import dev.rigger.modules.postgresql.Repmgr;
import dev.rigger.modules.redis.RedisReplica;
import dev.rigger.modules.storage.Mount;
import dev.rigger.modules.storage.Ocfs2Format;
import dev.rigger.modules.storage.TgtTarget;
import dev.rigger.modules.system.AuthorizedKey;
import dev.rigger.modules.system.LocalGroup;
import dev.rigger.modules.system.Sysctl;
import dev.rigger.modules.system.Uri;
import dev.rigger.modules.system.User;
import dev.rigger.modules.system.WaitFor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Java embedders get the same typed refusal from every cluster and system module that YAML users
 * get as a located error: a {@link ModuleArgumentException} naming the module and the parameter.
 */
class ModuleArgumentsTest {

    @Test
    void buildersNameTheModuleAndTheParameter() {
        refused(() -> PostgresqlUser.named("app").port(0).build(), "postgresql_user", "port");
        refused(() -> User.named("bad:name").build(), "user", "name");
        refused(() -> User.named("app").shell("/bin/sh\nx").build(), "user", "shell");
        refused(() -> Sysctl.set("", "1").build(), "sysctl", "name");
        refused(() -> TgtTarget.builder("disk", "not-an-iqn").lun("/srv/disk.img").initiators("ALL").build(), "tgt_target", "iqn");
        refused(() -> RedisReplica.main("10.0.0.1").port(70000).build(), "redis_replica", "port");
        refused(() -> Repmgr.node(0, "pg1", Repmgr.Role.PRIMARY, "host=pg1 dbname=repmgr user=repmgr").build(), "repmgr", "node_id");
        refused(() -> Command.of("true").creates("relative/path").build(), "command", "creates");
        refused(() -> LocalGroup.present("lbadmin").gid(-1).build(), "group", "gid");
        refused(() -> AuthorizedKey.present("alice", "not a key").build(), "authorized_key", "key");
        refused(() -> Mount.mounted("relative", "tmpfs", "tmpfs", null).build(), "mount", "path");
        refused(() -> Ocfs2Format.of("/dev/sdb", "bad label", "odoo", 4).build(), "ocfs2_format", "label");
        refused(() -> PostgresqlHba.of().marker("no mark").build(), "postgresql_hba", "marker");
        refused(() -> PostgresqlConf.of(Map.of("wal_level", "replica")).port(0).build(), "postgresql_conf", "port");
    }

    /** The modules whose checks lived in their YAML binding only refuse Java users the same way. */
    @Test
    void networkArchiveAndWaitBuildersRefuseAsTheirYamlDoes() {
        refused(() -> WaitFor.port(70000).build(), "wait_for", "port");
        refused(() -> WaitFor.path("var/log/app.log").build(), "wait_for", "path");
        refused(() -> WaitFor.port(80).searchRegex("ready").build(), "wait_for", "search_regex");
        refused(() -> WaitFor.port(80).state("absent").build(), "wait_for", "state");
        refused(() -> WaitFor.path("/run/app.pid").state("stopped").build(), "wait_for", "state");
        refused(() -> WaitFor.seconds(-1).build(), "wait_for", "timeout");
        refused(() -> WaitFor.port(80).delay(-2).build(), "wait_for", "delay");
        refused(() -> GetUrl.of("ftp://repo.lab/a.tgz", "/opt/a.tgz").build(), "get_url", "url");
        refused(() -> GetUrl.of("http://repo.lab/a.tgz", "opt/a.tgz").build(), "get_url", "dest");
        refused(() -> GetUrl.of("http://repo.lab/a.tgz", "/opt/a.tgz").checksum("crc32:abc").build(), "get_url", "checksum");
        refused(() -> GetUrl.of("http://repo.lab/a.tgz", "/opt/a.tgz").checksum("sha256:http://repo.lab/SHA256SUMS").build(), "get_url", "checksum");
        refused(() -> GetUrl.of("http://repo.lab/a.tgz", "/opt/a.tgz").timeout(0).build(), "get_url", "timeout");
        refused(() -> Uri.of("ftp://repo.lab/").build(), "uri", "url");
        refused(() -> Uri.of("http://app.lab/").method("BREW").build(), "uri", "method");
        refused(() -> Uri.of("http://app.lab/").followRedirects("sometimes").build(), "uri", "follow_redirects");
        refused(() -> Uri.of("http://app.lab/").timeout(0).build(), "uri", "timeout");
        refused(() -> Unarchive.of("https://repo.lab/a.tgz", "/opt").build(), "unarchive", "src");
        refused(() -> Unarchive.of("/tmp/a.zip", "/opt").build(), "unarchive", "src");
        refused(() -> Unarchive.of("/tmp/a.tgz", "opt").build(), "unarchive", "dest");
        refused(() -> AsyncStatus.of("1234").build(), "async_status", "jid");
    }

    /** A builder left at its defaults is the module the same YAML task gives: one set of defaults. */
    @Test
    void builderDefaultsAreTheYamlDefaults() {
        assertThat(Stat.of("/etc/app.conf").build()).isEqualTo(yaml(new Stat.Type(), "stat", Map.of("path", "/etc/app.conf")));
        assertThat(PostgresqlConf.of(Map.of("wal_level", "replica")).build())
                .isEqualTo(yaml(new PostgresqlConf.Type(), "postgresql_conf", Map.of("settings", Map.of("wal_level", "replica"))));
        assertThat(PostgresqlHba.of(PostgresqlHba.Entry.host("app", "app", "10.0.1.0/24", "scram-sha-256")).build())
                .isEqualTo(yaml(new PostgresqlHba.Type(), "postgresql_hba", Map.of("entries",
                        List.of(Map.of("type", "host", "database", "app", "user", "app", "address", "10.0.1.0/24", "method", "scram-sha-256")))));
        assertThat(Ocfs2Format.of("/dev/sdb", "odoo", "odoo", 4).build())
                .isEqualTo(yaml(new Ocfs2Format.Type(), "ocfs2_format", Map.of("device", "/dev/sdb", "label", "odoo", "cluster_name", "odoo", "slots", 4)));
        assertThat(Sysctl.set("vm.swappiness", "10").build())
                .isEqualTo(yaml(new Sysctl.Type(), "sysctl", Map.of("name", "vm.swappiness", "value", "10")));
        assertThat(LocalGroup.present("lbadmin").build()).isEqualTo(yaml(new LocalGroup.Type(), "group", Map.of("name", "lbadmin")));
        assertThat(Mount.mounted("/mnt/t", "tmpfs", "tmpfs", null).build())
                .isEqualTo(yaml(new Mount.Type(), "mount", Map.of("path", "/mnt/t", "src", "tmpfs", "fstype", "tmpfs", "state", "mounted")));
        assertThat(WaitFor.port(5432).build()).isEqualTo(yaml(new WaitFor.Type(), "wait_for", Map.of("port", 5432)));
        assertThat(WaitFor.path("/var/log/app.log").build()).isEqualTo(yaml(new WaitFor.Type(), "wait_for", Map.of("path", "/var/log/app.log")));
        assertThat(WaitFor.path("/run/app.pid").state("started").build())
                .isEqualTo(yaml(new WaitFor.Type(), "wait_for", Map.of("path", "/run/app.pid", "state", "started")));
        assertThat(WaitFor.seconds(10).build()).isEqualTo(yaml(new WaitFor.Type(), "wait_for", Map.of("timeout", 10)));
        assertThat(GetUrl.of("http://repo.lab/a.tgz", "/opt/").build())
                .isEqualTo(yaml(new GetUrl.Type(), "get_url", Map.of("url", "http://repo.lab/a.tgz", "dest", "/opt/")));
        assertThat(GetUrl.of("http://repo.lab/a.tgz", "/opt/a.tgz").checksum("SHA256:ABC123").build())
                .isEqualTo(yaml(new GetUrl.Type(), "get_url", Map.of("url", "http://repo.lab/a.tgz", "dest", "/opt/a.tgz", "checksum", "SHA256:ABC123")));
        assertThat(Uri.of("http://app.lab/health").build()).isEqualTo(yaml(new Uri.Type(), "uri", Map.of("url", "http://app.lab/health")));
        assertThat(Uri.of("http://app.lab/health").method("post").followRedirects("yes").build())
                .isEqualTo(yaml(new Uri.Type(), "uri", Map.of("url", "http://app.lab/health", "method", "post", "follow_redirects", "yes")));
        assertThat(Unarchive.of("/tmp/a.tgz", "/opt").build())
                .isEqualTo(yaml(new Unarchive.Type(), "unarchive", Map.of("src", "/tmp/a.tgz", "dest", "/opt", "remote_src", true)));
        assertThat(AsyncStatus.of("j123456789012").build()).isEqualTo(yaml(new AsyncStatus.Type(), "async_status", Map.of("jid", "j123456789012")));
    }

    private static Object yaml(dev.rigger.core.module.ModuleType type, String module, Map<String, Object> args) {
        return type.create(Args.of(module, args));
    }

    @Test
    void yamlUsersGetTheRefusalAtTheParameterWithTheModuleNamedOnce() {
        assertThatThrownBy(() -> new PostgresqlUser.Type().create(Args.of("postgresql_user", Map.of("name", "app", "port", 0))))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("postgresql_user: port: must be 1 to 65535, got 0")
                .satisfies(e -> assertThat(e.getMessage()).containsOnlyOnce("postgresql_user"));
    }

    /** Refusals of the YAML bindings themselves read {@code module: parameter: problem}, the module named once. */
    @Test
    void yamlBindingRefusalsNameTheModuleOnceThenTheParameter() {
        Map<String, Object> tar = Map.of("src", "/tmp/a.tgz", "dest", "/opt", "remote_src", true);
        List<Object[]> cases = List.of(
                new Object[] {new Unarchive.Type(), "unarchive", with(tar, "owner", "app"), "owner"},
                new Object[] {new Unarchive.Type(), "unarchive", with(tar, "group", "app"), "group"},
                new Object[] {new Unarchive.Type(), "unarchive", with(tar, "mode", "0755"), "mode"},
                new Object[] {new Unarchive.Type(), "unarchive", with(tar, "list_files", true), "list_files"},
                new Object[] {new Unarchive.Type(), "unarchive", Map.of("src", "a.tgz", "dest", "/opt"), "remote_src"},
                new Object[] {new dev.rigger.modules.files.CopyFile.Type(), "copy", Map.of("dest", "/a", "src", "a", "content", "x"), "content"},
                new Object[] {new dev.rigger.modules.files.CopyFile.Type(), "copy", Map.of("dest", "/a"), "content"},
                new Object[] {new dev.rigger.modules.builtin.IncludeVars.Type(), "include_vars", Map.of("dir", "vars"), "dir"},
                new Object[] {new dev.rigger.modules.apt.GenericPackage.Type(), "package", Map.of("name", "curl", "use", "yum"), "use"});
        for (Object[] c : cases) {
            String module = (String) c[1];
            @SuppressWarnings("unchecked")
            Map<String, Object> args = (Map<String, Object>) c[2];
            assertThatThrownBy(() -> yaml((dev.rigger.core.module.ModuleType) c[0], module, args)).as(module + " " + args)
                    .isInstanceOf(InputException.class)
                    .hasMessageContaining(module + ": " + c[3] + ": ")
                    .satisfies(e -> assertThat(e.getMessage()).as(e.getMessage()).containsOnlyOnce(module + ":")
                            .doesNotContain(module + ": " + module));
        }
    }

    private static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
        Map<String, Object> out = new java.util.HashMap<>(base);
        out.put(key, value);
        return out;
    }

    /** Moving the checks into the records keeps YAML's error at the parameter's line and column. */
    @Test
    void yamlRefusalsOfTheMovedChecksPointAtTheParameter(@TempDir Path dir) throws IOException {
        PlaybookLoader loader = new PlaybookLoader(ModuleRegistry.load(), LoaderOptions.builder().displayRoot(dir).build());
        Files.writeString(dir.resolve("wait.yml"), "- hosts: all\n  tasks:\n    - wait_for:\n        port: 70000\n");
        assertThatThrownBy(() -> loader.load(dir.resolve("wait.yml"))).isInstanceOf(InputException.class)
                .hasMessage("wait.yml:4:9: wait_for: port: must be 1-65535, got 70000");
        Files.writeString(dir.resolve("get.yml"), "- hosts: all\n  tasks:\n    - get_url:\n        url: http://repo.lab/a.tgz\n"
                + "        dest: /opt/a.tgz\n        checksum: md4:abc\n");
        assertThatThrownBy(() -> loader.load(dir.resolve("get.yml"))).isInstanceOf(InputException.class)
                .hasMessageStartingWith("get.yml:6:9: get_url: checksum: must be ALGORITHM:HEX");
        Files.writeString(dir.resolve("unarchive.yml"), "- hosts: all\n  tasks:\n    - unarchive:\n        src: /tmp/a.tgz\n"
                + "        dest: opt\n        remote_src: yes\n");
        assertThatThrownBy(() -> loader.load(dir.resolve("unarchive.yml"))).isInstanceOf(InputException.class)
                .hasMessage("unarchive.yml:5:9: unarchive: dest: 'opt' must be an absolute path");
    }

    private static void refused(ThrowingCallable build, String module, String parameter) {
        assertThatThrownBy(build).isInstanceOfSatisfying(ModuleArgumentException.class, e -> {
            assertThat(e.module()).isEqualTo(module);
            assertThat(e.parameter()).isEqualTo(parameter);
            assertThat(e.getMessage()).startsWith(module + ": " + parameter + ": ");
        });
    }
}
