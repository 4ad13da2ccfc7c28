package consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.rigger.core.executor.Play;
import dev.rigger.core.executor.Playbook;
import dev.rigger.core.executor.PlaybookRun;
import dev.rigger.core.executor.RunResult;
import dev.rigger.core.executor.Task;
import dev.rigger.core.inventory.Inventory;
import dev.rigger.core.report.JsonLinesWriter;
import dev.rigger.modules.command.Command;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JSON events from a project that has Testcontainers (and so docker-java's Jackson) on its class path. */
class JsonEventsTest {
    @TempDir
    Path dir;

    @Test
    void jsonEventsAreWritten() throws Exception {
        Class.forName("org.testcontainers.DockerClientFactory");
        // ConsumerIT reads this line to report which Jackson won.
        System.out.println("jackson-annotations: " + JsonInclude.class.getProtectionDomain().getCodeSource().getLocation());

        Inventory inventory = Inventory.builder().host("local", Map.of("ansible_connection", "local")).build();
        Play play = Play.builder("local").gatherFacts(false)
                .task(Task.named("say hello").module(Command.shell("echo hello").build()).build())
                .build();
        Path events = dir.resolve("events.jsonl");
        RunResult result;
        try (JsonLinesWriter json = new JsonLinesWriter(events)) {
            result = PlaybookRun.of(Playbook.of(play)).inventory(inventory).listener(json).execute();
        }

        assertEquals(0, result.exitCode());
        List<String> lines = Files.readAllLines(events);
        assertTrue(lines.stream().anyMatch(l -> l.contains("\"event\":\"host_result\"") && l.contains("\"task\":\"say hello\"")
                && l.contains("\"status\":\"changed\"")), "a host_result line for the task in " + lines);
        assertTrue(lines.get(lines.size() - 1).contains("\"event\":\"run_finished\""), "run_finished last in " + lines);
    }
}
