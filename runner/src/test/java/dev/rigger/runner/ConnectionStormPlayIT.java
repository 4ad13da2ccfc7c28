package dev.rigger.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rigger.runner.JarRuns.Run;
import dev.rigger.testing.Fleet;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A connection storm as a run meets it (issue 14): {@code rigger play --forks 240} (the built jar,
 * its own process) on an inventory of 240 hosts that connect at once, against sshd's default
 * {@code MaxStartups 10:30:100}. They are aliases of four sshd-only hosts, 60 each:
 * {@code MaxStartups} counts per sshd, so 60 simultaneous handshakes to one sshd are harsher than
 * 240 spread over 240 sshd. Another client holds four unauthenticated connections to each sshd for
 * the whole run (a second controller, a scanner), so sshd does drop some of the burst and the
 * retries are exercised, not only the handshake bound. No host may be UNREACHABLE; the run's time,
 * the retries the transport logged and the drops sshd logged are printed.
 *
 * <p>And retries never hide a host that is really not there: an address nobody answers on and a
 * port nobody listens on are UNREACHABLE within the connect timeout.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConnectionStormPlayIT {
    private static final int SSHDS = 4;
    private static final int HOSTS = 240;
    /** Unauthenticated connections another client keeps open to each sshd during the storm. */
    private static final int HELD_PER_SSHD = 4;
    private static final int CONNECT_TIMEOUT_MS = 10_000;
    private static final String PLAYBOOK = """
            - name: storm
              hosts: all
              gather_facts: false
              tasks:
                - name: who
                  command: hostname
            """;
    /** SshLink's debug line for a retry; the JVM's slf4j-simple shows it with this property. */
    private static final String SHOW_RETRIES = "-Dorg.slf4j.simpleLogger.log.dev.rigger.core.transport.SshLink=debug";
    private static final Pattern RETRY = Pattern.compile("^.*: (.*) \\(attempt \\d+ of \\d+\\), retrying in \\d+ ms$", Pattern.MULTILINE);

    @TempDir
    static Path tmp;
    private static Fleet fleet;
    private static Path playbook;

    @BeforeAll
    static void start() throws IOException {
        fleet = Fleet.builder().hosts(SSHDS).sshdOption("MaxStartups", "10:30:100").name("ConnectionStormPlayIT").start();
        playbook = Files.writeString(tmp.resolve("storm.yml"), PLAYBOOK);
    }

    @AfterAll
    static void stop() {
        if (fleet != null) fleet.close();
    }

    @Test
    @Order(1)
    void twoHundredFortyHostsOnFourSshdsConnectAtOnceWithoutOneUnreachable() throws Exception {
        StringBuilder inventory = new StringBuilder();
        for (int i = 1; i <= HOSTS; i++) {
            String sshd = fleet.hosts().get((i - 1) % SSHDS);
            inventory.append(String.format("        s%03d: {ansible_host: %s}%n", i, fleet.address(sshd)));
        }
        Map<String, Integer> dropsBefore = drops();
        List<Socket> held = holdUnauthenticated();
        Path log = tmp.resolve("storm.jsonl");
        Run run;
        long started = System.nanoTime();
        try {
            run = jar(inventory.toString()).play(SHOW_RETRIES, playbook, log, "--forks", Integer.toString(HOSTS));
        } finally {
            for (Socket s : held) s.close();
        }
        long tookMs = (System.nanoTime() - started) / 1_000_000;

        Map<String, Integer> retries = new TreeMap<>();
        Matcher m = RETRY.matcher(run.err());
        while (m.find()) retries.merge(m.group(1).replaceAll("\\d+", "#"), 1, Integer::sum);
        Map<String, Integer> dropsAfter = drops();
        int dropped = 0;
        for (String host : fleet.hosts()) dropped += dropsAfter.get(host) - dropsBefore.get(host);
        List<JsonNode> results = JarRuns.events(log).stream().filter(e -> e.get("event").asText().equals("host_result")).toList();
        System.out.printf("STORM %d inventory hosts on %d sshd (MaxStartups 10:30:100, %d more connections held open on each), --forks %d:"
                        + " %d ms whole process, %d retries %s, %d connections dropped by sshd, %d unreachable%n",
                HOSTS, SSHDS, HELD_PER_SSHD, HOSTS, tookMs, retries.values().stream().mapToInt(Integer::intValue).sum(), retries,
                dropped, results.stream().filter(r -> r.get("status").asText().equals("unreachable")).count());

        assertThat(results).as("one result per host").hasSize(HOSTS);
        for (JsonNode r : results) assertThat(r.get("status").asText()).as("%s: %s", r.get("host"), r.get("message")).isEqualTo("changed");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).containsPattern("s240 +: ok=1 +changed=1 +unreachable=0 +failed=0");
        assertThat(dropped).as("sshd really dropped part of the burst (else the retries went untested)").isPositive();
    }

    @Test
    @Order(2)
    void retriesNeverHideAHostThatIsNotThere() throws Exception {
        String live = fleet.address(fleet.hosts().get(0));
        String nobody = live.substring(0, live.lastIndexOf('.') + 1) + "200"; // in the fleet's network, no host there
        String inventory = "        ghost: {ansible_host: " + nobody + "}\n"
                + "        closed: {ansible_host: " + live + ", ansible_port: 2222}\n"
                + "        alive: {ansible_host: " + live + "}\n";
        Path log = tmp.resolve("bad.jsonl");
        Run run = jar(inventory).play(SHOW_RETRIES, playbook, log, "--forks", "3");

        for (String host : List.of("ghost", "closed")) {
            JsonNode r = JarRuns.hostResult(log, host, "who");
            System.out.printf("STORM %s: %s after %d ms: %s%n", host, r.get("status").asText(), r.get("duration_ms").asLong(),
                    r.get("message").asText());
            assertThat(r.get("status").asText()).isEqualTo("unreachable");
            assertThat(r.get("duration_ms").asLong()).as("%s reported within the connect timeout", host)
                    .isLessThanOrEqualTo(CONNECT_TIMEOUT_MS + 1_000);
        }
        assertThat(JarRuns.hostResult(log, "closed", "who").get("message").asText()).contains("connection refused");
        assertThat(JarRuns.hostResult(log, "alive", "who").get("status").asText()).isEqualTo("changed");
        assertThat(run.exitCode()).isEqualTo(4);
    }

    /** A run of the jar on the fleet's key and known hosts, with {@code hosts} (YAML lines) as its inventory. */
    private static JarRuns jar(String hosts) throws IOException {
        Path inventory = Files.createTempFile(tmp, "inventory", ".yml");
        Files.writeString(inventory, "all:\n  vars:\n"
                + "    ansible_user: root\n"
                + "    ansible_ssh_private_key_file: \"" + fleet.privateKeyFile() + "\"\n"
                + "    rigger_known_hosts_file: \"" + fleet.knownHostsFile() + "\"\n"
                + "  hosts:\n" + hosts);
        return new JarRuns(tmp, inventory);
    }

    /**
     * Connections that stay before authentication, as another client's would: each waits for sshd's
     * banner, so sshd counts it among its {@code MaxStartups} until its LoginGraceTime (120 s).
     */
    private static List<Socket> holdUnauthenticated() throws IOException {
        List<Socket> held = new ArrayList<>();
        for (String host : fleet.hosts()) {
            for (int i = 0; i < HELD_PER_SSHD; i++) {
                Socket s = new Socket();
                s.connect(new InetSocketAddress(fleet.address(host), 22), 5_000);
                s.setSoTimeout(5_000);
                assertThat(new String(s.getInputStream().readNBytes(4), java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("SSH-");
                held.add(s);
            }
        }
        return held;
    }

    /** Connections each sshd has dropped so far ({@code sshd -e} logs each to the container's output). */
    private static Map<String, Integer> drops() {
        Map<String, Integer> drops = new TreeMap<>();
        for (String host : fleet.hosts()) drops.put(host, fleet.dockerLogs(host).split("past MaxStartups", -1).length - 1);
        return drops;
    }
}
