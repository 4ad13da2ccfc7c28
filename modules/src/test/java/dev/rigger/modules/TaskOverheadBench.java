package dev.rigger.modules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rigger.core.executor.Play;
import dev.rigger.core.executor.PlaybookRun;
import dev.rigger.core.executor.RunEvent;
import dev.rigger.core.executor.RunEvent.HostResult;
import dev.rigger.core.executor.RunEvent.TaskStarted;
import dev.rigger.core.executor.RunResult;
import dev.rigger.core.executor.Status;
import dev.rigger.core.executor.Task;
import dev.rigger.core.executor.Playbook;
import dev.rigger.core.module.Args;
import dev.rigger.core.module.Module;
import dev.rigger.core.module.ModuleRegistry;
import dev.rigger.core.module.ModuleType;
import dev.rigger.modules.command.Command;
import dev.rigger.testing.Lab;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Per-task overhead of the executor over real SSH: the wall time of one task across all hosts of a
 * lab, for unchanged and changed tasks, on 1 and on 20 hosts. Prints numbers; asserts only the
 * exec budget (timing assertions would be flaky on a shared 2-core machine). Run with
 * {@code scripts/bench} (tagged {@code bench}; its name keeps it out of normal runs).
 */
@Tag("bench")
class TaskOverheadBench {
    private static final int TASKS = 20;

    @Test
    void oneHost() {
        measure(1);
    }

    @Test
    void twentyHosts() {
        measure(20);
    }

    private void measure(int hosts) {
        String[] names = new String[hosts];
        for (int i = 0; i < hosts; i++) names[i] = "n" + (i + 1);
        try (Lab lab = Lab.builder().hosts(names).name("TaskOverheadBench").start()) {
            Map<String, Function<Integer, Module<?>>> kinds = new LinkedHashMap<>();
            kinds.put("command unchanged (creates guard holds)", i -> Command.of("true").creates("/etc/hostname").build());
            kinds.put("command changed", i -> Command.of("true").build());
            kinds.put("shell changed, writes a file", i -> Command.shell("echo " + i + " > /tmp/bench-" + i).build());
            ModuleType copy = ModuleRegistry.load().find("copy").orElseThrow();
            kinds.put("copy changed (new file)", i -> copy.create(Args.of("copy", Map.of("dest", "/tmp/copy-" + i, "content", "file " + i + "\n"))));
            kinds.put("copy unchanged (same content again)", i -> copy.create(Args.of("copy", Map.of("dest", "/tmp/copy-" + i, "content", "file " + i + "\n"))));
            for (var kind : kinds.entrySet()) {
                Play.Builder play = Play.builder("all").gatherFacts(false);
                for (int i = 0; i < TASKS; i++) {
                    play.task(Task.named(kind.getKey() + " #" + i).module(kind.getValue().apply(i)).build());
                }
                List<Timed> events = new ArrayList<>();
                RunResult r = PlaybookRun.of(Playbook.of(play.build())).inventory(lab.inventory())
                        .listener(e -> events.add(new Timed(e, System.nanoTime()))).execute();
                assertThat(r.exitCode()).isZero();
                boolean changed = !kind.getKey().contains("unchanged");
                assertThat(r.hostResults()).allSatisfy(h -> {
                    assertThat(h.status()).isEqualTo(changed ? Status.CHANGED : Status.OK);
                    assertThat(h.execs()).isEqualTo(changed && kind.getKey().startsWith("copy") ? 2 : 1);
                });
                report(hosts, kind.getKey(), events);
            }
        }
    }

    /** Wall time per task: from its TaskStarted to its last host result, first task (connect) excluded. */
    private record Timed(RunEvent event, long nanos) {}

    private static void report(int hosts, String kind, List<Timed> events) {
        List<Double> perTask = new ArrayList<>();
        long start = 0;
        long last = 0;
        int index = 0;
        for (Timed t : events) {
            if (t.event() instanceof TaskStarted) {
                if (index > 1) perTask.add((last - start) / 1e6);
                index++;
                start = t.nanos();
            }
            if (t.event() instanceof HostResult) last = t.nanos();
        }
        perTask.add((last - start) / 1e6);
        perTask.sort(Double::compare);
        double mean = perTask.stream().mapToDouble(d -> d).average().orElse(0);
        System.out.printf(Locale.ROOT, "BENCH task overhead | hosts=%2d | %-40s | per task: mean %6.1f ms, p50 %6.1f ms, max %6.1f ms (n=%d)%n",
                hosts, kind, mean, perTask.get(perTask.size() / 2), perTask.get(perTask.size() - 1), perTask.size());
    }
}
