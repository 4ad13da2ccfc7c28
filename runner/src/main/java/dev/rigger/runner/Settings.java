package dev.rigger.runner;

import dev.rigger.core.error.InputException;
import dev.rigger.core.internal.text.NearNames;
import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.executor.Attributes;
import dev.rigger.core.executor.Play;
import dev.rigger.core.executor.Playbook;
import dev.rigger.core.inventory.Inventory;
import dev.rigger.core.secret.Secret;
import dev.rigger.core.transport.BecomeMethod;
import dev.rigger.core.transport.ConnectionSettings;
import dev.rigger.core.vault.Vault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a run uses once flags, {@code ANSIBLE_*} variables and {@code ansible.cfg} are weighed, in
 * Ansible's order: flag, then environment variable, then ansible.cfg, then the default; inventory
 * variables of a host go over all three for that host (docs/cli.md has the table). Resolving asks
 * for the passwords {@code -k}, {@code -K} and {@code --ask-vault-pass} want and hands the vault
 * passwords to {@link Vault}, so vault files decrypt when the playbook and inventory load.
 */
final class Settings {
    static final String ENV_SSH_PASSWORD = "RIGGER_SSH_PASSWORD";
    static final String ENV_BECOME_PASSWORD = "RIGGER_BECOME_PASSWORD";
    private static final int DEFAULT_FORKS = 256;
    private static final String HOST_KEY_CHECKING = "ANSIBLE_HOST_KEY_CHECKING";
    private static final Set<String> SSH_NAMES = Set.of("ssh", "smart", "paramiko", "paramiko_ssh");
    private static final Duration DEFAULT_CONNECT_TIMEOUT = ConnectionSettings.builder("any").build().connectTimeout();

    final List<Path> inventories;
    final List<Path> rolesPaths;
    final int forks;
    final String user;
    final Path privateKey;
    /** The environment the inventory's connection rules read, with host_key_checking of ansible.cfg in it. */
    final Map<String, String> connectionEnv;
    final int verbosity;
    private final Boolean become;
    private final String becomeUser;
    private final BecomeMethod becomeMethod;
    private final ConnectionSettings.Type connection;
    private final Duration timeout;
    private final Integer retries;
    private final Secret sshPassword;
    private final Secret becomePassword;

    private Settings(RunFlags flags, AnsibleConfig config, Map<String, String> env) {
        if (flags.step && !StepPrompt.hasTerminal()) {
            throw new InputException(SourceLocation.unknown("--step"),
                    "needs a terminal to ask on before each task; without one, use --start-at-task or --tags to run part of a playbook");
        }
        List<Path> inventories = new ArrayList<>(flags.inventories);
        if (inventories.isEmpty()) inventories.addAll(config.paths("ANSIBLE_INVENTORY", "defaults", "inventory", ","));
        if (inventories.isEmpty()) {
            throw new InputException(SourceLocation.unknown("-i"), "no inventory: give -i INVENTORY, set ANSIBLE_INVENTORY or inventory in ansible.cfg");
        }
        this.inventories = List.copyOf(inventories);
        List<Path> roles = new ArrayList<>(flags.rolesPaths);
        roles.addAll(config.paths("ANSIBLE_ROLES_PATH", "defaults", "roles_path", ":"));
        this.rolesPaths = List.copyOf(roles);
        this.forks = flags.forks != null ? requireAtLeastOne(flags.forks, "--forks")
                : config.integer("ANSIBLE_FORKS", "defaults", "forks", 1).orElse(DEFAULT_FORKS);
        this.user = flags.user != null ? flags.user : config.string("ANSIBLE_REMOTE_USER", "defaults", "remote_user").orElse(null);
        this.privateKey = flags.privateKey != null ? flags.privateKey : config.path("ANSIBLE_PRIVATE_KEY_FILE", "defaults", "private_key_file").orElse(null);
        Map<String, String> connEnv = new HashMap<>(env);
        config.bool(HOST_KEY_CHECKING, "defaults", "host_key_checking").ifPresent(b -> connEnv.put(HOST_KEY_CHECKING, b.toString()));
        this.connectionEnv = Map.copyOf(connEnv);
        this.verbosity = flags.verbose.length > 0 ? flags.verbose.length : config.integer("ANSIBLE_VERBOSITY", "defaults", "verbosity", 0).orElse(0);
        this.timeout = Duration.ofSeconds(flags.timeout != null ? requireAtLeastOne(flags.timeout, "--timeout")
                : config.integer("ANSIBLE_TIMEOUT", "defaults", "timeout", 1).orElse(0));
        this.retries = config.integer("ANSIBLE_SSH_RETRIES", "ssh_connection", "retries", 0).orElse(null);
        this.connection = connection(flags.connection != null
                ? Optional.of(new AnsibleConfig.Value(flags.connection, SourceLocation.unknown("--connection")))
                : config.get("ANSIBLE_TRANSPORT", "defaults", "transport"));
        this.becomeMethod = becomeMethod(flags.becomeMethod != null
                ? Optional.of(new AnsibleConfig.Value(flags.becomeMethod, SourceLocation.unknown("--become-method")))
                : config.get("ANSIBLE_BECOME_METHOD", "privilege_escalation", "become_method"));
        this.become = flags.become ? Boolean.TRUE : config.bool("ANSIBLE_BECOME", "privilege_escalation", "become").orElse(null);
        this.becomeUser = flags.becomeUser != null ? flags.becomeUser
                : config.string("ANSIBLE_BECOME_USER", "privilege_escalation", "become_user").orElse(null);
        // Asked in ansible-playbook's order: SSH password, become password, then vault passwords.
        boolean askPass = flags.askPass || config.bool("ANSIBLE_ASK_PASS", "defaults", "ask_pass").orElse(false);
        this.sshPassword = askPass ? Prompt.password("SSH password: ", "--ask-pass", ENV_SSH_PASSWORD, env) : null;
        boolean askBecome = flags.askBecomePass || config.bool("ANSIBLE_BECOME_ASK_PASS", "privilege_escalation", "become_ask_pass").orElse(false);
        this.becomePassword = askBecome ? Prompt.password("BECOME password: ", "--ask-become-pass", ENV_BECOME_PASSWORD, env) : null;
        Vault.use(flags.vault.read(config, env));
    }

    /** Resolves the settings of one run; bad values stop here with exit 2, before anything is loaded. */
    static Settings resolve(RunFlags flags) {
        return resolve(flags, Main.Streams.env(), Path.of("").toAbsolutePath());
    }

    static Settings resolve(RunFlags flags, Map<String, String> env, Path workingFolder) {
        return new Settings(flags, AnsibleConfig.load(env, workingFolder), env);
    }

    private static int requireAtLeastOne(int value, String flag) {
        if (value < 1) throw new InputException(SourceLocation.unknown(flag), "must be at least 1, got " + value);
        return value;
    }

    private static ConnectionSettings.Type connection(Optional<AnsibleConfig.Value> value) {
        if (value.isEmpty() || value.get().text().equals("smart")) return null;
        String type = value.get().text();
        if (type.equals("local")) return ConnectionSettings.Type.LOCAL;
        if (SSH_NAMES.contains(type)) return ConnectionSettings.Type.SSH;
        throw new InputException(value.get().at(), "connection '" + type + "' is not supported (Rigger connects with ssh or local)",
                NearNames.closest(type, List.of("ssh", "local")).orElse(null));
    }

    private static BecomeMethod becomeMethod(Optional<AnsibleConfig.Value> method) {
        if (method.isEmpty()) return null;
        String m = method.get().text();
        return BecomeMethod.of(m).orElseThrow(() -> new InputException(method.get().at(), "become method '" + m
                + "' is not supported: Rigger becomes other users with " + String.join(" or ", BecomeMethod.keywords()),
                NearNames.closest(m, BecomeMethod.keywords()).orElse(null)));
    }

    /**
     * The playbook with {@code -b}/{@code --become-user}/{@code --become-method} (or their settings)
     * as the plays' defaults: a play, block or task that says {@code become} or
     * {@code become_method} itself keeps it, as under Ansible.
     */
    Playbook withBecomeDefaults(Playbook playbook) {
        if (become == null && becomeUser == null && becomeMethod == null) return playbook;
        Attributes defaults = Attributes.NONE.withBecome(become, becomeUser).withBecomeMethod(becomeMethod);
        List<Play> plays = playbook.plays().stream().map(p -> p.withAttributes(p.attributes().within(defaults))).toList();
        return new Playbook(playbook.name(), playbook.dir(), plays);
    }

    /**
     * A host's connection with the run-wide settings where its inventory variables set nothing:
     * connection type, SSH and become passwords, connect timeout and retries.
     */
    ConnectionSettings adjust(ConnectionSettings settings, Inventory inventory, String host) {
        Map<String, Object> vars = inventory.host(host).isPresent() ? inventory.varsOf(host) : Map.of();
        ConnectionSettings.Builder b = settings.toBuilder();
        if (connection != null && !vars.containsKey("ansible_connection") && !vars.containsKey("rigger_connection")) b.type(connection);
        if (sshPassword != null && settings.password() == null) b.password(sshPassword);
        if (becomePassword != null && settings.becomePassword() == null) b.becomePassword(becomePassword);
        if (!timeout.isZero() && settings.connectTimeout().equals(DEFAULT_CONNECT_TIMEOUT)) b.connectTimeout(timeout);
        if (retries != null) b.connectAttempts(retries + 1);
        return b.build();
    }
}
