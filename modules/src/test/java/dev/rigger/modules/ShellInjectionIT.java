package dev.rigger.modules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rigger.core.executor.Play;
import dev.rigger.core.executor.Playbook;
import dev.rigger.core.executor.PlaybookRun;
import dev.rigger.core.executor.RunEvent.HostResult;
import dev.rigger.core.executor.RunResult;
import dev.rigger.core.executor.Status;
import dev.rigger.core.executor.Task;
import dev.rigger.core.module.Args;
import dev.rigger.core.module.ModuleRegistry;
import dev.rigger.core.transport.Connections;
import dev.rigger.testing.Lab;
import dev.rigger.testing.LabHosts;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Hostile values in every module parameter that reaches the host's shell arrive as data: generated
 * from quotes, {@code $()}, backticks, {@code ;}, {@code |}, newlines, globs, braces, tildes,
 * {@code %} formats, leading dashes and non-ASCII text (no NUL: no path, argument or Unix file
 * holds one), they are placed in paths, file contents, command arguments, standard input, guards,
 * a user's comment and home, and run by the real {@code /bin/sh} (dash) of one lab host. What ends
 * up there is exactly the literal value: the file with exactly that name and those bytes, the
 * account with exactly that comment and home. Every payload would create a file called
 * {@code rigger-canary}; none may exist afterwards. A second run changes nothing, so the probes
 * read the hostile names back correctly too.
 *
 * <p>The values come from a fixed seed (that of the core fuzz properties, {@code FuzzSeed}), so a
 * red run is reproducible; {@code -Drigger.injection.tries=N} explores more (default 24 values,
 * six tasks each, well under a minute).
 */
@LabHosts({"inj"})
class ShellInjectionIT {
    private static final long SEED = 20261130L;
    private static final int TRIES = Integer.getInteger("rigger.injection.tries", 24);
    private static final String CANARY = "rigger-canary";
    /** Each one, run by a shell, creates the canary (in the login folder, or in /tmp). */
    private static final List<String> PAYLOADS = List.of("$(touch " + CANARY + ")", "`touch " + CANARY + "`",
            "; touch " + CANARY, "&& touch " + CANARY, "| touch " + CANARY, "'$(touch " + CANARY + ")'",
            "\"$(touch " + CANARY + ")\"", "'; touch " + CANARY + "; '", "\"; touch " + CANARY + "; \"",
            "\ntouch " + CANARY + "\n", "$(touch${IFS}" + CANARY + ")", "'\\''$(touch " + CANARY + ")");
    /** Only where a slash is allowed (contents, arguments): an absolute canary. */
    private static final List<String> SLASH_PAYLOADS = List.of("$(touch /tmp/" + CANARY + ")", "`touch /tmp/" + CANARY + "`",
            "\n/usr/bin/touch /tmp/" + CANARY + "\n");
    private static final List<String> PIECES = List.of("'", "\"", "\\", "\\\\", "$", "${IFS}", "$HOME", "$0", "$1", "$@",
            "$$", "$((1+1))", "*", "?", "[a-z]", "[!x]", "{a,b}", "~", "~root", "-", "--", "-rf", "--help", "-n", "-e",
            "%s", "%n", "%%", "\\n", "\\0", "#", "!", "&", "<", ">", ">>", "(", ")", "=", "\n", "\r", "\t", " ", "  ",
            "ü", "€", "日本語", "🙂", "\u202e", "\u00a0", "EOF", "RIGGER_STDIN", "}", "{", "..", ".", ":", ",", "x", "y");

    @Test
    void hostileValuesInModuleParametersArriveAsDataAndNeverRun(Lab lab) {
        lab.shell("inj", "rm -rf /tmp/inj /tmp/" + CANARY + " && mkdir -p /tmp/inj/copy /tmp/inj/dir /tmp/inj/line /tmp/inj/cmd"
                + " /tmp/inj/cwd /tmp/inj/home");
        Random random = new Random(SEED);
        ModuleRegistry modules = ModuleRegistry.load();
        List<Task> tasks = new ArrayList<>();
        Map<String, String> files = new LinkedHashMap<>(); // path -> content expected
        Map<String, Set<String>> names = new HashMap<>(); // folder -> names expected in it
        Map<String, String> users = new LinkedHashMap<>(); // name -> passwd line expected
        for (int i = 0; i < TRIES; i++) {
            String name = fileName(random, i);
            String text = hostile(random, true);
            String line = text.replace("\n", " ").replace("\r", " ");
            String copy = "/tmp/inj/copy/" + name;
            task(tasks, modules, "copy " + i, "copy", Map.of("dest", copy, "content", text));
            files.put(copy, text);
            task(tasks, modules, "file " + i, "file", Map.of("path", "/tmp/inj/dir/" + name, "state", "directory"));
            String lined = "/tmp/inj/line/" + name;
            task(tasks, modules, "lineinfile " + i, "lineinfile", Map.of("path", lined, "line", line, "create", true));
            files.put(lined, line + "\n");
            // An argument vector with a hostile word, hostile stdin, and an absolute hostile guard.
            String teed = "/tmp/inj/cmd/" + name;
            String arg = hostile(random, true);
            task(tasks, modules, "command " + i, "command", Map.of("argv", List.of("tee", "--", teed), "stdin", arg,
                    "creates", teed));
            files.put(teed, arg.endsWith("\n") ? arg : arg + "\n");
            // A relative guard and argument (they may start with a dash) in a folder given by chdir.
            task(tasks, modules, "command chdir " + i, "command", Map.of("argv", List.of("touch", "--", name),
                    "chdir", "/tmp/inj/cwd", "creates", name));
            String user = "rinj" + i;
            // passwd fields cannot hold ':' or control characters (useradd refuses to write them).
            String comment = passwdField(hostile(random, false));
            String home = "/tmp/inj/home/" + passwdField(name) + "h";
            task(tasks, modules, "user " + i, "user", Map.of("name", user, "comment", comment, "home", home,
                    "shell", "/bin/sh", "create_home", false));
            users.put(user, comment + ":" + home + ":/bin/sh");
            for (String folder : List.of("copy", "dir", "line", "cmd", "cwd")) {
                names.computeIfAbsent("/tmp/inj/" + folder, k -> new TreeSet<>()).add(name);
            }
        }

        long started = System.nanoTime();
        RunResult first = run(lab, tasks);
        double firstSeconds = (System.nanoTime() - started) / 1e9;
        assertThat(failures(first)).as("tasks that failed").isEmpty();
        assertThat(lab.exec("inj", "find", "/", "(", "-path", "/proc", "-o", "-path", "/sys", ")", "-prune", "-o",
                "-name", CANARY, "-print").stdout()).as("a payload ran: the canary exists").isEmpty();

        for (Map.Entry<String, Set<String>> folder : names.entrySet()) {
            String listed = lab.exec("inj", "find", folder.getKey(), "-mindepth", "1", "-maxdepth", "1", "-printf", "%f\\0").stdout();
            assertThat(new TreeSet<>(Arrays.asList(listed.split("\0")))).as("names in %s", folder.getKey())
                    .isEqualTo(folder.getValue());
        }
        assertThat(contents(lab)).isEqualTo(files);
        List<String> passwd = new ArrayList<>(List.of("getent", "passwd"));
        passwd.addAll(users.keySet());
        Map<String, String> accounts = new LinkedHashMap<>();
        for (String entry : lab.exec("inj", passwd.toArray(String[]::new)).stdout().split("\n")) {
            String[] fields = entry.split(":", 5); // name:x:uid:gid:comment:home:shell
            accounts.put(fields[0], fields[4]);
        }
        assertThat(accounts).isEqualTo(users);

        started = System.nanoTime();
        RunResult second = run(lab, tasks);
        double secondSeconds = (System.nanoTime() - started) / 1e9;
        assertThat(failures(second)).as("tasks that failed on the second run").isEmpty();
        assertThat(second.hostResults().stream().filter(r -> r.status() == Status.CHANGED).map(HostResult::task))
                .as("changed on the second run").isEmpty();
        assertThat(lab.exec("inj", "find", "/", "(", "-path", "/proc", "-o", "-path", "/sys", ")", "-prune", "-o",
                "-name", CANARY, "-print").stdout()).as("a payload ran on the second run").isEmpty();
        System.out.printf("ShellInjectionIT: %d hostile values (seed %d) in %d tasks: first run %.1f s, second %.1f s, no payload ran%n",
                TRIES, SEED, tasks.size(), firstSeconds, secondSeconds);
    }

    private static void task(List<Task> tasks, ModuleRegistry modules, String name, String module, Map<String, Object> args) {
        tasks.add(Task.named(name).module(modules.find(module).orElseThrow().create(Args.of(module, args))).build());
    }

    private static RunResult run(Lab lab, List<Task> tasks) {
        Play play = Play.builder("inj").gatherFacts(false).tasks(tasks).build();
        return PlaybookRun.of(Playbook.of(play))
                .inventory(lab.inventory())
                .connector(host -> Connections.open(lab.host(host).settings()))
                .execute();
    }

    private static List<String> failures(RunResult run) {
        return run.hostResults().stream().filter(r -> r.status() != Status.OK && r.status() != Status.CHANGED)
                .map(r -> r.task() + ": " + r.status() + " " + r.message()).toList();
    }

    /** Every file under the folders with contents, read by a fixed script: NUL, path, NUL, content (never a NUL). */
    private static Map<String, String> contents(Lab lab) {
        String dump = lab.exec("inj", "find", "/tmp/inj/copy", "/tmp/inj/line", "/tmp/inj/cmd", "-type", "f", "-exec", "sh", "-c",
                "for f; do printf '\\0%s\\0' \"$f\"; cat \"$f\"; done", "sh", "{}", "+").stdout();
        Map<String, String> found = new LinkedHashMap<>();
        String[] parts = dump.split("\0", -1);
        for (int i = 1; i + 1 < parts.length; i += 2) found.put(parts[i], parts[i + 1]);
        return found;
    }

    private static String passwdField(String value) {
        return value.replaceAll("[:\\p{Cntrl}]", "");
    }

    /** A hostile file name: unique (its number at the end), without slash, never "." or "..", at most 200 bytes. */
    private static String fileName(Random random, int i) {
        String name = hostile(random, false).replace("/", "_") + "." + i;
        while (name.getBytes(StandardCharsets.UTF_8).length > 200) name = name.substring(1);
        return name;
    }

    /**
     * One to six pieces and payloads, sometimes led by a dash, sometimes with random printable
     * ASCII in between; {@code slashes} allows the absolute payloads.
     */
    private static String hostile(Random random, boolean slashes) {
        StringBuilder value = new StringBuilder();
        if (random.nextInt(4) == 0) value.append(random.nextBoolean() ? "-" : "--");
        int parts = 1 + random.nextInt(6);
        for (int p = 0; p < parts; p++) {
            int kind = random.nextInt(10);
            if (kind < 4) value.append(PAYLOADS.get(random.nextInt(PAYLOADS.size())));
            else if (kind == 4 && slashes) value.append(SLASH_PAYLOADS.get(random.nextInt(SLASH_PAYLOADS.size())));
            else if (kind == 5) value.append((char) (' ' + random.nextInt(95)));
            else value.append(PIECES.get(random.nextInt(PIECES.size())));
        }
        return value.toString();
    }
}
