package consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rigger.core.executor.Playbook;
import dev.rigger.core.executor.RunResult;
import dev.rigger.core.executor.Status;
import dev.rigger.testing.Lab;
import dev.rigger.testing.LabHosts;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lab test as a user writes one, run with none of Testcontainers' environment variables set:
 * the docs' example program (HelloDeploy) on a lab host, dry run then real run.
 */
@LabHosts("app1")
class LabTest {
    @TempDir
    Path dir;

    @Test
    void theDocsExampleRunsOnALabHost(Lab lab) throws Exception {
        assertNull(System.getenv("TESTCONTAINERS_RYUK_DISABLED"), "ConsumerIT runs this without Testcontainers variables");
        assertNull(System.getenv("TESTCONTAINERS_HOST_OVERRIDE"), "ConsumerIT runs this without Testcontainers variables");
        Playbook playbook = HelloDeploy.playbook("app1", "hello from Rigger");

        RunResult dry = HelloDeploy.run(playbook, lab.inventory(), true, dir.resolve("dry.jsonl"));
        assertEquals(0, dry.exitCode());
        assertEquals(Status.CHANGED, dry.result("app1", "the greeting file").orElseThrow().status());
        assertEquals(1, lab.exec("app1", "test", "-e", "/etc/greeting").exitCode(), "a dry run changes nothing");

        RunResult real = HelloDeploy.run(playbook, lab.inventory(), false, dir.resolve("run.jsonl"));
        assertEquals(0, real.exitCode());
        assertEquals("hello from Rigger", lab.shell("app1", "cat /etc/greeting").strip());
        assertEquals(1, real.resultsOf("read it back").size(), "the handler ran once");
        assertTrue(Files.readString(dir.resolve("run.jsonl")).contains("\"task\":\"read it back\""), "JSON events of the handler");

        RunResult again = HelloDeploy.run(playbook, lab.inventory(), false, dir.resolve("again.jsonl"));
        assertEquals(0, again.recap().totalChanged());
        assertEquals(0, again.resultsOf("read it back").size(), "no change, no handler");
    }
}
