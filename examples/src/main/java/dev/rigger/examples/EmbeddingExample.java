package dev.rigger.examples;

import dev.rigger.core.executor.Play;
import dev.rigger.core.executor.PlaybookRun;
import dev.rigger.core.executor.Playbook;
import dev.rigger.core.executor.Role;
import dev.rigger.core.executor.RunOptions;
import dev.rigger.core.executor.RunResult;
import dev.rigger.core.executor.Task;
import dev.rigger.core.inventory.Inventory;
import dev.rigger.core.report.ConsoleReporter;
import dev.rigger.modules.command.Command;
import dev.rigger.modules.files.CopyFile;
import dev.rigger.modules.system.Systemd;
import dev.rigger.testing.Lab;
import java.util.List;
import java.util.Map;

/**
 * Rigger embedded in a Java program, no YAML at all: a role built in code (typed module specs, a
 * handler), a play over an inventory, a dry run, then the real run, each with a typed result.
 * CI compiles this and runs it against lab hosts ({@code EmbeddingExampleIT}); run it yourself with
 * {@code java -cp ... dev.rigger.examples.EmbeddingExample} after {@code scripts/setup-host}.
 */
public final class EmbeddingExample {
    private EmbeddingExample() {}

    /** A "hello" service: a unit file, started and enabled; the unit is reloaded when the file changes. */
    static Role helloService(String greeting) {
        String unit = """
                [Unit]
                Description=Says hello every minute

                [Service]
                ExecStart=/bin/sh -c 'while true; do echo %s; sleep 60; done'

                [Install]
                WantedBy=multi-user.target
                """.formatted(greeting);
        return Role.named("hello")
                .task(Task.named("install the unit file")
                        .module(CopyFile.content("/etc/systemd/system/hello.service", unit).mode("0644").build())
                        .notify("restart hello").build())
                .task(Task.named("hello runs and starts at boot")
                        .module(Systemd.unit("hello").started().enabled(true).daemonReload(true).build()).build())
                .task(Task.named("what it says")
                        .module(Command.of("systemctl", "show", "-p", "ExecStart", "--value", "hello").build())
                        .register("shown").changedWhen(vars -> false).build())
                .handler(Task.named("restart hello")
                        .module(Systemd.unit("hello").restarted().daemonReload(true).build()).build())
                .build();
    }

    /** Dry run, then the real run, on every host of the inventory; returns both results. */
    public static List<RunResult> deploy(Inventory inventory, String greeting, boolean printToConsole) {
        Playbook playbook = Playbook.of(Play.builder("all").name("hello service").role(helloService(greeting)).build());
        PlaybookRun dryRun = PlaybookRun.of(playbook).inventory(inventory)
                .options(RunOptions.builder().checkMode(true).diffMode(true).build());
        PlaybookRun realRun = PlaybookRun.of(playbook).inventory(inventory)
                .options(RunOptions.builder().extraVars(Map.of()).build());
        if (printToConsole) {
            dryRun.listener(ConsoleReporter.toStdout(0));
            realRun.listener(ConsoleReporter.toStdout(0));
        }
        return List.of(dryRun.execute(), realRun.execute());
    }

    public static void main(String[] args) {
        try (Lab lab = Lab.builder().hosts("app1", "app2").name("EmbeddingExample").start()) {
            List<RunResult> results = deploy(lab.inventory(), "hello from Rigger", true);
            RunResult real = results.get(1);
            System.out.println("\nexit code " + real.exitCode() + ", changed " + real.recap().totalChanged()
                    + "; app1 says: " + lab.shell("app1", "systemctl is-active hello").strip());
        }
    }
}
