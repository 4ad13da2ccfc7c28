package dev.rigger.modules.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rigger.core.executor.PlayRecap;
import dev.rigger.core.executor.PlaybookRun;
import dev.rigger.core.executor.RunEvent.HostResult;
import dev.rigger.core.executor.RunResult;
import dev.rigger.core.executor.Status;
import dev.rigger.core.inventory.Inventory;
import dev.rigger.core.loader.LoaderOptions;
import dev.rigger.core.loader.PlaybookLoader;
import dev.rigger.core.module.ModuleRegistry;
import dev.rigger.core.transport.Connection;
import dev.rigger.core.transport.Connections;
import dev.rigger.core.transport.ExecRequest;
import dev.rigger.core.transport.ExecResult;
import dev.rigger.testing.Lab;
import dev.rigger.testing.LabHosts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The differential proof of issue 13: corpus playbooks that run on Debian, run by Debian's own
 * {@code ansible-core} (installed on the host {@value #ANSIBLE}, which manages itself over a local
 * connection) and by Rigger (over ssh to the twin host {@value #RIGGER}), each twice (converge, then
 * idempotence). Both sides must report the same status for every task, the same PLAY RECAP counts,
 * and leave the same files and accounts behind.
 *
 * <p>Both inventories name the one host {@code twin} in every group the playbooks target, so
 * {@code inventory_hostname} renders the same on both sides. Ansible's results are read by a small
 * callback plugin (src/test/resources/ansible-differential/callback_plugins/rigger_record.py).
 */
@LabHosts({AnsibleDifferentialIT.ANSIBLE, AnsibleDifferentialIT.RIGGER})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AnsibleDifferentialIT {
    static final String ANSIBLE = "ansctl";
    static final String RIGGER = "rigtwin";
    private static final Path CORPUS = Path.of("src/test/resources/ansible-corpus");
    private static final Path PLUGINS = Path.of("src/test/resources/ansible-differential/callback_plugins");
    /** Where the corpus goes on the Ansible host. */
    private static final String REMOTE = "/root/corpus";
    /** The corpus playbooks that run on a bare Debian host (no nginx or haproxy, no network beyond the lab). */
    private static final List<String> PLAYBOOKS = List.of("03-with-dict.yml", "09-jinja-concat.yml", "10-methods.yml",
            "14-mode-octal.yml", "22-with-sequence.yml", "27-block-rescue.yml", "28-ternary-default.yml",
            "34-users-keys.yml", "37-when-complex.yml", "44-jinja-if-string.yml");
    private static final String GROUPS = "[webservers]\ntwin\n[dbservers]\ntwin\n[lb]\ntwin\n[monitoring]\ntwin\n";
    /** What the playbooks above leave on a host, compared between the twins. */
    private static final String FINGERPRINT = """
            for p in /srv/shop /srv/shop/logs /opt/app /opt/app/env /var/spool/q1 /var/spool/q2 /var/spool/q3 /var/spool/q4 \
                     /var/spool/q5 /etc/app.env; do
              if [ -e "$p" ]; then stat -c '%n %F %a %U:%G' "$p"; [ -f "$p" ] && sha256sum < "$p"; else echo "$p absent"; fi
            done
            for u in alice bob; do getent passwd "$u" | cut -d: -f1,5,6,7; echo "$u in: $(id -nG "$u" 2>&1)"; done
            getent group admins | cut -d: -f1,4
            """;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    @Order(1)
    void ansibleIsInstalledOnTheControllerHost(Lab lab) throws IOException {
        long started = System.nanoTime();
        lab.shell(ANSIBLE, "apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends ansible-core >/dev/null");
        System.out.printf("ansible-core installed in %.1f s: %s%n", (System.nanoTime() - started) / 1e9,
                lab.shell(ANSIBLE, "ansible-playbook --version | head -1").strip());
        upload(lab, CORPUS, REMOTE);
        upload(lab, PLUGINS, REMOTE + "/callback_plugins");
        lab.shell(ANSIBLE, "printf '%s' " + quote(GROUPS + "[all:vars]\nntpserver=pool.ntp.org\n"
                + "ansible_connection=local\nansible_python_interpreter=/usr/bin/python3\n") + " > " + REMOTE + "/twin.ini");
    }

    @Test
    @Order(2)
    void eachPlaybookConvergesAsAnsibleDoes(Lab lab) {
        ModuleRegistry modules = ModuleRegistry.load(getClass().getClassLoader());
        PlaybookLoader loader = new PlaybookLoader(modules, LoaderOptions.builder().displayRoot(CORPUS).build());
        Inventory inventory = Inventory.builder()
                .host("twin", Map.of("ntpserver", "pool.ntp.org"))
                .group("webservers", Map.of(), "twin").group("dbservers", Map.of(), "twin")
                .group("lb", Map.of(), "twin").group("monitoring", Map.of(), "twin")
                .build();
        List<String> table = new ArrayList<>();
        List<String> differences = new ArrayList<>();
        for (String playbook : PLAYBOOKS) {
            for (String pass : List.of("converge", "idempotence")) {
                Side ansible = ansible(lab, playbook);
                RunResult run = PlaybookRun.of(loader.load(CORPUS.resolve(playbook)).playbook())
                        .inventory(inventory)
                        .connector(host -> new Renamed(host, Connections.open(lab.host(RIGGER).settings())))
                        .execute();
                Side rigger = rigger(run, ansible);
                table.add(String.format("%-26s %-11s ansible %-48s rigger %s", playbook, pass, ansible.recap, rigger.recap));
                if (!ansible.equals(rigger)) differences.add(playbook + " (" + pass + "):\n  ansible " + ansible + "\n  rigger  " + rigger);
            }
            String ansibleFiles = lab.shell(ANSIBLE, FINGERPRINT);
            String riggerFiles = lab.shell(RIGGER, FINGERPRINT);
            if (!ansibleFiles.equals(riggerFiles)) {
                differences.add(playbook + " left different files:\n--- ansible\n" + ansibleFiles + "--- rigger\n" + riggerFiles);
            }
        }
        System.out.println("ansible-playbook vs rigger, recap of host twin per run:");
        table.forEach(line -> System.out.println("  " + line));
        differences.forEach(System.out::println);
        assertThat(differences).isEmpty();
    }

    /** What one side reported: each task's status in order, then the recap counts. */
    private record Side(List<String> tasks, String recap) {
        @Override
        public String toString() {
            return recap + " " + tasks;
        }
    }

    private static Side ansible(Lab lab, String playbook) {
        Lab.LabExec r = lab.exec(ANSIBLE, "sh", "-c", "cd " + REMOTE + " && LC_ALL=C.UTF-8 ANSIBLE_NOCOLOR=1"
                + " ANSIBLE_CALLBACK_PLUGINS=" + REMOTE + "/callback_plugins ANSIBLE_CALLBACKS_ENABLED=rigger_record"
                + " RIGGER_RECORD=/tmp/record.jsonl ansible-playbook -i twin.ini " + playbook);
        String record = lab.shell(ANSIBLE, "cat /tmp/record.jsonl");
        List<String> tasks = new ArrayList<>();
        String recap = null;
        try {
            for (String line : record.split("\n")) {
                if (line.isBlank()) continue;
                JsonNode n = JSON.readTree(line);
                if (n.has("recap")) {
                    recap = counts(n.get("ok").asInt(), n.get("changed").asInt(), n.get("failures").asInt(),
                            n.get("skipped").asInt(), n.get("rescued").asInt(), n.get("ignored").asInt());
                } else {
                    tasks.add(n.get("task").asText() + "=" + n.get("status").asText() + (n.has("msg") ? " " + n.get("msg").asText() : ""));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(recap).as("ansible-playbook %s printed no recap (exit %d): %s %s", playbook, r.exitCode(), r.stdout(), r.stderr()).isNotNull();
        return new Side(tasks, recap);
    }

    /**
     * Rigger's task results. The block's own RESCUED notice (why its rescue runs) is no task result
     * and Ansible has no such line; the recap compares the rescued count. A debug task's message is
     * added where Ansible's side has one for the same task and status.
     */
    private static Side rigger(RunResult run, Side ansible) {
        List<String> tasks = new ArrayList<>();
        for (HostResult r : run.hostResults()) {
            if (r.status() == Status.RESCUED) continue;
            String line = r.task() + "=" + r.status().label();
            // Messages are compared where Ansible recorded one (its debug tasks), at the same position.
            int at = tasks.size();
            if (at < ansible.tasks.size() && ansible.tasks.get(at).startsWith(line + " ")) {
                Object msg = r.registered() == null ? null : r.registered().get("msg");
                line += " " + (msg == null ? "(no msg)" : json(asAnsibleText(msg)));
            }
            tasks.add(line);
        }
        PlayRecap.Counts c = run.recap().of("twin");
        return new Side(tasks, counts(c.ok(), c.changed(), c.failed(), c.skipped(), c.rescued(), c.ignored()));
    }

    /**
     * The message as Ansible's non-native templating leaves it: a number becomes its text (Rigger
     * keeps the expression's type; docs/expressions.md "Values"), and the twin's host name reads as
     * the Ansible host's, since the two containers' names differ.
     */
    private static Object asAnsibleText(Object msg) {
        if (msg instanceof Number n) return n.toString();
        if (msg instanceof String s) return s.replace(RIGGER, ANSIBLE);
        return msg;
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String counts(int ok, int changed, int failed, int skipped, int rescued, int ignored) {
        return "ok=" + ok + " changed=" + changed + " failed=" + failed + " skipped=" + skipped + " rescued=" + rescued + " ignored=" + ignored;
    }

    /** Copies a folder's files to the Ansible host over ssh, one exec per file (the script on stdin, the content too). */
    private static void upload(Lab lab, Path from, String to) throws IOException {
        try (Connection c = Connections.open(lab.host(ANSIBLE).settings()); Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                String target = to + "/" + from.relativize(file).toString().replace('\\', '/');
                String dir = target.substring(0, target.lastIndexOf('/'));
                ExecResult r = c.exec(ExecRequest.of("mkdir -p " + quote(dir) + " && cat > " + quote(target)).withStdin(Files.readAllBytes(file)));
                assertThat(r.exitCode()).as("upload of %s: %s", file, r.stderr()).isZero();
            }
        }
    }

    private static String quote(String value) {
        return dev.rigger.core.transport.ShellQuote.quote(value);
    }

    /** The twin host's connection under the inventory's name, so results read "twin" on both sides. */
    private record Renamed(String hostName, Connection delegate) implements Connection {
        @Override public long execCount() { return delegate.execCount(); }
        @Override public void close() { delegate.close(); }
        @Override public ExecResult exec(ExecRequest request) { return delegate.exec(request); }
    }
}
