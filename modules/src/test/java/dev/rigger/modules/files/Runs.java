package dev.rigger.modules.files;

import dev.rigger.core.executor.HostConnector;
import dev.rigger.core.executor.Play;
import dev.rigger.core.executor.Playbook;
import dev.rigger.core.executor.PlaybookRun;
import dev.rigger.core.executor.RunEvent.HostResult;
import dev.rigger.core.executor.RunOptions;
import dev.rigger.core.executor.RunResult;
import dev.rigger.core.executor.Task;
import dev.rigger.core.inventory.Inventory;
import dev.rigger.core.module.Module;
import dev.rigger.core.transport.ConnectionSettings;
import dev.rigger.core.transport.LocalConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs modules through the executor exactly as users do, one task per module, and reads the results. */
final class Runs {
    private final Inventory inventory;
    private final HostConnector connector;
    private final String hosts;
    private Path playbookDir;
    private boolean check;
    private boolean diff;
    private Map<String, Object> vars = Map.of();

    private Runs(Inventory inventory, HostConnector connector, String hosts) {
        this.inventory = inventory;
        this.connector = connector;
        this.hosts = hosts;
    }

    static Runs on(Inventory inventory, HostConnector connector, String hosts) {
        return new Runs(inventory, connector, hosts);
    }

    /** This machine through {@link LocalConnection}: the real probe and apply scripts on real files. */
    static Runs local() {
        Inventory inventory = Inventory.builder().host("local", Map.of("ansible_connection", "local")).build();
        return new Runs(inventory, host -> new LocalConnection(ConnectionSettings.builder(host).local()
                .commandTimeout(Duration.ofSeconds(60)).build()), "local");
    }

    Runs playbookDir(Path dir) {
        this.playbookDir = dir;
        return this;
    }

    Runs check(boolean value) {
        this.check = value;
        return this;
    }

    Runs diff(boolean value) {
        this.diff = value;
        return this;
    }

    /** Play variables. */
    Runs vars(Map<String, Object> value) {
        this.vars = value;
        return this;
    }

    RunResult run(Module<?>... modules) {
        List<Task> tasks = new ArrayList<>();
        for (int i = 0; i < modules.length; i++) tasks.add(Task.named("t" + i).module(modules[i]).build());
        Play play = Play.builder(hosts).gatherFacts(false).vars(vars).tasks(tasks).build();
        return PlaybookRun.of(new Playbook("files", playbookDir, List.of(play)))
                .inventory(inventory)
                .connector(connector)
                .options(RunOptions.builder().checkMode(check).diffMode(diff).build())
                .execute();
    }

    /** The result of the run's only task on its only host. */
    HostResult runOne(Module<?> module) {
        List<HostResult> results = run(module).hostResults();
        if (results.size() != 1) throw new AssertionError("expected one result, got " + results);
        return results.get(0);
    }
}
