package dev.rigger.core.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.rigger.core.executor.Block;
import dev.rigger.core.executor.DynamicInclude;
import dev.rigger.core.executor.FlushHandlers;
import dev.rigger.core.executor.Play;
import dev.rigger.core.executor.PlaybookRun;
import dev.rigger.core.executor.RunEvent.HostResult;
import dev.rigger.core.executor.RunResult;
import dev.rigger.core.executor.Status;
import dev.rigger.core.executor.Task;
import dev.rigger.core.executor.TaskNode;
import dev.rigger.core.inventory.Inventory;
import dev.rigger.core.module.ModuleRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlaybookLoaderTest {
    static final Path SITE = Path.of("src/test/resources/loader/site");

    private final ModuleRegistry modules = ModuleRegistry.load(getClass().getClassLoader());
    private final Inventory inventory = Inventory.builder()
            .group("web", Map.of("http_port", 80), "web1", "web2")
            .group("db", Map.of(), "db1")
            .build();
    private final LoadedPlaybook site = new PlaybookLoader(modules, LoaderOptions.builder().displayRoot(SITE).build())
            .load(SITE.resolve("site.yml"));
    private final Play play = site.playbook().plays().get(0);

    @Test
    void playKeywordsReachThePlay() {
        assertThat(play.name()).isEqualTo("web servers");
        assertThat(play.hosts()).isEqualTo("web");
        assertThat(play.gatherFacts()).isFalse();
        assertThat(play.serial().steps()).containsExactly("1", "50%");
        assertThat(play.vars()).containsEntry("site_dir", "{{ base_dir }}/site").containsEntry("extra_var", "from vars_files");
        assertThat(play.location().toString()).isEqualTo("site.yml:2:3");
        // Role handlers come first, then the play's own.
        assertThat(play.handlers()).extracting(Task::name).containsExactly("restart web", "reload site");
        assertThat(play.handlers().get(1).listen()).containsExactly("site changed");
        assertThat(play.preTasks()).extracting(TaskNode::name).containsExactly("update cache");
    }

    @Test
    void rolesExpandDependenciesFirstWithTheirParameters() {
        List<TaskNode> tasks = play.tasks();
        Block common = (Block) tasks.get(0);
        Block web = (Block) tasks.get(1);
        assertThat(common.name()).isEqualTo("role: common");
        assertThat(common.attributes().vars()).containsEntry("common_name", "from web");
        assertThat(common.attributes().role().defaults()).containsEntry("common_name", "default");
        assertThat(web.name()).isEqualTo("role: web");
        assertThat(web.attributes().vars()).containsEntry("web_port", 8080);
        assertThat(web.attributes().tags()).containsExactly("web");
        assertThat(web.attributes().role().vars()).containsEntry("web_user", "www-data");
        assertThat(web.attributes().role().dir()).isEqualTo(SITE.resolve("roles/web").toAbsolutePath());
        assertThat(web.tasks()).extracting(TaskNode::name).containsExactly("configure web", "web facts", "import_tasks: extra.yaml");
        assertThat(tasks.stream().filter(n -> n instanceof FlushHandlers)).hasSize(1);
        assertThat(tasks.get(tasks.size() - 1)).isInstanceOf(DynamicInclude.class);
    }

    @Test
    void aPlaybookGivenAsTextFindsRolesNextToItsFolderAndIsNamedByItsOrigin() {
        PlaybookLoader loader = new PlaybookLoader(modules, LoaderOptions.builder().displayRoot(SITE).build());
        LoadedPlaybook text = loader.load("generated", "- hosts: db\n  roles: [common]\n", SITE);
        assertThat(text.playbook().name()).isEqualTo("generated");
        assertThat(((Block) text.playbook().plays().get(0).tasks().get(0)).name()).isEqualTo("role: common");
        assertThatThrownBy(() -> loader.load("generated", "- hosts: db\n  roles: [comon]\n", SITE))
                .hasMessage("generated:2:11: role 'comon' not found; looked for roles/comon, classpath:roles/comon (did you mean 'common'?)");
    }

    @Test
    void theValidPlaybookPassesThePreflight() {
        assertThat(Preflight.check(site, inventory, Map.of())).isEmpty();
    }

    @Test
    void valuesAreRenderedPerHostWithTheirTypes() {
        RecordingHosts hosts = new RecordingHosts();
        RunResult run = PlaybookRun.of(site.playbook()).inventory(inventory).connector(hosts).execute();

        assertThat(args(run, "web1", "update cache")).isEqualTo(Map.of("name", List.of("apt-transport-https"), "state", "present", "update_cache", true));
        assertThat(args(run, "web1", "install packages")).containsEntry("name", List.of("nginx", "curl"));
        assertThat(itemArgs(run, "one by one", "value")).containsExactly("nginx", "curl", "nginx", "curl");
        assertThat(itemArgs(run, "legacy items", "msg")).containsExactly("a", "b", "c", "a", "b", "c");
        assertThat(args(run, "web2", "run a command")).isEqualTo(Map.of("cmd", "./configure --prefix=/srv/site", "chdir", "/src"));
        assertThat(args(run, "web2", "use what was remembered"))
                .containsEntry("msg", "rc=/src greeting=hello web2 extra=from vars_files");
        assertThat(args(run, "web1", "web facts")).containsEntry("value", 8080);
        assertThat(args(run, "web1", "web root")).containsEntry("msg", "/srv/www as www-data");
        // Templates see variables rendered too: web_root is "{{ base_dir }}/www" in the role's defaults.
        assertThat(run.result("web1", "configure web").orElseThrow().registered().get("content"))
                .isEqualTo("listen 8080;\nroot /srv/www;\n# nginx\n# curl\n");
        assertThat(args(run, "web1", "imported")).containsEntry("msg", "from import");
        assertThat(itemArgs(run, "included", "msg")).containsExactly("included x", "included y", "included x", "included y");
        assertThat(run.resultsOf("common")).extracting(r -> args(r).get("msg"))
                .containsExactly("common from web", "common included", "common from web", "common included");

        assertThat(run.resultsOf("rescued")).extracting(HostResult::host).containsExactly("web1");
        assertThat(run.resultsOf("always")).extracting(HostResult::host, HostResult::status)
                .containsExactly(tuple("web1", Status.OK), tuple("web2", Status.SKIPPED));
        assertThat(run.resultsOf("reload site")).extracting(HostResult::host).containsExactly("web1", "web2");
        assertThat(run.resultsOf("restart web")).isEmpty();
        assertThat(hosts.execs).containsExactly("web1: touch /forbidden", "web1: touch /etc/site.conf", "web2: touch /etc/site.conf");
        assertThat(run.recap().of("web1").rescued()).isEqualTo(1);
        assertThat(run.exitCode()).isZero();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> args(HostResult r) {
        return (Map<String, Object>) r.registered().get("args");
    }

    private static Map<String, Object> args(RunResult run, String host, String task) {
        HostResult r = run.result(host, task).orElseThrow(() -> new AssertionError("no result for " + task + " on " + host));
        assertThat(r.status()).as(task + ": " + r.message()).isIn(Status.OK, Status.CHANGED);
        return args(r);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> itemArgs(RunResult run, String task, String key) {
        return run.events().stream()
                .filter(e -> e instanceof HostResult r && r.task().equals(task) && (r.item() != null || !r.registered().containsKey("results")))
                .map(e -> ((Map<String, Object>) ((HostResult) e).registered().get("args")).get(key))
                .toList();
    }
}
