package consumer;

import dev.rigger.core.executor.Play;
import dev.rigger.core.executor.PlaybookRun;
import dev.rigger.core.executor.Playbook;
import dev.rigger.core.executor.Role;
import dev.rigger.core.executor.RunOptions;
import dev.rigger.core.executor.RunResult;
import dev.rigger.core.executor.Task;
import dev.rigger.core.inventory.Inventory;
import dev.rigger.core.inventory.InventoryLoader;
import dev.rigger.core.report.ConsoleReporter;
import dev.rigger.core.report.JsonLinesWriter;
import dev.rigger.modules.command.Command;
import dev.rigger.modules.files.CopyFile;
import java.nio.file.Path;

/**
 * A greeting file on every host of a group, and a handler that reads it back when it changes:
 * a dry run first, then the real run, printed as ansible-playbook prints and written as JSON
 * events. docs/embedding.md shows this file; the test suite compiles it against the published
 * artifacts and runs it on a lab host (ConsumerIT).
 *
 * <pre>java -cp ... consumer.HelloDeploy hosts.yml web "hello from Rigger"</pre>
 */
public final class HelloDeploy {
    private HelloDeploy() {}

    /** The role: a file, and a handler that runs only when the file changed. */
    public static Role greeting(String text) {
        return Role.named("greeting")
                .task(Task.named("the greeting file")
                        .module(CopyFile.content("/etc/greeting", text + "\n").mode("0644").build())
                        .notify("read it back")
                        .build())
                .handler(Task.named("read it back")
                        .module(Command.of("cat", "/etc/greeting").build())
                        .build())
                .build();
    }

    /** The greeting on every host {@code hosts} (a host pattern) matches. */
    public static Playbook playbook(String hosts, String text) {
        return Playbook.of(Play.builder(hosts).name("greeting").become(true).role(greeting(text)).build());
    }

    /** One run; its events go to the console and, one JSON object per line, to {@code events}. */
    public static RunResult run(Playbook playbook, Inventory inventory, boolean checkMode, Path events) {
        RunOptions options = RunOptions.builder().checkMode(checkMode).diffMode(true).build();
        try (ConsoleReporter console = ConsoleReporter.toStdout(0);
             JsonLinesWriter json = new JsonLinesWriter(events)) {
            return PlaybookRun.of(playbook)
                    .inventory(inventory)
                    .options(options)
                    .listener(console)
                    .listener(json)
                    .execute();
        }
    }

    /** Arguments: inventory file, host pattern, greeting. Exits with ansible-playbook's exit code. */
    public static void main(String[] args) {
        Inventory inventory = InventoryLoader.load(Path.of(args[0]));
        Playbook playbook = playbook(args[1], args[2]);
        RunResult dry = run(playbook, inventory, true, Path.of("dry-run.jsonl"));
        if (!dry.succeeded()) System.exit(dry.exitCode());
        RunResult real = run(playbook, inventory, false, Path.of("run.jsonl"));
        System.out.println("changed: " + real.recap().totalChanged());
        System.exit(real.exitCode());
    }
}
