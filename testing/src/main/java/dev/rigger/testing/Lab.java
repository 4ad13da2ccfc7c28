package dev.rigger.testing;

import dev.rigger.testing.internal.LabTestcontainers;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Volume;
import dev.rigger.core.inventory.Inventory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;

/**
 * A set of Debian bookworm hosts running systemd and sshd on one private Docker network, with
 * stable names and addresses, root login by a key generated for this lab, and an
 * {@link Inventory} describing them. Drill helpers stop, start and cut hosts off the network.
 *
 * <pre>{@code
 * try (Lab lab = Lab.builder().hosts("web1", "web2").group("web", "web1", "web2").start()) {
 *     Inventory inventory = lab.inventory();
 *     lab.stop("web1");
 *     lab.await("web2 serves alone", Duration.ofSeconds(30), () -> ...);
 * }
 * }</pre>
 *
 * Containers carry labels naming this JVM; a lab that starts removes leftovers of JVMs that died
 * without closing theirs (Ryuk cannot run here, so nobody else would).
 *
 * <p>A {@linkplain Builder#detached detached} lab outlives its JVM (the {@code rigger lab} command
 * line starts one in one process and drills or removes it in later ones): it keeps its key,
 * known_hosts and a description of its containers in a folder, and {@link #attach} finds it again.
 */
public final class Lab implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Lab.class);
    static final String LABEL_LAB = "dev.rigger.lab";
    static final String LABEL_PID = "dev.rigger.lab.pid";
    static final String LABEL_MACHINE = "dev.rigger.lab.machine";
    /** On the containers of a detached lab instead of the JVM's pid: the folder that describes the lab. */
    public static final String LABEL_DETACHED = "dev.rigger.lab.detached";
    private static final String STATE_FILE = "lab.properties";
    // Generous: lab test classes run side by side (docs/lab.md) and a 2-core machine busy with
    // dpkg in other labs has been seen to need more than 90 s to boot systemd and sshd.
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(240);
    private static final int PAUSE_ATTEMPTS = 5;
    /**
     * Docker mounts /proc/sys read-only, but a real host can set its network sysctls (HAProxy on a
     * VIP backup needs net.ipv4.ip_nonlocal_bind). Those live in the container's own network
     * namespace, so making just /proc/sys/net writable touches nothing outside the container;
     * kernel-wide keys stay read-only.
     */
    private static final String WRITABLE_NET_SYSCTLS = "grep -q ' /proc/sys/net proc rw' /proc/mounts"
            + " || { mount --bind /proc/sys/net /proc/sys/net && mount -o remount,bind,rw /proc/sys/net; }";

    private final String id;
    private final String subnetPrefix;
    /** Null when the lab was {@linkplain #attach attached}: the network is then known by its id only. */
    private final Network network;
    private final String networkId;
    private final boolean detached;
    private final Path workDir;
    private final Path knownHostsFile;
    private final LabKeys keys;
    private final LabAptCache aptCache;
    private final Map<String, LabHost> hosts;
    private final Inventory inventory;
    /** Null for a detached or attached lab: it outlives this JVM. */
    private final Thread shutdownHook;
    private volatile boolean closed;

    private Lab(Builder b) {
        String image = LabImage.ensure();
        removeLeftovers();
        this.id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 8);
        this.aptCache = LabAptCache.fromEnvironment();
        this.detached = b.detachedDir != null;
        try {
            this.workDir = detached ? Files.createDirectories(b.detachedDir).toAbsolutePath() : Files.createTempDirectory("rigger-lab-" + id);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.knownHostsFile = workDir.resolve("known_hosts");
        this.keys = LabKeys.generate(workDir, "rigger-lab-" + id);
        var created = LabNetwork.create(id, detached ? workDir.toString() : null);
        this.network = created.network();
        this.networkId = network.getId();
        this.subnetPrefix = created.prefix();
        this.hosts = new LinkedHashMap<>();
        if (detached) {
            this.shutdownHook = null;
        } else {
            this.shutdownHook = new Thread(this::close, "rigger-lab-" + id + "-cleanup");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
        try {
            int index = 0;
            for (String name : b.hosts) {
                String ip = subnetPrefix + (11 + index++);
                hosts.put(name, new LabHost(name, ip, container(image, name, ip, b.labelName), keys.privateKeyFile(), knownHostsFile));
            }
            startAll();
            writeKnownHosts();
            this.inventory = buildInventory(b.groups);
            if (detached) writeState(b.groups);
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
        log.info("lab {} up: {}", id, hosts.values());
    }

    /** A detached lab found again in its folder; see {@link #attach}. */
    private Lab(Path dir, Properties state) {
        this.detached = true;
        this.workDir = dir;
        this.id = required(state, "id");
        this.subnetPrefix = required(state, "subnet");
        this.networkId = required(state, "network");
        this.network = null;
        this.aptCache = LabAptCache.fromEnvironment();
        this.knownHostsFile = dir.resolve("known_hosts");
        this.keys = new LabKeys(dir.resolve("id_ed25519"), null);
        this.shutdownHook = null;
        this.hosts = new LinkedHashMap<>();
        for (String name : required(state, "hosts").split(",")) {
            hosts.put(name, new LabHost(name, required(state, "host." + name + ".ip"),
                    new AttachedContainer(required(state, "host." + name + ".container")), keys.privateKeyFile(), knownHostsFile));
        }
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (String group : state.getProperty("groups", "").split(",")) {
            if (!group.isEmpty()) groups.put(group, List.of(required(state, "group." + group).split(",")));
        }
        this.inventory = buildInventory(groups);
    }

    /**
     * Finds a {@linkplain Builder#detached detached} lab again from the folder it was started with,
     * in this JVM or another; {@link #close} then removes it. Fails when the folder holds no lab.
     */
    public static Lab attach(Path dir) {
        Path file = dir.resolve(STATE_FILE);
        if (!Files.isRegularFile(file)) throw new IllegalStateException("no lab in " + dir + " (" + STATE_FILE + " is missing)");
        Properties state = new Properties();
        try (var in = Files.newBufferedReader(file)) {
            state.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        LabTestcontainers.keepContainersAfterExit();
        return new Lab(dir.toAbsolutePath(), state);
    }

    /**
     * Removes what a detached lab started with {@code dir} left, whether or not it came up whole
     * (a start interrupted before {@link Builder#detached}'s folder described the lab): the lab
     * when {@link #attach} finds it, then any container and network still labelled with the folder.
     * Returns how many containers were removed.
     */
    public static int removeDetached(Path dir) {
        Path absolute = dir.toAbsolutePath();
        int removed = 0;
        if (Files.isRegularFile(absolute.resolve(STATE_FILE))) {
            try (Lab lab = attach(absolute)) {
                removed = lab.hosts.size();
            }
        } else {
            LabTestcontainers.keepContainersAfterExit();
        }
        DockerClient docker = docker();
        Map<String, String> label = Map.of(LABEL_DETACHED, absolute.toString());
        for (Container c : docker.listContainersCmd().withShowAll(true).withLabelFilter(label).exec()) {
            docker.removeContainerCmd(c.getId()).withForce(true).withRemoveVolumes(true).exec();
            removed++;
        }
        for (var n : docker.listNetworksCmd().withFilter("label", List.of(LABEL_DETACHED + "=" + absolute)).exec()) {
            docker.removeNetworkCmd(n.getId()).exec();
        }
        deleteRecursively(absolute);
        return removed;
    }

    private static String required(Properties state, String key) {
        String value = state.getProperty(key);
        if (value == null || value.isBlank()) throw new IllegalStateException(STATE_FILE + " names no " + key);
        return value;
    }

    /** What {@link #attach} needs to find the lab again, written last so a folder holding it holds a whole lab. */
    private void writeState(Map<String, List<String>> groups) {
        Properties state = new Properties();
        state.setProperty("id", id);
        state.setProperty("subnet", subnetPrefix);
        state.setProperty("network", networkId);
        state.setProperty("hosts", String.join(",", hosts.keySet()));
        for (LabHost h : hosts.values()) {
            state.setProperty("host." + h.name() + ".ip", h.ip());
            state.setProperty("host." + h.name() + ".container", h.containerId());
        }
        state.setProperty("groups", String.join(",", groups.keySet()));
        groups.forEach((g, members) -> state.setProperty("group." + g, String.join(",", members)));
        try (var out = Files.newBufferedWriter(workDir.resolve(STATE_FILE))) {
            state.store(out, "rigger lab " + id + " (Lab.attach reads this)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Lab identifier; also in container names ({@code rigger-lab-ID-HOST}). */
    public String id() {
        return id;
    }

    /** The lab's hosts as an inventory: {@code ansible_host} = lab address, root, the lab's key. */
    public Inventory inventory() {
        return inventory;
    }

    public LabHost host(String name) {
        LabHost host = hosts.get(name);
        if (host == null) throw new IllegalArgumentException("no lab host '" + name + "'; the lab has " + hosts.keySet());
        return host;
    }

    public List<LabHost> hosts() {
        return List.copyOf(hosts.values());
    }

    public Path privateKeyFile() {
        return keys.privateKeyFile();
    }

    public Path knownHostsFile() {
        return knownHostsFile;
    }

    /**
     * Writes the lab's inventory as an Ansible YAML inventory file (for the {@code rigger} command
     * line or {@code ansible-playbook}) and returns its path; it is removed with the lab.
     */
    public Path writeInventory() {
        StringBuilder yaml = new StringBuilder("all:\n  hosts:\n");
        for (LabHost h : hosts.values()) {
            yaml.append("    ").append(h.name()).append(":\n");
            inventory.varsOf(h.name()).forEach((k, v) -> yaml.append("      ").append(k).append(": \"").append(v).append("\"\n"));
        }
        yaml.append("  children:\n");
        for (var g : inventory.groups().values()) {
            if (g.name().equals(Inventory.ALL) || g.name().equals(Inventory.UNGROUPED) || g.hosts().isEmpty()) continue;
            yaml.append("    ").append(g.name()).append(":\n      hosts:\n");
            for (String member : g.hosts()) yaml.append("        ").append(member).append(":\n");
        }
        Path file = workDir.resolve("hosts.yml");
        try {
            Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** A free address on the lab network for virtual IPs: {@code n} from 1 to 40 gives .201 to .240. */
    public String spareAddress(int n) {
        if (n < 1 || n > 40) throw new IllegalArgumentException("spare addresses are numbered 1..40");
        return subnetPrefix + (200 + n);
    }

    /** The lab network in CIDR notation. */
    public String subnet() {
        return subnetPrefix + "0/24";
    }

    /**
     * Runs a command in the host through Docker, not through Rigger: the independent view tests
     * use to check what Rigger did.
     */
    public LabExec exec(String host, String... command) {
        try {
            var r = host(host).container().execInContainer(command);
            return new LabExec(r.getExitCode(), r.getStdout(), r.getStderr());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Runs a shell snippet through Docker and returns its stdout; fails the test if it exits non-zero. */
    public String shell(String host, String script) {
        LabExec r = exec(host, "sh", "-c", script);
        if (r.exitCode() != 0) {
            throw new AssertionError("on " + host + ": `" + script + "` exited " + r.exitCode() + ": " + r.stderr().strip());
        }
        return r.stdout();
    }

    /** Stops the host as a clean shutdown does (systemd gets SIGRTMIN+3). */
    public void stop(String host) {
        docker().stopContainerCmd(host(host).containerId()).withTimeout(20).exec();
    }

    /** Kills the host at once, like pulling the power cord. */
    public void kill(String host) {
        docker().killContainerCmd(host(host).containerId()).exec();
    }

    /** Starts a stopped host and waits until systemd and sshd are up again. Address and keys stay. */
    public void start(String host) {
        docker().startContainerCmd(host(host).containerId()).exec();
        waitUntilBooted(host(host));
    }

    /**
     * Freezes every process of the host ({@code docker pause}): it hangs as a host whose kernel
     * stalls, with its connections open and silent. On a loaded machine the freeze can fail
     * ("unable to freeze"), so it is tried up to five times until Docker reports the host paused;
     * when this returns, the host is frozen, so a test's clock may start.
     */
    public void pause(String host) {
        String id = host(host).containerId();
        RuntimeException last = null;
        for (int attempt = 1; attempt <= PAUSE_ATTEMPTS; attempt++) {
            try {
                docker().pauseContainerCmd(id).exec();
            } catch (RuntimeException e) {
                last = e;
                log.info("docker pause {} failed (attempt {} of {}): {}", host, attempt, PAUSE_ATTEMPTS, e.getMessage());
            }
            if (paused(id)) return;
            sleep(500);
        }
        throw new AssertionError("could not freeze " + host + " with docker pause in " + PAUSE_ATTEMPTS + " attempts"
                + (last != null ? ": " + last.getMessage() : ""), last);
    }

    /** Thaws a host frozen by {@link #pause}; its processes go on where they stopped. Does nothing if it is not paused. */
    public void unpause(String host) {
        String id = host(host).containerId();
        if (paused(id)) docker().unpauseContainerCmd(id).exec();
        if (paused(id)) throw new AssertionError("docker unpause left " + host + " paused");
    }

    private static boolean paused(String containerId) {
        return Boolean.TRUE.equals(docker().inspectContainerCmd(containerId).exec().getState().getPaused());
    }

    /** Cuts the host off the lab network: neither the other hosts nor Rigger can reach it. */
    public void disconnect(String host) {
        docker().disconnectFromNetworkCmd().withNetworkId(networkId).withContainerId(host(host).containerId()).withForce(true).exec();
    }

    /** Puts a disconnected host back on the lab network with its old address and name. */
    public void reconnect(String host) {
        LabHost h = host(host);
        docker().connectToNetworkCmd().withNetworkId(networkId).withContainerId(h.containerId())
                .withContainerNetwork(new ContainerNetwork()
                        .withIpamConfig(new ContainerNetwork.Ipam().withIpv4Address(h.ip()))
                        .withAliases(h.name()))
                .exec();
    }

    /**
     * Polls {@code condition} every 250 ms until it holds; fails with the description, the time
     * waited and the last exception the condition threw, if any.
     */
    public void await(String description, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Throwable last = null;
        while (true) {
            try {
                if (condition.getAsBoolean()) return;
                last = null;
            } catch (RuntimeException | AssertionError e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting until " + description
                        + (last != null ? "; last check failed: " + last.getMessage() : ""), last);
            }
            sleep(250);
        }
    }

    /**
     * Removes every container, the network and the key files (for a detached lab: its folder);
     * harvests downloaded .debs first.
     */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // Called from the hook itself: nothing to remove.
            }
        }
        int harvested = 0;
        for (LabHost h : hosts.values()) {
            var c = h.container();
            try {
                if (c.getContainerId() != null && c.isRunning()) harvested += aptCache.harvest(c);
            } catch (RuntimeException e) {
                log.warn("could not harvest apt downloads from {}: {}", h.name(), e.getMessage());
            }
            try {
                if (c instanceof GenericContainer<?> started) {
                    started.stop();
                } else {
                    docker().removeContainerCmd(c.getContainerId()).withForce(true).withRemoveVolumes(true).exec();
                }
            } catch (com.github.dockerjava.api.exception.NotFoundException gone) {
                // Removed by hand already: nothing left to do.
            } catch (RuntimeException e) {
                log.warn("could not remove lab container {}: {}", h.name(), e.getMessage());
            }
        }
        try {
            if (network != null) network.close();
            else docker().removeNetworkCmd(networkId).exec();
        } catch (com.github.dockerjava.api.exception.NotFoundException gone) {
            // Removed by hand already.
        } catch (RuntimeException e) {
            log.warn("could not remove lab network: {}", e.getMessage());
        }
        deleteRecursively(workDir);
        log.info("lab {} removed ({} new .debs cached in {})", id, harvested, aptCache.dir());
    }

    private GenericContainer<?> container(String image, String name, String ip, String labelName) {
        @SuppressWarnings("resource") // closed in close()
        GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(image))
                .withImagePullPolicy(imageName -> false) // built locally; there is no registry to pull from
                .withNetwork(network)
                .withNetworkAliases(name)
                .withLabel(LABEL_LAB, id)
                // A detached lab outlives this JVM: no pid, or the next lab would remove it as a leftover.
                .withLabel(detached ? LABEL_DETACHED : LABEL_PID, detached ? workDir.toString() : Long.toString(ProcessHandle.current().pid()))
                .withLabel(LABEL_MACHINE, machineName())
                .withLabel("dev.rigger.lab.test", labelName)
                .withTmpFs(Map.of("/run", "", "/run/lock", ""))
                .withFileSystemBind(aptCache.dir().toString(), LabAptCache.MOUNT, BindMode.READ_ONLY)
                .withCopyToContainer(Transferable.of(keys.publicKeyLine() + "\n", 0600), "/root/.ssh/authorized_keys")
                .withStartupAttempts(1)
                .withCreateContainerCmdModifier(cmd -> {
                    cmd.withName("rigger-lab-" + id + "-" + name).withHostName(name).withIpv4Address(ip);
                    // --privileged fails in this sandbox (no CAP_SYS_RESOURCE); these are enough for systemd.
                    cmd.getHostConfig()
                            .withCapAdd(Capability.SYS_ADMIN, Capability.NET_ADMIN)
                            .withSecurityOpts(List.of("seccomp=unconfined", "apparmor=unconfined"))
                            .withCgroupnsMode("host");
                    List<Bind> binds = new ArrayList<>(List.of(cmd.getHostConfig().getBinds() == null
                            ? new Bind[0] : cmd.getHostConfig().getBinds()));
                    binds.add(new Bind("/sys/fs/cgroup", new Volume("/sys/fs/cgroup"), com.github.dockerjava.api.model.AccessMode.ro));
                    cmd.getHostConfig().withBinds(binds);
                });
        return c;
    }

    private void startAll() {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(hosts.size(), 8));
        try {
            List<Future<?>> started = new ArrayList<>();
            for (LabHost h : hosts.values()) {
                started.add(pool.submit(() -> {
                    ((GenericContainer<?>) h.container()).start();
                    waitUntilBooted(h);
                    return null;
                }));
            }
            for (Future<?> f : started) f.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the lab", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private void waitUntilBooted(LabHost h) {
        await(h.name() + " has booted with sshd running", BOOT_TIMEOUT, () -> {
            LabExec state = exec(h.name(), "systemctl", "is-system-running");
            String s = state.stdout().strip();
            if (!s.equals("running") && !s.equals("degraded")) return false;
            return exec(h.name(), "systemctl", "is-active", "--quiet", "ssh").exitCode() == 0;
        });
        shell(h.name(), LabAptCache.seedScript());
        shell(h.name(), WRITABLE_NET_SYSCTLS);
    }

    private void writeKnownHosts() {
        StringBuilder lines = new StringBuilder();
        for (LabHost h : hosts.values()) {
            for (String type : List.of("ed25519", "ecdsa", "rsa")) {
                String pub = shell(h.name(), "cat /etc/ssh/ssh_host_" + type + "_key.pub").strip();
                String[] parts = pub.split("\\s+");
                lines.append(h.ip()).append(' ').append(parts[0]).append(' ').append(parts[1]).append('\n');
            }
        }
        try {
            Files.writeString(knownHostsFile, lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Inventory buildInventory(Map<String, List<String>> groups) {
        Inventory.Builder b = Inventory.builder();
        for (LabHost h : hosts.values()) {
            Map<String, Object> vars = new LinkedHashMap<>();
            vars.put("ansible_host", h.ip());
            vars.put("ansible_port", 22);
            vars.put("ansible_user", "root");
            vars.put("ansible_ssh_private_key_file", keys.privateKeyFile().toString());
            vars.put("rigger_known_hosts_file", knownHostsFile.toString());
            vars.put("lab_ip", h.ip());
            b.host(h.name(), vars);
        }
        groups.forEach((group, members) -> {
            for (String m : members) host(m); // fails early on a typo in a group's member list
            b.group(group, Map.of(), members.toArray(String[]::new));
        });
        return b.build();
    }

    /** Removes containers and networks of labs whose JVM on this machine is gone. */
    private static void removeLeftovers() {
        DockerClient docker = docker();
        String machine = machineName();
        List<Container> stale = docker.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(LABEL_MACHINE, machine)).exec().stream()
                .filter(c -> {
                    String pid = c.getLabels().get(LABEL_PID);
                    return pid != null && ProcessHandle.of(Long.parseLong(pid)).isEmpty();
                })
                .toList();
        for (Container c : stale) {
            log.info("removing leftover lab container {}", String.join(",", c.getNames()));
            docker.removeContainerCmd(c.getId()).withForce(true).withRemoveVolumes(true).exec();
        }
        LabNetwork.removeUnused(docker);
    }

    static String machineName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    static DockerClient docker() {
        return DockerClientFactory.instance().client();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            log.warn("could not delete {}: {}", dir, e.getMessage());
        }
    }

    /** Result of {@link #exec}: exit code and output of a command run through Docker. */
    public record LabExec(int exitCode, String stdout, String stderr) {}

    /** Describes a lab before it starts. */
    public static final class Builder {
        private final List<String> hosts = new ArrayList<>();
        private final Map<String, List<String>> groups = new LinkedHashMap<>();
        private String labelName = "lab";
        private Path detachedDir;

        private Builder() {}

        public Builder hosts(String... names) {
            for (String n : names) {
                if (!n.matches("[a-z][a-z0-9-]{0,40}")) {
                    throw new IllegalArgumentException("lab host names are lowercase DNS labels, got '" + n + "'");
                }
                if (hosts.contains(n)) throw new IllegalArgumentException("lab host '" + n + "' given twice");
                hosts.add(n);
            }
            return this;
        }

        public Builder group(String group, String... members) {
            groups.computeIfAbsent(group, g -> new ArrayList<>()).addAll(List.of(members));
            return this;
        }

        /** A label for the containers (the test class name), to tell labs apart in {@code docker ps}. */
        public Builder name(String name) {
            this.labelName = name;
            return this;
        }

        /**
         * The lab outlives this JVM until {@code Lab.attach(dir).close()}: no shutdown hook, and
         * other labs do not take it for a leftover. Its key, known_hosts and what {@link #attach}
         * reads go into {@code dir}, which must not exist yet or be empty ({@link #close} deletes it).
         * Call it before any other use of Testcontainers in this JVM.
         */
        public Builder detached(Path dir) {
            try (Stream<Path> entries = Files.isDirectory(dir) ? Files.list(dir) : Stream.empty()) {
                if (entries.findAny().isPresent()) throw new IllegalArgumentException("a detached lab needs an empty folder, " + dir + " is not");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            this.detachedDir = dir;
            return this;
        }

        public Lab start() {
            if (hosts.isEmpty()) throw new IllegalArgumentException("a lab needs at least one host");
            if (hosts.size() > 150) throw new IllegalArgumentException("a lab holds at most 150 hosts");
            if (detachedDir != null) LabTestcontainers.keepContainersAfterExit();
            LabTestcontainers.configure();
            return new Lab(this);
        }
    }
}
