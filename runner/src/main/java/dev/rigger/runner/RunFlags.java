package dev.rigger.runner;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The flags {@code play} and {@code apply} share, named as ansible-playbook names them. */
final class RunFlags {
    @Option(names = {"-i", "--inventory"}, required = true, paramLabel = "INVENTORY",
            description = "Inventory file or folder (YAML, INI, with group_vars/ and host_vars/); repeatable.")
    List<Path> inventories = new ArrayList<>();

    @Option(names = {"-u", "--user"}, paramLabel = "USER",
            description = "Login user for hosts whose inventory variables name none (over ~/.ssh/config).")
    String user;

    @Option(names = {"--private-key", "--key-file"}, paramLabel = "FILE",
            description = "Private key for hosts whose inventory variables name none (over ~/.ssh/config).")
    Path privateKey;

    @Option(names = {"-C", "--check"}, description = "Dry run: probe and plan only; only check_mode: false tasks change a host.")
    boolean check;

    @Option(names = {"-D", "--diff"}, description = "Show unified diffs of file changes (secrets redacted).")
    boolean diff;

    @Option(names = {"-l", "--limit"}, paramLabel = "PATTERN", description = "Further limit hosts to a pattern (names, groups, globs, :, :&, :!).")
    String limit;

    @Option(names = {"-t", "--tags"}, split = ",", paramLabel = "TAGS", description = "Only run tasks with these tags.")
    List<String> tags = new ArrayList<>();

    @Option(names = "--skip-tags", split = ",", paramLabel = "TAGS", description = "Skip tasks with these tags.")
    List<String> skipTags = new ArrayList<>();

    @Option(names = {"-e", "--extra-vars"}, paramLabel = "VARS", description = "key=value, @file.yml or YAML/JSON; highest precedence; repeatable.")
    List<String> extraVars = new ArrayList<>();

    @Option(names = {"-f", "--forks"}, defaultValue = "256", paramLabel = "N", description = "Most hosts worked on at once (default ${DEFAULT-VALUE}).")
    int forks;

    @Option(names = "--list-hosts", description = "List the hosts each play would run on, then stop.")
    boolean listHosts;

    @Option(names = "--list-tasks", description = "List the tasks each play would run, then stop.")
    boolean listTasks;

    @Option(names = "--syntax-check", description = "Load and check everything (no host is contacted), then stop.")
    boolean syntaxCheck;

    @Option(names = "--start-at-task", paramLabel = "NAME", description = "Skip tasks until one with this name (glob).")
    String startAtTask;

    @Option(names = "--json", paramLabel = "FILE", description = "Write every event as JSON lines to FILE.")
    Path json;

    @Option(names = "--roles-path", paramLabel = "DIR", description = "More folders to look for roles in; repeatable.")
    List<Path> rolesPaths = new ArrayList<>();

    @Option(names = "-v", description = "More output (exec counts and timings per task).")
    boolean[] verbose = new boolean[0];
}
