package dev.rigger.core.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rigger.core.executor.PlayRecap;
import dev.rigger.core.executor.RunEvent;
import dev.rigger.core.executor.Status;
import dev.rigger.core.module.Change;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonLinesWriterTest {

    @Test
    void oneSnakeCaseObjectPerEventAndNoRegisteredValues(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("events.jsonl");
        try (JsonLinesWriter w = new JsonLinesWriter(file)) {
            w.on(new RunEvent.RunStarted("site.yml", true, false));
            w.on(new RunEvent.HostResult("web1", "conf", "site.yml:3:5", Status.CHANGED, "", List.of(Change.withDiff("update /etc/x", "--- a\n+++ b\n")),
                    Duration.ofMillis(42), 2, null, Map.of("stdout", "the registered secret")));
            w.on(new RunEvent.RunFinished(new PlayRecap(Map.of("web1", new PlayRecap.Counts(1, 1, 0, 0, 0, 0, 0))), 0, Duration.ofSeconds(3)));
        }
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(3).noneMatch(l -> l.contains("the registered secret"));
        ObjectMapper json = new ObjectMapper();
        JsonNode started = json.readTree(lines.get(0));
        assertThat(started.get("event").asText()).isEqualTo("run_started");
        assertThat(started.get("check_mode").asBoolean()).isTrue();
        JsonNode result = json.readTree(lines.get(1));
        assertThat(result.get("status").asText()).isEqualTo("changed");
        assertThat(result.get("execs").asInt()).isEqualTo(2);
        assertThat(result.get("duration_ms").asLong()).isEqualTo(42);
        assertThat(result.get("changes").get(0).get("diff").asText()).startsWith("--- a");
        JsonNode finished = json.readTree(lines.get(2));
        assertThat(finished.get("exit_code").asInt()).isZero();
        assertThat(finished.get("duration_ms").asLong()).isEqualTo(3000);
        assertThat(finished.get("recap").get("hosts").get("web1").get("changed").asInt()).isEqualTo(1);
    }
}
