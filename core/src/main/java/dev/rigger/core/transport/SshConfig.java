package dev.rigger.core.transport;

import com.jcraft.jsch.ConfigRepository;
import com.jcraft.jsch.OpenSSHConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The {@code Host} blocks of an OpenSSH client config ({@code ~/.ssh/config}), parsed and matched
 * by JSch's {@link OpenSSHConfig}: patterns, negation and first-value-wins as ssh does. Rigger reads
 * {@code HostName}, {@code User}, {@code Port}, {@code IdentityFile} (the first one) and
 * {@code ProxyJump}; other keywords are ignored.
 *
 * <pre>{@code
 * SshConfig config = SshConfig.load(Path.of(System.getProperty("user.home"), ".ssh", "config"));
 * SshConfig.Entry db = config.lookup("db1");   // db.hostName() == "10.0.0.21", ...
 * }</pre>
 */
public final class SshConfig {

    /** Names another config file than {@code ~/.ssh/config} (as {@code ssh -F}); {@code none} reads none. */
    public static final String FILE_ENV = "RIGGER_SSH_CONFIG";

    private static final SshConfig NONE = new SshConfig(null, ConfigRepository.nullConfig);

    private final Path file;
    private final ConfigRepository repository;

    private SshConfig(Path file, ConfigRepository repository) {
        this.file = file;
        this.repository = repository;
    }

    /** What {@code ssh} would read: {@value #FILE_ENV} if set, else {@code ~/.ssh/config} if it exists. */
    public static SshConfig fromEnvironment(Map<String, String> env) {
        String named = env.get(FILE_ENV);
        if ("none".equals(named)) {
            return NONE;
        }
        Path file = named != null ? Path.of(named) : Path.of(System.getProperty("user.home"), ".ssh", "config");
        return named != null || Files.isRegularFile(file) ? load(file) : NONE;
    }

    /** @throws UncheckedIOException when the file cannot be read */
    public static SshConfig load(Path file) {
        try {
            return new SshConfig(file, OpenSSHConfig.parseFile(file.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read ssh config " + file + ": " + e.getMessage(), e);
        }
    }

    /** The file read, or null when none is. */
    public Path file() {
        return file;
    }

    /** The values of the blocks matching {@code host} (the name given to ssh); null where none is set. */
    public Entry lookup(String host) {
        ConfigRepository.Config config = repository.getConfig(host);
        String[] identities = config.getValues("IdentityFile");
        return new Entry(config.getHostname(), config.getUser(), config.getPort() > 0 ? config.getPort() : null,
                identities != null && identities.length > 0 ? expandHome(identities[0]) : null,
                config.getValue("ProxyJump"));
    }

    private static Path expandHome(String path) {
        String home = System.getProperty("user.home");
        return Path.of(path.equals("~") ? home : path.startsWith("~/") ? home + path.substring(1) : path);
    }

    /** One host's settings from the config; each null when not set. */
    public record Entry(String hostName, String user, Integer port, Path identityFile, String proxyJump) {}
}
