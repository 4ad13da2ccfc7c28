package dev.rigger.testing;

import dev.rigger.core.transport.ConnectionSettings;
import dev.rigger.core.transport.HostKeyPolicy;
import java.nio.file.Path;
import org.testcontainers.containers.ContainerState;

/**
 * One lab host: a container running systemd and sshd with a fixed address on the lab network.
 * Rigger connects to {@link #ip()} port 22 directly (the bridge is routable from this machine),
 * which keeps the address stable across {@link Lab#stop}/{@link Lab#start} and makes
 * {@link Lab#disconnect} cut Rigger off too, as a real network fault would.
 */
public final class LabHost {
    private final String name;
    private final String ip;
    private final ContainerState container;
    private final Path privateKeyFile;
    private final Path knownHostsFile;

    LabHost(String name, String ip, ContainerState container, Path privateKeyFile, Path knownHostsFile) {
        this.name = name;
        this.ip = ip;
        this.container = container;
        this.privateKeyFile = privateKeyFile;
        this.knownHostsFile = knownHostsFile;
    }

    public String name() {
        return name;
    }

    /** Address on the lab network, reachable from this machine and from the other lab hosts. */
    public String ip() {
        return ip;
    }

    public String containerId() {
        return container.getContainerId();
    }

    /** The container as Testcontainers started it, or as found again by {@link Lab#attach}. */
    ContainerState container() {
        return container;
    }

    /** SSH as root with the lab's key, host key checked strictly against the lab's known_hosts. */
    public ConnectionSettings settings() {
        return ConnectionSettings.builder(name)
                .address(ip)
                .port(22)
                .user("root")
                .privateKeyFile(privateKeyFile)
                .knownHostsFile(knownHostsFile)
                .hostKeyPolicy(HostKeyPolicy.STRICT)
                .build();
    }

    @Override
    public String toString() {
        return name + "(" + ip + ")";
    }
}
