package dev.rigger.runner;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The flags {@code play} and {@code apply} share, named as ansible-playbook names them. */
final class RunFlags {
    @Option(names = {"-i", "--inventory"}, paramLabel = "INVENTORY",
            description = "Inventory file or folder (YAML, INI, with group_vars/ and host_vars/); repeatable."
                    + " Default: ANSIBLE_INVENTORY, then [defaults] inventory of ansible.cfg.")
    List<Path> inventories = new ArrayList<>();

    @Option(names = {"-u", "--user"}, paramLabel = "USER",
            description = "Login user for hosts whose inventory variables name none (over ~/.ssh/config, ANSIBLE_REMOTE_USER, remote_user).")
    String user;

    @Option(names = {"--private-key", "--key-file"}, paramLabel = "FILE",
            description = "Private key for hosts whose inventory variables name none (over ~/.ssh/config, ANSIBLE_PRIVATE_KEY_FILE, private_key_file).")
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

    @Option(names = {"-f", "--forks"}, paramLabel = "N",
            description = "Most hosts worked on at once (default: ANSIBLE_FORKS, forks of ansible.cfg, else 256).")
    Integer forks;

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

    @Option(names = "--roles-path", paramLabel = "DIR",
            description = "More folders to look for roles in; repeatable; searched before ANSIBLE_ROLES_PATH / roles_path.")
    List<Path> rolesPaths = new ArrayList<>();

    @Option(names = {"-v", "--verbose"},
            description = "More output: -v exec counts and timings per task, -vvv also each script sent to a host (secrets masked); default ANSIBLE_VERBOSITY.")
    boolean[] verbose = new boolean[0];

    @Option(names = {"-k", "--ask-pass"}, description = "Ask for the SSH password (without a terminal: env " + Settings.ENV_SSH_PASSWORD + ").")
    boolean askPass;

    @Option(names = {"-b", "--become"}, description = "Run tasks as root through sudo (plays and tasks saying become: no still do not).")
    boolean become;

    @Option(names = "--become-user", paramLabel = "USER", description = "Become this user (default root).")
    String becomeUser;

    @Option(names = "--become-method", paramLabel = "METHOD", description = "How to become: sudo (the default) or su (with -K, the su password is the target user's).")
    String becomeMethod;

    @Option(names = {"-K", "--ask-become-pass"},
            description = "Ask for the become password, sudo's or su's (without a terminal: env " + Settings.ENV_BECOME_PASSWORD + ").")
    boolean askBecomePass;

    @Option(names = {"-c", "--connection"}, paramLabel = "TYPE", description = "ssh or local, for hosts whose inventory names none.")
    String connection;

    @Option(names = {"-T", "--timeout"}, paramLabel = "SECONDS", description = "SSH connect timeout (default: ANSIBLE_TIMEOUT, timeout of ansible.cfg, else 10).")
    Integer timeout;

    @Option(names = "--step", description = "Ask before each task: (y)es, (n)o (skip it), (c)ontinue without asking; needs a terminal.")
    boolean step;

    @Option(names = "--flush-cache", description = "Accepted for ansible-playbook compatibility: Rigger keeps no fact cache, facts are always gathered fresh.")
    boolean flushCache;

    @Mixin
    VaultPasswords vault = new VaultPasswords();
}
