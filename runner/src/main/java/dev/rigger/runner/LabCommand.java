package dev.rigger.runner;

import dev.rigger.core.error.InputException;
import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.executor.RunEvent;
import dev.rigger.core.executor.RunListener;
import dev.rigger.core.executor.Status;
import dev.rigger.core.inventory.Host;
import dev.rigger.core.inventory.Inventory;
import dev.rigger.core.inventory.InventoryLoader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code rigger lab}: Molecule's loop on lab containers running systemd and sshd (the testing
 * module's {@code Lab}), from the command line. {@code up} starts a container for every host of an
 * inventory and writes the lab's inventory and state into a folder ({@code .rigger-lab}), so that
 * {@code converge}, {@code idempotence}, {@code verify}, {@code drill} and {@code down}, each its
 * own process, find the lab again; the containers outlive the process that started them.
 * {@code test} runs the whole sequence and always removes the lab.
 *
 * <p>The lab and Testcontainers are not in rigger.jar: they are rigger-lab.jar, which rigger.jar's
 * manifest puts on the class path when it lies next to it. Only {@link LabSession} touches them,
 * and only after {@link #requireLabJar} found them.
 */
@Command(name = "lab", mixinStandardHelpOptions = true,
        description = "Molecule's loop on containers running systemd and sshd: up, converge, idempotence, verify, drill, down, test.",
        subcommands = {LabCommand.Up.class, LabCommand.Converge.class, LabCommand.Idempotence.class, LabCommand.Verify.class,
                LabCommand.Drill.class, LabCommand.Down.class, LabCommand.Test.class})
final class LabCommand {
    /** The lab itself could not start, be found or be removed (no Docker engine, a failed image build). */
    static final int EXIT_LAB = 1;
    static final String DEFAULT_DIR = ".rigger-lab";
    static final String ENV_DIR = "RIGGER_LAB_DIR";
    static final String LAB_JAR = "rigger-lab.jar";
    private static final String STATE = "state.properties";

    /** A started lab, as {@link LabSession#up} describes it. */
    record Layout(String id, String subnet, String prefix, Map<String, String> addresses, List<String> spare,
                  Path privateKey, Path knownHosts) {}

    /** What {@code rigger lab drill HOST ACTION} does; lowercase, as typed. */
    enum DrillAction { stop, kill, start, disconnect, reconnect }

    /** {@code --lab-dir}: where the lab's state lives. */
    static final class LabDir {
        @Option(names = "--lab-dir", paramLabel = "DIR",
                description = "Folder of the lab's state, key and inventory (default: $" + ENV_DIR + ", else " + DEFAULT_DIR + ").")
        Path dir;

        Path path() {
            if (dir != null) return dir;
            String env = Main.Streams.env().get(ENV_DIR);
            return Path.of(env != null && !env.isBlank() ? env : DEFAULT_DIR);
        }
    }

    @Command(name = "up", mixinStandardHelpOptions = true,
            description = "Start a lab container for every host of the inventory and write the lab's inventory.")
    static final class Up implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "INVENTORY", description = "The inventory (file or folder); repeatable, as -i.")
        List<Path> inventories = new ArrayList<>();

        @Mixin
        LabDir labDir = new LabDir();

        @Mixin
        VaultPasswords vault = new VaultPasswords();

        @Override
        public Integer call() {
            RunFlags flags = new RunFlags();
            flags.inventories = inventories;
            flags.vault = vault;
            return up(labDir.path(), flags, Main.Streams.out());
        }
    }

    @Command(name = "converge", mixinStandardHelpOptions = true, description = "Run the playbook on the lab.")
    static final class Converge implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "PLAYBOOK", description = "The playbook YAML file.")
        Path playbook;

        @Mixin
        LabDir labDir = new LabDir();

        @Mixin
        RunFlags flags = new RunFlags();

        @Override
        public Integer call() {
            return play(labDir.path(), playbook, flags, List.of());
        }
    }

    @Command(name = "idempotence", mixinStandardHelpOptions = true,
            description = "Run the playbook on the lab again: exit 2 naming every task that still changed something.")
    static final class Idempotence implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "PLAYBOOK", description = "The playbook YAML file (converged before).")
        Path playbook;

        @Mixin
        LabDir labDir = new LabDir();

        @Mixin
        RunFlags flags = new RunFlags();

        @Override
        public Integer call() {
            return idempotence(labDir.path(), playbook, flags);
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Run a playbook of checks (asserts) on the lab; non-zero exit when one fails.")
    static final class Verify implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "PLAYBOOK", description = "The checks, a playbook (verify.yml).")
        Path playbook;

        @Mixin
        LabDir labDir = new LabDir();

        @Mixin
        RunFlags flags = new RunFlags();

        @Override
        public Integer call() {
            return play(labDir.path(), playbook, flags, List.of());
        }
    }

    @Command(name = "drill", mixinStandardHelpOptions = true,
            description = "Fail a lab host: stop (clean shutdown), kill (power cut), disconnect (off the network), and back: start, reconnect.")
    static final class Drill implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "HOST", description = "A host of the lab.")
        String host;

        @Parameters(index = "1", paramLabel = "ACTION", description = "stop, kill, start, disconnect or reconnect.")
        DrillAction action;

        @Mixin
        LabDir labDir = new LabDir();

        @Override
        public Integer call() {
            Path dir = labDir.path();
            State.read(dir);
            requireLabJar();
            long t0 = System.nanoTime();
            return lab("drill", () -> {
                LabSession.drill(dir.resolve("lab"), host, action);
                Main.Streams.out().printf(Locale.ROOT, "%s: %s done in %.1f s%n", host, action, seconds(t0));
                return 0;
            });
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true, description = "Remove the lab's containers, network, key and inventory.")
    static final class Down implements Callable<Integer> {
        @Mixin
        LabDir labDir = new LabDir();

        @Override
        public Integer call() {
            return down(labDir.path(), Main.Streams.out());
        }
    }

    @Command(name = "test", mixinStandardHelpOptions = true,
            description = "create, converge, idempotence, verify, destroy, as molecule test; non-zero exit when a step fails (the lab is removed anyway).")
    static final class Test implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "PLAYBOOK", description = "The playbook YAML file.")
        Path playbook;

        @Option(names = "--verify", paramLabel = "PLAYBOOK",
                description = "The checks to run after idempotence (default: verify.yml next to PLAYBOOK, if there is one).")
        Path verify;

        @Option(names = "--lab-dir", paramLabel = "DIR", description = "Folder of the lab's state (default: a new temporary folder, removed at the end).")
        Path dir;

        @Mixin
        RunFlags flags = new RunFlags();

        @Override
        public Integer call() throws IOException {
            PrintStream out = Main.Streams.out();
            if (!Files.isRegularFile(playbook)) throw new InputException(SourceLocation.unknown(playbook.toString()), "playbook not found");
            Path checks = verify != null ? verify : playbook.resolveSibling("verify.yml");
            if (verify != null && !Files.isRegularFile(verify)) throw new InputException(SourceLocation.unknown(verify.toString()), "playbook not found");
            boolean ownDir = dir == null;
            // Checked before any step: destroy, which always runs, must not remove a lab this test did not start.
            if (!ownDir) requireNoLab(dir);
            Path labDir = ownDir ? Files.createTempDirectory("rigger-lab-test") : dir;
            List<String> inventories = flags.inventories.stream().map(Path::toString).toList();
            Steps steps = new Steps(out);
            try {
                steps.run("create", () -> up(labDir, flags, out));
                steps.run("converge", () -> play(labDir, playbook, onLab(), List.of()));
                steps.run("idempotence", () -> idempotence(labDir, playbook, onLab()));
                if (Files.isRegularFile(checks)) steps.run("verify", () -> play(labDir, checks, onLab(), List.of()));
                else steps.skip("verify", "no " + checks);
            } finally {
                steps.always("destroy", () -> down(labDir, out));
                if (ownDir) Files.deleteIfExists(labDir);
            }
            steps.recap(String.join(" ", inventories));
            return steps.exitCode();
        }

        /** The run flags for a step on the lab: -i chose the hosts of up; the steps use the lab's inventory. */
        private RunFlags onLab() {
            flags.inventories = new ArrayList<>();
            return flags;
        }
    }

    /** The steps of {@code rigger lab test}: each one's outcome and time, the first failure's exit code. */
    private static final class Steps {
        private final PrintStream out;
        private final Map<String, String> recap = new LinkedHashMap<>();
        private int exitCode;

        Steps(PrintStream out) {
            this.out = out;
        }

        /** Runs the step unless one before it failed. */
        void run(String step, IntSupplier body) {
            if (exitCode != 0) {
                recap.put(step, "not run");
                return;
            }
            always(step, body);
        }

        /** Runs the step even after a failure (destroy). */
        void always(String step, IntSupplier body) {
            out.println();
            out.println("LAB " + step.toUpperCase(Locale.ROOT) + " " + "*".repeat(Math.max(3, 70 - step.length())));
            long t0 = System.nanoTime();
            int code;
            try {
                code = body.getAsInt();
            } catch (InputException e) {
                // Printed here, as Main would: the steps after it are reported, and destroy still runs.
                Main.Streams.err().println("error: " + e.oneLine());
                code = Main.EXIT_BAD_INPUT;
            }
            recap.put(step, String.format(Locale.ROOT, "%-7s %6.1f s", code == 0 ? "ok" : "exit " + code, seconds(t0)));
            if (exitCode == 0) exitCode = code;
        }

        void skip(String step, String why) {
            recap.put(step, exitCode != 0 ? "not run" : "skipped (" + why + ")");
        }

        void recap(String inventories) {
            out.println();
            out.println("LAB TEST RECAP (" + inventories + ") " + "*".repeat(40));
            recap.forEach((step, outcome) -> out.printf(Locale.ROOT, "%-12s %s%n", step, outcome));
        }

        int exitCode() {
            return exitCode;
        }
    }

    /** A folder holding a lab, or what an interrupted up left, is not started in again. */
    private static void requireNoLab(Path dir) {
        if (Files.exists(dir.resolve(STATE)) || Files.exists(dir.resolve("lab"))) {
            throw new InputException(SourceLocation.unknown(dir.toString()), "a lab is up already; remove it first with rigger lab down"
                    + (dir.toString().equals(DEFAULT_DIR) ? "" : " --lab-dir " + dir));
        }
    }

    /** Starts the lab for the inventories of {@code flags} and writes its inventory and state into {@code dir}. */
    static int up(Path dir, RunFlags flags, PrintStream out) {
        requireNoLab(dir);
        Settings settings = Settings.resolve(flags);
        Inventory inventory = InventoryLoader.load(settings.inventories);
        List<String> hosts = inventory.hosts().stream().map(Host::name).toList();
        if (hosts.isEmpty()) throw new InputException(SourceLocation.unknown(settings.inventories.get(0).toString()), "the inventory has no hosts");
        requireLabJar();
        long t0 = System.nanoTime();
        return lab("up", () -> {
            Layout layout = LabSession.up(dir.resolve("lab"), hosts, Map.of(), "rigger-lab " + dir.toAbsolutePath().getFileName());
            try {
                LabInventory.Overlay overlay = LabInventory.overlay(inventory, layout.addresses(), layout.prefix(), layout.spare(),
                        layout.privateKey(), layout.knownHosts());
                LabInventory.write(dir.resolve("inventory"), overlay);
                List<Path> sources = new ArrayList<>();
                for (Path p : settings.inventories) sources.add(p.toAbsolutePath().normalize());
                sources.add(dir.resolve("inventory").toAbsolutePath().normalize());
                new State(layout.id(), sources).write(dir);
                report(out, layout, overlay, sources, seconds(t0));
            } catch (RuntimeException | Error e) {
                LabSession.down(dir.resolve("lab"));
                throw e;
            }
            return 0;
        });
    }

    private static void report(PrintStream out, Layout layout, LabInventory.Overlay overlay, List<Path> sources, double seconds) {
        out.printf(Locale.ROOT, "lab %s up in %.1f s on %s:%n", layout.id(), seconds, layout.subnet());
        layout.addresses().forEach((host, ip) -> out.println("  " + host + " " + ip));
        if (!overlay.addresses().isEmpty()) {
            out.println("addresses moved onto the lab network:");
            overlay.addresses().forEach((from, to) -> out.println("  " + from + " -> " + to));
        }
        for (String v : overlay.secretsNotMapped()) out.println("warning: " + v + " holds a secret and an address; not moved onto the lab network");
        StringBuilder dashI = new StringBuilder();
        for (Path p : sources) dashI.append(" -i ").append(display(p));
        out.println("inventory:" + dashI);
    }

    /** Removes the lab of {@code dir} (or what an interrupted up left) and the state files. */
    static int down(Path dir, PrintStream out) {
        requireLabJar();
        long t0 = System.nanoTime();
        return lab("down", () -> {
            // Docker is asked even when the folder is gone: the containers carry its name.
            int removed = LabSession.down(dir.resolve("lab"));
            if (removed == 0 && !Files.exists(dir.resolve(STATE))) {
                out.println("no lab in " + dir + ": nothing to remove");
                return 0;
            }
            deleteTree(dir.resolve("inventory"));
            try {
                Files.deleteIfExists(dir.resolve(STATE));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            out.printf(Locale.ROOT, "lab removed: %d containers, in %.1f s%n", removed, seconds(t0));
            return 0;
        });
    }

    /** Runs a playbook against the lab of {@code dir}, with the lab's inventory. */
    static int play(Path dir, Path playbook, RunFlags flags, List<RunListener> listeners) {
        State state = State.read(dir);
        if (!flags.inventories.isEmpty()) {
            throw new InputException(SourceLocation.unknown("-i"), "the lab's inventory is used; rigger lab up INVENTORY chose the hosts");
        }
        flags.inventories = new ArrayList<>(state.inventories());
        return Main.Play.run(playbook, flags, listeners);
    }

    /** The second run of a converged playbook: every task that changes something again is one error line, exit 2. */
    static int idempotence(Path dir, Path playbook, RunFlags flags) {
        Map<String, Set<String>> changed = new LinkedHashMap<>();
        RunListener changes = event -> {
            if (event instanceof RunEvent.HostResult r && r.status() == Status.CHANGED) {
                changed.computeIfAbsent("'" + r.task() + "' (" + r.location() + ")", k -> new LinkedHashSet<>()).add(r.host());
            }
        };
        int code = play(dir, playbook, flags, List.of(changes));
        if (code != 0) return code;
        if (changed.isEmpty()) {
            Main.Streams.out().println("idempotence: the second run changed nothing");
            return 0;
        }
        changed.forEach((task, hosts) -> Main.Streams.err().println("error: not idempotent: task " + task
                + " changed again on the second run on " + String.join(", ", hosts)));
        return Main.EXIT_BAD_INPUT;
    }

    /**
     * The lab classes are in rigger-lab.jar: on the class path next to rigger.jar (its manifest
     * names it), or on Maven's in a build. Without them only {@code rigger lab} is missing.
     */
    static void requireLabJar() {
        try {
            Class.forName("dev.rigger.testing.Lab", false, LabCommand.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new InputException(SourceLocation.unknown("rigger lab"), "the lab is not installed: put " + LAB_JAR
                    + " (built next to rigger.jar, in runner/target/) in the folder of rigger.jar; the other commands need nothing more");
        }
    }

    /** Runs a lab operation; the lab failing (no Docker engine, a failed image build) is one line and exit 1. */
    private static int lab(String what, Supplier<Integer> body) {
        try {
            return body.get();
        } catch (InputException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            // The lab refused what the inventory asks of it (a host name that is no DNS label): bad input.
            Main.Streams.err().println("error: lab " + what + ": " + e.getMessage());
            return Main.EXIT_BAD_INPUT;
        } catch (RuntimeException e) {
            String message = e.getMessage() != null ? e.getMessage().lines().findFirst().orElse("") : e.toString();
            Main.Streams.err().println("error: lab " + what + ": " + message);
            return EXIT_LAB;
        }
    }

    /** The CLI's own state: the lab's id and the inventories converge, idempotence and verify use. */
    record State(String id, List<Path> inventories) {
        static State read(Path dir) {
            Path file = dir.resolve(STATE);
            if (!Files.isRegularFile(file)) {
                throw new InputException(SourceLocation.unknown(dir.toString()), "no lab here; start one with rigger lab up INVENTORY"
                        + (dir.toString().equals(DEFAULT_DIR) ? "" : " --lab-dir " + dir));
            }
            Properties p = new Properties();
            try (Reader in = Files.newBufferedReader(file)) {
                p.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            List<Path> inventories = new ArrayList<>();
            for (int i = 0; p.containsKey("inventory." + i); i++) inventories.add(Path.of(p.getProperty("inventory." + i)));
            return new State(p.getProperty("id"), inventories);
        }

        void write(Path dir) {
            Properties p = new Properties();
            p.setProperty("id", id);
            for (int i = 0; i < inventories.size(); i++) p.setProperty("inventory." + i, inventories.get(i).toString());
            try (Writer w = Files.newBufferedWriter(dir.resolve(STATE))) {
                p.store(w, "rigger lab up: the inventories of rigger lab converge, idempotence and verify");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** A path as the user would type it from here: relative when it is under the working folder. */
    private static String display(Path p) {
        Path cwd = Path.of("").toAbsolutePath();
        return p.startsWith(cwd) ? cwd.relativize(p).toString() : p.toString();
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
