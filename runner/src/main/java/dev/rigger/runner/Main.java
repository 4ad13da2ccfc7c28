package dev.rigger.runner;

import dev.rigger.core.error.InputException;
import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.executor.RunListener;
import dev.rigger.core.loader.LoadedPlaybook;
import dev.rigger.core.loader.LoaderOptions;
import dev.rigger.core.loader.PlaybookLoader;
import dev.rigger.core.module.ModuleRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The {@code rigger} command line: {@code rigger play PLAYBOOK -i INVENTORY [flags]},
 * {@code rigger apply ROLE... -i INVENTORY --hosts PATTERN [flags]}, {@code rigger vault ...} and
 * {@code rigger lab ...} (see {@link LabCommand}). Exit codes as ansible-playbook:
 * 0 all ok, 2 a task failed or the input is bad, 4 a host was unreachable.
 *
 * <p>Not {@code Callable} itself: without a subcommand picocli reports "Missing required
 * subcommand" and the usage on stderr with exit code 2, like any other usage error.
 */
@Command(name = "rigger", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Ansible-style playbooks for high-availability clusters, typed and honest in dry-run.")
public final class Main {
    /**
     * The subcommands, by name. Only the one a command line names is built: picocli reads every
     * option of every subcommand it is given by reflection, about 0.2 s of a cold start for the
     * vault and lab families alone. Any other first word (none, --help, a typo) gets all of them,
     * for the usage and the "did you mean" suggestion.
     */
    private static final Map<String, Class<?>> SUBCOMMANDS = new LinkedHashMap<>();

    static {
        SUBCOMMANDS.put("play", Main.Play.class);
        SUBCOMMANDS.put("apply", Main.Apply.class);
        SUBCOMMANDS.put("vault", VaultCommand.class);
        SUBCOMMANDS.put("lab", LabCommand.class);
    }

    static final int EXIT_BAD_INPUT = 2;
    static final int EXIT_INTERNAL = 250;

    public static void main(String[] args) {
        System.exit(run(System.out, System.err, args));
    }

    /** Runs the command line and returns the exit code; never prints a stack trace for bad input. */
    public static int run(PrintStream out, PrintStream err, String... args) {
        return run(out, err, System.getenv(), System.in, args);
    }

    /** As {@link #run(PrintStream, PrintStream, String...)} with the environment and input given (tests). */
    static int run(PrintStream out, PrintStream err, Map<String, String> env, InputStream in, String... args) {
        CommandLine cli = new CommandLine(new Main());
        String first = args.length > 0 ? args[0] : "";
        for (String name : SUBCOMMANDS.containsKey(first) ? List.of(first) : SUBCOMMANDS.keySet()) {
            cli.addSubcommand(name, new CommandLine(SUBCOMMANDS.get(name)));
        }
        // Set after the subcommands are added: picocli hands these settings to the subcommands it has then.
        // picocli would replace an argument '@file' by the file's words; '-e @vars.yml' must reach ExtraVars.
        cli.setExpandAtFiles(false);
        cli.setOut(new java.io.PrintWriter(out, true));
        cli.setErr(new java.io.PrintWriter(err, true));
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof InputException input) {
                err.println("error: " + input.oneLine());
                return EXIT_BAD_INPUT;
            }
            err.println("internal error: " + e);
            return EXIT_INTERNAL;
        });
        Streams.set(out, err, env, in);
        return cli.execute(args);
    }

    /** The version Maven built, from a resource it filled in. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("/rigger-version.properties")) {
                if (in == null) throw new IOException("rigger-version.properties is missing from the class path");
                p.load(in);
            }
            return new String[] {"rigger " + p.getProperty("version")};
        }
    }

    /** Where subcommands print, read and find their environment (set per call so tests can give their own). */
    static final class Streams {
        private record Current(PrintStream out, PrintStream err, Map<String, String> env, InputStream in) {}

        private static final ThreadLocal<Current> CURRENT = new ThreadLocal<>();

        static void set(PrintStream out, PrintStream err, Map<String, String> env, InputStream in) {
            CURRENT.set(new Current(out, err, Map.copyOf(env), in));
        }

        static PrintStream out() {
            return CURRENT.get() != null ? CURRENT.get().out() : System.out;
        }

        static PrintStream err() {
            return CURRENT.get() != null ? CURRENT.get().err() : System.err;
        }

        static Map<String, String> env() {
            return CURRENT.get() != null ? CURRENT.get().env() : System.getenv();
        }

        static InputStream in() {
            return CURRENT.get() != null ? CURRENT.get().in() : System.in;
        }
    }

    @Command(name = "play", mixinStandardHelpOptions = true, description = "Run a playbook.")
    static final class Play implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "PLAYBOOK", description = "The playbook YAML file.")
        Path playbook;

        @Mixin
        RunFlags flags = new RunFlags();

        @Override
        public Integer call() {
            return run(playbook, flags, List.of());
        }

        /** Runs the playbook, also telling {@code listeners} its events ({@code rigger lab} runs playbooks so). */
        static int run(Path playbook, RunFlags flags, List<RunListener> listeners) {
            if (!Files.isRegularFile(playbook)) throw new InputException(SourceLocation.unknown(playbook.toString()), "playbook not found");
            Settings settings = Settings.resolve(flags);
            LoaderOptions.Builder options = LoaderOptions.builder().displayRoot(Path.of("").toAbsolutePath());
            settings.rolesPaths.forEach(options::rolesPath);
            LoadedPlaybook loaded = new PlaybookLoader(ModuleRegistry.load(), options.build()).load(playbook);
            Execution execution = new Execution(flags, settings, Streams.out(), Streams.err());
            listeners.forEach(execution::listener);
            return execution.run(loaded, playbook.toString());
        }
    }

    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = "Run role folders (or roles by name) on hosts without writing a playbook.")
    static final class Apply implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "ROLE", description = "Role folders (with tasks/main.yml) or role names.")
        List<String> roles = new ArrayList<>();

        @Option(names = "--hosts", required = true, paramLabel = "PATTERN", description = "Which hosts to run the roles on.")
        String hosts;

        @Mixin
        RunFlags flags = new RunFlags();

        /** How messages name the playbook this command writes; its roles start on line 4. */
        private static final String ORIGIN = "rigger apply";
        private static final int FIRST_ROLE_LINE = 4;

        @Override
        public Integer call() {
            Settings settings = Settings.resolve(flags);
            Path cwd = Path.of("").toAbsolutePath();
            LoaderOptions.Builder options = LoaderOptions.builder().displayRoot(cwd);
            List<String> names = new ArrayList<>();
            for (String role : roles) {
                Path folder = Path.of(role);
                if (Files.isDirectory(folder)) {
                    Path absolute = folder.toAbsolutePath().normalize();
                    String name = absolute.getFileName().toString();
                    requireNotShadowed(role, absolute, cwd.resolve("roles").resolve(name));
                    options.rolesPath(absolute.getParent());
                    names.add(name);
                } else if (role.contains("/")) {
                    throw new InputException(SourceLocation.unknown(role), "role folder not found");
                } else {
                    names.add(role);
                }
            }
            settings.rolesPaths.forEach(options::rolesPath);
            String title = "apply " + String.join(", ", names);
            // One play as if written in the working folder: roles/ there is searched first, as for a playbook.
            // -b applies as for a playbook (Settings.withBecomeDefaults).
            StringBuilder yaml = new StringBuilder("- name: ").append(json(title))
                    .append("\n  hosts: ").append(json(hosts))
                    .append("\n  roles:\n");
            for (String n : names) yaml.append("    - ").append(json(n)).append('\n');
            LoadedPlaybook loaded;
            try {
                loaded = new PlaybookLoader(ModuleRegistry.load(), options.build()).load(ORIGIN, yaml.toString(), cwd);
            } catch (InputException e) {
                if (!e.location().file().equals(ORIGIN)) throw e;
                // The generated text is no file of the user's: name the argument its line came from.
                String argument = e.location().line() >= FIRST_ROLE_LINE ? roles.get(e.location().line() - FIRST_ROLE_LINE) : "--hosts";
                throw new InputException(SourceLocation.unknown(argument), e.problem(), e.suggestion().orElse(null));
            }
            return new Execution(flags, settings, Streams.out(), Streams.err()).run(loaded, title);
        }

        /** A role folder must run even when ./roles holds a role of the same name, which the loader would find first. */
        private static void requireNotShadowed(String argument, Path folder, Path sameName) {
            try {
                if (Files.isDirectory(sameName) && !Files.isSameFile(folder, sameName)) {
                    throw new InputException(SourceLocation.unknown(argument), "roles/" + sameName.getFileName()
                            + " in the working folder has the same name and would run instead; run from another folder");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** A YAML double-quoted scalar (JSON strings are valid YAML), so any name is taken literally. */
        private static String json(String s) {
            StringBuilder b = new StringBuilder("\"");
            for (char c : s.toCharArray()) {
                if (c == '"' || c == '\\') b.append('\\');
                if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                else b.append(c);
            }
            return b.append('"').toString();
        }
    }
}
