package consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.rigger.core.executor.Play;
import dev.rigger.core.executor.Playbook;
import dev.rigger.core.executor.PlaybookRun;
import dev.rigger.core.executor.RunResult;
import dev.rigger.core.executor.Task;
import dev.rigger.modules.command.Command;
import dev.rigger.testing.Lab;
import dev.rigger.testing.LabHosts;
import org.junit.jupiter.api.Test;

/** A lab test as a user writes one, run with none of Testcontainers' environment variables set. */
@LabHosts("app1")
class LabTest {
    @Test
    void aPlaybookRunsOnALabHost(Lab lab) {
        assertNull(System.getenv("TESTCONTAINERS_RYUK_DISABLED"), "ConsumerIT runs this without Testcontainers variables");
        assertNull(System.getenv("TESTCONTAINERS_HOST_OVERRIDE"), "ConsumerIT runs this without Testcontainers variables");
        Play play = Play.builder("app1").gatherFacts(false)
                .task(Task.named("mark").module(Command.shell("echo from-rigger > /tmp/mark")).build())
                .build();
        RunResult result = PlaybookRun.of(Playbook.of(play)).inventory(lab.inventory()).execute();
        assertEquals(0, result.exitCode());
        assertEquals("from-rigger", lab.shell("app1", "cat /tmp/mark").strip());
    }
}
