package dev.rigger.core.inventory;

import dev.rigger.core.internal.text.ShellWords;

import dev.rigger.core.error.InputException;
import dev.rigger.core.internal.text.AnsibleBoolean;
import dev.rigger.core.internal.text.NearNames;
import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.secret.Secret;
import dev.rigger.core.transport.BecomeMethod;
import dev.rigger.core.transport.ConnectionSettings;
import dev.rigger.core.transport.HostKeyPolicy;
import dev.rigger.core.transport.SshConfig;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a host's inventory variables into {@link ConnectionSettings}. Ansible's variable names work
 * unchanged; Rigger's own {@code rigger_*} names win over them where both are set.
 *
 * <table>
 *   <caption>Variables read</caption>
 *   <tr><td>address</td><td>{@code rigger_host}, {@code ansible_host}, {@code ansible_ssh_host}</td></tr>
 *   <tr><td>port</td><td>{@code rigger_port}, {@code ansible_port}, {@code ansible_ssh_port}</td></tr>
 *   <tr><td>user</td><td>{@code rigger_user}, {@code ansible_user}, {@code ansible_ssh_user}</td></tr>
 *   <tr><td>key</td><td>{@code rigger_private_key_file}, {@code ansible_ssh_private_key_file}, {@code ansible_private_key_file}</td></tr>
 *   <tr><td>password</td><td>{@code ansible_password}, {@code ansible_ssh_pass}, {@code ansible_ssh_password}</td></tr>
 *   <tr><td>become password (sudo, su)</td><td>{@code rigger_become_password}, {@code ansible_become_password}, {@code ansible_become_pass}</td></tr>
 *   <tr><td>become, become user and method</td><td>{@code ansible_become}, {@code ansible_become_user}, {@code ansible_become_method}:
 *       checked here, applied per task over the keywords (the executor's BecomeVariables)</td></tr>
 *   <tr><td>connection</td><td>{@code rigger_connection}, {@code ansible_connection}: ssh (also smart, paramiko) or local</td></tr>
 *   <tr><td>host keys</td><td>{@code rigger_host_key_checking} (strict, accept-new, off); else
 *       {@code ansible_host_key_checking}, then env {@code ANSIBLE_HOST_KEY_CHECKING}, false meaning off</td></tr>
 *   <tr><td>jump host</td><td>{@code rigger_jump_host} (another inventory host); else ProxyJump in
 *       {@code ansible_ssh_common_args}/{@code ansible_ssh_extra_args}</td></tr>
 * </table>
 *
 * <p>Below them, as with Ansible's ssh: the {@code Host} blocks of {@code ~/.ssh/config} (or the
 * file env {@code RIGGER_SSH_CONFIG} names) matching the name Rigger connects to ({@code ansible_host},
 * else the inventory name) give {@code HostName}, {@code User}, {@code Port}, {@code IdentityFile}
 * and {@code ProxyJump} where no variable sets them. With no key named anywhere, the agent at env
 * {@code SSH_AUTH_SOCK} holds the keys; env {@code RIGGER_SSH_KEY_PASSPHRASE} opens an encrypted key.
 *
 * <p>Values containing {@code {{ }}} are refused: Rigger does not evaluate Jinja2, and connecting
 * to the literal text of a template is never what was meant.
 */
public final class InventoryConnections {
    private static final Set<String> SSH_TYPES = Set.of("ssh", "smart", "paramiko", "paramiko_ssh",
            "ansible.builtin.ssh", "ansible.builtin.paramiko_ssh");
    private static final Set<String> LOCAL_TYPES = Set.of("local", "ansible.builtin.local");
    private static final Map<String, HostKeyPolicy> RIGGER_POLICIES = Map.of(
            "strict", HostKeyPolicy.STRICT, "accept-new", HostKeyPolicy.ACCEPT_NEW, "off", HostKeyPolicy.OFF);
    private static final Pattern JUMP = Pattern.compile("(?:([^@\\s]+)@)?(\\[[^\\]]+\\]|[^:@\\s\\[\\]]+)(?::(\\d+))?");
    private static final String ENV_HOST_KEY_CHECKING = "ANSIBLE_HOST_KEY_CHECKING";

    private final Inventory inventory;
    private final Map<String, String> env;
    private final SshConfig sshConfig;
    private final String defaultUser;
    private final Path defaultKey;

    /** Reads the environment variables named above from the process environment. */
    public InventoryConnections(Inventory inventory) {
        this(inventory, System.getenv());
    }

    /**
     * @param env the environment to honour (tests pass their own)
     * @throws InputException when the ssh config file cannot be read
     */
    public InventoryConnections(Inventory inventory, Map<String, String> env) {
        this(inventory, Map.copyOf(env), sshConfig(env), null, null);
    }

    private InventoryConnections(Inventory inventory, Map<String, String> env, SshConfig sshConfig, String defaultUser, Path defaultKey) {
        this.inventory = inventory;
        this.env = env;
        this.sshConfig = sshConfig;
        this.defaultUser = defaultUser;
        this.defaultKey = defaultKey;
    }

    private static SshConfig sshConfig(Map<String, String> env) {
        try {
            return SshConfig.fromEnvironment(env);
        } catch (UncheckedIOException e) {
            throw new InputException(SourceLocation.unknown(SshConfig.FILE_ENV), e.getMessage());
        }
    }

    /**
     * The login user and key for hosts whose variables name none, as ansible-playbook's {@code -u}
     * and {@code --private-key}: over {@code ~/.ssh/config}, under the inventory. Null keeps none.
     */
    public InventoryConnections withDefaults(String user, Path privateKeyFile) {
        return new InventoryConnections(inventory, env, sshConfig, user, privateKeyFile);
    }

    /**
     * Settings for one inventory host, or the implicit localhost.
     *
     * @throws IllegalArgumentException when the inventory has no such host
     * @throws InputException when a variable has an unusable value, naming where it was set
     */
    public ConnectionSettings settingsFor(String hostName) {
        if (inventory.host(hostName).isEmpty() && !inventory.isImplicitLocalhost(hostName)) {
            throw new IllegalArgumentException("no host '" + hostName + "' in inventory");
        }
        return settings(hostName, new ArrayList<>());
    }

    private ConnectionSettings settings(String hostName, List<String> jumpChain) {
        jumpChain.add(hostName);
        HostVars vars = new HostVars(hostName);
        ConnectionSettings.Builder b = ConnectionSettings.builder(hostName)
                .agentSocket(ConnectionSettings.agentSocketOf(env))
                .privateKeyPassphrase(ConnectionSettings.keyPassphraseOf(env));
        vars.first("rigger_connection", "ansible_connection").ifPresent(v -> b.type(connectionType(v)));
        // ssh config first, variables over it: Ansible hands ssh only what the inventory sets.
        String alias = vars.first("rigger_host", "ansible_host", "ansible_ssh_host").map(Var::string).orElse(hostName);
        SshConfig.Entry config = sshConfig.lookup(alias);
        b.address(config.hostName() != null ? config.hostName() : alias);
        if (config.user() != null) b.user(config.user());
        if (config.port() != null) b.port(config.port());
        if (config.identityFile() != null) b.privateKeyFile(config.identityFile());
        if (defaultUser != null) b.user(defaultUser);
        if (defaultKey != null) b.privateKeyFile(defaultKey);
        vars.first("rigger_port", "ansible_port", "ansible_ssh_port").ifPresent(v -> b.port(port(v)));
        vars.first("rigger_user", "ansible_user", "ansible_ssh_user").ifPresent(v -> b.user(v.string()));
        vars.first("rigger_private_key_file", "ansible_ssh_private_key_file", "ansible_private_key_file")
                .ifPresent(v -> b.privateKeyFile(path(v.string())));
        vars.first("ansible_password", "ansible_ssh_pass", "ansible_ssh_password")
                .ifPresent(v -> b.password(Secret.of(v.string())));
        vars.first("rigger_become_password", "ansible_become_password", "ansible_become_pass")
                .ifPresent(v -> b.becomePassword(Secret.of(v.string())));
        checkBecome(vars);
        SshArgs ssh = new SshArgs();
        vars.first("ansible_ssh_common_args").ifPresent(ssh::read);
        vars.first("ansible_ssh_extra_args").ifPresent(ssh::read);
        if (ssh.knownHosts != null) b.knownHostsFile(path(ssh.knownHosts));
        vars.first("rigger_known_hosts_file").ifPresent(v -> b.knownHostsFile(path(v.string())));
        if (ssh.keepAlive != null) b.keepAlive(ssh.keepAlive);
        if (ssh.keepAliveCountMax != null) b.keepAliveCountMax(ssh.keepAliveCountMax);
        if (ssh.connectTimeout != null) b.connectTimeout(ssh.connectTimeout);
        b.hostKeyPolicy(hostKeyPolicy(vars, ssh));
        ConnectionSettings partial = b.build();
        Optional<Var> riggerJump = vars.first("rigger_jump_host");
        if (riggerJump.isPresent()) {
            b.jumpHost(inventoryJumpHost(riggerJump.get(), jumpChain));
        } else if (ssh.proxyJump != null) {
            b.jumpHost(proxyJump(ssh.proxyJump, ssh.proxyJumpSource, partial, jumpChain));
        } else if (config.proxyJump() != null && !config.proxyJump().equalsIgnoreCase("none")) {
            Var source = new Var("ProxyJump", config.proxyJump(),
                    SourceLocation.unknown(sshConfig.file() + " (Host matching " + alias + ")"));
            b.jumpHost(proxyJump(config.proxyJump(), source, partial, jumpChain));
        }
        return b.build();
    }

    /**
     * {@code ansible_become} and {@code ansible_become_method} apply per task (the executor reads
     * them with the task's variables, over the keywords); a value no task could use is refused
     * here, at the line that set it. Templated values are rendered when a task runs.
     */
    private static void checkBecome(HostVars vars) {
        vars.first("ansible_become").filter(v -> !templated(v)).ifPresent(InventoryConnections::bool);
        vars.first("ansible_become_method").filter(v -> !templated(v)).ifPresent(v -> {
            String name = v.string().strip();
            if (BecomeMethod.of(name).isEmpty()) {
                throw new InputException(v.at(), BecomeMethod.notSupported("ansible_become_method", name),
                        NearNames.closest(name, BecomeMethod.keywords()).orElse(null));
            }
        });
    }

    private static boolean templated(Var v) {
        return v.value() instanceof String s && s.contains("{{");
    }

    private static ConnectionSettings.Type connectionType(Var v) {
        String type = v.string();
        if (SSH_TYPES.contains(type)) return ConnectionSettings.Type.SSH;
        if (LOCAL_TYPES.contains(type)) return ConnectionSettings.Type.LOCAL;
        throw v.problem(v.name() + " '" + type + "' is not supported (Rigger connects with ssh or local)");
    }

    private static int port(Var v) {
        String text = v.string().strip();
        if (text.matches("\\d{1,5}") && Integer.parseInt(text) >= 1 && Integer.parseInt(text) <= 65535) {
            return Integer.parseInt(text);
        }
        throw v.problem(v.name() + " must be a port number 1-65535, got '" + text + "'");
    }

    private static Path path(String text) {
        if (text.equals("~") || text.startsWith("~/")) return Path.of(System.getProperty("user.home") + text.substring(1));
        return Path.of(text);
    }

    /**
     * Ansible's order: host_key_checking (variable over environment) false turns checking off;
     * otherwise an explicit StrictHostKeyChecking in the ssh arguments applies; otherwise strict.
     */
    private HostKeyPolicy hostKeyPolicy(HostVars vars, SshArgs ssh) {
        Optional<Var> rigger = vars.first("rigger_host_key_checking");
        if (rigger.isPresent()) {
            String word = rigger.get().string().toLowerCase(Locale.ROOT);
            HostKeyPolicy policy = RIGGER_POLICIES.get(word);
            if (policy != null) return policy;
            throw new InputException(rigger.get().at(), "rigger_host_key_checking must be strict, accept-new or off, got '"
                    + word + "'", NearNames.closest(word, RIGGER_POLICIES.keySet()).orElse(null));
        }
        Optional<Var> ansible = vars.first("ansible_host_key_checking", "ansible_ssh_host_key_checking");
        boolean checking = true;
        if (ansible.isPresent()) {
            checking = bool(ansible.get());
        } else if (env.containsKey(ENV_HOST_KEY_CHECKING)) {
            checking = bool(new Var(ENV_HOST_KEY_CHECKING, env.get(ENV_HOST_KEY_CHECKING),
                    SourceLocation.unknown("environment variable " + ENV_HOST_KEY_CHECKING)));
        }
        if (!checking) return HostKeyPolicy.OFF;
        return ssh.strictHostKeyChecking != null ? ssh.strictHostKeyChecking : HostKeyPolicy.STRICT;
    }

    /** Ansible's boolean(): true/false, yes/no, on/off, 1/0, t/f, y/n in any case. */
    private static boolean bool(Var v) {
        return AnsibleBoolean.of(v.value()).orElseThrow(() ->
                v.problem(v.name() + " must be a boolean (true or false), got '" + v.string() + "'"));
    }

    private ConnectionSettings inventoryJumpHost(Var v, List<String> jumpChain) {
        String name = v.string();
        if (inventory.host(name).isEmpty()) {
            List<String> names = inventory.hosts().stream().map(Host::name).toList();
            throw new InputException(v.at(), "rigger_jump_host of host '" + jumpChain.get(jumpChain.size() - 1) + "' names '"
                    + name + "', which is not an inventory host", NearNames.closest(name, names).orElse(null));
        }
        if (jumpChain.contains(name)) {
            throw v.problem("jump hosts form a loop: " + String.join(" -> ", jumpChain) + " -> " + name);
        }
        return settings(name, jumpChain);
    }

    /**
     * A ProxyJump {@code [user@]host[:port]}. A host the inventory knows brings its own settings;
     * any other is reached with the target's key and host key rules, as ssh would by default.
     */
    private ConnectionSettings proxyJump(String text, Var spec, ConnectionSettings target, List<String> jumpChain) {
        Matcher m = JUMP.matcher(text);
        if (text.contains(",") || !m.matches()) {
            throw spec.problem("only a single ProxyJump host of the form [user@]host[:port] is supported, got '" + text + "'");
        }
        String host = m.group(2).replaceAll("^\\[|\\]$", "");
        ConnectionSettings.Builder b;
        if (inventory.host(host).isPresent()) {
            if (jumpChain.contains(host)) {
                throw spec.problem("jump hosts form a loop: " + String.join(" -> ", jumpChain) + " -> " + host);
            }
            b = settings(host, jumpChain).toBuilder();
        } else {
            // Named in the ssh config, the jump host comes with its own address, user, port and key there.
            SshConfig.Entry config = sshConfig.lookup(host);
            b = ConnectionSettings.builder(host).privateKeyFile(target.privateKeyFile())
                    .agentSocket(target.agentSocket()).privateKeyPassphrase(target.privateKeyPassphrase())
                    .hostKeyPolicy(target.hostKeyPolicy()).knownHostsFile(target.knownHostsFile());
            if (config.hostName() != null) b.address(config.hostName());
            if (config.user() != null) b.user(config.user());
            if (config.port() != null) b.port(config.port());
            if (config.identityFile() != null) b.privateKeyFile(config.identityFile());
        }
        if (m.group(1) != null) b.user(m.group(1));
        if (m.group(3) != null) b.port(Integer.parseInt(m.group(3)));
        return b.build();
    }

    /**
     * The ssh options Rigger can honour from {@code ansible_ssh_common_args}. Anything else is an
     * error rather than silently dropped: a dropped ProxyCommand or port would connect somewhere else.
     */
    private static final class SshArgs {
        private static final Set<String> HARMLESS = Set.of("controlmaster", "controlpersist", "controlpath",
                "loglevel", "identitiesonly");

        String proxyJump;
        Var proxyJumpSource;
        HostKeyPolicy strictHostKeyChecking;
        String knownHosts;
        Duration keepAlive;
        Integer keepAliveCountMax;
        Duration connectTimeout;

        void read(Var v) {
            List<ShellWords.Word> words;
            try {
                words = ShellWords.splitWithComments(v.string());
            } catch (IllegalArgumentException e) {
                throw v.problem("cannot split " + v.name() + ": " + e.getMessage());
            }
            for (int i = 0; i < words.size(); i++) {
                String w = words.get(i).text();
                if (w.equals("-J") || w.equals("-o")) {
                    if (i + 1 >= words.size()) throw v.problem(v.name() + ": " + w + " needs a value");
                    String value = words.get(++i).text();
                    if (w.equals("-J")) jump(v, value);
                    else option(v, value);
                } else if (w.startsWith("-o") && w.length() > 2) {
                    option(v, w.substring(2));
                } else if (w.startsWith("-J") && w.length() > 2) {
                    jump(v, w.substring(2));
                } else {
                    throw v.problem(v.name() + ": unsupported ssh argument '" + w + "' (Rigger understands -J and -o"
                            + " ProxyJump, StrictHostKeyChecking, UserKnownHostsFile, ServerAliveInterval, ServerAliveCountMax, ConnectTimeout)");
                }
            }
        }

        private void jump(Var v, String value) {
            if (value.equalsIgnoreCase("none")) return;
            proxyJump = value;
            proxyJumpSource = v;
        }

        private void option(Var v, String option) {
            String[] kv = option.split("[=\\s]", 2);
            String key = kv[0].toLowerCase(Locale.ROOT);
            String value = kv.length > 1 ? kv[1].strip() : "";
            switch (key) {
                case "proxyjump" -> jump(v, value);
                case "stricthostkeychecking" -> strictHostKeyChecking = switch (value.toLowerCase(Locale.ROOT)) {
                    case "yes", "ask" -> HostKeyPolicy.STRICT;
                    case "accept-new" -> HostKeyPolicy.ACCEPT_NEW;
                    case "no", "off" -> HostKeyPolicy.OFF;
                    default -> throw v.problem(v.name() + ": StrictHostKeyChecking must be yes, accept-new or no, got '"
                            + value + "'");
                };
                case "userknownhostsfile" -> knownHosts = value;
                case "serveraliveinterval" -> keepAlive = Duration.ofSeconds(seconds(v, option, value));
                case "serveralivecountmax" -> {
                    if (!value.matches("\\d{1,3}")) throw v.problem(v.name() + ": '" + option + "' needs a count");
                    keepAliveCountMax = Integer.parseInt(value);
                }
                case "connecttimeout" -> connectTimeout = Duration.ofSeconds(seconds(v, option, value));
                case "proxycommand" -> throw v.problem(v.name() + ": ProxyCommand is not supported; use -o ProxyJump=[user@]host[:port]"
                        + " or rigger_jump_host");
                default -> {
                    if (!HARMLESS.contains(key)) {
                        throw v.problem(v.name() + ": unsupported ssh option '" + option + "' (Rigger understands ProxyJump,"
                                + " StrictHostKeyChecking, UserKnownHostsFile, ServerAliveInterval, ServerAliveCountMax, ConnectTimeout)");
                    }
                }
            }
        }

        private static long seconds(Var v, String option, String value) {
            if (!value.matches("\\d{1,6}")) throw v.problem(v.name() + ": '" + option + "' needs a number of seconds");
            return Long.parseLong(value);
        }
    }

    /** One variable's value and where it was set. */
    private record Var(String name, Object value, SourceLocation at) {
        String string() {
            if (value instanceof Map || value instanceof List) {
                throw problem(name + " must be a single value, got a " + (value instanceof Map ? "mapping" : "list"));
            }
            // A password marked !secret in the inventory: its real value, which goes back into a Secret
            // (and never into a message).
            if (value instanceof Secret secret) return secret.reveal();
            String text = String.valueOf(value);
            if (text.contains("{{")) {
                throw problem(name + " is a Jinja2 template ('" + text + "'); Rigger does not evaluate templates in"
                        + " connection variables");
            }
            return text;
        }

        InputException problem(String message) {
            return new InputException(at, message);
        }
    }

    /** A host's merged variables with their origins. */
    private final class HostVars {
        private final String host;
        private final Map<String, Object> vars;

        HostVars(String host) {
            this.host = host;
            this.vars = inventory.varsOf(host);
        }

        /** The first of {@code names} that is set to something other than null. */
        Optional<Var> first(String... names) {
            for (String name : names) {
                Object value = vars.get(name);
                if (value == null) continue;
                SourceLocation at = inventory.originOf(host, name)
                        .orElse(SourceLocation.unknown("variable " + name + " of host '" + host + "'"));
                return Optional.of(new Var(name, value, at));
            }
            return Optional.empty();
        }
    }
}
