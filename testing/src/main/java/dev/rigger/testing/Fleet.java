package dev.rigger.testing;

import dev.rigger.testing.internal.LabTestcontainers;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Network;
import dev.rigger.core.inventory.Inventory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * Many lightweight hosts: containers running only sshd (no systemd), for benchmarks and connection
 * storms where a {@link Lab}'s systemd hosts would not fit by the hundred. Each host is root-login
 * by a key generated for this fleet, on one private network large enough for 900 hosts; the
 * fleet's inventory names them {@code h001}, {@code h002}, ... in group {@code fleet}.
 *
 * <pre>{@code
 * try (Fleet fleet = Fleet.builder().hosts(250).sshdOption("MaxStartups", "10:30:100").start()) {
 *     Path inventory = fleet.writeInventory();
 * }
 * }</pre>
 *
 * A fleet host has a POSIX shell, coreutils, useradd and sshd as the lab image has them, but no
 * init: services, apt installs and reboots belong in a {@link Lab}. All hosts share one host key
 * (baked into the fleet image), so their known_hosts lines differ only by address.
 * Containers carry the lab's labels, so a later lab or fleet removes them if this JVM dies.
 */
public final class Fleet implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Fleet.class);
    /** Hosts get addresses .0.10 to .3.250 of a /22: room for 900. */
    public static final int MAX_HOSTS = 900;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final int DOCKER_THREADS = 8;

    private final String id;
    private final String networkId;
    private final Path workDir;
    private final LabKeys keys;
    private final Path knownHostsFile;
    private final Map<String, String> addresses = new LinkedHashMap<>();
    private final List<String> containerIds = new ArrayList<>();
    private final Thread shutdownHook;
    private final Inventory inventory;
    private volatile boolean closed;

    private Fleet(Builder b) {
        String image = FleetImage.ensure();
        this.id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 8);
        try {
            this.workDir = Files.createTempDirectory("rigger-fleet-" + id);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.keys = LabKeys.generate(workDir, "rigger-fleet-" + id);
        this.knownHostsFile = workDir.resolve("known_hosts");
        this.shutdownHook = new Thread(this::close, "rigger-fleet-" + id + "-cleanup");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        String created = null;
        try {
            var net = createNetwork();
            created = net.getKey();
            int third = net.getValue();
            for (int i = 0; i < b.hosts; i++) {
                // 10.X.Y.10 .. : skip .0-.9 of the first /24 (gateway) and keep clear of .255 in each /24.
                int n = i + 10;
                int block = n / 250;
                int last = n % 250 + (block == 0 ? 0 : 1);
                addresses.put(String.format("h%03d", i + 1), "10.214." + (third + block) + "." + last);
            }
            this.networkId = created;
            startAll(image, b);
            writeKnownHosts(image);
            this.inventory = buildInventory();
        } catch (RuntimeException | Error e) {
            close(created);
            throw e;
        }
        log.info("fleet {} up: {} hosts", id, addresses.size());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Host names in order ({@code h001}...). */
    public List<String> hosts() {
        return List.copyOf(addresses.keySet());
    }

    public String address(String host) {
        String ip = addresses.get(host);
        if (ip == null) throw new IllegalArgumentException("no fleet host '" + host + "'");
        return ip;
    }

    /** The fleet as an inventory: {@code ansible_host} = address, root, the fleet's key; all in group {@code fleet}. */
    public Inventory inventory() {
        return inventory;
    }

    public Path privateKeyFile() {
        return keys.privateKeyFile();
    }

    public Path knownHostsFile() {
        return knownHostsFile;
    }

    /** Writes the inventory as an Ansible YAML inventory file (removed with the fleet) and returns its path. */
    public Path writeInventory() {
        StringBuilder yaml = new StringBuilder("all:\n  vars:\n")
                .append("    ansible_user: root\n")
                .append("    ansible_ssh_private_key_file: \"").append(keys.privateKeyFile()).append("\"\n")
                .append("    rigger_known_hosts_file: \"").append(knownHostsFile).append("\"\n")
                .append("  children:\n    fleet:\n      hosts:\n");
        addresses.forEach((name, ip) -> yaml.append("        ").append(name).append(": {ansible_host: ").append(ip).append("}\n"));
        Path file = workDir.resolve("fleet.yml");
        try {
            Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** Runs a shell snippet on the host through Docker (not through Rigger) and returns stdout; fails if it exits non-zero. */
    public String shell(String host, String script) {
        return FleetImage.exec(containerId(host), script);
    }

    /** What the host's sshd has logged so far ({@code sshd -e} logs to the container's output). */
    public String dockerLogs(String host) {
        var text = new StringBuilder();
        try {
            Lab.docker().logContainerCmd(containerId(host)).withStdOut(true).withStdErr(true)
                    .exec(new com.github.dockerjava.api.async.ResultCallback.Adapter<com.github.dockerjava.api.model.Frame>() {
                        @Override
                        public void onNext(com.github.dockerjava.api.model.Frame frame) {
                            synchronized (text) {
                                text.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                            }
                        }
                    }).awaitCompletion();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        synchronized (text) {
            return text.toString();
        }
    }

    private String containerId(String host) {
        int index = new ArrayList<>(addresses.keySet()).indexOf(host);
        if (index < 0) throw new IllegalArgumentException("no fleet host '" + host + "'");
        return containerIds.get(index);
    }

    @Override
    public void close() {
        close(networkId);
    }

    private synchronized void close(String network) {
        if (closed) return;
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // Called from the hook itself.
        }
        long started = System.nanoTime();
        parallel(containerIds, cid -> {
            try {
                Lab.docker().removeContainerCmd(cid).withForce(true).withRemoveVolumes(true).exec();
            } catch (NotFoundException gone) {
                // Already removed.
            } catch (RuntimeException e) {
                log.warn("could not remove fleet container {}: {}", cid, e.getMessage());
            }
        });
        if (network != null) {
            try {
                Lab.docker().removeNetworkCmd(network).exec();
            } catch (RuntimeException e) {
                log.warn("could not remove fleet network: {}", e.getMessage());
            }
        }
        try (Stream<Path> walk = Files.walk(workDir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            log.warn("could not delete {}: {}", workDir, e.getMessage());
        }
        log.info("fleet {} removed ({} containers) in {} ms", id, containerIds.size(), (System.nanoTime() - started) / 1_000_000);
    }

    /** A /22 in 10.214.0.0/16, drawn again when it overlaps a network that exists. */
    private Map.Entry<String, Integer> createNetwork() {
        RuntimeException last = null;
        for (int attempt = 0; attempt < 10; attempt++) {
            int third = ThreadLocalRandom.current().nextInt(0, 63) * 4;
            try {
                String nid = Lab.docker().createNetworkCmd()
                        .withName("rigger-fleet-" + id)
                        .withLabels(Map.of(LabNetwork.LABEL, id, "dev.rigger.lab.network.pid", Long.toString(ProcessHandle.current().pid())))
                        .withIpam(new Network.Ipam().withConfig(new Network.Ipam.Config()
                                .withSubnet("10.214." + third + ".0/22").withGateway("10.214." + third + ".1")))
                        .exec().getId();
                return Map.entry(nid, third);
            } catch (RuntimeException e) {
                last = e;
            }
        }
        throw new IllegalStateException("could not create a fleet network in 10.214.0.0/16", last);
    }

    private void startAll(String image, Builder b) {
        List<String> sshdArgs = new ArrayList<>(List.of("/usr/sbin/sshd", "-D", "-e"));
        b.sshdOptions.forEach((k, v) -> sshdArgs.addAll(List.of("-o", k + "=" + v)));
        // The key arrives in the environment: one create call per host, no copy step.
        String command = "printf '%s\\n' \"$FLEET_KEY\" > /root/.ssh/authorized_keys && exec \"$@\"";
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", command, "sshd"));
        cmd.addAll(sshdArgs);
        long started = System.nanoTime();
        DockerClient docker = Lab.docker();
        List<String> names = new ArrayList<>(addresses.keySet());
        for (String name : names) containerIds.add(null);
        List<Integer> indexes = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) indexes.add(i);
        parallel(indexes, i -> {
            String name = names.get(i);
            String cid = docker.createContainerCmd(image)
                    .withName("rigger-fleet-" + id + "-" + name)
                    .withHostName(name)
                    .withEntrypoint(List.of())
                    .withCmd(cmd)
                    .withEnv("FLEET_KEY=" + keys.publicKeyLine())
                    .withLabels(Map.of(Lab.LABEL_LAB, id, Lab.LABEL_PID, Long.toString(ProcessHandle.current().pid()),
                            Lab.LABEL_MACHINE, Lab.machineName(), "dev.rigger.lab.test", b.labelName))
                    .withHostConfig(HostConfig.newHostConfig().withNetworkMode(networkIdForCreate()))
                    .withIpv4Address(addresses.get(name))
                    .exec().getId();
            synchronized (containerIds) {
                containerIds.set(i, cid);
            }
            docker.startContainerCmd(cid).exec();
        });
        log.info("fleet {}: {} containers started in {} ms", id, names.size(), (System.nanoTime() - started) / 1_000_000);
        parallel(names, name -> awaitSshd(addresses.get(name)));
        log.info("fleet {}: every sshd answers after {} ms", id, (System.nanoTime() - started) / 1_000_000);
    }

    private String networkIdForCreate() {
        return "rigger-fleet-" + id;
    }

    /** Waits until sshd sends its banner: it is then ready for a handshake. */
    private static void awaitSshd(String ip) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(ip, 22), 2000);
                s.setSoTimeout(5000);
                InputStream in = s.getInputStream();
                byte[] banner = new byte[4];
                if (in.readNBytes(banner, 0, 4) == 4 && new String(banner, StandardCharsets.US_ASCII).equals("SSH-")) return;
            } catch (IOException e) {
                last = e;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        throw new IllegalStateException("sshd at " + ip + ":22 did not answer within " + START_TIMEOUT.toSeconds() + " s"
                + (last != null ? ": " + last.getMessage() : ""));
    }

    private void writeKnownHosts(String image) {
        String[] key = FleetImage.hostKey(image).strip().split("\\s+");
        StringBuilder lines = new StringBuilder();
        for (String ip : addresses.values()) lines.append(ip).append(' ').append(key[0]).append(' ').append(key[1]).append('\n');
        try {
            Files.writeString(knownHostsFile, lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Inventory buildInventory() {
        Inventory.Builder b = Inventory.builder();
        addresses.forEach((name, ip) -> {
            Map<String, Object> vars = new LinkedHashMap<>();
            vars.put("ansible_host", ip);
            vars.put("ansible_port", 22);
            vars.put("ansible_user", "root");
            vars.put("ansible_ssh_private_key_file", keys.privateKeyFile().toString());
            vars.put("rigger_known_hosts_file", knownHostsFile.toString());
            b.host(name, vars);
        });
        b.group("fleet", Map.of(), addresses.keySet().toArray(String[]::new));
        return b.build();
    }

    private static <T> void parallel(List<T> items, java.util.function.Consumer<T> work) {
        if (items.isEmpty()) return;
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(items.size(), DOCKER_THREADS));
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (T item : items) futures.add(pool.submit(() -> work.accept(item)));
            for (Future<?> f : futures) f.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Describes a fleet before it starts. */
    public static final class Builder {
        private int hosts = 1;
        private final Map<String, String> sshdOptions = new LinkedHashMap<>();
        private String labelName = "fleet";

        private Builder() {}

        public Builder hosts(int count) {
            if (count < 1 || count > MAX_HOSTS) throw new IllegalArgumentException("a fleet holds 1 to " + MAX_HOSTS + " hosts, got " + count);
            this.hosts = count;
            return this;
        }

        /** An sshd option for every host, as {@code sshd -o NAME=VALUE} (e.g. {@code MaxStartups}, {@code 3:100:3}). */
        public Builder sshdOption(String name, String value) {
            if (!name.matches("[A-Za-z]+") || value.isBlank()) throw new IllegalArgumentException("bad sshd option " + name + "=" + value);
            sshdOptions.put(name, value);
            return this;
        }

        /** A label for the containers (the test class name), to tell fleets apart in {@code docker ps}. */
        public Builder name(String name) {
            this.labelName = name;
            return this;
        }

        public Fleet start() {
            LabTestcontainers.configure();
            return new Fleet(this);
        }
    }

    /** The fleet image: the lab image plus one ed25519 host key and sshd as the command. */
    static final class FleetImage {
        private static final Object LOCK = new Object();

        private FleetImage() {}

        static String ensure() {
            String base = LabImage.ensure();
            String name = "rigger-lab/fleet-sshd:" + LabImage.recipeHash();
            synchronized (LOCK) {
                try {
                    Lab.docker().inspectImageCmd(name).exec();
                    return name;
                } catch (NotFoundException missing) {
                    // Built below: a few seconds, no network (the base is local).
                }
                new ImageFromDockerfile(name, false).withDockerfileFromBuilder(d -> d
                        .from(base)
                        .run("ssh-keygen -q -t ed25519 -N '' -f /etc/ssh/ssh_host_ed25519_key"
                                + " && printf 'HostKey /etc/ssh/ssh_host_ed25519_key\\nUsePAM no\\n' > /etc/ssh/sshd_config.d/fleet.conf"
                                + " && mkdir -p /run/sshd && chmod 0755 /run/sshd")
                        .cmd("/usr/sbin/sshd", "-D", "-e")
                        .build()).get();
                return name;
            }
        }

        static String hostKey(String image) {
            String cid = Lab.docker().createContainerCmd(image).withEntrypoint(List.of()).withCmd("sleep", "60").exec().getId();
            try {
                Lab.docker().startContainerCmd(cid).exec();
                return exec(cid, "cat /etc/ssh/ssh_host_ed25519_key.pub");
            } finally {
                Lab.docker().removeContainerCmd(cid).withForce(true).exec();
            }
        }

        static String exec(String containerId, String script) {
            var docker = Lab.docker();
            String execId = docker.execCreateCmd(containerId).withCmd("sh", "-c", script)
                    .withAttachStdout(true).withAttachStderr(true).exec().getId();
            var out = new java.io.ByteArrayOutputStream();
            var err = new java.io.ByteArrayOutputStream();
            try {
                docker.execStartCmd(execId).exec(new com.github.dockerjava.api.async.ResultCallback.Adapter<com.github.dockerjava.api.model.Frame>() {
                    @Override
                    public void onNext(com.github.dockerjava.api.model.Frame frame) {
                        (frame.getStreamType() == com.github.dockerjava.api.model.StreamType.STDERR ? err : out).writeBytes(frame.getPayload());
                    }
                }).awaitCompletion();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            Long code = docker.inspectExecCmd(execId).exec().getExitCodeLong();
            if (code == null || code != 0) {
                throw new AssertionError("in container " + containerId + ": `" + script + "` exited " + code + ": " + err.toString(StandardCharsets.UTF_8).strip());
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }
}
