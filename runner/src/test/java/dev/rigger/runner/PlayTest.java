package dev.rigger.runner;

import static dev.rigger.runner.Cli.DIR;
import static dev.rigger.runner.Cli.LOCAL;
import static dev.rigger.runner.Cli.REFUSED;
import static dev.rigger.runner.Cli.rigger;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rigger play} runs on hosts of the local transport: exit codes, flags and reports. */
class PlayTest {
    private static final String SITE = DIR + "site.yml";
    private static final String FILES = DIR + "files.yml";

    @TempDir
    Path workdir;

    @Test
    void groupByMakesAGroupALaterPlayTargetsWithoutContactingAHost() {
        Cli run = rigger("play", DIR + "group_by.yml", "-i", REFUSED);

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.err()).as("no 'could not match' warning for a group made at run time").isEmpty();
        assertThat(run.resultsOf("web1")).containsExactly("changed: [web1]");
        assertThat(run.resultsOf("db1")).containsExactly("changed: [db1]", "ok: [db1] => db1 in db,fleet,role_primary; fleet=web1,web2,db1");
    }

    @Test
    void aGoodPlaybookRunsEveryTaskInOrderAndExitsWith0() {
        Cli run = rigger("play", SITE, "-i", LOCAL);
        assertThat(run.taskHeaders()).containsExactly("TASK [Gathering Facts]", "TASK [Common marker]", "TASK [Greet]",
                "TASK [Remember the port]", "TASK [Port is a number]", "TASK [Checks done]", "TASK [Show port]");
        assertThat(run.resultsOf("web1")).containsExactly("ok: [web1]", "ok: [web1] => common-ran on web1",
                "ok: [web1] => greeting=from-play", "ok: [web1]", "ok: [web1] => All assertions passed", "ok: [web1] => checks done");
        assertThat(run.resultsOf("db1")).containsExactly("ok: [db1] => port=5432");
        assertThat(run.outLines()).contains(
                "web1 : ok=6    changed=0    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0",
                "db1  : ok=1    changed=0    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0");
        assertThat(run.err()).isEmpty();
        assertThat(run.exitCode()).isZero();
    }

    @Test
    void moduleDefaultsOfThePlayABlockAndATaskReachTheFilesTheyWrite() throws IOException {
        Path playbook = Files.writeString(workdir.resolve("defaults.yml"), """
                - hosts: web1
                  gather_facts: false
                  module_defaults:
                    copy: {mode: "0600", content: "play\\n"}
                  tasks:
                    - copy: {dest: "%1$s/play"}
                    - block:
                        - copy: {dest: "%1$s/block"}
                        - copy: {dest: "%1$s/task"}
                          module_defaults:
                            ansible.builtin.copy: {mode: "0640", content: "task\\n"}
                        - copy: {dest: "%1$s/own", content: "own\\n"}
                      module_defaults:
                        copy: {mode: "0604", content: "block\\n"}
                """.formatted(workdir));

        Cli run = rigger("play", playbook.toString(), "-i", LOCAL);

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(modeAndText("play")).isEqualTo("rw------- play\n");
        assertThat(modeAndText("block")).isEqualTo("rw----r-- block\n");
        assertThat(modeAndText("task")).isEqualTo("rw-r----- task\n");
        assertThat(modeAndText("own")).as("the task's own argument over the block's default").isEqualTo("rw----r-- own\n");
    }

    private String modeAndText(String file) throws IOException {
        Path path = workdir.resolve(file);
        return java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(path)) + " " + Files.readString(path);
    }

    @Test
    void aFailedTaskStopsItsHostAndExitsWith2() {
        Cli run = rigger("play", DIR + "failing.yml", "-i", LOCAL);
        assertThat(run.resultsOf("web1")).containsExactly("fatal: [web1]: FAILED! => web1 is broken on purpose");
        assertThat(run.resultsOf("web2")).containsExactly("skipping: [web2]", "ok: [web2] => still running");
        assertThat(run.outLines()).contains(
                "web1 : ok=0    changed=0    unreachable=0    failed=1    skipped=0    rescued=0    ignored=0");
        assertThat(run.exitCode()).isEqualTo(2);
    }

    @Test
    void anUnreachableHostExitsWith4() {
        Cli run = rigger("play", SITE, "-i", REFUSED, "--limit", "web1");
        assertThat(run.resultsOf("web1")).singleElement().asString()
                .startsWith("fatal: [web1]: UNREACHABLE! => web1: cannot connect to root@127.0.0.1:1: connection refused");
        assertThat(run.outLines()).contains(
                "web1 : ok=0    changed=0    unreachable=1    failed=0    skipped=0    rescued=0    ignored=0");
        assertThat(run.exitCode()).isEqualTo(4);
    }

    @Test
    void checkModeChangesNothingThenTheRealRunDoesThenNothingIsLeftToChange() throws IOException {
        String workdirVar = "workdir=" + workdir;
        Cli check = rigger("play", FILES, "-i", LOCAL, "-e", workdirVar, "--check");
        assertThat(check.resultsOf("web1")).containsExactly("changed: [web1]");
        assertThat(workdir.resolve("web1.txt")).doesNotExist();
        assertThat(check.exitCode()).isZero();

        Cli real = rigger("play", FILES, "-i", LOCAL, "-e", workdirVar, "--diff");
        assertThat(real.resultsOf("web1")).containsExactly("changed: [web1]");
        assertThat(real.outLines()).contains("+hello from web1", "+hello from web2");
        assertThat(Files.readString(workdir.resolve("web1.txt"))).isEqualTo("hello from web1\n");
        assertThat(Files.readString(workdir.resolve("web2.txt"))).isEqualTo("hello from web2\n");

        Cli again = rigger("play", FILES, "-i", LOCAL, "-e", workdirVar);
        assertThat(again.resultsOf("web1")).containsExactly("ok: [web1]");
        assertThat(again.outLines()).contains(
                "web1 : ok=1    changed=0    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0");
    }

    @Test
    void verboseShowsTheExecsOfEachTask() {
        String workdirVar = "workdir=" + workdir;
        Cli changed = rigger("play", FILES, "-i", LOCAL, "-e", workdirVar, "-v");
        assertThat(changed.resultsOf("web1")).singleElement().asString().matches("changed: \\[web1\\]  \\(2 execs, \\d+ ms\\)");
        Cli unchanged = rigger("play", FILES, "-i", LOCAL, "-e", workdirVar, "-v");
        assertThat(unchanged.resultsOf("web1")).singleElement().asString().matches("ok: \\[web1\\]  \\(1 exec, \\d+ ms\\)");
        Cli quiet = rigger("play", FILES, "-i", LOCAL, "-e", workdirVar);
        assertThat(quiet.resultsOf("web1")).containsExactly("ok: [web1]");
    }

    @Test
    void tagsSelectTasksWithTheirInheritedTags() {
        assertThat(rigger("play", SITE, "-i", LOCAL, "--tags", "talk").taskHeaders())
                .containsExactly("TASK [Gathering Facts]", "TASK [Greet]");
        assertThat(rigger("play", SITE, "-i", LOCAL, "--tags", "web").taskHeaders())
                .containsExactly("TASK [Gathering Facts]", "TASK [Common marker]", "TASK [Greet]",
                        "TASK [Remember the port]", "TASK [Port is a number]", "TASK [Checks done]");
    }

    @Test
    void skipTagsLeaveOutTasksWithTheirInheritedTags() {
        Cli run = rigger("play", SITE, "-i", LOCAL, "--skip-tags", "base,checks");
        assertThat(run.taskHeaders()).containsExactly("TASK [Gathering Facts]", "TASK [Greet]", "TASK [Show port]");
        assertThat(run.exitCode()).isZero();
    }

    @Test
    void startAtTaskSkipsEarlierTasksAndRunsTheLaterPlaysInFull() {
        Cli run = rigger("play", SITE, "-i", LOCAL, "--start-at-task", "Greet");
        assertThat(run.taskHeaders()).containsExactly("TASK [Gathering Facts]", "TASK [Greet]",
                "TASK [Remember the port]", "TASK [Port is a number]", "TASK [Checks done]", "TASK [Show port]");
        Cli glob = rigger("play", SITE, "-i", LOCAL, "--start-at-task", "Show*");
        assertThat(glob.taskHeaders()).containsExactly("TASK [Gathering Facts]", "TASK [Show port]");
    }

    @Test
    void extraVarsWinOverPlayVarsAndInventoryVars() {
        assertThat(rigger("play", SITE, "-i", LOCAL, "-e", "greeting=from-cli").resultsOf("web1"))
                .contains("ok: [web1] => greeting=from-cli");
        assertThat(rigger("play", SITE, "-i", LOCAL, "-e", "@" + DIR + "vars.yml").resultsOf("web1"))
                .contains("ok: [web1] => greeting=from-file");
        Cli json = rigger("play", SITE, "-i", LOCAL, "-e", "{\"greeting\": \"from-json\", \"db_port\": 6432}");
        assertThat(json.resultsOf("web1")).contains("ok: [web1] => greeting=from-json");
        assertThat(json.resultsOf("db1")).containsExactly("ok: [db1] => port=6432");
    }

    @Test
    void aLaterExtraVarsValueWinsOverAnEarlierOne() {
        Cli run = rigger("play", SITE, "-i", LOCAL, "-e", "@" + DIR + "vars.yml", "-e", "greeting='two words'");
        assertThat(run.resultsOf("web1")).contains("ok: [web1] => greeting=two words");
    }

    @Test
    void jsonWritesOneEventObjectPerLine() throws IOException {
        Path events = workdir.resolve("events.jsonl");
        Cli run = rigger("play", DIR + "failing.yml", "-i", LOCAL, "--json", events.toString());
        assertThat(run.exitCode()).isEqualTo(2);

        ObjectMapper mapper = new ObjectMapper();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(events)) lines.add(mapper.readTree(line));
        assertThat(lines).extracting(l -> l.get("event").asText()).containsExactly(
                "run_started", "play_started", "task_started", "host_result", "host_result",
                "task_started", "host_result", "play_finished", "run_finished");
        assertThat(lines).filteredOn(l -> l.get("event").asText().equals("host_result"))
                .extracting(l -> l.get("task").asText() + " " + l.get("host").asText() + " " + l.get("status").asText())
                .containsExactlyInAnyOrder("Break web1 web1 failed", "Break web1 web2 skipped", "After the failure web2 ok");
        JsonNode failed = lines.stream().filter(l -> l.path("status").asText().equals("failed")).findFirst().orElseThrow();
        assertThat(failed.get("message").asText()).isEqualTo("web1 is broken on purpose");
        assertThat(failed.get("location").asText()).isEqualTo("src/test/resources/cli/failing.yml:5:7");
        assertThat(lines.get(lines.size() - 1).get("exit_code").asInt()).isEqualTo(2);
    }
}
